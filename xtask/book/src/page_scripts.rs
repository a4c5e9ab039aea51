//! Scripts that `check` adds to a page while Chromium opens it: each measures something in the
//! page as the browser lays it out ([`crate::glyphs`], [`crate::layout`]) and writes what it
//! found into a `<pre id="…">` at the end of the document, which [`report`] reads back from
//! Chromium's `--dump-dom` output.
//!
//! [`with_scripts`] adds the scripts to the page's file for the while, then puts the page back
//! as it was: the page keeps its own address, from which its relative links and the language
//! switch are worked out.

use std::fs;
use std::io;
use std::path::Path;

/// Runs `open` while `page` has `scripts` at the end of its `<body>`, then restores the page.
pub fn with_scripts<T>(page: &Path, scripts: &[&str], open: impl FnOnce() -> T) -> io::Result<T> {
    let html = fs::read_to_string(page)?;
    fs::write(page, add_scripts(&html, scripts))?;
    let opened = open();
    fs::write(page, html)?;
    Ok(opened)
}

fn add_scripts(html: &str, scripts: &[&str]) -> String {
    let scripts: String = scripts
        .iter()
        .map(|script| format!("<script>{script}</script>\n"))
        .collect();
    let scripts = format!("{scripts}</body>");
    match html.rfind("</body>") {
        Some(end) => format!(
            "{}{scripts}{}",
            &html[..end],
            &html[end + "</body>".len()..]
        ),
        None => format!("{html}{scripts}"),
    }
}

/// The text a script wrote into `<pre id="{id}">` in `dom`, or `None` if it did not run.
pub fn report(dom: &str, id: &str) -> Option<String> {
    let start_tag = format!("<pre id=\"{id}\">");
    let start = dom.find(&start_tag)? + start_tag.len();
    let report = &dom[start..];
    Some(
        report[..report.find("</pre>").unwrap_or(report.len())]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_run_at_the_end_of_the_body_and_the_page_is_restored() {
        let folder =
            std::env::temp_dir().join(format!("workbook-book-scripts-{}", std::process::id()));
        fs::create_dir_all(&folder).unwrap();
        let page = folder.join("intro.html");
        let original = "<html><body><p>x</p></body></html>";
        fs::write(&page, original).unwrap();
        let seen = with_scripts(&page, &["a()", "b()"], || {
            fs::read_to_string(&page).unwrap()
        })
        .unwrap();
        assert_eq!(
            seen,
            "<html><body><p>x</p><script>a()</script>\n<script>b()</script>\n</body></html>"
        );
        assert_eq!(fs::read_to_string(&page).unwrap(), original);
        fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn reads_a_report() {
        let dom = "<p>a</p><pre id=\"found\">code 2 1\nwider a &lt; b &amp;&amp; c</pre>";
        assert_eq!(
            report(dom, "found").as_deref(),
            Some("code 2 1\nwider a < b && c")
        );
        assert_eq!(report(dom, "other"), None);
    }
}
