//! The code a learner is shown compiles: the code in the hints, and the book's Rust (or the book
//! says why a block cannot be compiled here); and the book's hints are the manifest's.
//!
//! These tests read the workbook around this crate (`exercises/manifest.toml`, `book/src`,
//! `solutions/*/tests/hints.rs`); they build nothing themselves. The compiling is cargo's: each
//! solution's `tests/hints.rs` is one of its test targets, so `cargo test` type-checks it in the
//! solution's context, and the test below proves that every piece of code in a hint is there.
//!
//! **Which spans of a hint are code.** The text between two backticks is code when it has a
//! `(`, a `{` or a path separator `::` (an ARN's `:::` is not one): `ctx.env("NAME")`,
//! `Role::new(ROLE)`, `Ok(())`. A bare name (`event.route_key`, `Option<&str>`, `.await?`) is
//! not checked. Code must appear, as it is written in the hint, in the code of the exercise's
//! `solutions/<nn>-<name>/tests/hints.rs`, outside comments; spaces, line breaks and the trailing
//! commas that rustfmt adds do not count. In a hint, `…`, `...` and `..` before a `)`, `,`, `]`
//! or `}` (as in `info(..)`) leave code out on purpose: each stands for any code with balanced
//! brackets. (`..Default::default()` is Rust, and is matched as written.)

use std::fs;
use std::path::{Path, PathBuf};

use crate::workbook::{read, root};

use toml::Value;

/// One exercise of the manifest: its name, chapter, solution folder and hints.
struct Exercise {
    name: String,
    chapter: String,
    solution: String,
    hints: Vec<String>,
    hints_ko: Vec<String>,
}

fn exercises() -> Vec<Exercise> {
    let text = read(&root().join("exercises/manifest.toml"));
    let manifest: toml::Table = text.parse().expect("the manifest is TOML");
    let strings = |entry: &Value, key: &str| -> Vec<String> {
        entry
            .get(key)
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    manifest["exercise"]
        .as_array()
        .expect("the manifest lists exercises")
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let name = entry["name"].as_str().expect("a name").to_owned();
            Exercise {
                solution: format!("solutions/{:02}-{name}", index + 1),
                chapter: entry["chapter"].as_str().expect("a chapter").to_owned(),
                hints: strings(entry, "hints"),
                hints_ko: strings(entry, "hints_ko"),
                name,
            }
        })
        .collect()
}

/// The spans of `text` between backticks.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Whether a span of a hint is code to check (see the module's documentation).
fn is_code(span: &str) -> bool {
    span.contains('(') || span.contains('{') || span.replace(":::", "").contains("::")
}

/// `source` without its comments, outside string literals; the rest as it is.
fn without_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut in_string = false;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(escaped) = next {
                    out.push(escaped);
                    i += 1;
                }
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
            continue;
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Code as it is compared: no whitespace, and no comma right before a closing bracket.
fn normalized(code: &str) -> String {
    let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(squeezed.len());
    let chars: Vec<char> = squeezed.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' && matches!(chars.get(i + 1), Some(')' | ']' | '}')) {
            continue;
        }
        out.push(c);
    }
    out
}

/// A hint's code span cut at its elisions (`…`, `...`, and `..` before a closing bracket or a
/// comma): the pieces that must appear in order, each elision any balanced code between them.
fn pieces(span: &str) -> Vec<String> {
    const GAP: char = '\u{0}';
    let mut code = normalized(span)
        .replace('…', "\u{0}")
        .replace("...", "\u{0}");
    let mut marked = String::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let elided = chars[i] == '.'
            && chars.get(i + 1) == Some(&'.')
            && matches!(chars.get(i + 2), None | Some(')' | ',' | ']' | '}'));
        if elided {
            marked.push(GAP);
            i += 2;
        } else {
            marked.push(chars[i]);
            i += 1;
        }
    }
    code = marked;
    code.split(GAP)
        .map(str::to_owned)
        .filter(|piece| !piece.is_empty())
        .collect()
}

/// Whether `pieces` appear in `code` in order, each gap between two of them balanced code.
fn appears(code: &str, pieces: &[String]) -> bool {
    let Some(first) = pieces.first() else {
        return true;
    };
    code.match_indices(first.as_str())
        .any(|(at, _)| continues(code, at + first.len(), &pieces[1..]))
}

/// Whether `pieces` follow `code[from..]`, after a stretch of balanced code.
fn continues(code: &str, from: usize, pieces: &[String]) -> bool {
    let Some(next) = pieces.first() else {
        return true;
    };
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, c) in code[from..].char_indices() {
        let at = from + offset;
        if depth == 0
            && !in_string
            && code[at..].starts_with(next.as_str())
            && continues(code, at + next.len(), &pieces[1..])
        {
            return true;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    false
}

#[test]
fn code_spans_that_are_code_are_told_from_names() {
    let hint = "Use `ctx.env(\"A\")`, not `event.route_key`; `Role::new(ROLE)`, `Option<&str>`, \
                `arn:aws:s3:::<bucket>/*`, `Ok(())`.";
    let code: Vec<&str> = code_spans(hint)
        .into_iter()
        .filter(|s| is_code(s))
        .collect();
    assert_eq!(code, ["ctx.env(\"A\")", "Role::new(ROLE)", "Ok(())"]);
}

#[test]
fn code_is_compared_without_comments_spaces_or_trailing_commas() {
    let source = "let url = \"https://x/*\"; // a comment\n/* more */ call(\n    a,\n    b,\n);\n";
    let code = normalized(&without_comments(source));
    assert_eq!(code, "leturl=\"https://x/*\";call(a,b);");
    assert!(appears(&code, &pieces("call(a, b)")));
    assert!(!appears(&code, &pieces("a comment")));
}

#[test]
fn an_elision_stands_for_balanced_code_and_struct_update_syntax_is_code() {
    let code = normalized(
        "ctx.logger().info(format!(\"hi {name}\")); let r = R { a: 1, ..Default::default() };",
    );
    for span in [
        "ctx.logger().info(..)",
        "ctx.logger().info(…)",
        "ctx.logger().info(...)",
        "R { a: 1, ..Default::default() }",
    ] {
        assert!(appears(&code, &pieces(span)), "{span}");
    }
    assert_eq!(pieces("info(..)"), ["info(", ")"]);
    assert_eq!(pieces("R { ..Default::default() }").len(), 1);
    // An elision never spans an unbalanced stretch: `a(` … `)` must close what it opened.
    assert!(!appears(&normalized("a(b)); c)"), &pieces("a(…c)")));
    assert!(!appears(&code, &pieces("R { b: 1, ..Default::default() }")));
}

/// The code of `solutions/<nn>-<name>/tests/hints.rs`, normalized, if the file exists.
fn hints_code(exercise: &Exercise) -> Option<String> {
    let path = root().join(&exercise.solution).join("tests/hints.rs");
    path.is_file()
        .then(|| normalized(&without_comments(&read(&path))))
}

#[test]
fn the_code_of_every_hint_is_compiled_in_its_solution() {
    let mut problems = Vec::new();
    for exercise in exercises() {
        let file = format!("{}/tests/hints.rs", exercise.solution);
        let code = hints_code(&exercise);
        let languages = [("hints", &exercise.hints), ("hints_ko", &exercise.hints_ko)];
        for (key, hints) in languages {
            for (number, hint) in hints.iter().enumerate() {
                for span in code_spans(hint).into_iter().filter(|s| is_code(s)) {
                    let found = code
                        .as_deref()
                        .is_some_and(|code| appears(code, &pieces(span)));
                    if !found {
                        problems.push(format!(
                            "{}: {key}[{number}] has `{span}`, which is not in {file}",
                            exercise.name
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "The code in these hints is not compiled anywhere:\n  {}\n\n\
         Each solution's tests/hints.rs holds its hints' code, in functions that compile in the \
         solution's context (cargo builds it as one of the solution's tests). Correct the hint, \
         or write its code there as the hint writes it; `…`, `...` and `(..)` in a hint stand \
         for any code. See xtask/tests/commands/learner_code.rs.",
        problems.join("\n  ")
    );
}

/// An exercise's page in the book: `<chapter>-exercise-<name>.md`, next to its chapter's
/// overview page (`patterns.md` and `patterns-exercise-email.md`).
fn exercise_page(exercise: &Exercise) -> String {
    let chapter = exercise.chapter.trim_end_matches(".md");
    format!("{chapter}-exercise-{}.md", exercise.name)
}

/// The hints a page shows, in order: the fragment each `<summary>Hint …</summary>` box
/// includes (`{{#include hints/<name>/hint-1.md}}`), as a path relative to `book/src`; `None`
/// for a box that does not include one, its hint written in the page.
fn included_hints(page_text: &str) -> Vec<Option<String>> {
    let mut hints = Vec::new();
    let mut rest = page_text;
    while let Some(start) = rest.find("<summary>Hint ") {
        let after = &rest[start..];
        let end = after.find("</details>").expect("a closed hint");
        let body = &after[..end];
        hints.push(
            body.lines()
                .find_map(|line| line.trim().strip_prefix("{{#include "))
                .and_then(|directive| directive.strip_suffix("}}"))
                .map(|file| file.trim().to_owned()),
        );
        rest = &after[end..];
    }
    hints
}

#[test]
fn the_hints_a_page_includes_are_read_in_order() {
    let page = "## Exercise: a\n\n<details>\n<summary>Hint 1</summary>\n\n{{#include hints/a/hint-1.md}}\n\n</details>\n\n<details>\n<summary>Hint 2</summary>\n\nWritten here.\n\n</details>\n";
    assert_eq!(
        included_hints(page),
        [Some("hints/a/hint-1.md".to_owned()), None]
    );
}

#[test]
fn each_exercise_page_shows_the_hints_of_the_manifest_from_files_of_their_own() {
    let src = root().join("book/src");
    let mut problems = Vec::new();
    for exercise in exercises() {
        let page = exercise_page(&exercise);
        let Ok(text) = fs::read_to_string(src.join(&page)) else {
            problems.push(format!(
                "{}: its page book/src/{page} is missing",
                exercise.name
            ));
            continue;
        };
        let included = included_hints(&text);
        if included.len() != exercise.hints.len() {
            problems.push(format!(
                "{page} shows {} hints, the manifest has {} for {}",
                included.len(),
                exercise.hints.len(),
                exercise.name
            ));
        }
        for (number, (file, hint)) in included.iter().zip(&exercise.hints).enumerate() {
            let expected = format!("hints/{}/hint-{}.md", exercise.name, number + 1);
            if file.as_deref() != Some(expected.as_str()) {
                problems.push(format!(
                    "{page}: hint {} should be `{{{{#include {expected}}}}}`, out of the page's \
                     text, so that a learner reading the page in their editor does not see it",
                    number + 1
                ));
                continue;
            }
            let shown = fs::read_to_string(src.join(&expected)).unwrap_or_default();
            if shown.trim() != hint {
                problems.push(format!(
                    "book/src/{expected} says\n    {}\n  and the manifest has\n    {hint}",
                    shown.trim()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "The book's hints are copies of exercises/manifest.toml's, in order, each in a file of \
         its own that the exercise's page includes:\n  {}",
        problems.join("\n  ")
    );
}

/// Each fenced Rust block of a chapter: the line it starts on, its info string and its lines.
fn rust_blocks(text: &str) -> Vec<(usize, String, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let body: Vec<String> = lines
            .by_ref()
            .take_while(|(_, l)| l.trim() != "```")
            .map(|(_, l)| l.to_owned())
            .collect();
        if info.split(',').next().map(str::trim) == Some("rust") {
            blocks.push((number + 1, info.to_owned(), body));
        }
    }
    blocks
}

/// The crates the real-AWS counterparts (`real-aws/`) build against, as code names them: a block
/// that uses one can be compiled there, so "the workbook does not build it" is no reason.
const REAL_AWS_CRATES: [&str; 4] = [
    "lambda_runtime",
    "aws_lambda_events",
    "aws_config",
    "aws_sdk_",
];

/// The real-AWS crate a line of code uses, if any.
fn compiled_in_real_aws(line: &str) -> Option<&'static str> {
    let code = line.split("//").next().unwrap_or_default();
    REAL_AWS_CRATES.into_iter().find(|name| code.contains(name))
}

#[test]
fn a_block_that_uses_a_real_aws_crate_is_told_from_one_that_does_not() {
    assert_eq!(
        compiled_in_real_aws("use lambda_runtime::{run, service_fn};"),
        Some("lambda_runtime")
    );
    assert_eq!(
        compiled_in_real_aws("    let s3 = aws_sdk_s3::Client::new(&aws);"),
        Some("aws_sdk_")
    );
    // A comment may name a crate; only code counts.
    assert_eq!(compiled_in_real_aws("// it needs lambda_runtime"), None);
    assert_eq!(
        compiled_in_real_aws("use lambda_extension::{service_fn, Error};"),
        None
    );
}

/// The Markdown files under `folder` and its subfolders (the pages, and the hints and answers
/// they include), sorted.
fn markdown_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_rust_block_of_the_book_is_compiled_or_says_why_not() {
    let mut problems = Vec::new();
    let src = root().join("book/src");
    for chapter in markdown_files(&src) {
        let name = chapter
            .strip_prefix(&src)
            .expect("under book/src")
            .to_string_lossy()
            .replace('\\', "/");
        for (line, info, body) in rust_blocks(&read(&chapter)) {
            let included = body.iter().all(|l| {
                let l = l.trim();
                l.is_empty() || l.starts_with("{{#include ") || l.starts_with("{{#rustdoc_include ")
            });
            let ignored = info.split(',').any(|word| word.trim() == "ignore");
            let says_why = body
                .first()
                .is_some_and(|l| l.trim_start().starts_with("//"));
            let real_aws_crate = body.iter().find_map(|l| compiled_in_real_aws(l));
            match (included, ignored, says_why) {
                (true, _, _) => {}
                (false, true, true) => {
                    if let Some(real_aws_crate) = real_aws_crate {
                        problems.push(format!(
                            "book/src/{name}:{line}: uses `{real_aws_crate}`, which real-aws/ \
                             builds: include the code from a real-AWS counterpart instead"
                        ));
                    }
                }
                (false, true, false) => problems.push(format!(
                    "book/src/{name}:{line}: an `ignore`d block must say why on its first line, \
                     in a comment"
                )),
                (false, false, _) => problems.push(format!(
                    "book/src/{name}:{line}: Rust written in the chapter, compiled by nothing"
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nThe book's Rust is compiled: put the code in a crate (with `// ANCHOR: name` \
         lines) and `{{{{#include}}}}` it. Only code that cannot be built here (for real AWS, \
         with crates the workbook does not have) is marked ```rust,ignore, with a first line \
         `// …` that says why. Code for real AWS with `lambda_runtime`, `aws_lambda_events` or \
         the AWS SDK belongs in a crate of real-aws/, which CI builds against those crates.",
        problems.join("\n")
    );
}
