//! `cargo xtask`: the workbook's grader and chores, written in Rust like everything else here.
//!
//! The [xtask pattern] replaces shell scripts and Makefiles with a small binary in the workspace;
//! the alias in `.cargo/config.toml` turns `cargo xtask …` into `cargo run -p xtask -- …`. It runs
//! wherever `cargo` does, Windows included, and needs nothing installed.
//!
//! - `cargo xtask verify [<exercise>]`: the learner's command. Tests their exercises and says what
//!   passed, the first problem, and what to read next.
//! - `cargo xtask check`: the maintainers' command. Is the workbook itself sound?
//! - `cargo xtask book [--serve] [--open]`: builds the book with mdBook, used as a library.
//!
//! `xtask/README.md` has the options, the JSON report format and the exit codes.
//!
//! # Layout
//!
//! One module per idea, from the bottom up:
//!
//! - [`manifest`]: `exercises/manifest.toml`, and whether it matches the crates on disk.
//! - [`cargo_build`]: one `cargo build --tests` for many crates, and reading its JSON messages.
//! - [`process`]: running a child process under a deadline.
//! - [`libtest`]: reading a test binary's plain-text output.
//! - [`grade`]: build, then run each crate's test binaries: an [`report::Outcome`] per crate.
//! - [`report`]: verdicts, exit codes, the table, the JSON report.
//! - [`verify`], [`check`], [`book`]: the three commands.
//! - [`cli`]: the command line.
//!
//! [xtask pattern]: https://github.com/matklad/cargo-xtask

mod book;
mod cargo_build;
mod check;
mod cli;
mod grade;
mod libtest;
mod manifest;
mod process;
mod report;
mod verify;

use std::env;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cli::Command;

/// Exit code for "something went wrong that is not the learner's code": a missing file, cargo
/// not starting, a mistyped command. It is the same as "does not compile": in both cases there
/// is no test verdict.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let result = cli::parse(env::args().skip(1)).and_then(|command| {
        let root = workspace_root();
        match command {
            Command::Verify {
                exercise,
                json,
                timeout,
            } => verify::run(&root, exercise.as_deref(), json.as_deref(), timeout),
            Command::Check { timeout } => check::run(&root, timeout),
            Command::Book { serve, open } => book::run(&root, serve, open),
            Command::Help => {
                println!("{}", cli::USAGE);
                Ok(0)
            }
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The workspace root: the folder above this crate. Cargo tells us where the crate is when it
/// compiles it, so xtask works from any folder of the checkout.
fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}
