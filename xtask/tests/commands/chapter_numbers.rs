//! Each chapter's number is its place in the book: the `# N.` heading of a chapter says the
//! number mdBook gives it in `book/src/SUMMARY.md` (which `cargo xtask list` and the sidebar
//! show), and a chapter that numbers itself (an appendix, `A. …`) is not numbered again.

use crate::workbook::{read, root};

/// The chapters of `SUMMARY.md` that mdBook numbers, in order: `(link text, file)`. Those are
/// the list items (`- [Title](file.md)`) at the left margin; a link without a `- ` is a prefix
/// or suffix chapter, unnumbered.
fn numbered_chapters(summary: &str) -> Vec<(String, String)> {
    summary
        .lines()
        .filter_map(|line| {
            line.strip_prefix("- [")
                .or_else(|| line.strip_prefix("* ["))
        })
        .filter_map(|item| {
            let (title, rest) = item.split_once("](")?;
            let file = rest.split_once(')')?.0;
            Some((title.to_owned(), file.to_owned()))
        })
        .collect()
}

/// The text after a chapter's first `# `.
fn heading(text: &str) -> Option<&str> {
    text.lines().find_map(|line| line.strip_prefix("# "))
}

/// `"10"` of `"10. Permissions"`, `"A"` of `"A. Lambda or Fargate?"`: a number or a letter
/// before a dot and a space, as a chapter or appendix numbers itself.
fn own_number(title: &str) -> Option<&str> {
    let (label, _) = title.split_once(". ")?;
    let label = label.strip_prefix("Appendix ").unwrap_or(label);
    let is_label = label.chars().all(|c| c.is_ascii_digit())
        || (label.len() == 1 && label.chars().all(|c| c.is_ascii_uppercase()));
    (!label.is_empty() && is_label).then_some(label)
}

#[test]
fn every_chapter_heading_has_the_number_of_its_place_in_the_summary() {
    let src = root().join("book/src");
    let summary = read(&src.join("SUMMARY.md"));
    let mut problems = Vec::new();
    for (index, (title, file)) in numbered_chapters(&summary).into_iter().enumerate() {
        let number = (index + 1).to_string();
        if own_number(&title).is_some() {
            problems.push(format!(
                "SUMMARY.md: `{title}` numbers itself, and mdBook numbers it {number} too: an \
                 appendix is a suffix chapter, a line `[{title}]({file})` without `- `, after \
                 the numbered chapters"
            ));
            continue;
        }
        let text = read(&src.join(&file));
        match heading(&text).map(|h| (h, own_number(h))) {
            Some((_, Some(own))) if own == number => {}
            Some((h, _)) => problems.push(format!(
                "{file}: the heading `# {h}` should start with `{number}. `, its place in \
                 SUMMARY.md"
            )),
            None => problems.push(format!("{file} has no `# ` heading")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn chapter_numbers_are_read_as_mdbook_reads_the_summary() {
    let summary = "# Summary\n\n[Intro](intro.md)\n\n- [One](one.md)\n- [Two](two.md)\n  - [Sub](sub.md)\n\n---\n\n[A. Appendix](a.md)\n";
    assert_eq!(
        numbered_chapters(summary),
        [
            ("One".to_owned(), "one.md".to_owned()),
            ("Two".to_owned(), "two.md".to_owned())
        ]
    );
    assert_eq!(own_number("10. Permissions"), Some("10"));
    assert_eq!(own_number("Appendix B. Quotas"), Some("B"));
    assert_eq!(own_number("A. Lambda or Fargate?"), Some("A"));
    assert_eq!(own_number("Introduction"), None);
    assert_eq!(own_number("Permissions: who. Why"), None);
}
