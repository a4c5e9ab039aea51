//! `cargo xtask solution <exercise>`: the reference solution, once the learner's own passes.
//!
//! Comparing a working answer with another one teaches; reading the answer before trying does
//! not. So the solution's `src/lib.rs` is printed only for an exercise that passes: as the
//! progress file says (its last verify), or else as a fresh verify finds. This is a nudge, not a
//! lock: the solutions are in `solutions/`, for anyone who opens the folder.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::language::Language;
use crate::manifest::Manifest;
use crate::progress::{Progress, Status};
use crate::report::Verdict;
use crate::verify;

/// Runs the command and returns the process exit code: 0 shown, 1 not yet (the exercise fails).
/// The verdict, if it takes one, is shown in `language`.
pub fn run(root: &Path, name: &str, timeout: Duration, language: Language) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let exercise = manifest.find(name)?;
    let passes = if Progress::load(root)?.get(name).status == Status::Passing {
        true
    } else {
        println!("The solution is shown once your `{name}` passes; checking it now.");
        let graded =
            verify::check_exercises(root, &manifest, vec![exercise], false, timeout, language)?;
        graded.iter().all(|g| g.outcome.verdict == Verdict::Passed)
    };
    if !passes {
        println!(
            "\nNot yet: `{name}` does not pass, so its solution stays hidden (it would spoil the \
             exercise). `cargo xtask hint {name}` gives a hint; `cargo xtask watch {name}` checks \
             each change you save."
        );
        return Ok(1);
    }
    let path = format!("{}/src/lib.rs", exercise.solution);
    let code = fs::read_to_string(root.join(&path)).map_err(|e| {
        format!("cannot read {path}: {e}; is this checkout complete? (`git status` shows what is missing)")
    })?;
    println!("// {path}: the reference solution of `{name}`. Yours passes too: compare the two.\n");
    print!("{code}");
    Ok(0)
}
