//! The book and the server cannot drift apart: every `aws lambda …` command in the book's
//! chapters calls an operation the server serves, or one named below with the reason it does
//! not. A chapter that starts using another operation fails this test until the server serves it
//! or the list says why not; an operation the server starts serving must leave the list.
//!
//! The commands are found as `cargo xtask real-aws` finds them (`xtask/scripts/aws_commands.py
//! --list`: code blocks and inline spans of `book/src/*.md`, shell continuations joined), so both
//! read the same commands. It needs python3, not the AWS CLI.

use invoker_http::operations::OPERATIONS;
use invoker_http::SERVED;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Operations the book's "On real AWS" commands use that the server does not serve, and why.
/// Every one the book calls is served now; a chapter that calls a new one adds it here with its
/// reason, or the server serves it.
const NOT_SERVED: [(&str, &str); 0] = [];

/// `publish-layer-version` → `PublishLayerVersion`: the CLI's command names are the operations'
/// names in kebab case.
fn operation_of(command: &str) -> String {
    command
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Each operation the book's `aws lambda` commands call, with the first place it is called.
fn book_operations() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let output = Command::new("python3")
        .arg(root.join("xtask/scripts/aws_commands.py"))
        .arg(root)
        .arg("--list")
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = String::from_utf8(output.stdout).expect("the list is text");
    let mut operations = BTreeMap::new();
    for line in listed.lines() {
        let Some((place, command)) = line.split_once(": aws lambda ") else {
            continue;
        };
        let subcommand = command.split_whitespace().next().unwrap_or_default();
        operations
            .entry(operation_of(subcommand))
            .or_insert_with(|| place.to_owned());
    }
    operations
}

#[test]
fn every_operation_the_book_calls_is_served_or_listed_with_its_reason() {
    let used = book_operations();
    assert!(used.len() > 20, "the book's commands were found: {used:?}");
    let known: BTreeSet<&str> = OPERATIONS.iter().map(|(_, _, name)| *name).collect();
    let not_served: BTreeMap<&str, &str> = NOT_SERVED.into_iter().collect();
    for (operation, place) in &used {
        assert!(
            known.contains(operation.as_str()),
            "{place}: `aws lambda` calls {operation}, which is not an operation of Lambda's API"
        );
        assert!(
            SERVED.contains(&operation.as_str()) || not_served.contains_key(operation.as_str()),
            "{place}: the book calls {operation}, which the server does not serve; serve it, or \
             add it to NOT_SERVED with the reason"
        );
    }
    for operation in not_served.keys() {
        assert!(
            !SERVED.contains(operation),
            "{operation} is served now: take it out of NOT_SERVED"
        );
        assert!(
            used.contains_key(*operation),
            "the book no longer calls {operation}: take it out of NOT_SERVED"
        );
    }
}
