//! `cargo xtask hint [<exercise>] [--all]`: the manifest's hints, one at a time.
//!
//! Each exercise's hints go from a nudge to nearly the answer, so they are revealed in order:
//! the first call shows hint 1, the next hint 2, and so on; the count is kept in the progress
//! file, so it survives between sessions. `--all` shows again every hint revealed so far, without
//! revealing a new one. Without a name, nothing new is revealed either: a hint is something the
//! learner asks for by name, so `cargo xtask hint` alone shows what was revealed so far for the
//! exercise they are on (the first that does not pass, as `list` marks it), and how to ask for
//! the next one.
//!
//! Under Korean settings ([`crate::language`]) the hints are the manifest's `hints_ko`, and the
//! words around them Korean; an exercise whose hints are not translated yet shows the English
//! ones, and says so.

use std::path::Path;

use crate::book;
use crate::language::Language;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{self, Progress};

/// Runs the command and returns the process exit code. The hints are shown in `language` when
/// the manifest has them in it (`hints_ko`), else in English.
pub fn run(
    root: &Path,
    exercise: Option<&str>,
    all: bool,
    language: Language,
) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let progress = Progress::load(root)?;
    let exercise_named = exercise.is_some();
    let exercise = match exercise {
        Some(name) => manifest.find(name)?,
        None => progress.next_from(&manifest, 0).ok_or(
            "every exercise passes, so there is none to hint at; name one, like \
             `cargo xtask hint hello-api`",
        )?,
    };
    // A count past the last hint (an edited progress file) means "all of them".
    let revealed = progress
        .get(&exercise.name)
        .hints_revealed
        .min(exercise.hints.len());
    let named = exercise_named;
    let (shown, text) = if all || !named {
        let mut text = revealed_so_far(exercise, revealed, language);
        if !named && revealed > 0 && revealed < exercise.hints.len() {
            text.push_str(&ask_for_the_next(exercise, revealed + 1, language));
        }
        (revealed, text)
    } else {
        let shown = (revealed + 1).min(exercise.hints.len());
        (shown, next_hint(root, exercise, shown, language))
    };
    print!("{text}");
    if shown != revealed {
        progress::update(root, |progress| {
            progress.set_hints_revealed(&exercise.name, shown)
        })?;
    }
    Ok(0)
}

/// How to reveal hint number `number` of `exercise`, in `language`.
fn ask_for_the_next(exercise: &Exercise, number: usize, language: Language) -> String {
    let name = &exercise.name;
    match language {
        Language::English => format!("`cargo xtask hint {name}` reveals hint {number}.\n"),
        Language::Korean => {
            format!("{number}번 힌트는 `cargo xtask hint {name}` 명령으로 볼 수 있습니다.\n")
        }
    }
}

/// Hint number `number` (counting from 1) and what to do after it, in `language`.
fn next_hint(root: &Path, exercise: &Exercise, number: usize, language: Language) -> String {
    let name = &exercise.name;
    let (hints, hints_language) = exercise.hints_in(language);
    let count = hints.len();
    let Some(hint) = number.checked_sub(1).and_then(|i| hints.get(i)) else {
        return match language {
            Language::English => format!("`{name}` has no hints.\n"),
            Language::Korean => format!("`{name}` 연습 문제에는 힌트가 없습니다.\n"),
        };
    };
    let link = || book::chapter_link(root, &exercise.chapter, language);
    let (heading, after) = match language {
        Language::English => (
            format!("Hint {number} of {count} for {name}:"),
            match number < count {
                true => format!("`cargo xtask hint {name}` again shows hint {}.", number + 1),
                false => format!(
                    "That was the last hint. The chapter explains the idea: {}",
                    link()
                ),
            },
        ),
        Language::Korean => (
            format!(
                "{name} 힌트 {number}/{count}{}:",
                untranslated_note(hints_language)
            ),
            match number < count {
                true => format!(
                    "다음 힌트({}번)는 `cargo xtask hint {name}` 명령을 한 번 더 실행하면 볼 수 \
                     있습니다.",
                    number + 1
                ),
                false => format!(
                    "마지막 힌트였습니다. 개념 설명은 이 장에 있습니다: {}",
                    link()
                ),
            },
        ),
    };
    format!("{heading}\n\n{}\n\n{after}\n", indent(hint))
}

/// Every hint revealed so far, for `--all`, in `language`.
fn revealed_so_far(exercise: &Exercise, revealed: usize, language: Language) -> String {
    let name = &exercise.name;
    let (hints, hints_language) = exercise.hints_in(language);
    let count = hints.len();
    if revealed == 0 {
        return match language {
            Language::English => format!(
                "No hint for {name} revealed yet; `cargo xtask hint {name}` shows the first.\n"
            ),
            Language::Korean => format!(
                "{name}: 아직 본 힌트가 없습니다. 첫 힌트는 `cargo xtask hint {name}` 명령으로 볼 수 \
                 있습니다.\n"
            ),
        };
    }
    let hints: Vec<String> = hints[..revealed.min(count)]
        .iter()
        .enumerate()
        .map(|(i, hint)| {
            let heading = match language {
                Language::English => format!("Hint {} of {count}:", i + 1),
                Language::Korean => format!("힌트 {}/{count}:", i + 1),
            };
            format!("{heading}\n\n{}\n", indent(hint))
        })
        .collect();
    let heading = match language {
        Language::English => format!("Hints revealed for {name}:"),
        Language::Korean => format!(
            "{name}: 지금까지 본 힌트{}:",
            untranslated_note(hints_language)
        ),
    };
    format!("{heading}\n\n{}", hints.join("\n"))
}

/// For a Korean heading over hints that are still in English: says so.
fn untranslated_note(hints_language: Language) -> &'static str {
    match hints_language {
        Language::Korean => "",
        Language::English => " (아직 번역되지 않아 영어로 보여 드립니다)",
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(hints: &[&str]) -> Exercise {
        Exercise {
            chapter: "versions.md".to_owned(),
            hints: hints.iter().map(|h| h.to_string()).collect(),
            ..Exercise::named("canary")
        }
    }

    fn translated(hints: &[&str], hints_ko: &[&str]) -> Exercise {
        Exercise {
            hints_ko: hints_ko.iter().map(|h| h.to_string()).collect(),
            ..exercise(hints)
        }
    }

    #[test]
    fn each_hint_says_what_comes_next() {
        let root = Path::new("/nowhere");
        let canary = exercise(&["Look at the alias.", "Use update_alias."]);
        assert_eq!(
            next_hint(root, &canary, 1, Language::English),
            "Hint 1 of 2 for canary:\n\n    Look at the alias.\n\n\
             `cargo xtask hint canary` again shows hint 2.\n"
        );
        let last = next_hint(root, &canary, 2, Language::English);
        assert!(last.starts_with("Hint 2 of 2 for canary:\n\n    Use update_alias.\n\n"));
        assert!(last.contains(
            "That was the last hint. The chapter explains the idea: book/src/versions.md"
        ));
        assert_eq!(
            next_hint(root, &exercise(&[]), 0, Language::English),
            "`canary` has no hints.\n"
        );
    }

    #[test]
    fn all_shows_only_what_was_revealed() {
        let canary = exercise(&["first", "second", "third"]);
        assert_eq!(
            revealed_so_far(&canary, 2, Language::English),
            "Hints revealed for canary:\n\nHint 1 of 3:\n\n    first\n\nHint 2 of 3:\n\n    second\n"
        );
        assert!(revealed_so_far(&canary, 0, Language::English)
            .starts_with("No hint for canary revealed yet"));
    }

    #[test]
    fn korean_hints_under_korean_settings_and_english_ones_until_translated() {
        let root = Path::new("/nowhere");
        let canary = translated(
            &["Look at the alias.", "Use update_alias."],
            &["별칭을 보세요.", "update_alias를 쓰세요."],
        );
        assert_eq!(
            next_hint(root, &canary, 1, Language::Korean),
            "canary 힌트 1/2:\n\n    별칭을 보세요.\n\n\
             다음 힌트(2번)는 `cargo xtask hint canary` 명령을 한 번 더 실행하면 볼 수 있습니다.\n"
        );
        let last = next_hint(root, &canary, 2, Language::Korean);
        assert!(
            last.contains(
                "마지막 힌트였습니다. 개념 설명은 이 장에 있습니다: book/src/versions.md"
            ),
            "{last}"
        );
        assert!(next_hint(root, &canary, 1, Language::English).contains("Look at the alias."));

        let untranslated = exercise(&["Look at the alias.", "Use update_alias."]);
        let hint = next_hint(root, &untranslated, 1, Language::Korean);
        assert!(
            hint.starts_with("canary 힌트 1/2 (아직 번역되지 않아 영어로 보여 드립니다):\n\n    Look at the alias.\n"),
            "{hint}"
        );
        assert_eq!(
            revealed_so_far(&canary, 1, Language::Korean),
            "canary: 지금까지 본 힌트:\n\n힌트 1/2:\n\n    별칭을 보세요.\n"
        );
    }
}
