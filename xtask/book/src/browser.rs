//! `workbook-book check`: the built site, every language, as a reader's browser shows it.
//!
//! `build` checks the Markdown; this opens every page of `book/build/` (the English book and, in
//! their folders, its translations) in headless Chromium, which loads the page, runs its scripts
//! and prints the resulting document (`--dump-dom`). In that document it checks:
//!
//! - the page loaded and its scripts ran: mdBook's sidebar, which JavaScript draws, lists the
//!   chapters;
//! - no `{{#include …}}` was left unexpanded, and no code block is empty (an include that found
//!   nothing);
//! - every image, stylesheet, script and link that stays within the book points at a file that
//!   exists, and a link's `#anchor` at an element with that id;
//! - every character has a glyph in the installed fonts ([`crate::glyphs`]): a Korean page on a
//!   machine without a Korean font would show empty boxes. For this the page is opened with a
//!   checking script added for the while;
//! - a translation's pages show their own copies of the diagrams, and no copy still shows a
//!   line of English that the catalog translates, or leaves untranslated ([`crate::svg_text`]);
//! - at [`NARROW`] px, a diagram whose smallest label is shown smaller than
//!   [`SMALLEST_READABLE_LABEL`] opens at its full size when tapped (`book/theme/diagrams.js`);
//! - search works: each language's first page, opened with `?search=<word>`, lists results for
//!   words of that language (Korean words on the Korean site, which mdBook's own index misses:
//!   see [`crate::search`]).
//!
//! The 404 pages are left out: they are written for a web server's root. It needs Chromium:
//! `apt-get install chromium` on Debian and Ubuntu, or `CHROMIUM=<program>` for another build
//! (Chrome works too), and fonts for every language (`fonts-noto-cjk` for Korean). Pages are opened as `file://` URLs, so no server is needed.
//! Chromium runs with `--no-sandbox`, which it requires when run as root (as in CI containers);
//! the pages are the book's own.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{diagrams, extract, glyphs, languages, layout, page_scripts, svg_text, translations};

/// mdBook's page for a web server's "not found": it is written for the site's root (its links
/// start at `/`, or `/ko/` in a translation), so it cannot work opened from a file, and is not
/// checked.
const NOT_FOUND_PAGE: &str = "404.html";

/// Words each language's search must find, as a reader would type them: the book's own terms,
/// which each edition writes in its own words (a Korean page has English words too, so an
/// English probe would not show that Korean words are found).
fn search_probes(language: &str) -> &'static [&'static str] {
    match language {
        "ko" => &["동시성", "콜드 스타트", "별칭"],
        _ => &["concurrency", "cold start", "alias"],
    }
}

/// Programs tried in turn when `CHROMIUM` is not set.
const BROWSERS: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// What `check` measured, for its closing line.
#[derive(Debug, Default)]
pub struct Checked {
    /// The pages checked, in every language.
    pub pages: usize,
    /// The code blocks on those pages.
    pub code_blocks: usize,
    /// The code blocks wider than their box at [`WIDE`] px, which the reader must scroll
    /// sideways; [`MOST_WIDER_CODE`] is the most there may be.
    pub wider_code: usize,
    /// The code blocks wider than their box at [`NARROW`] px (not a problem: a phone's screen
    /// is narrower than some words of code).
    pub wider_code_narrow: usize,
    /// The diagrams checked.
    pub diagrams: usize,
    /// The smallest diagram label at [`NARROW`] px, in CSS pixels: as the page shows it, and
    /// as the drawing opened at its full size shows it.
    pub smallest_label_narrow: f64,
    pub smallest_label_full_size: f64,
}

/// The smallest a diagram's label may be shown at without a way to enlarge it, in CSS pixels
/// (the book's text is 16 px; a drawing's smallest labels are drawn at 11).
pub const SMALLEST_READABLE_LABEL: f64 = 8.0;

/// The window width of a computer's browser, in CSS pixels, at which the pages are checked.
pub const WIDE: u32 = 1280;

/// The width of a phone's screen, in CSS pixels (an iPhone 14's), at which every page is opened
/// a second time, in a frame of that width ([`layout::phone_frame`]).
pub const NARROW: u32 = 390;

/// The share of code blocks that may still be wider than their box at [`WIDE`] px: lines wrap
/// (`book/theme/code.css`), so only a word longer than the box itself could be left.
pub const MOST_WIDER_CODE: f64 = 0.05;

/// Checks every page of the site in `site`, built from the book in `book_dir`, whose languages'
/// folders are `languages`; `Ok` is what was measured, `Err` every problem, one per line.
pub fn check(book_dir: &Path, site: &Path, languages: &[&str]) -> Result<Checked, String> {
    let browser = find_browser()?;
    let profile = env::temp_dir().join(format!("workbook-book-chromium-{}", std::process::id()));
    let mut pages = Vec::new();
    html_files(site, &mut pages).map_err(|e| format!("cannot list {}: {e}", site.display()))?;
    pages.sort();

    let mut problems = Vec::new();
    let mut checked = Checked {
        pages: pages.len(),
        smallest_label_narrow: f64::INFINITY,
        smallest_label_full_size: f64::INFINITY,
        ..Checked::default()
    };
    let mut wider_code = Vec::new();
    for page in &pages {
        let name = page
            .strip_prefix(site)
            .unwrap_or(page)
            .display()
            .to_string();
        let scripts = [glyphs::SCRIPT, layout::SCRIPT];
        let dom = page_scripts::with_scripts(page, &scripts, || {
            dump_dom(&browser, &file_url(page), WIDE, &profile)
        })
        .map_err(|e| format!("cannot add the checking scripts to {}: {e}", page.display()))?;
        let dom = match dom {
            Ok(dom) => dom,
            Err(error) => {
                problems.push(format!("{name}: {error}"));
                continue;
            }
        };
        problems.extend(
            page_problems(&dom, page)
                .into_iter()
                .chain(glyphs::problems(&dom))
                .chain(english_drawings(&dom, page, site))
                .map(|p| format!("{name}: {p}")),
        );
        match layout::read(&dom) {
            Ok(layout) => {
                checked.code_blocks += layout.code_blocks;
                wider_code.extend(layout.wider_code.iter().map(|start| {
                    format!("{name}: a code block is wider than its box at {WIDE} px: {start}")
                }));
            }
            Err(problem) => problems.push(format!("{name}: {problem}")),
        }
        // On a phone, scrolled to the page's last section (as a link to it would): the page
        // must not scroll sideways, and the language switch must lead to that section.
        let section = attribute_values(&dom, "h2", "id").pop();
        let url = match &section {
            Some(id) => format!("{}#{id}", file_url(page)),
            None => file_url(page),
        };
        let frame = profile.with_extension("phone.html");
        fs::write(&frame, layout::phone_frame(&url, NARROW))
            .map_err(|e| format!("cannot write {}: {e}", frame.display()))?;
        let narrow = page_scripts::with_scripts(page, &[layout::SCRIPT], || {
            dump_dom(&browser, &file_url(&frame), WIDE, &profile)
        })
        .map_err(|e| format!("cannot add the checking script to {}: {e}", page.display()))?;
        let _ = fs::remove_file(&frame);
        match narrow.and_then(|dom| layout::read(&dom)) {
            Ok(layout) => {
                checked.wider_code_narrow += layout.wider_code.len();
                for diagram in &layout.diagrams {
                    let drawn = fs::read_to_string(file_path(&diagram.address))
                        .ok()
                        .and_then(|svg| svg_text::smallest_label(&svg))
                        .unwrap_or(f64::INFINITY);
                    let shown = drawn * diagram.scale();
                    checked.smallest_label_narrow = checked.smallest_label_narrow.min(shown);
                    checked.smallest_label_full_size = checked.smallest_label_full_size.min(drawn);
                    problems.extend(
                        unreadable_diagram(diagram, shown, drawn).map(|p| format!("{name}: {p}")),
                    );
                }
                problems.extend(
                    narrow_problems(&layout, section.as_deref()).map(|p| format!("{name}: {p}")),
                );
            }
            Err(problem) => problems.push(format!("{name}: {problem}")),
        }
    }
    checked.wider_code = wider_code.len();
    if checked.wider_code as f64 > MOST_WIDER_CODE * checked.code_blocks as f64 {
        problems.extend(wider_code);
        problems.push(format!(
            "{} of {} code blocks are wider than their box at {WIDE} px, more than {}%: \
             readers must scroll sideways to see their lines (book/theme/code.css wraps them)",
            checked.wider_code,
            checked.code_blocks,
            MOST_WIDER_CODE * 100.0
        ));
    }
    for language in languages {
        let index = Path::new(languages::site_folder(language)).join("index.html");
        for word in search_probes(language) {
            let query = format!("?search={}", percent_encoded(word));
            let search = dump_dom(
                &browser,
                &format!("{}{query}", file_url(&site.join(&index))),
                WIDE,
                &profile,
            );
            match search {
                Ok(dom) if has_search_results(&dom) => {}
                Ok(_) => problems.push(format!(
                    "search: `{}{query}` ({word}) lists no results; is the search index \
                     (searchindex*.js) built, and does it hold the language's words?",
                    index.display()
                )),
                Err(error) => problems.push(format!("search: {error}")),
            }
        }
    }
    for language in languages
        .iter()
        .filter(|language| **language != languages::ENGLISH)
    {
        match untranslated_diagrams(book_dir, site, language) {
            Ok(found) => problems.extend(found),
            Err(problem) => problems.push(problem),
        }
    }
    match check_diagrams(&browser, site, &profile) {
        Ok((diagrams, found)) => {
            checked.diagrams = diagrams;
            problems.extend(found);
        }
        Err(problem) => problems.push(problem),
    }
    let _ = fs::remove_dir_all(&profile);
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems.join("\n"))
    }
}

/// What is wrong with a page at [`NARROW`] px, opened at `#section`: the page scrolls sideways,
/// or its language switch leads elsewhere than to the same section.
fn narrow_problems(layout: &layout::Layout, section: Option<&str>) -> impl Iterator<Item = String> {
    let too_wide = (layout.page_width > layout.window_width).then(|| {
        format!(
            "at {NARROW} px the page is {} px wide: it scrolls sideways",
            layout.page_width
        )
    });
    let lost_section = match (&layout.language_switch, section) {
        (Some(switch), Some(id)) if !switch.ends_with(&format!("#{id}")) => Some(format!(
            "opened at #{id}, the language switch leads to {switch}, not to the same section"
        )),
        _ => None,
    };
    too_wide.into_iter().chain(lost_section)
}

/// The diagrams a translation's page (`page`, in `site`, whose document is `dom`) shows from
/// outside its language's folder: the English drawings, where it must show its own copies
/// ([`crate::svg_text`]). An English page shows none from a translation's folder either.
fn english_drawings(dom: &str, page: &Path, site: &Path) -> Vec<String> {
    // Paths as the file system names them, so that `ko/../images/a.svg` is `images/a.svg`.
    let (Ok(site), Ok(page)) = (site.canonicalize(), page.canonicalize()) else {
        return Vec::new();
    };
    let language_folder = |path: &Path| {
        let relative = path.strip_prefix(&site).ok()?;
        let first = relative.components().next()?.as_os_str().to_str()?;
        languages::TRANSLATIONS
            .contains(&first)
            .then(|| first.to_owned())
    };
    let own_folder = language_folder(&page);
    let folder = page.parent().unwrap_or(Path::new(""));
    attribute_values(dom, "img", "src")
        .into_iter()
        .filter(|src| {
            src.split(['?', '#'])
                .next()
                .is_some_and(|path| path.ends_with(".svg"))
        })
        .filter_map(|src| {
            let path = src.split(['?', '#']).next().unwrap_or_default();
            let drawing = folder.join(path).canonicalize().ok()?;
            (language_folder(&drawing) != own_folder).then(|| {
                format!(
                    "the diagram <img src=\"{src}\"> is shown from another language's folder, \
                     not this page's translated copy"
                )
            })
        })
        .collect()
}

/// The English text left in the drawings of the translation into `language`: each SVG file in
/// its folder of `site` is compared with the English file it was translated from and with the
/// catalog ([`svg_text::english_left`]).
fn untranslated_diagrams(
    book_dir: &Path,
    site: &Path,
    language: &str,
) -> Result<Vec<String>, String> {
    let translated = translations::diagram_translations(book_dir, language)?;
    let folder = site.join(languages::site_folder(language));
    let cannot =
        |e: std::io::Error| format!("cannot read the diagrams in {}: {e}", folder.display());
    let mut problems = Vec::new();
    for file in diagrams::svg_files(&folder).map_err(cannot)? {
        let relative = file.strip_prefix(&folder).unwrap_or(&file);
        let context = extract::diagram_context(relative);
        let english = fs::read_to_string(site.join(relative)).map_err(cannot)?;
        let served = fs::read_to_string(&file).map_err(cannot)?;
        let left = svg_text::english_left(&english, &served, |msgid| translated(&context, msgid));
        if !left.is_empty() {
            problems.push(format!(
                "{language}/{context}: the drawing still shows English: \"{}\" (translate it in \
                 book/po/{language}.po, msgctxt \"{context}\")",
                left.join("\", \"")
            ));
        }
    }
    Ok(problems)
}

/// Why a reader at [`NARROW`] px cannot read `diagram`, whose smallest label is shown at
/// `shown` px and was drawn at `drawn` px: it is too small and cannot be opened at its full size,
/// or is too small even at its full size.
fn unreadable_diagram(diagram: &layout::Diagram, shown: f64, drawn: f64) -> Option<String> {
    let address = &diagram.address;
    if drawn < SMALLEST_READABLE_LABEL {
        Some(format!(
            "{address}: its smallest label is drawn at {drawn:.1} px, smaller than \
             {SMALLEST_READABLE_LABEL} px even at its full size"
        ))
    } else if shown < SMALLEST_READABLE_LABEL && !diagram.opens_full_size {
        Some(format!(
            "{address}: at {NARROW} px its smallest label is {shown:.1} px, and tapping it does \
             not open it at its full size (book/theme/diagrams.js links each diagram to its file)"
        ))
    } else {
        None
    }
}

/// The file a `file://` URL names (the checker's own URLs: no `%` escapes but spaces').
fn file_path(url: &str) -> PathBuf {
    let path = url
        .strip_prefix("file://")
        .unwrap_or(url)
        .replace("%20", " ");
    PathBuf::from(path)
}

/// Checks the labels of every diagram under `site` in one page ([`diagrams`]); `Ok` is the number
/// of diagrams and the problems found.
fn check_diagrams(
    browser: &str,
    site: &Path,
    profile: &Path,
) -> Result<(usize, Vec<String>), String> {
    let cannot = |e: std::io::Error| format!("cannot read the diagrams in {}: {e}", site.display());
    let mut shown = Vec::new();
    for file in diagrams::svg_files(site).map_err(cannot)? {
        let name = file
            .strip_prefix(site)
            .unwrap_or(&file)
            .display()
            .to_string();
        shown.push((name, fs::read_to_string(&file).map_err(cannot)?));
    }
    let page = env::temp_dir().join(format!(
        "workbook-book-diagrams-{}.html",
        std::process::id()
    ));
    fs::write(&page, diagrams::page(&shown))
        .map_err(|e| format!("cannot write {}: {e}", page.display()))?;
    let dom = dump_dom(browser, &file_url(&page), WIDE, profile);
    let _ = fs::remove_file(&page);
    Ok((shown.len(), diagrams::problems(&dom?)))
}

/// The browser to use: `$CHROMIUM`, or the first of [`BROWSERS`] that runs.
fn find_browser() -> Result<String, String> {
    if let Some(program) = env::var_os("CHROMIUM") {
        return Ok(program.to_string_lossy().into_owned());
    }
    BROWSERS
        .iter()
        .find(|program| {
            Command::new(program)
                .arg("--version")
                .output()
                .is_ok_and(|output| output.status.success())
        })
        .map(|program| program.to_string())
        .ok_or_else(|| {
            "checking the book in a browser needs Chromium: `apt-get install chromium` \
             (Debian, Ubuntu), or set CHROMIUM to a Chromium or Chrome program"
                .to_owned()
        })
}

/// The document Chromium shows for `url` in a window `width` CSS pixels wide, after its scripts
/// ran (up to 5 s of page time).
fn dump_dom(browser: &str, url: &str, width: u32, profile: &Path) -> Result<String, String> {
    let output = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--window-size={width},900"))
        .args(["--virtual-time-budget=5000", "--timeout=30000"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run {browser}: {e}"))?;
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() || dom.trim().is_empty() {
        return Err(format!(
            "{browser} could not open {url} ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        ));
    }
    Ok(dom)
}

/// What is wrong with one page's document; `page` is its file, for resolving relative links.
fn page_problems(dom: &str, page: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    if !dom.contains("<ol class=\"chapter\"") {
        problems.push(
            "the sidebar's chapter list is missing: the page's scripts did not run".to_owned(),
        );
    }
    for directive in ["{{#include", "{{#rustdoc_include"] {
        if dom.contains(directive) {
            problems.push(format!("`{directive} …}}}}` was left unexpanded"));
        }
    }
    if has_empty_code_block(dom) {
        problems.push("a code block is empty: an include that found nothing?".to_owned());
    }
    let folder = page.parent().unwrap_or(Path::new(""));
    let references = [
        ("a", "href"),
        ("img", "src"),
        ("script", "src"),
        ("link", "href"),
    ];
    for (tag, attribute) in references {
        for reference in attribute_values(dom, tag, attribute) {
            if let Some(problem) = broken(&reference, folder, dom) {
                problems.push(format!("<{tag} {attribute}=\"{reference}\">: {problem}"));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// Why a reference from a page in `folder` (whose document is `dom`) leads nowhere, if it does.
/// References to other sites are not followed (that needs the network).
fn broken(reference: &str, folder: &Path, dom: &str) -> Option<String> {
    let external = reference.contains("://")
        || reference.starts_with("mailto:")
        || reference.starts_with("data:")
        || reference.starts_with("javascript:")
        || reference.starts_with("//");
    if external || reference.is_empty() {
        return None;
    }
    let (path, anchor) = match reference.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (reference, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let target_dom = if path.is_empty() {
        dom.to_owned() // `#anchor` on this page
    } else {
        let target = folder.join(path);
        let target = if target.is_dir() {
            target.join("index.html")
        } else {
            target
        };
        if !target.is_file() {
            return Some(format!("{} does not exist", target.display()));
        }
        match anchor {
            Some(_) => fs::read_to_string(&target).unwrap_or_default(),
            None => return None,
        }
    };
    match anchor {
        Some(anchor) if !anchor.is_empty() && !target_dom.contains(&format!("id=\"{anchor}\"")) => {
            Some(format!("no element has the id `{anchor}`"))
        }
        _ => None,
    }
}

/// `text` as it may stand in a URL's query: every byte but ASCII letters and digits as `%XX`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Whether the search results list has at least one entry. mdBook 0.5 calls the list
/// `mdbook-searchresults`, older versions `searchresults`.
fn has_search_results(dom: &str) -> bool {
    dom.contains("searchresults\"><li")
}

/// Whether some `<pre><code …>` holds nothing at all.
fn has_empty_code_block(dom: &str) -> bool {
    dom.split("<pre").skip(1).any(|pre| {
        let Some(code) = pre.find("<code") else {
            return false;
        };
        let after_tag = pre[code..].find('>').map(|end| &pre[code + end + 1..]);
        after_tag.is_some_and(|rest| rest.starts_with("</code>"))
    })
}

/// The values of `attribute` on every `<tag …>` of a document as Chromium writes it out:
/// attributes in double quotes, with `&` written `&amp;`.
fn attribute_values(dom: &str, tag: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    dom.split('<')
        .filter_map(|piece| piece.strip_prefix(tag))
        .filter(|rest| rest.starts_with([' ', '\n', '\t']))
        .filter_map(|rest| {
            let tag_text = &rest[..rest.find('>').unwrap_or(rest.len())];
            let start = tag_text.find(&needle)? + needle.len();
            let length = tag_text[start..].find('"')?;
            Some(tag_text[start..start + length].replace("&amp;", "&"))
        })
        .collect()
}

/// Every `.html` file under `folder`, but the 404 page.
fn html_files(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            html_files(&path, files)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "html")
            && !path.ends_with(NOT_FOUND_PAGE)
        {
            files.push(path);
        }
    }
    Ok(())
}

/// A `file://` URL for a file on disk (absolute, with `/` separators, also on Windows).
fn file_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.to_string_lossy().replace('\\', "/");
    let slash = if text.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_as_chromium_writes_them() {
        let dom = r#"<a class="x" href="ch01.html#intro">1</a><abbr href="no">
            <img src="images/a.svg" alt="x > y"><a
            href="https://aws.amazon.com/?a=1&amp;b=2">AWS</a><a name="top">"#;
        assert_eq!(
            attribute_values(dom, "a", "href"),
            ["ch01.html#intro", "https://aws.amazon.com/?a=1&b=2"]
        );
        assert_eq!(attribute_values(dom, "img", "src"), ["images/a.svg"]);
    }

    #[test]
    fn finds_missing_files_and_anchors_and_ignores_other_sites() {
        let site = env::temp_dir().join(format!("workbook-book-browser-{}", std::process::id()));
        fs::create_dir_all(site.join("images")).unwrap();
        fs::write(site.join("ch02.html"), r#"<h2 id="scaling">Scaling</h2>"#).unwrap();
        fs::write(site.join("images/a.svg"), "<svg/>").unwrap();
        let dom = r#"<h1 id="top">Top</h1>"#;
        let broken = |reference| broken(reference, &site, dom);
        assert_eq!(broken("ch02.html#scaling"), None);
        assert_eq!(broken("ch02.html?highlight=x#scaling"), None);
        assert_eq!(broken("images/a.svg"), None);
        assert_eq!(broken("#top"), None);
        assert_eq!(broken("https://example.com/missing"), None);
        assert_eq!(
            broken("ch02.html#missing").as_deref(),
            Some("no element has the id `missing`")
        );
        assert_eq!(
            broken("#nowhere").as_deref(),
            Some("no element has the id `nowhere`")
        );
        assert!(broken("ch09.html")
            .unwrap()
            .ends_with("ch09.html does not exist"));
        fs::remove_dir_all(&site).unwrap();
    }

    #[test]
    fn a_page_without_its_sidebar_or_with_a_leftover_include_is_reported() {
        let page = Path::new("/site/ch01.html");
        let dom = r#"<ol class="chapter"><li>1</li></ol><pre><code class="language-rust">fn a() {}</code></pre>"#;
        assert_eq!(page_problems(dom, page), Vec::<String>::new());
        let problems = page_problems(
            "<p>{{#include ../x.rs}}</p><pre><code class=\"x\"></code></pre>",
            page,
        );
        assert_eq!(
            problems,
            [
                "`{{#include …}}` was left unexpanded",
                "a code block is empty: an include that found nothing?",
                "the sidebar's chapter list is missing: the page's scripts did not run",
            ]
        );
    }

    #[test]
    fn on_a_phone_the_page_must_not_scroll_sideways_and_the_switch_keeps_the_section() {
        let layout = layout::Layout {
            page_width: 390,
            window_width: 390,
            language_switch: Some("file:///site/ko/concurrency.html#scaling".to_owned()),
            ..layout::Layout::default()
        };
        assert_eq!(narrow_problems(&layout, Some("scaling")).count(), 0);
        assert_eq!(narrow_problems(&layout, None).count(), 0);
        let lost: Vec<String> = narrow_problems(&layout, Some("quotas")).collect();
        assert_eq!(
            lost,
            ["opened at #quotas, the language switch leads to \
              file:///site/ko/concurrency.html#scaling, not to the same section"]
        );
        let too_wide = layout::Layout {
            page_width: 700,
            ..layout
        };
        let found: Vec<String> = narrow_problems(&too_wide, Some("scaling")).collect();
        assert_eq!(
            found,
            ["at 390 px the page is 700 px wide: it scrolls sideways"]
        );
    }

    #[test]
    fn a_translated_page_must_show_its_own_copy_of_a_diagram() {
        let site = env::temp_dir().join(format!("workbook-book-drawings-{}", std::process::id()));
        fs::create_dir_all(site.join("images")).unwrap();
        fs::create_dir_all(site.join("ko/images")).unwrap();
        for file in [
            "images/a.svg",
            "ko/images/a.svg",
            "ch01.html",
            "ko/ch01.html",
        ] {
            fs::write(site.join(file), "<svg/>").unwrap();
        }
        let korean = site.join("ko/ch01.html");
        let own = r#"<img src="images/a.svg" alt="그림">"#;
        assert_eq!(english_drawings(own, &korean, &site), Vec::<String>::new());
        let english = r#"<img src="../images/a.svg" alt="그림">"#;
        assert_eq!(
            english_drawings(english, &korean, &site),
            [
                "the diagram <img src=\"../images/a.svg\"> is shown from another language's \
              folder, not this page's translated copy"
            ]
        );
        let english_page = site.join("ch01.html");
        assert_eq!(
            english_drawings(own, &english_page, &site),
            Vec::<String>::new()
        );
        assert_eq!(
            english_drawings(r#"<img src="ko/images/a.svg">"#, &english_page, &site).len(),
            1
        );
        fs::remove_dir_all(&site).unwrap();
    }

    #[test]
    fn a_diagram_too_small_on_a_phone_must_open_at_its_full_size() {
        let mut diagram = layout::Diagram {
            address: "file:///site/images/a.svg".to_owned(),
            shown_width: 350,
            drawn_width: 760,
            opens_full_size: false,
        };
        let shown = 12.0 * diagram.scale();
        assert_eq!(
            unreadable_diagram(&diagram, shown, 12.0).unwrap(),
            "file:///site/images/a.svg: at 390 px its smallest label is 5.5 px, and tapping it \
             does not open it at its full size (book/theme/diagrams.js links each diagram to \
             its file)"
        );
        diagram.opens_full_size = true;
        assert_eq!(unreadable_diagram(&diagram, shown, 12.0), None);
        assert!(unreadable_diagram(&diagram, 3.0, 7.0)
            .unwrap()
            .contains("even at its full size"));
        assert_eq!(
            file_path("file:///site/my%20book/a.svg"),
            Path::new("/site/my book/a.svg")
        );
    }

    #[test]
    fn search_words_are_percent_encoded() {
        assert_eq!(percent_encoded("cold start"), "cold%20start");
        assert_eq!(percent_encoded("별칭"), "%EB%B3%84%EC%B9%AD");
    }

    #[test]
    fn search_results_are_list_items() {
        assert!(has_search_results(
            r#"<ul id="mdbook-searchresults"><li><a href="a.html">"#
        ));
        assert!(!has_search_results(
            r#"<ul id="mdbook-searchresults"></ul>"#
        ));
    }
}
