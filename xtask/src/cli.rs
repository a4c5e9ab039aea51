//! The command line: `cargo xtask <command> [options]`, parsed by hand.
//!
//! Three commands with four options do not need an argument-parsing library, and every
//! dependency here is build time a learner waits through before their first verdict.

use std::path::PathBuf;
use std::time::Duration;

/// How long one exercise's tests may run, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

pub const USAGE: &str = "\
usage:
  cargo xtask verify [<exercise>] [--json <file>] [--timeout <seconds>]
      Test your exercises (or just one) and show what passed and what to do next.
      --json <file>        also write the results as JSON (see xtask/README.md)
      --timeout <seconds>  time limit for each exercise's tests (default 60)
  cargo xtask check [--timeout <seconds>]
      For maintainers and CI: the manifest matches the crates, every solution passes,
      every test fails on its starter, and the book builds.
  cargo xtask book [--serve] [--open]
      Build the book into book/build/; --serve also serves it at http://127.0.0.1:3000
      and rebuilds it when its sources change; --open opens it in a browser.";

/// A parsed command line.
#[derive(Debug, PartialEq)]
pub enum Command {
    Verify {
        exercise: Option<String>,
        json: Option<PathBuf>,
        timeout: Duration,
    },
    Check {
        timeout: Duration,
    },
    Book {
        serve: bool,
        open: bool,
    },
    Help,
}

/// Parses the arguments after `cargo xtask`. Options may be written `--json FILE` or
/// `--json=FILE`.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let command = match args.next() {
        None => return Ok(Command::Help),
        Some(command) if ["verify", "check", "book"].contains(&command.as_str()) => command,
        Some(help) if ["help", "--help", "-h"].contains(&help.as_str()) => {
            return Ok(Command::Help)
        }
        Some(other) => return Err(format!("there is no command `{other}`\n\n{USAGE}")),
    };
    // Split `--name=value` so that both spellings take the same path below.
    let mut rest = Vec::new();
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
    let mut json = None;
    let mut timeout = DEFAULT_TIMEOUT;
    let mut serve = false;
    let mut open = false;
    while let Some(arg) = rest.next() {
        match (command.as_str(), arg.as_str()) {
            ("verify", "--json") => json = Some(PathBuf::from(value(&mut rest, "--json")?)),
            ("verify" | "check", "--timeout") => {
                timeout = seconds(&value(&mut rest, "--timeout")?)?
            }
            ("verify", name) if !name.starts_with('-') && exercise.is_none() => {
                exercise = Some(name.to_owned())
            }
            ("book", "--serve") => serve = true,
            ("book", "--open") => open = true,
            _ => return Err(format!("`{command}` does not take `{arg}`\n\n{USAGE}")),
        }
    }
    match command.as_str() {
        "verify" => Ok(Command::Verify {
            exercise,
            json,
            timeout,
        }),
        "check" => Ok(Command::Check { timeout }),
        _ => Ok(Command::Book { serve, open }), // the only other command let through above
    }
}

fn value(rest: &mut impl Iterator<Item = String>, option: &str) -> Result<String, String> {
    rest.next()
        .ok_or_else(|| format!("`{option}` needs a value, like `{option} <value>`"))
}

fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "`--timeout {text}`: give a whole number of seconds above 0, like `--timeout 120`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn verify_takes_an_exercise_and_options_in_any_order() {
        assert_eq!(
            parse_str("verify --timeout 5 hello-api --json=out.json"),
            Ok(Command::Verify {
                exercise: Some("hello-api".to_owned()),
                json: Some(PathBuf::from("out.json")),
                timeout: Duration::from_secs(5),
            })
        );
        assert_eq!(
            parse_str("verify"),
            Ok(Command::Verify {
                exercise: None,
                json: None,
                timeout: DEFAULT_TIMEOUT,
            })
        );
    }

    #[test]
    fn book_and_check_and_help() {
        assert_eq!(
            parse_str("book --open --serve"),
            Ok(Command::Book {
                serve: true,
                open: true
            })
        );
        assert_eq!(
            parse_str("check"),
            Ok(Command::Check {
                timeout: DEFAULT_TIMEOUT
            })
        );
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
    }
}
