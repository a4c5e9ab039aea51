//! `cargo xtask verify [<exercise>] [--json <file>] [--timeout <seconds>]`: the learner's command.
//!
//! Grades the starters, the crates the learner edits, and answers three questions: what passes,
//! what the first problem is, and what to do next. The exit code lets scripts and teachers' CI
//! tell the cases apart (see [`crate::report::Verdict::exit_code`]).

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::grade::{self, Crate};
use crate::manifest::Manifest;
use crate::report::{self, Graded};

/// Runs the command and returns the process exit code.
pub fn run(
    root: &Path,
    exercise: Option<&str>,
    json: Option<&Path>,
    timeout: Duration,
) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let exercises = match exercise {
        Some(name) => vec![manifest.find(name)?],
        None => manifest.exercises.iter().collect(),
    };
    let crates: Vec<Crate> = exercises
        .iter()
        .map(|e| Crate {
            package: e.package.clone(),
            dir: &e.dir,
        })
        .collect();
    let outcomes = grade::grade(root, &crates, timeout)?;
    let graded: Vec<Graded> = exercises
        .into_iter()
        .zip(outcomes)
        .map(|(exercise, outcome)| Graded { exercise, outcome })
        .collect();

    println!();
    print!("{}", report::table(&graded));
    print!("{}", report::details(&graded));
    println!("\n{}", report::next_step(&manifest.exercises, &graded));
    if let Some(path) = json {
        // A relative path is relative to where the learner typed the command: xtask runs cargo
        // and the tests in other folders, but never changes its own working directory.
        fs::write(path, report::json(&graded))
            .map_err(|e| format!("cannot write the JSON report to {}: {e}", path.display()))?;
    }
    Ok(report::exit_code(&graded))
}
