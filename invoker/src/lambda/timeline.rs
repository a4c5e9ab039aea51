//! The timeline: each execution environment of a function over virtual time.
//!
//! Concurrency is easier to see than to compute. The timeline draws one row per environment and
//! one column per slice of time: when it was initialised, busy, idle (frozen) and shut down. Count
//! the `B`s in a column and you have the concurrency at that moment, which is what Little's law
//! predicts: requests per second × average duration.
//!
//! ```text
//! timeline of orders, one column = 100 ms, +00:00:00.000 to +00:00:01.000
//! $LATEST env 1  IBBB..BBB.
//! $LATEST env 2   IIBBB....
//! most busy at once: 2
//! I init  B busy  . idle (frozen)  x shut down  (blank: not there)
//! ```

use crate::base::clock;
use std::fmt::Write;
use std::time::Duration;

/// What happened to one environment.
#[derive(Debug)]
struct History {
    function: String,
    version: String,
    number: u32,
    created: Duration,
    ready: Option<Duration>,
    busy: Vec<(Duration, Duration)>,
    ended: Option<Duration>,
}

/// The histories of every environment, in order of creation.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
    environments: Vec<History>,
}

impl Timeline {
    /// Records a new environment; returns its index for the later calls.
    pub(crate) fn created(
        &mut self,
        function: &str,
        version: &str,
        number: u32,
        at: Duration,
    ) -> usize {
        self.environments.push(History {
            function: function.to_owned(),
            version: version.to_owned(),
            number,
            created: at,
            ready: None,
            busy: Vec::new(),
            ended: None,
        });
        self.environments.len() - 1
    }

    /// Its Init phase ended.
    pub(crate) fn ready(&mut self, index: usize, at: Duration) {
        if let Some(history) = self.environments.get_mut(index) {
            history.ready = Some(at);
        }
    }

    /// It ran an invocation from `from` to `to`.
    pub(crate) fn busy(&mut self, index: usize, from: Duration, to: Duration) {
        if let Some(history) = self.environments.get_mut(index) {
            history.busy.push((from, to));
        }
    }

    /// It was shut down or discarded.
    pub(crate) fn ended(&mut self, index: usize, at: Duration) {
        if let Some(history) = self.environments.get_mut(index) {
            history.ended = Some(at);
        }
    }

    /// Draws the environments of `function` from the start of the scenario to `now`.
    pub(crate) fn render(&self, function: &str, column: Duration, now: Duration) -> String {
        let grid = self.grid(function, column, now);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "timeline of {function}, one column = {} ms, {} to {}",
            grid.column.as_millis(),
            clock::transcript_offset(Duration::ZERO),
            clock::transcript_offset(now)
        );
        let labels: Vec<String> = grid.rows.iter().map(|row| row.label()).collect();
        let width = labels.iter().map(String::len).max().unwrap_or(0);
        for (row, label) in grid.rows.iter().zip(&labels) {
            let cells: String = row.cells.iter().collect();
            let _ = writeln!(out, "{label:width$}  {}", cells.trim_end());
        }
        let _ = writeln!(out, "most busy at once: {}", grid.most_at_once());
        let _ = writeln!(
            out,
            "I init  B busy  . idle (frozen)  x shut down  (blank: not there)"
        );
        out
    }

    /// The cells of every environment of `function`, one per `column` from 0 to `now`: what
    /// both pictures, text and SVG, draw.
    fn grid(&self, function: &str, column: Duration, now: Duration) -> Grid<'_> {
        let column = column.max(Duration::from_millis(1));
        let columns = (now.as_nanos().div_ceil(column.as_nanos())).max(1) as usize;
        let rows = self
            .environments
            .iter()
            .filter(|h| h.function == function)
            .map(|history| Row {
                history,
                cells: (0..columns)
                    .map(|i| cell(history, column * i as u32, column * (i as u32 + 1)))
                    .collect(),
            })
            .collect();
        Grid {
            column,
            columns,
            rows,
        }
    }
}

/// A timeline cut into columns.
struct Grid<'a> {
    column: Duration,
    columns: usize,
    rows: Vec<Row<'a>>,
}

/// One environment's row: its history and a cell per column.
struct Row<'a> {
    history: &'a History,
    cells: Vec<char>,
}

impl Row<'_> {
    /// `$LATEST env 1`.
    fn label(&self) -> String {
        format!("{} env {}", self.history.version, self.history.number)
    }
}

impl Grid<'_> {
    fn most_at_once(&self) -> usize {
        let histories: Vec<&History> = self.rows.iter().map(|row| row.history).collect();
        most_at_once(&histories)
    }
}

/// The states the SVG timeline draws, in the order its legend lists them, with their colours:
/// the blue and orange of the book's hand-drawn diagrams for the two kinds of work, grey for
/// waiting, near-black for the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SvgState {
    Init,
    Busy,
    Idle,
    ShutDown,
}

impl SvgState {
    fn colour(self) -> &'static str {
        match self {
            SvgState::Init => "#c45a00",
            SvgState::Busy => "#1f5fbf",
            SvgState::Idle => "#d9d9d9",
            SvgState::ShutDown => "#222222",
        }
    }

    fn name(self) -> &'static str {
        match self {
            SvgState::Init => "init",
            SvgState::Busy => "busy (one bar per request)",
            SvgState::Idle => "idle (frozen)",
            SvgState::ShutDown => "shut down",
        }
    }
}

/// The hand-drawn diagrams' fonts (`book/src/images/*.svg`), so the pictures read as one set.
const SVG_FONTS: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const SVG_CELL_PX: usize = 8;
const SVG_ROW_PX: usize = 20;
const SVG_BAR_PX: usize = 14;
const SVG_LABEL_PX: usize = 130;
/// A request shorter than this is still drawn this wide (its white border takes a pixel), so
/// that every request can be seen and counted; a shut down is a mark this wide.
const SVG_SHORTEST_REQUEST_PX: f64 = 4.0;
/// An Init or an idle time drawn narrower than this could not be seen at the picture's scale
/// (an Init of 5 ms in three minutes): it is left out, and so is its name from the legend.
const SVG_VISIBLE_PX: f64 = 1.5;
/// The height of the time axis under the rows: its line, ticks and labels.
const SVG_AXIS_PX: usize = 24;
/// The room each legend entry takes: its swatch and about 7 px a character of its name.
const SVG_LEGEND_GAP_PX: usize = 24;
/// Labelled ticks on the time axis are at least this far apart, so their labels never touch.
const SVG_TICK_MIN_PX: u128 = 80;
/// The steps the time axis may be labelled in, in milliseconds: round numbers a reader can add
/// up, from 1 ms to a day.
const SVG_TICK_STEPS_MS: [u64; 26] = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000,
    120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000,
    86_400_000,
];

impl Timeline {
    /// The environments of [`Timeline::render`] as an SVG image for the book: one row per
    /// environment, drawn at the exact times rather than in whole columns (`column` is the
    /// scale: one column's time is 8 px), so that each request is a bar of its own, with a white
    /// border that keeps back-to-back requests apart, and a short Init before a cold start's
    /// first request is seen. A time axis labelled in round steps says *when* without counting,
    /// and the legend lists only the states the picture shows: an Init too short to see at the
    /// picture's scale is not drawn, and not named.
    pub(crate) fn render_svg(&self, function: &str, column: Duration, now: Duration) -> String {
        let grid = self.grid(function, column, now);
        let (rows, columns) = (&grid.rows, grid.columns);
        let column_ns = grid.column.as_nanos() as f64;
        let px_of = |t: Duration| {
            SVG_LABEL_PX as f64 + t.as_nanos() as f64 * SVG_CELL_PX as f64 / column_ns
        };
        let title = format!(
            "Environments of {function} over time; most busy at once: {}",
            grid.most_at_once()
        );
        let mut bars = String::new();
        let mut shown = std::collections::BTreeSet::new();
        for (index, row) in rows.iter().enumerate() {
            let y = 44 + index * SVG_ROW_PX;
            let _ = writeln!(
                bars,
                r##"<text x="10" y="{}" font-size="12" fill="#333">{}</text>"##,
                y + 11,
                row.label()
            );
            let history = row.history;
            let end = history.ended.unwrap_or(now).min(now);
            let mut bar = |state: SvgState, from: Duration, to: Duration| {
                let x = px_of(from);
                let width = px_of(to) - x;
                let (width, border) = match state {
                    SvgState::Busy => (
                        width.max(SVG_SHORTEST_REQUEST_PX),
                        r##" stroke="#ffffff" stroke-width="1""##,
                    ),
                    SvgState::ShutDown => (SVG_SHORTEST_REQUEST_PX, ""),
                    SvgState::Init | SvgState::Idle if width < SVG_VISIBLE_PX => return,
                    SvgState::Init | SvgState::Idle => (width, ""),
                };
                let _ = writeln!(
                    bars,
                    r##"<rect x="{x:.1}" y="{y}" width="{width:.1}" height="{SVG_BAR_PX}" fill="{}"{border}/>"##,
                    state.colour()
                );
                shown.insert(state);
            };
            let ready = history.ready.unwrap_or(end).min(end);
            // Idle underneath, from the end of Init to the end: the requests are drawn on it.
            bar(SvgState::Idle, ready, end);
            bar(SvgState::Init, history.created, ready);
            for &(from, to) in &history.busy {
                bar(SvgState::Busy, from, to);
            }
            if let Some(ended) = history.ended.filter(|ended| *ended <= now) {
                bar(SvgState::ShutDown, ended, ended);
            }
        }
        let axis_y = 44 + rows.len() * SVG_ROW_PX + 2;
        let legend_y = axis_y + SVG_AXIS_PX + 10;
        let legend_width: usize = shown
            .iter()
            .map(|state| SVG_LEGEND_GAP_PX + state.name().len() * 7)
            .sum();
        // Wide enough for the bars, the legend, and the title (about 8 px a character).
        let width = (SVG_LABEL_PX + columns * SVG_CELL_PX + 20)
            .max(legend_width + 20)
            .max(title.len() * 8 + 20);
        let height = legend_y + 30;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="{SVG_FONTS}">"##
        );
        // The title twice: as `<title>`, which screen readers announce, and as visible text.
        let _ = writeln!(svg, r##"<title>{title}</title>"##);
        // A white background keeps the picture readable in mdBook's dark themes.
        let _ = writeln!(
            svg,
            r##"<rect width="{width}" height="{height}" rx="8" fill="#ffffff"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<text x="10" y="24" font-size="15" font-weight="bold" fill="#222">{title}</text>"##
        );
        svg.push_str(&bars);
        draw_time_axis(&mut svg, grid.column, columns, axis_y);
        let mut x = 10;
        for state in shown {
            let _ = writeln!(
                svg,
                r##"<rect x="{x}" y="{legend_y}" width="14" height="14" rx="2" fill="{}"/><text x="{}" y="{}" font-size="12" fill="#222">{}</text>"##,
                state.colour(),
                x + 20,
                legend_y + 12,
                state.name()
            );
            x += SVG_LEGEND_GAP_PX + state.name().len() * 7;
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// Draws the time axis at `y`, under `columns` columns of `column` each: a line, and a labelled
/// tick every step, the shortest step in [`SVG_TICK_STEPS_MS`] that keeps labels apart.
fn draw_time_axis(svg: &mut String, column: Duration, columns: usize, y: usize) {
    let column_ns = column.as_nanos();
    let px_of =
        |t: Duration| SVG_LABEL_PX + (t.as_nanos() * SVG_CELL_PX as u128 / column_ns) as usize;
    let step = SVG_TICK_STEPS_MS
        .iter()
        .map(|ms| Duration::from_millis(*ms))
        .find(|step| step.as_nanos() * SVG_CELL_PX as u128 / column_ns >= SVG_TICK_MIN_PX)
        .unwrap_or(Duration::from_millis(
            SVG_TICK_STEPS_MS[SVG_TICK_STEPS_MS.len() - 1],
        ));
    let end = column * columns as u32;
    let _ = writeln!(
        svg,
        r##"<line x1="{SVG_LABEL_PX}" y1="{y}" x2="{}" y2="{y}" stroke="#666666"/>"##,
        px_of(end)
    );
    let mut tick = Duration::ZERO;
    while tick <= end {
        let x = px_of(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{x}" y1="{y}" x2="{x}" y2="{}" stroke="#666666"/><text x="{x}" y="{}" text-anchor="middle" font-size="11" fill="#444444">{}</text>"##,
            y + 5,
            y + 17,
            axis_label(tick)
        );
        tick += step;
    }
}

/// A tick's label: `0.5 s`, `30 s`, `1 min 30 s`, `2 h`.
fn axis_label(t: Duration) -> String {
    if t.subsec_nanos() != 0 {
        return format!("{} s", t.as_secs_f64());
    }
    let secs = t.as_secs();
    if secs < 60 {
        return format!("{secs} s");
    }
    let parts = [
        (secs / 3600, "h"),
        (secs / 60 % 60, "min"),
        (secs % 60, "s"),
    ];
    let named: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    named.join(" ")
}

/// What one environment did in the slice `[from, to)`: busy wins over init over idle.
fn cell(history: &History, from: Duration, to: Duration) -> char {
    let overlaps = |start: Duration, end: Duration| {
        start < to && end.max(start + Duration::from_nanos(1)) > from
    };
    if to <= history.created || history.ended.is_some_and(|end| end < from) {
        return ' ';
    }
    if history
        .busy
        .iter()
        .any(|(start, end)| overlaps(*start, *end))
    {
        return 'B';
    }
    if history
        .ready
        .is_none_or(|ready| overlaps(history.created, ready))
    {
        return 'I';
    }
    if history.ended.is_some_and(|end| end >= from && end < to) {
        return 'x';
    }
    '.'
}

/// The most invocations that overlapped at one moment.
fn most_at_once(rows: &[&History]) -> usize {
    let mut edges: Vec<(Duration, i32)> = rows
        .iter()
        .flat_map(|h| h.busy.iter())
        .flat_map(|(start, end)| [(*start, 1), (*end, -1)])
        .collect();
    // At the same instant, an end comes before a start: back-to-back calls are not overlapping.
    edges.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, change) in edges {
        now += change;
        most = most.max(now);
    }
    most as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn draws_init_busy_idle_and_shutdown() {
        let mut timeline = Timeline::default();
        let a = timeline.created("f", "$LATEST", 1, ms(0));
        timeline.ready(a, ms(100));
        timeline.busy(a, ms(100), ms(350));
        timeline.busy(a, ms(500), ms(600));
        timeline.ended(a, ms(900));
        let b = timeline.created("f", "$LATEST", 2, ms(200));
        timeline.ready(b, ms(300));
        timeline.busy(b, ms(300), ms(400));
        let drawn = timeline.render("f", ms(100), ms(1000));
        let rows: Vec<&str> = drawn.lines().collect();
        assert_eq!(rows[1], "$LATEST env 1  IBBB.B...x");
        assert_eq!(rows[2], "$LATEST env 2    IB......");
        assert_eq!(rows[3], "most busy at once: 2");
        let svg = timeline.render_svg("f", ms(100), ms(1000));
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        // Environment 1: idle, init, two requests, shut down; environment 2: idle, init, one
        // request; and a legend swatch for each of the four states.
        assert_eq!(svg.matches(r##"height="14" fill="##).count(), 5 + 3);
        assert_eq!(svg.matches(r##"height="14" rx="2" fill="##).count(), 4);
        // Ten columns of 100 ms are 80 px: the axis is labelled at 0 and 1 s, nothing between.
        assert!(
            svg.contains(">0 s</text>") && svg.contains(">1 s</text>"),
            "{svg}"
        );
        assert_eq!(svg.matches("text-anchor=\"middle\"").count(), 2, "{svg}");
    }

    #[test]
    fn back_to_back_requests_are_bars_of_their_own_and_the_legend_shows_what_is_drawn() {
        let mut timeline = Timeline::default();
        let a = timeline.created("f", "$LATEST", 1, ms(0));
        timeline.ready(a, ms(0));
        timeline.busy(a, ms(0), ms(200));
        timeline.busy(a, ms(200), ms(400));
        let svg = timeline.render_svg("f", ms(100), ms(1000));
        let requests: Vec<&str> = svg
            .lines()
            .filter(|line| line.contains(r##"fill="#1f5fbf" stroke="#ffffff""##))
            .collect();
        assert_eq!(
            requests,
            [
                r##"<rect x="130.0" y="44" width="16.0" height="14" fill="#1f5fbf" stroke="#ffffff" stroke-width="1"/>"##,
                r##"<rect x="146.0" y="44" width="16.0" height="14" fill="#1f5fbf" stroke="#ffffff" stroke-width="1"/>"##,
            ]
        );
        // No Init took time and nothing was shut down: the legend names busy and idle only.
        assert!(svg.contains(">busy (one bar per request)</text>"), "{svg}");
        assert!(svg.contains(">idle (frozen)</text>"), "{svg}");
        assert!(
            !svg.contains(">init</text>") && !svg.contains(">shut down</text>"),
            "{svg}"
        );
        // The text picture still sees one run of busy columns.
        assert!(timeline
            .render("f", ms(100), ms(1000))
            .contains("env 1  BBBB......"));
    }

    #[test]
    fn axis_labels_read_as_durations() {
        let labels: Vec<String> = [0, 500, 1_500, 30_000, 60_000, 90_000, 7_200_000]
            .into_iter()
            .map(|n| axis_label(ms(n)))
            .collect();
        assert_eq!(
            labels,
            [
                "0 s",
                "0.5 s",
                "1.5 s",
                "30 s",
                "1 min",
                "1 min 30 s",
                "2 h"
            ]
        );
    }
}
