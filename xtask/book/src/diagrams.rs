//! Diagrams whose text runs outside the drawing: a label's width depends on the reader's fonts,
//! so a label that fits on its author's machine can run past the edge on another, and be cut.
//!
//! [`page`] writes one page that shows every diagram of the site, each in a frame of its own
//! (`<iframe srcdoc>`: its styles stay its own, its fonts are the system's, as when a page shows
//! it as an `<img>`), with `diagrams.js`, which measures every `<text>` against its drawing's
//! edges. Chromium opens it once; [`problems`] reads what the script found.

use std::fs;
use std::path::{Path, PathBuf};

use crate::page_scripts;

/// The script that measures the labels.
const SCRIPT: &str = include_str!("diagrams.js");

/// The id of the element the script writes its report into.
const REPORT: &str = "workbook-diagram-check";

/// Every `.svg` file under `folder`, sorted.
pub fn svg_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "svg") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The page that shows each of `diagrams` (a name for the report, and the SVG's text) in its
/// own frame, with the measuring script.
pub fn page(diagrams: &[(String, String)]) -> String {
    let frames: String = diagrams
        .iter()
        .map(|(name, svg)| {
            // The frame's document is the drawing alone; an XML declaration has no place in it.
            let svg = &svg[svg.find("<svg").unwrap_or(0)..];
            let document = format!("<!DOCTYPE html><body style=\"margin:0\">{svg}</body>");
            format!(
                "<iframe data-file=\"{}\" width=\"1000\" height=\"1000\" srcdoc=\"{}\"></iframe>\n",
                attribute(name),
                attribute(&document)
            )
        })
        .collect();
    format!("<!DOCTYPE html><html><body>\n{frames}<script>{SCRIPT}</script>\n</body></html>\n")
}

/// `text` as the value of an attribute in double quotes.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;")
}

/// The labels that run past their drawing's edge, as the script found them in `dom`.
pub fn problems(dom: &str) -> Vec<String> {
    match page_scripts::report(dom, REPORT) {
        None => vec!["the diagram check did not run: did its script run?".to_owned()],
        Some(report) => report
            .lines()
            .map(|line| {
                let (file, label) = line.split_once(' ').unwrap_or((line, ""));
                format!("{file}: text runs past the edge of the drawing by {label}")
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_diagram_gets_a_frame_of_its_own() {
        let page = page(&[(
            "images/a \"b\".svg".to_owned(),
            "<?xml version=\"1.0\"?>\n<svg><text>R&amp;D</text></svg>".to_owned(),
        )]);
        assert!(page.contains(
            "<iframe data-file=\"images/a &quot;b&quot;.svg\" width=\"1000\" height=\"1000\" \
             srcdoc=\"<!DOCTYPE html><body style=&quot;margin:0&quot;><svg><text>R&amp;amp;D</text></svg></body>\"></iframe>"
        ));
        assert!(page.contains("<script>"));
    }

    #[test]
    fn reads_the_report() {
        let dom = "<pre id=\"workbook-diagram-check\">images/fan-out.svg 12px: update-stock</pre>";
        assert_eq!(
            problems(dom),
            ["images/fan-out.svg: text runs past the edge of the drawing by 12px: update-stock"]
        );
        assert_eq!(
            problems("<pre id=\"workbook-diagram-check\"></pre>"),
            Vec::<String>::new()
        );
        assert_eq!(problems("").len(), 1);
    }
}
