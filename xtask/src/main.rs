//! `cargo xtask`: the workbook's grader and chores, written in Rust like everything else here.
//!
//! The [xtask pattern] replaces shell scripts and Makefiles with a small binary in the workspace;
//! the alias in `.cargo/config.toml` turns `cargo xtask …` into `cargo run -p xtask -- …`. It runs
//! wherever `cargo` does, Windows included, and needs nothing installed.
//!
//! - Learners: `verify [<exercise>]` tests their exercises and says what passed, the first
//!   problem, and what to read next; `watch` does it on every save; `list`, `hint`, `reset` and
//!   `solution` help along the way. Their progress is kept in `.workbook/progress`.
//! - Teachers: `verify --strict --json/--junit` grades, `seal` records the hashes of the files
//!   that decide a grade so that a changed one is caught, and `take-work` lays a learner's files
//!   into the teacher's own checkout, to grade them with the teacher's grader and tests.
//! - Maintainers: `check` asks whether the workbook itself is sound; `book` builds the book, in
//!   English and in its translations; `pot` keeps the translations in step with the English;
//!   `real-aws` checks the book's SAM templates and `aws` commands with AWS's own tools.
//! - Everyone: `serve` runs the exercises' functions behind Lambda's own API, for the AWS CLI.
//!
//! Learners can work in Korean: under a Korean locale (or with `--lang ko`) the learner's
//! commands speak Korean where a translation exists ([`language`]).
//!
//! `xtask/README.md` has the options, the file formats and the exit codes.
//!
//! # Layout
//!
//! One module per idea, from the bottom up:
//!
//! - [`language`]: the learner's language, from `--lang` or the locale.
//! - [`manifest`]: `exercises/manifest.toml`, and whether it matches the crates on disk.
//! - [`cargo_build`]: one `cargo build --tests` for many crates, and reading its JSON messages.
//! - [`process`]: running a child process under a deadline.
//! - [`libtest`]: reading a test binary's plain-text output.
//! - [`grade`]: build, then run each crate's test binaries: an [`report::Outcome`] per crate.
//! - [`report`]: verdicts, exit codes, the table, the JSON report; [`junit`]: the JUnit report.
//! - [`sha256`] and [`seal`]: the hashes of the exercises' tests, `exercises/tests.lock`.
//! - [`pictures`]: the book's pictures, copied out of the worked examples' snapshots.
//! - [`progress`]: the learner's progress file.
//! - The commands: [`verify`] (whose core `watch` and `solution` share), [`watch`], [`list`],
//!   [`hint`], [`reset`], [`solution`], [`check`], [`seal`], [`pictures`], [`book`] (and
//!   `pot`), [`real_aws`], [`serve`].
//! - [`cli`]: the command line.
//!
//! [xtask pattern]: https://github.com/matklad/cargo-xtask

mod audit;
mod book;
mod cargo_build;
mod check;
mod cli;
mod generate;
mod grade;
mod hint;
mod junit;
mod language;
mod libtest;
mod list;
mod manifest;
mod new;
mod pictures;
mod process;
mod progress;
mod real_aws;
mod report;
mod reset;
mod seal;
mod serve;
mod sha256;
mod solution;
mod take_work;
mod variants;
mod verify;
mod watch;

use std::env;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cli::Command;
use language::Language;

/// Exit code for "something went wrong that is not the learner's code": a missing file, cargo
/// not starting, a mistyped command. It is the same as "does not compile": in both cases there
/// is no test verdict.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let result = cli::parse(env::args().skip(1)).and_then(|command| {
        let root = workspace_root();
        match command {
            Command::Verify(options) => verify::run(&root, &options),
            Command::Watch {
                exercise,
                timeout,
                language,
            } => {
                let language = Language::or_from_environment(language);
                watch::run(&root, exercise.as_deref(), timeout, language)
            }
            Command::List => list::run(&root),
            Command::Hint {
                exercise,
                all,
                language,
            } => {
                let language = Language::or_from_environment(language);
                hint::run(&root, exercise.as_deref(), all, language)
            }
            Command::Reset { which, yes } => reset::run(&root, &which, yes),
            Command::Solution {
                exercise,
                timeout,
                language,
            } => {
                let language = Language::or_from_environment(language);
                solution::run(&root, &exercise, timeout, language)
            }
            Command::Check { timeout } => check::run(&root, timeout),
            Command::Variants { exercise, timeout } => {
                variants::command(&root, exercise.as_deref(), timeout)
            }
            Command::TakeWork { learner } => take_work::run(&root, &learner),
            Command::Generate => generate::run(&root),
            Command::New { name, chapter } => new::run(&root, &name, &chapter),
            Command::Seal => seal::run(&root),
            Command::Pictures => pictures::run(&root),
            Command::Book {
                action,
                open,
                editions,
            } => book::run(&root, &action, open, &editions),
            Command::Pot => book::pot(&root),
            Command::RealAws => real_aws::run(&root),
            Command::Serve {
                port,
                transcript,
                bootstrap,
            } => serve::run(&root, port, transcript, bootstrap),
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

/// The variable that points xtask at another workbook checkout than its own. Its tests use it
/// to work on a small fixture workspace; a teacher can use it to look at a learner's clone with
/// one prebuilt xtask (`WORKBOOK_ROOT=../their-clone cargo xtask verify`); grading uses the
/// teacher's own checkout instead (`take-work`), since a clone's seal is the learner's.
const ROOT_VARIABLE: &str = "WORKBOOK_ROOT";

/// The workspace root: `$WORKBOOK_ROOT` if it is set, else the folder above this crate. Cargo
/// tells us where the crate is when it compiles it, so xtask works from any folder of the
/// checkout.
fn workspace_root() -> PathBuf {
    if let Some(root) = env::var_os(ROOT_VARIABLE).filter(|root| !root.is_empty()) {
        // Absolute, since the tests run in their crates' folders and are told where the root is.
        let root = PathBuf::from(root);
        return std::path::absolute(&root).unwrap_or(root);
    }
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}
