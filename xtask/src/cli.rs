//! The command line: `cargo xtask <command> [options]`, parsed by hand.
//!
//! Nine commands with a handful of options do not need an argument-parsing library, and every
//! dependency here is build time a learner waits through before their first verdict.

use std::path::PathBuf;
use std::time::Duration;

use crate::language::Language;

/// How long one exercise's tests may run, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

pub const USAGE: &str = "\
usage:
  cargo xtask verify [<exercise>] [--json <file>] [--junit <file>] [--strict] [--timeout <seconds>]
      Test your exercises (or just one) and show what passed and what to do next.
      --json <file>        also write the results as JSON (see xtask/README.md)
      --junit <file>       also write the results as JUnit XML
      --strict             for grading: fail an exercise whose sealed files differ from
                           exercises/tests.lock, or whose code uses a way out of the grader
      --timeout <seconds>  time limit for each exercise's tests (default 60)
  cargo xtask watch [<exercise>] [--timeout <seconds>]
      Check the exercise you are on each time you save a file, and move on when it passes.
      Enter checks again at once; q stops (the end of input does not).
  cargo xtask list
      The exercises, chapter by chapter, with how far you got and which is next.
  cargo xtask hint [<exercise>] [--all]
      Reveal the exercise's next hint; --all shows again every hint revealed so far.
      Without a name: the hints revealed so far for the exercise you are on.
  cargo xtask reset <exercise> | --all [--yes]
      Throw away your changes to an exercise (or to all of them), restoring them from git.
      Asks first, unless --yes.
  cargo xtask solution <exercise> [--timeout <seconds>]
      Show the reference solution, once your own passes.
  verify, watch, hint and solution speak Korean under a Korean locale (LANG=ko_KR.UTF-8),
  or with --lang ko; --lang en for English. (한국어: LANG=ko_KR.UTF-8 또는 --lang ko)
  cargo xtask check [--timeout <seconds>]
      For maintainers and CI: the manifest matches the crates, every solution passes and is
      clean (clippy, rustfmt), every test fails on its starter, the seal is up to date, and
      the book builds.
  cargo xtask variants [<exercise>] [--timeout <seconds>]
      For maintainers: run each solution's variants.toml, other right answers that must
      pass and wrong answers (mutants) that must fail; `check` runs them too.
  cargo xtask take-work <learner's checkout>
      For teachers: copy the learner's own files (each exercise's src/ files that the seal
      does not list) into this checkout, to grade them with this checkout's grader and tests.
  cargo xtask generate
      For maintainers: rewrite what follows from exercises/manifest.toml (each solution's
      Cargo.toml, the exercise numbers in the sources, the Classroom workflow).
  cargo xtask new <name> --chapter <file in book/src>
      For teachers and maintainers: add an exercise after the others of its chapter (the
      ones after it move up by one): its starter, test, solution, variants, manifest entry
      and Classroom step.
  cargo xtask seal
      For teachers and maintainers: record the hashes of every exercise's tests and snapshots
      in exercises/tests.lock, after changing them.
  cargo xtask pictures
      For maintainers: copy the pictures the worked examples snapshot (timelines) into
      book/src/images/generated/, after changing them.
  cargo xtask book [--lang <code> | --all] [--serve] [--open] | --check
      Build the book into book/build/; --serve also serves it at http://127.0.0.1:3000
      and rebuilds it when its sources change; --open opens it in a browser.
      --lang ko builds the Korean edition (into book/build/ko/); --all builds every
      language into one site, with a language switch on each page.
      --check builds every language and opens every page in headless Chromium.
  cargo xtask pot
      For maintainers: extract the English book's messages into book/po/messages.pot
      and merge them into the translations (book/po/ko.po), after changing the book.
  cargo xtask real-aws
      For maintainers and CI: lint the book's SAM templates (book/templates/) with cfn-lint
      and run every `aws` command in the book through the AWS CLI's parameter parsing,
      offline; `check` runs it too. Needs `python3 -m pip install cfn-lint awscli`.
  cargo xtask serve [--port <port>] [--transcript] [--bootstrap <program> --function-name <name>]
      Serve every exercise's functions behind Lambda's own API on http://127.0.0.1:9001
      (or --port), for the AWS CLI, boto3 and the SDKs with --endpoint-url; --transcript
      prints the invoker's transcript as it grows; --bootstrap also runs a real function
      (built with lambda_runtime) under the invoker, through Lambda's Runtime API.";

/// A parsed command line.
///
/// `language` is the `--lang` of the learner's commands, if given: see [`crate::language`].
#[derive(Debug, PartialEq)]
pub enum Command {
    Verify(VerifyOptions),
    Watch {
        exercise: Option<String>,
        timeout: Duration,
        language: Option<Language>,
    },
    List,
    Hint {
        exercise: Option<String>,
        all: bool,
        language: Option<Language>,
    },
    Reset {
        which: Which,
        yes: bool,
    },
    Solution {
        exercise: String,
        timeout: Duration,
        language: Option<Language>,
    },
    Check {
        timeout: Duration,
    },
    Variants {
        exercise: Option<String>,
        timeout: Duration,
    },
    TakeWork {
        learner: PathBuf,
    },
    Generate,
    New {
        name: String,
        chapter: String,
    },
    Seal,
    Pictures,
    Book {
        action: BookAction,
        open: bool,
        editions: Editions,
    },
    Pot,
    RealAws,
    Serve {
        port: Option<u16>,
        transcript: bool,
        /// A real function's program and name (`--bootstrap`, `--function-name`).
        bootstrap: Option<(String, String)>,
    },
    Help,
}

/// Which languages `book` builds.
#[derive(Debug, PartialEq)]
pub enum Editions {
    /// One: English unless `--lang` says otherwise.
    One(Language),
    /// Every language, in one site (`--all`).
    All,
}

/// What `book` does once the book is built.
#[derive(Debug, PartialEq)]
pub enum BookAction {
    Build,
    Serve,
    /// Check the built pages in headless Chromium.
    Check,
}

/// What `verify` was asked to do.
#[derive(Debug, PartialEq)]
pub struct VerifyOptions {
    pub exercise: Option<String>,
    pub json: Option<PathBuf>,
    pub junit: Option<PathBuf>,
    pub strict: bool,
    pub timeout: Duration,
    pub language: Option<Language>,
}

/// One exercise, or all of them (`reset --all`).
#[derive(Debug, PartialEq)]
pub enum Which {
    One(String),
    All,
}

const COMMANDS: [&str; 17] = [
    "verify",
    "watch",
    "list",
    "hint",
    "reset",
    "solution",
    "check",
    "variants",
    "take-work",
    "generate",
    "new",
    "seal",
    "pictures",
    "book",
    "pot",
    "real-aws",
    "serve",
];

/// Parses the arguments after `cargo xtask`. Options may be written `--json FILE` or
/// `--json=FILE`.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let command = match args.next() {
        None => return Ok(Command::Help),
        Some(command) if COMMANDS.contains(&command.as_str()) => command,
        Some(help) if ["help", "--help", "-h"].contains(&help.as_str()) => {
            return Ok(Command::Help)
        }
        Some(other) => return Err(format!("there is no command `{other}`\n\n{USAGE}")),
    };
    // Split `--name=value` so that both spellings take the same path below.
    let mut rest = Vec::new();
    let args: Vec<String> = args.collect();
    // `cargo xtask reset --help` is a question, whatever else is on the line.
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        return Ok(Command::Help);
    }
    for arg in args {
        match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                rest.push(name.to_owned());
                rest.push(value.to_owned());
            }
            _ => rest.push(arg),
        }
    }
    let mut rest = rest.into_iter();

    let mut exercise = None;
    let (mut json, mut junit) = (None, None);
    let mut timeout = DEFAULT_TIMEOUT;
    let (mut strict, mut all, mut yes) = (false, false, false);
    let (mut serve, mut open, mut check) = (false, false, false);
    let mut language = None;
    let mut chapter = None;
    let (mut port, mut transcript) = (None, false);
    let (mut bootstrap, mut function_name) = (None, None);
    while let Some(arg) = rest.next() {
        match (command.as_str(), arg.as_str()) {
            ("verify", "--json") => json = Some(PathBuf::from(value(&mut rest, "--json")?)),
            ("verify", "--junit") => junit = Some(PathBuf::from(value(&mut rest, "--junit")?)),
            ("verify", "--strict") => strict = true,
            ("verify" | "watch" | "solution" | "check" | "variants", "--timeout") => {
                timeout = seconds(&value(&mut rest, "--timeout")?)?
            }
            (
                "verify" | "watch" | "hint" | "reset" | "solution" | "variants" | "take-work"
                | "new",
                name,
            ) if !name.starts_with('-') && exercise.is_none() => exercise = Some(name.to_owned()),
            ("hint" | "reset", "--all") => all = true,
            ("reset", "--yes" | "-y") => yes = true,
            ("book", "--serve") => serve = true,
            ("book", "--open") => open = true,
            ("book", "--check") => check = true,
            ("verify" | "watch" | "hint" | "solution" | "book", "--lang") => {
                language = Some(Language::parse(&value(&mut rest, "--lang")?)?)
            }
            ("book", "--all") => all = true,
            ("new", "--chapter") => chapter = Some(value(&mut rest, "--chapter")?),
            ("serve", "--port") => {
                let given = value(&mut rest, "--port")?;
                port = Some(given.parse().map_err(|_| {
                    format!("--port takes a port number (0 to 65535), not `{given}`")
                })?)
            }
            ("serve", "--transcript") => transcript = true,
            ("serve", "--bootstrap") => bootstrap = Some(value(&mut rest, "--bootstrap")?),
            ("serve", "--function-name") => {
                function_name = Some(value(&mut rest, "--function-name")?)
            }
            _ => return Err(format!("`{command}` does not take `{arg}`\n\n{USAGE}")),
        }
    }
    Ok(match command.as_str() {
        "verify" => Command::Verify(checked_reports(VerifyOptions {
            exercise,
            json,
            junit,
            strict,
            timeout,
            language,
        })?),
        "watch" => Command::Watch {
            exercise,
            timeout,
            language,
        },
        "list" => Command::List,
        "hint" => Command::Hint {
            exercise,
            all,
            language,
        },
        "reset" => {
            let which = match (exercise, all) {
                (Some(name), false) => Which::One(name),
                (None, true) => Which::All,
                (Some(name), true) => {
                    return Err(format!(
                        "`reset` takes an exercise or `--all`, not both: \
                         `cargo xtask reset {name}` or `cargo xtask reset --all`"
                    ))
                }
                (None, false) => {
                    return Err("`reset` needs the exercise to restore, like \
                                `cargo xtask reset hello-api`, or `--all` for every one"
                        .to_owned())
                }
            };
            Command::Reset { which, yes }
        }
        "solution" => Command::Solution {
            exercise: exercise
                .ok_or("`solution` needs the exercise, like `cargo xtask solution hello-api`")?,
            timeout,
            language,
        },
        "check" => Command::Check { timeout },
        "variants" => Command::Variants { exercise, timeout },
        "take-work" => Command::TakeWork {
            learner: PathBuf::from(exercise.ok_or_else(|| {
                format!("`take-work` needs the learner's checkout: `cargo xtask take-work <folder>`\n\n{USAGE}")
            })?),
        },
        "generate" => Command::Generate,
        "new" => {
            let usage = || format!("`new` needs a name and a chapter: `cargo xtask new <name> --chapter <file in book/src>`\n\n{USAGE}");
            Command::New {
                name: exercise.ok_or_else(usage)?,
                chapter: chapter.ok_or_else(usage)?,
            }
        }
        "seal" => Command::Seal,
        "pictures" => Command::Pictures,
        "pot" => Command::Pot,
        "real-aws" => Command::RealAws,
        "serve" => Command::Serve {
            port,
            transcript,
            bootstrap: match (bootstrap, function_name) {
                (Some(program), Some(name)) => Some((program, name)),
                (None, None) => None,
                _ => return Err("`serve` takes `--bootstrap <program>` and `--function-name <name>` together".to_owned()),
            },
        },
        // The only other command let through above.
        _ => {
            let editions = match (language, all) {
                (None, true) => Editions::All,
                (language, false) => Editions::One(language.unwrap_or(Language::English)),
                (Some(_), true) => {
                    return Err("`book` takes `--lang <code>` or `--all`, not both".to_owned())
                }
            };
            match (serve, open, check) {
                (_, _, false) => Command::Book {
                    action: if serve {
                        BookAction::Serve
                    } else {
                        BookAction::Build
                    },
                    open,
                    editions,
                },
                (false, false, true) if language.is_none() && !all => Command::Book {
                    action: BookAction::Check,
                    open: false,
                    editions: Editions::All,
                },
                _ => {
                    let error = "`book --check` builds every language and checks the site; it \
                                 takes no other option";
                    return Err(error.to_owned());
                }
            }
        }
    })
}

fn value(rest: &mut impl Iterator<Item = String>, option: &str) -> Result<String, String> {
    rest.next()
        .ok_or_else(|| format!("`{option}` needs a value, like `{option} <value>`"))
}

/// The longest `--timeout`: a day. A test that needs longer is stuck, and a larger number would
/// overflow the clock's arithmetic.
const MAX_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;

fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(secs @ 1..=MAX_TIMEOUT_SECONDS) => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "`--timeout {text}`: give a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS} \
             (a day), like `--timeout 120`"
        )),
    }
}

/// Refuses report paths that could only fail after the grading, or destroy one report with
/// another: an empty path, and the same path for `--json` and `--junit`.
fn checked_reports(options: VerifyOptions) -> Result<VerifyOptions, String> {
    for (option, path) in [("--json", &options.json), ("--junit", &options.junit)] {
        if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            return Err(format!(
                "`{option}` needs a file name, like `{option} report`"
            ));
        }
    }
    if options.json.is_some() && options.json == options.junit {
        return Err(
            "`--json` and `--junit` name the same file; each report needs its own".to_owned(),
        );
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn help_after_any_command_is_help() {
        for line in ["reset --help", "verify hello-api -h", "book --serve --help"] {
            assert_eq!(parse_str(line), Ok(Command::Help), "{line}");
        }
    }

    #[test]
    fn refuses_what_would_fail_after_grading() {
        let too_long = parse_str("verify --timeout 18446744073709551615").unwrap_err();
        assert!(too_long.contains("from 1 to 86400"), "{too_long}");
        assert!(parse_str("verify --timeout 86400").is_ok());
        let empty = parse_str("verify --json=").unwrap_err();
        assert!(empty.contains("`--json` needs a file name"), "{empty}");
        let same = parse_str("verify --json r.xml --junit r.xml").unwrap_err();
        assert!(same.contains("the same file"), "{same}");
    }

    #[test]
    fn verify_takes_an_exercise_and_options_in_any_order() {
        assert_eq!(
            parse_str("verify --timeout 5 hello-api --json=out.json --strict --junit r.xml"),
            Ok(Command::Verify(VerifyOptions {
                exercise: Some("hello-api".to_owned()),
                json: Some(PathBuf::from("out.json")),
                junit: Some(PathBuf::from("r.xml")),
                strict: true,
                timeout: Duration::from_secs(5),
                language: None,
            }))
        );
        assert_eq!(
            parse_str("verify"),
            Ok(Command::Verify(VerifyOptions {
                exercise: None,
                json: None,
                junit: None,
                strict: false,
                timeout: DEFAULT_TIMEOUT,
                language: None,
            }))
        );
    }

    #[test]
    fn the_learners_commands() {
        assert_eq!(
            parse_str("watch canary"),
            Ok(Command::Watch {
                exercise: Some("canary".to_owned()),
                timeout: DEFAULT_TIMEOUT,
                language: None,
            })
        );
        assert_eq!(parse_str("list"), Ok(Command::List));
        assert_eq!(
            parse_str("hint --all"),
            Ok(Command::Hint {
                exercise: None,
                all: true,
                language: None,
            })
        );
        assert_eq!(
            parse_str("reset hello-api -y"),
            Ok(Command::Reset {
                which: Which::One("hello-api".to_owned()),
                yes: true
            })
        );
        assert_eq!(
            parse_str("reset --all"),
            Ok(Command::Reset {
                which: Which::All,
                yes: false
            })
        );
        assert_eq!(
            parse_str("solution canary"),
            Ok(Command::Solution {
                exercise: "canary".to_owned(),
                timeout: DEFAULT_TIMEOUT,
                language: None,
            })
        );
    }

    #[test]
    fn lang_chooses_the_learners_language() {
        assert_eq!(
            parse_str("hint hello-api --lang ko"),
            Ok(Command::Hint {
                exercise: Some("hello-api".to_owned()),
                all: false,
                language: Some(Language::Korean),
            })
        );
        let Ok(Command::Verify(options)) = parse_str("verify --lang=en") else {
            panic!("verify takes --lang");
        };
        assert_eq!(options.language, Some(Language::English));
        let error = parse_str("watch --lang fr").unwrap_err();
        assert!(error.contains("the workbook speaks en, ko"), "{error}");
        let error = parse_str("list --lang ko").unwrap_err();
        assert!(
            error.starts_with("`list` does not take `--lang`"),
            "{error}"
        );
    }

    #[test]
    fn book_check_seal_and_help() {
        assert_eq!(
            parse_str("book --open --serve"),
            Ok(Command::Book {
                action: BookAction::Serve,
                open: true,
                editions: Editions::One(Language::English),
            })
        );
        assert_eq!(
            parse_str("book --lang ko --serve"),
            Ok(Command::Book {
                action: BookAction::Serve,
                open: false,
                editions: Editions::One(Language::Korean),
            })
        );
        assert_eq!(
            parse_str("book --all"),
            Ok(Command::Book {
                action: BookAction::Build,
                open: false,
                editions: Editions::All,
            })
        );
        assert_eq!(
            parse_str("book --check"),
            Ok(Command::Book {
                action: BookAction::Check,
                open: false,
                editions: Editions::All,
            })
        );
        let error = parse_str("book --check --serve").unwrap_err();
        assert!(error.contains("it takes no other option"), "{error}");
        let error = parse_str("book --check --lang ko").unwrap_err();
        assert!(error.contains("it takes no other option"), "{error}");
        let error = parse_str("book --all --lang ko").unwrap_err();
        assert!(error.contains("not both"), "{error}");
        assert_eq!(parse_str("pot"), Ok(Command::Pot));
        assert_eq!(parse_str("real-aws"), Ok(Command::RealAws));
        assert_eq!(
            parse_str("serve --port=9123 --transcript"),
            Ok(Command::Serve {
                port: Some(9123),
                transcript: true,
                bootstrap: None
            })
        );
        assert!(parse_str("serve --port nine")
            .unwrap_err()
            .contains("--port takes a port number"));
        assert_eq!(
            parse_str("check"),
            Ok(Command::Check {
                timeout: DEFAULT_TIMEOUT
            })
        );
        assert_eq!(parse_str("seal"), Ok(Command::Seal));
        assert_eq!(parse_str("pictures"), Ok(Command::Pictures));
        assert_eq!(parse_str(""), Ok(Command::Help));
        assert_eq!(parse_str("--help"), Ok(Command::Help));
    }

    #[test]
    fn mistakes_say_what_to_type() {
        let error = parse_str("verify a b").unwrap_err();
        assert!(error.starts_with("`verify` does not take `b`"), "{error}");
        let error = parse_str("verify --timeout soon").unwrap_err();
        assert!(error.contains("like `--timeout 120`"), "{error}");
        let error = parse_str("verify --json").unwrap_err();
        assert!(error.contains("`--json` needs a value"), "{error}");
        let error = parse_str("book --timeout 5").unwrap_err();
        assert!(
            error.starts_with("`book` does not take `--timeout`"),
            "{error}"
        );
        let error = parse_str("grade hello-api").unwrap_err();
        assert!(error.starts_with("there is no command `grade`"), "{error}");
        let error = parse_str("reset").unwrap_err();
        assert!(error.contains("`cargo xtask reset hello-api`"), "{error}");
        let error = parse_str("reset canary --all").unwrap_err();
        assert!(error.contains("not both"), "{error}");
        let error = parse_str("solution").unwrap_err();
        assert!(
            error.contains("`cargo xtask solution hello-api`"),
            "{error}"
        );
        let error = parse_str("list canary").unwrap_err();
        assert!(
            error.starts_with("`list` does not take `canary`"),
            "{error}"
        );
    }
}
