//! `cargo xtask real-aws`, and a step of `check`: the book's "On real AWS" sections, checked
//! with AWS's own tools, offline.
//!
//! A learner copies these sections into a real account, where nothing else would catch a
//! mistake before they do. Two checks:
//!
//! 1. **Templates.** Every SAM/CloudFormation template of the book is a complete file in
//!    `book/templates/`, which the chapters `{{#include}}` (with an anchor where a chapter shows
//!    a part), and `cfn-lint` (the PyPI package `cfn-lint`) passes each one with its default
//!    rules (errors and warnings; SAM templates are transformed first). A chapter may not write
//!    a template inline: every ```` ```yaml ```` block in `book/src` must be one include of a
//!    file in `book/templates/`, and every file there must be included by some chapter.
//! 2. **Commands.** Every `aws …` command of the book goes through the real AWS CLI's parameter
//!    parsing (the PyPI package `awscli`, version 1), sent to an endpoint where nothing listens:
//!    a connection error means the CLI accepted it. `xtask/scripts/aws_commands.py` does it, in
//!    one Python process; its docstring says how commands are found and made ready (line
//!    continuations, `$VARS` and placeholders, files they read, and `--cli-binary-format`, a
//!    version-2 option that is removed before a command is checked). The Korean edition's code
//!    blocks are the English ones; after `check` has built the book, the script also compares
//!    the translated pages' shell and YAML code blocks with the English pages'.
//!
//! Both need Python's tools (`python3 -m pip install cfn-lint awscli`; `.ci/run` installs them).
//! A workbook without templates or without `aws` commands skips the check that has nothing to
//! do, so the test fixture needs neither tool.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the book keeps its templates, relative to the workspace root.
const TEMPLATES: &str = "book/templates";

/// The book's chapters, relative to the workspace root.
const CHAPTERS: &str = "book/src";

/// What to install when a tool is missing.
const INSTALL: &str = "`python3 -m pip install cfn-lint awscli` (`.ci/run` installs both)";

/// `cargo xtask real-aws`: runs both checks and returns the exit code (0 all good, 1 problems).
pub fn run(root: &Path) -> Result<u8, String> {
    let problems = problems(root, None)?;
    println!();
    if problems.is_empty() {
        println!("real-aws: all good.");
        return Ok(0);
    }
    println!("real-aws: {} problem(s):", problems.len());
    for problem in &problems {
        println!("  - {}", problem.replace('\n', "\n    "));
    }
    Ok(1)
}

/// Both checks; what they find, each problem a paragraph (tools' own output is printed above).
/// `built` is a book just built in every language (`check` passes it): then the translated
/// pages' shell and YAML code blocks must be the English pages' too.
pub fn problems(root: &Path, built: Option<&Path>) -> Result<Vec<String>, String> {
    let mut problems = templates(root)?;
    problems.extend(commands(root, built)?);
    Ok(problems)
}

/// The templates: included, not inline, and passed by cfn-lint.
fn templates(root: &Path) -> Result<Vec<String>, String> {
    let chapters = chapters(root)?;
    let files = template_files(root)?;
    let mut problems = inclusion_problems(&chapters, &files);
    if files.is_empty() {
        return Ok(problems);
    }
    let started = Instant::now();
    let relative: Vec<String> = files
        .iter()
        .map(|name| format!("{TEMPLATES}/{name}"))
        .collect();
    let status = Command::new("cfn-lint")
        .current_dir(root)
        .arg("--")
        .args(&relative)
        .status();
    match status {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => problems.push(format!(
            "cfn-lint is not installed, so the book's templates were not checked: {INSTALL}"
        )),
        Err(e) => return Err(format!("cannot run cfn-lint: {e}")),
        Ok(status) if status.success() => println!(
            "The book's templates: {} in {TEMPLATES}/ pass cfn-lint; {:.1} s.",
            files.len(),
            started.elapsed().as_secs_f64()
        ),
        Ok(_) => problems.push(format!(
            "cfn-lint finds problems in the book's templates (printed above, by file and line): \
             fix them in {TEMPLATES}/, which the chapters include"
        )),
    }
    Ok(problems)
}

/// The `aws` commands, checked by `xtask/scripts/aws_commands.py`.
fn commands(root: &Path, built: Option<&Path>) -> Result<Vec<String>, String> {
    let any = chapters(root)?
        .iter()
        .any(|(_, text)| text.contains("aws "));
    if !any {
        return Ok(Vec::new());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/aws_commands.py");
    let mut python = Command::new("python3");
    python.arg(&script).arg(root);
    if let Some(built) = built {
        python.arg("--built").arg(built);
    }
    let status = python.status();
    let problem = match status {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
            "python3 is not installed, so the book's aws commands were not checked; install it, \
             then {INSTALL}"
        ),
        Err(e) => return Err(format!("cannot run {}: {e}", script.display())),
        Ok(status) => match status.code() {
            Some(0) => return Ok(Vec::new()),
            Some(1) => "the AWS CLI refuses commands of the book, or they are where they cannot \
                        be checked, or a translation changes them (listed above, by chapter and \
                        line): fix the chapter, or the catalog"
                .to_owned(),
            Some(3) => format!(
                "the AWS CLI is not installed, so the book's aws commands were not checked: \
                 {INSTALL}"
            ),
            _ => return Err(format!("{} failed ({status})", script.display())),
        },
    };
    Ok(vec![problem])
}

/// Every chapter (`book/src/**/*.md`): its path relative to `book/src`, and its text.
fn chapters(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    let mut folders = vec![root.join(CHAPTERS)];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
            let path: PathBuf = path.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let name = path
                    .strip_prefix(root.join(CHAPTERS))
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                found.push((name, text));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The names of the files in `book/templates/` (`.yaml`, `.yml`, `.json`), sorted.
fn template_files(root: &Path) -> Result<Vec<String>, String> {
    let folder = root.join(TEMPLATES);
    let Ok(entries) = fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", folder.display()))?
            .path();
        let template = path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
        if template && path.is_file() {
            files.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into(),
            );
        }
    }
    files.sort();
    Ok(files)
}

/// A ```` ```yaml ```` block that is not one include of a template, and a template that no
/// chapter includes.
fn inclusion_problems(chapters: &[(String, String)], files: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut included = Vec::new();
    for (chapter, text) in chapters {
        for (line, block) in yaml_blocks(text) {
            match included_template(&block) {
                Some(file) => included.push(file),
                None => problems.push(format!(
                    "book/src/{chapter}:{line}: a YAML block that is not an include of a \
                     template: put the template, complete, in {TEMPLATES}/ and write \
                     `{{{{#include ../templates/<file>}}}}` (with `:<anchor>` and `# ANCHOR:` \
                     comments to show a part), so that cfn-lint checks it"
                )),
            }
        }
    }
    for file in files {
        if !included.iter().any(|name| name == file) {
            problems.push(format!(
                "{TEMPLATES}/{file} is included by no chapter: include it, or delete it"
            ));
        }
    }
    problems
}

/// The fenced blocks marked `yaml` or `yml`: the line of their first fence, and their content.
fn yaml_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String, bool, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                let fence: String = trimmed.chars().take_while(|&c| c == '`').collect();
                if fence.len() >= 3 {
                    let info = trimmed[fence.len()..].trim();
                    let yaml = info.starts_with("yaml") || info.starts_with("yml");
                    open = Some((index + 1, fence, yaml, String::new()));
                }
            }
            Some((start, fence, yaml, content)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed.trim_matches('`').is_empty() {
                    if *yaml {
                        blocks.push((*start, std::mem::take(content)));
                    }
                    open = None;
                } else {
                    content.push_str(line);
                    content.push('\n');
                }
            }
        }
    }
    blocks
}

/// The template a block includes, if the block is exactly one
/// `{{#include ../templates/<file>[:<anchor>]}}` line.
fn included_template(block: &str) -> Option<String> {
    let line = block.trim();
    let path = line
        .strip_prefix("{{#include ../templates/")?
        .strip_suffix("}}")?;
    let file = path.split(':').next()?;
    (!file.is_empty() && !file.contains('/') && !line.contains('\n')).then(|| file.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(text: &str) -> Vec<(String, String)> {
        vec![("ch.md".to_owned(), text.to_owned())]
    }

    #[test]
    fn a_chapter_includes_its_templates() {
        let text = "# A\n\n```yaml\n{{#include ../templates/a.yaml}}\n```\n\n\
                    ```yaml\n{{#include ../templates/b.yaml:function}}\n```\n";
        let files = ["a.yaml".to_owned(), "b.yaml".to_owned()];
        assert_eq!(
            inclusion_problems(&chapter(text), &files),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_inline_template_and_an_unused_file_are_problems() {
        let text = "# A\n\n```yaml\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n```\n\n\
                    ```sh\naws lambda list-functions\n```\n";
        let problems = inclusion_problems(&chapter(text), &["unused.yaml".to_owned()]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("book/src/ch.md:3: a YAML block that is not an include"),
            "{problems:?}"
        );
        assert!(
            problems[0].contains("`{{#include ../templates/<file>}}`"),
            "{problems:?}"
        );
        assert_eq!(
            problems[1],
            "book/templates/unused.yaml is included by no chapter: include it, or delete it"
        );
    }

    #[test]
    fn only_yaml_blocks_count_and_fences_nest_by_length() {
        let text =
            "````md\n```yaml\nnot a block of its own\n```\n````\n\n   ```yml\nx: 1\n   ```\n";
        assert_eq!(yaml_blocks(text), [(7, "x: 1\n".to_owned())]);
    }

    #[test]
    fn an_include_names_one_file_of_the_templates_folder() {
        assert_eq!(
            included_template("{{#include ../templates/a.yaml:part}}\n").as_deref(),
            Some("a.yaml")
        );
        assert_eq!(included_template("{{#include ../other/a.yaml}}"), None);
        assert_eq!(
            included_template("{{#include ../templates/a.yaml}}\nMore: text"),
            None
        );
    }
}
