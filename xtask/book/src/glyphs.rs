//! Missing glyphs: characters a reader would see as empty boxes ("tofu") because no installed
//! font has them. A Korean page on a machine without a Korean font is the case this is for.
//!
//! The test runs in the page, in Chromium: `glyphs.js` draws each character of the page in the
//! font the page sets it in, and compares the picture with that of a code point no font has
//! (see the script for why that is a reliable test). [`with_script`] adds the script to a page
//! while Chromium opens it, then puts the page back as it was: the page keeps its own address,
//! from which its relative links and the language switch are worked out. [`problems`] reads what
//! the script found from the document Chromium ends up with.

use std::fs;
use std::io;
use std::path::Path;

/// The script, added at the end of the copy's `<body>`.
const SCRIPT: &str = include_str!("glyphs.js");

/// The element the script writes its findings into: a first line `checked <n> characters`,
/// then one line per character without a glyph.
const REPORT: &str = "<pre id=\"workbook-glyph-check\">";

/// Runs `open` while `page` has the script at the end of its `<body>`, then restores the page.
pub fn with_script<T>(page: &Path, open: impl FnOnce() -> T) -> io::Result<T> {
    let html = fs::read_to_string(page)?;
    fs::write(page, add_script(&html))?;
    let opened = open();
    fs::write(page, html)?;
    Ok(opened)
}

fn add_script(html: &str) -> String {
    let script = format!("<script>{SCRIPT}</script>\n</body>");
    match html.rfind("</body>") {
        Some(end) => format!("{}{script}{}", &html[..end], &html[end + "</body>".len()..]),
        None => format!("{html}{script}"),
    }
}

/// What the script found in `dom`: nothing if every character has a glyph, one problem naming
/// the characters if not, or one saying that it did not run.
pub fn problems(dom: &str) -> Vec<String> {
    let Some(start) = dom.find(REPORT) else {
        return vec!["the glyph check did not run: did the page's scripts run?".to_owned()];
    };
    let report = &dom[start + REPORT.len()..];
    let report = report[..report.find("</pre>").unwrap_or(report.len())]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let missing: Vec<&str> = report.lines().skip(1).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    const SHOWN: usize = 5;
    let more = match missing.len() {
        n if n > SHOWN => format!(", and {} more", n - SHOWN),
        _ => String::new(),
    };
    vec![format!(
        "{} character(s) have no glyph in the installed fonts, so readers see empty boxes: {}{more}. \
         Install a font that has them (for Korean, Debian's fonts-noto-cjk)",
        missing.len(),
        missing[..missing.len().min(SHOWN)].join("; ")
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report() {
        let dom =
            "<body><p>동기식</p><pre id=\"workbook-glyph-check\">checked 3 characters</pre></body>";
        assert_eq!(problems(dom), Vec::<String>::new());
        let dom = "<pre id=\"workbook-glyph-check\">checked 3 characters\nU+B3D9 동 in normal 400 20px \"Open Sans\", sans-serif\nU+AE30 기 in normal 400 20px \"Open Sans\", sans-serif</pre>";
        let problems = problems(dom);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("2 character(s) have no glyph in the installed fonts"),
            "{problems:?}"
        );
        assert!(problems[0].contains("U+B3D9 동 in normal 400 20px \"Open Sans\""));
        assert_eq!(
            super::problems("<body></body>"),
            ["the glyph check did not run: did the page's scripts run?"]
        );
    }

    #[test]
    fn the_script_runs_at_the_end_of_the_body_and_the_page_is_restored() {
        let folder =
            std::env::temp_dir().join(format!("workbook-book-glyphs-{}", std::process::id()));
        fs::create_dir_all(&folder).unwrap();
        let page = folder.join("intro.html");
        let original = "<html><body><p>x</p></body></html>";
        fs::write(&page, original).unwrap();
        let seen = with_script(&page, || fs::read_to_string(&page).unwrap()).unwrap();
        assert!(seen.starts_with("<html><body><p>x</p><script>"), "{seen}");
        assert!(seen.ends_with("</script>\n</body></html>"), "{seen}");
        assert_eq!(fs::read_to_string(&page).unwrap(), original);
        fs::remove_dir_all(&folder).unwrap();
    }
}
