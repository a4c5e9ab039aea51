//! Missing glyphs: characters a reader would see as empty boxes ("tofu") because no installed
//! font has them. A Korean page on a machine without a Korean font is the case this is for.
//!
//! The test runs in the page, in Chromium: `glyphs.js` draws each character of the page in the
//! font the page sets it in, and compares the picture with that of a code point no font has
//! (see the script for why that is a reliable test). `check` adds the script to each page while
//! Chromium opens it ([`crate::page_scripts`]); [`problems`] reads what the script found from the
//! document Chromium ends up with.

use crate::page_scripts;

/// The script, added at the end of the page's `<body>`.
pub const SCRIPT: &str = include_str!("glyphs.js");

/// The id of the element the script writes its findings into: a first line
/// `checked <n> characters`, then one line per character without a glyph.
const REPORT: &str = "workbook-glyph-check";

/// What the script found in `dom`: nothing if every character has a glyph, one problem naming
/// the characters if not, or one saying that it did not run.
pub fn problems(dom: &str) -> Vec<String> {
    let Some(report) = page_scripts::report(dom, REPORT) else {
        return vec!["the glyph check did not run: did the page's scripts run?".to_owned()];
    };
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
}
