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

use crate::clock;
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
    pub fn created(&mut self, function: &str, version: &str, number: u32, at: Duration) -> usize {
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
    pub fn ready(&mut self, index: usize, at: Duration) {
        if let Some(history) = self.environments.get_mut(index) {
            history.ready = Some(at);
        }
    }

    /// It ran an invocation from `from` to `to`.
    pub fn busy(&mut self, index: usize, from: Duration, to: Duration) {
        if let Some(history) = self.environments.get_mut(index) {
            history.busy.push((from, to));
        }
    }

    /// It was shut down or discarded.
    pub fn ended(&mut self, index: usize, at: Duration) {
        if let Some(history) = self.environments.get_mut(index) {
            history.ended = Some(at);
        }
    }

    /// Draws the environments of `function` from the start of the scenario to `now`.
    pub fn render(&self, function: &str, column: Duration, now: Duration) -> String {
        let grid = self.grid(function, column, now);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "timeline of {function}, one column = {} ms, {} to {}",
            grid.column.as_millis(),
            clock::offset(Duration::ZERO),
            clock::offset(now)
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

impl Timeline {
    /// The same picture as [`Timeline::render`], as an SVG image for the book: one row per
    /// environment, one coloured cell per column (runs of the same state drawn as one bar).
    pub fn render_svg(&self, function: &str, column: Duration, now: Duration) -> String {
        let grid = self.grid(function, column, now);
        let (rows, columns) = (&grid.rows, grid.columns);
        let title = format!(
            "Environments of {function}, one column = {} ms, {} to {}; most busy at once: {}",
            grid.column.as_millis(),
            clock::offset(Duration::ZERO),
            clock::offset(now),
            grid.most_at_once()
        );
        // Wide enough for the bars, the legend, and the title (about 7 px a character).
        let width = (SVG_LABEL_PX + columns * SVG_CELL_PX + 20)
            .max(SVG_COLOURS.len() * 130 + 20)
            .max(title.len() * 7 + 20);
        let height = 40 + rows.len() * SVG_ROW_PX + 50;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"##
        );
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
        let legend_y = 40 + rows.len() * SVG_ROW_PX + 10;
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
    }
}
