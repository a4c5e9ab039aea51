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

/// Colours of the SVG timeline, by cell: init, busy, idle, shut down.
const SVG_COLOURS: [(char, &str); 4] = [
    ('I', "#f4a261"),
    ('B', "#2a6f97"),
    ('.', "#d9d9d9"),
    ('x', "#333333"),
];
const SVG_CELL_PX: usize = 8;
const SVG_ROW_PX: usize = 18;
const SVG_LABEL_PX: usize = 130;
/// The height of the time axis under the rows: its line, ticks and labels.
const SVG_AXIS_PX: usize = 24;
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
    /// The same picture as [`Timeline::render`], as an SVG image for the book: one row per
    /// environment, one coloured cell per column (runs of the same state drawn as one bar), and
    /// a time axis labelled in round steps, so a reader sees *when* without counting columns.
    pub(crate) fn render_svg(&self, function: &str, column: Duration, now: Duration) -> String {
        let grid = self.grid(function, column, now);
        let (rows, columns) = (&grid.rows, grid.columns);
        let title = format!(
            "Environments of {function}, one column = {} ms, {} to {}; most busy at once: {}",
            grid.column.as_millis(),
            clock::transcript_offset(Duration::ZERO),
            clock::transcript_offset(now),
            grid.most_at_once()
        );
        // Wide enough for the bars, the legend, and the title (about 7 px a character).
        let width = (SVG_LABEL_PX + columns * SVG_CELL_PX + 20)
            .max(SVG_COLOURS.len() * 130 + 20)
            .max(title.len() * 7 + 20);
        let height = 40 + rows.len() * SVG_ROW_PX + SVG_AXIS_PX + 50;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"##
        );
        // The title twice: as `<title>`, which screen readers announce, and as visible text.
        let _ = writeln!(svg, r##"<title>{title}</title>"##);
        let _ = writeln!(
            svg,
            r##"<rect width="{width}" height="{height}" fill="#ffffff"/>"##
        );
        let _ = writeln!(svg, r##"<text x="10" y="20">{title}</text>"##);
        for (index, row) in rows.iter().enumerate() {
            let y = 32 + index * SVG_ROW_PX;
            let _ = writeln!(
                svg,
                r##"<text x="10" y="{}">{}</text>"##,
                y + 12,
                row.label()
            );
            let cells = &row.cells;
            let mut start = 0;
            while start < cells.len() {
                let state = cells[start];
                let run = cells[start..].iter().take_while(|c| **c == state).count();
                if let Some((_, colour)) = SVG_COLOURS.iter().find(|(c, _)| *c == state) {
                    let _ = writeln!(
                        svg,
                        r##"<rect x="{}" y="{y}" width="{}" height="14" fill="{colour}"/>"##,
                        SVG_LABEL_PX + start * SVG_CELL_PX,
                        run * SVG_CELL_PX
                    );
                }
                start += run;
            }
        }
        let axis_y = 32 + rows.len() * SVG_ROW_PX + 4;
        draw_time_axis(&mut svg, grid.column, columns, axis_y);
        let legend_y = axis_y + SVG_AXIS_PX + 10;
        let names = ["init", "busy", "idle (frozen)", "shut down"];
        for (i, ((_, colour), name)) in SVG_COLOURS.iter().zip(names).enumerate() {
            let x = 10 + i * 130;
            let _ = writeln!(
                svg,
                r##"<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{colour}"/><text x="{}" y="{}">{name}</text>"##,
                x + 20,
                legend_y + 12
            );
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
        // Environment 1: init, busy ×3, idle, busy, idle ×3, shut down: six bars; environment 2:
        // init, busy, idle ×6: three; and four legend swatches.
        assert_eq!(svg.matches(r##"height="14" fill="##).count(), 6 + 3 + 4);
        // Ten columns of 100 ms are 80 px: the axis is labelled at 0 and 1 s, nothing between.
        assert!(
            svg.contains(">0 s</text>") && svg.contains(">1 s</text>"),
            "{svg}"
        );
        assert_eq!(svg.matches("text-anchor=\"middle\"").count(), 2, "{svg}");
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
