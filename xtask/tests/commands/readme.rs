//! The README's promises to a newcomer, checked against the real workbook.

use std::process::Command;

use crate::workbook::{read, root};

#[test]
fn every_xtask_command_the_readme_names_exists() {
    let readme = read(&root().join("README.md"));
    let mut named: Vec<&str> = readme
        .split("cargo xtask ")
        .skip(1)
        .filter_map(|rest| rest.split([' ', '`', '\n']).next())
        .filter(|word| !word.is_empty() && !word.starts_with('-'))
        .collect();
    named.sort();
    named.dedup();
    assert!(named.len() > 5, "{named:?}");
    for command in named {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([command, "--help"])
            .output()
            .expect("xtask runs");
        assert!(
            output.status.success(),
            "`cargo xtask {command}` is not a command"
        );
    }
}

#[test]
fn what_the_readme_examples_write_is_ignored_by_git() {
    for path in ["out.json", "exercises/01-hello-api/out.json"] {
        let ignored = Command::new("git")
            .current_dir(root())
            .args(["check-ignore", "--quiet", "--no-index", path])
            .status()
            .expect("git runs");
        assert!(ignored.success(), "{path} is not ignored by git");
    }
}
