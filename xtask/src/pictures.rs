//! Pictures generated from the worked examples: `cargo xtask pictures`.
//!
//! Some worked examples draw a picture (a timeline of environments) beside their transcript, and
//! snapshot it with insta like the transcript, so a change to the invoker that changes the
//! picture fails a test. insta keeps the SVG inside a `.snap` file with a header; the book needs
//! a plain `.svg`. This command copies the body of every
//! `invoker/tests/it/book/snapshots/*_svg.snap` to `book/src/images/generated/<name>.svg`, and
//! `check` fails when one is missing or stale, so the book's pictures are always the ones the
//! tests checked.

use std::fs;
use std::path::{Path, PathBuf};

const SNAPSHOTS: &str = "invoker/tests/it/book/snapshots";
const GENERATED: &str = "book/src/images/generated";
const SUFFIX: &str = "_svg.snap";

/// Writes every picture; returns the exit code.
pub fn run(root: &Path) -> Result<u8, String> {
    let pictures = expected(root)?;
    let folder = root.join(GENERATED);
    fs::create_dir_all(&folder).map_err(|e| format!("cannot create {GENERATED}: {e}"))?;
    for (path, svg) in &pictures {
        fs::write(root.join(path), svg)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "Wrote {} picture(s) to {GENERATED}; commit them with the snapshots.",
        pictures.len()
    );
    Ok(0)
}

/// What `check` reports: pictures that are missing or differ from their snapshot.
pub fn out_of_date(root: &Path) -> Result<Vec<String>, String> {
    Ok(expected(root)?
        .into_iter()
        .filter(|(path, svg)| fs::read_to_string(root.join(path)).ok().as_ref() != Some(svg))
        .map(|(path, _)| {
            format!(
                "{} is missing or older than its snapshot: run `cargo xtask pictures`",
                path.display()
            )
        })
        .collect())
}

/// Every picture the snapshots hold: (path relative to the root, SVG text).
fn expected(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let folder = root.join(SNAPSHOTS);
    if !folder.exists() {
        // A workbook without worked-example snapshots has no pictures to make.
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(&folder).map_err(|e| format!("cannot read {SNAPSHOTS}: {e}"))?;
    let mut pictures = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = picture_name(&file) else {
            continue;
        };
        let text = fs::read_to_string(entry.path())
            .map_err(|e| format!("cannot read {SNAPSHOTS}/{file}: {e}"))?;
        let svg =
            body_of(&text).ok_or_else(|| format!("{SNAPSHOTS}/{file} is not an insta snapshot"))?;
        pictures.push((Path::new(GENERATED).join(format!("{name}.svg")), svg));
    }
    pictures.sort();
    Ok(pictures)
}

/// `it__book__concurrency__concurrency_load_timeline_svg.snap` → `concurrency_load_timeline`:
/// insta puts the test's module path before the snapshot's name, each part ending in `__`.
fn picture_name(file: &str) -> Option<&str> {
    let stem = file.strip_suffix(SUFFIX)?;
    Some(stem.rsplit_once("__").map_or(stem, |(_, name)| name))
}

/// A snapshot's content: what follows its header, which sits between two `---` lines.
fn body_of(snapshot: &str) -> Option<String> {
    let rest = snapshot.strip_prefix("---\n")?;
    let (_, body) = rest.split_once("\n---\n")?;
    Some(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_snapshot_file() {
        assert_eq!(
            picture_name("it__book__concurrency__concurrency_load_timeline_svg.snap"),
            Some("concurrency_load_timeline")
        );
        assert_eq!(picture_name("it__book__ch01__ch01.snap"), None);
    }

    #[test]
    fn the_body_is_what_follows_the_header() {
        let snap = "---\nsource: a.rs\nexpression: svg\n---\n<svg>\n</svg>\n";
        assert_eq!(body_of(snap).as_deref(), Some("<svg>\n</svg>\n"));
        assert_eq!(body_of("<svg/>"), None);
    }
}
