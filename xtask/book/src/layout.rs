//! What a reader would have to scroll sideways to see: `layout.js` measures each page in
//! Chromium at a given window width (added by `check` as [`crate::page_scripts`] describes), and
//! [`read`] reads its report.

use crate::page_scripts;

/// The script, added at the end of the page's `<body>`.
pub const SCRIPT: &str = include_str!("layout.js");

/// The id of the element the script writes its report into (its lines are described in the
/// script).
const REPORT: &str = "workbook-layout-check";

/// A page that shows `url` in a frame `width` CSS pixels wide and as tall as a phone's screen,
/// and writes the report the framed page's script sends it where [`read`] finds it. This is how
/// a page is laid out for a phone: headless Chromium's window is never narrower than 500 px.
pub fn phone_frame(url: &str, width: u32) -> String {
    let url = url.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0\">\
         <iframe src=\"{url}\" width=\"{width}\" height=\"844\" style=\"border:0\"></iframe>\
         <script>window.addEventListener(\"message\", (message) => {{\
         const report = document.createElement(\"pre\"); report.id = \"{REPORT}\";\
         report.textContent = message.data; document.body.appendChild(report); }});</script>\
         </body></html>\n"
    )
}

/// One page's layout at one window width.
#[derive(Debug, Default, PartialEq)]
pub struct Layout {
    /// How many code blocks the page has.
    pub code_blocks: usize,
    /// The first characters of each code block wider than its box.
    pub wider_code: Vec<String>,
    /// How wide the page's content is, in CSS pixels: wider than the window means the whole page
    /// scrolls sideways.
    pub page_width: u32,
    /// The window's width, in CSS pixels.
    pub window_width: u32,
    /// Where the page's language switch leads, if it has one.
    pub language_switch: Option<String>,
    /// The page's SVG pictures, as the page shows them.
    pub diagrams: Vec<Diagram>,
}

/// An SVG picture on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// Its address (a `file://` URL).
    pub address: String,
    /// How wide the page shows it, and how wide it was drawn, in CSS pixels.
    pub shown_width: u32,
    pub drawn_width: u32,
    /// Whether tapping it opens the drawing alone, at its own size (`book/theme/diagrams.js`).
    pub opens_full_size: bool,
}

impl Diagram {
    /// How much smaller than drawn the page shows it: 1 at its own size, 0.5 at half of it.
    pub fn scale(&self) -> f64 {
        match self.drawn_width {
            0 => 1.0,
            drawn => (f64::from(self.shown_width) / f64::from(drawn)).min(1.0),
        }
    }
}

/// The layout the script measured in `dom`, or why it cannot be read.
pub fn read(dom: &str) -> Result<Layout, String> {
    let report = page_scripts::report(dom, REPORT)
        .ok_or("the layout check did not run: did the page's scripts run?")?;
    let mut layout = Layout::default();
    let number = |text: Option<&str>| -> Result<u32, String> {
        text.and_then(|text| text.parse().ok())
            .ok_or_else(|| format!("the layout check's report is garbled: {report}"))
    };
    for line in report.lines() {
        let (fact, value) = line.split_once(' ').unwrap_or((line, ""));
        let mut numbers = value.split(' ');
        match fact {
            "code" => {
                layout.code_blocks = number(numbers.next())? as usize;
            }
            "wider" => layout.wider_code.push(value.to_owned()),
            "page" => {
                layout.page_width = number(numbers.next())?;
                layout.window_width = number(numbers.next())?;
            }
            "switch" => layout.language_switch = Some(value.to_owned()),
            "diagram" => {
                let shown_width = number(numbers.next())?;
                let drawn_width = number(numbers.next())?;
                let opens_full_size = number(numbers.next())? == 1;
                let address = numbers.collect::<Vec<_>>().join(" ");
                layout.diagrams.push(Diagram {
                    address,
                    shown_width,
                    drawn_width,
                    opens_full_size,
                });
            }
            _ => return Err(format!("the layout check's report is garbled: {report}")),
        }
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report() {
        let dom = "<pre id=\"workbook-layout-check\">code 3\nwider START RequestId: 1 Version: $LATEST\npage 390 390\nswitch file:///site/ko/concurrency.html#scaling</pre>";
        assert_eq!(
            read(dom),
            Ok(Layout {
                code_blocks: 3,
                wider_code: vec!["START RequestId: 1 Version: $LATEST".to_owned()],
                page_width: 390,
                window_width: 390,
                language_switch: Some("file:///site/ko/concurrency.html#scaling".to_owned()),
                diagrams: Vec::new(),
            })
        );
        let dom =
            "<pre id=\"workbook-layout-check\">diagram 380 760 1 file:///site/images/a b.svg</pre>";
        let diagram = &read(dom).unwrap().diagrams[0];
        assert_eq!(diagram.address, "file:///site/images/a b.svg");
        assert!(diagram.opens_full_size);
        assert_eq!(diagram.scale(), 0.5);
        assert!(read("<body></body>").unwrap_err().contains("did not run"));
        let frame = phone_frame("file:///site/a.html#x&y", 390);
        assert!(frame.contains("<iframe src=\"file:///site/a.html#x&amp;y\" width=\"390\""));
        assert!(frame.contains("report.id = \"workbook-layout-check\""));
        assert!(read("<pre id=\"workbook-layout-check\">page wide</pre>")
            .unwrap_err()
            .contains("garbled"));
    }
}
