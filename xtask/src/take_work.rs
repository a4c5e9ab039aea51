//! `cargo xtask take-work <learner's checkout>`: lays a learner's work into this checkout, for
//! grading with this checkout's grader, invoker, tests and manifests.
//!
//! A learner's repository holds everything that grades it: a learner who edits a test, the
//! invoker or `xtask/` itself could make any grade come out. `--strict` catches a changed test
//! through the seal, but the seal and the grader that reads it are in the same repository. So a
//! teacher grades in a checkout of their own template and takes only the learner's own files
//! from the learner's: for each exercise, every file under `src/` that the template's seal does
//! not list (the `src/lib.rs`, and any module the learner added). Everything else (tests,
//! snapshots, `Cargo.toml`s, `given.rs`, the invoker, the grader) stays the template's. The
//! Classroom workflow (`.github/classroom/classroom.yml`) does exactly this.

use std::fs;
use std::path::Path;

use crate::manifest::Manifest;
use crate::seal::{Seal, PATH as SEAL_PATH};

/// Copies the learner's files of every exercise from `learner` into the checkout at `root`, and
/// returns the process exit code.
pub fn run(root: &Path, learner: &Path) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let seal = Seal::load(root)?.ok_or_else(|| {
        format!(
            "{SEAL_PATH} is missing: it says which files are the learner's; run `cargo xtask seal`"
        )
    })?;
    if !learner.join("exercises").is_dir() {
        return Err(format!(
            "{} has no exercises/ folder: name the learner's checkout of the workbook",
            learner.display()
        ));
    }
    let mut taken = 0;
    for exercise in &manifest.exercises {
        // This checkout's own learner files go first: an exercise is graded on what the learner
        // wrote, not on the template's starter.
        for file in seal.learner_files(root, exercise)? {
            fs::remove_file(root.join(&file)).map_err(|e| format!("cannot remove {file}: {e}"))?;
        }
        // A link could point at any file of the machine that grades; a learner writes files.
        // The seal's walk does not follow links, so none is taken; each is named.
        for link in links_under(&learner.join(&exercise.dir).join("src")) {
            println!("not taken: {}, a link", link.display());
        }
        for file in seal.learner_files(learner, exercise)? {
            let from = learner.join(&file);
            let to = root.join(&file);
            if let Some(folder) = to.parent() {
                fs::create_dir_all(folder).map_err(|e| format!("cannot create {file}: {e}"))?;
            }
            fs::copy(&from, &to).map_err(|e| format!("cannot copy {file}: {e}"))?;
            println!("took {file}");
            taken += 1;
        }
    }
    println!(
        "Took {taken} file(s) of the learner's from {}; everything else is this checkout's.",
        learner.display()
    );
    Ok(0)
}

/// Every link under `folder`, which is not followed.
fn links_under(folder: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut links = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => links.push(path),
            Ok(metadata) if metadata.is_dir() => links.extend(links_under(&path)),
            _ => {}
        }
    }
    links
}
