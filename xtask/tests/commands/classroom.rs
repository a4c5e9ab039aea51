//! The GitHub Classroom example (`.github/classroom/classroom.yml`) grades every exercise of the
//! real manifest, with the manifest's points, so the two cannot drift apart.
//!
//! The workflow is written by `cargo xtask generate` (and `check` fails while it is stale); these
//! tests read it as GitHub would, independently of the generator. It is read line by line rather
//! than with a YAML library (one dependency less): each step starts with `- name:` and has
//! `key: value` lines, the shape GitHub Classroom itself writes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The grader action each exercise's step uses.
const GRADER: &str = "classroom-resources/autograding-command-grader@v1";
const REPORTER: &str = "classroom-resources/autograding-grading-reporter@v1";

/// Every grading command runs in the template's checkout, never in the student's repository.
const IN_THE_TEMPLATE: &str = "cd grader && ";

fn workflow() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    fs::read_to_string(root.join(".github/classroom/classroom.yml"))
        .expect(".github/classroom/classroom.yml exists")
}

/// The exercises of the real manifest, with their points.
fn exercises() -> Vec<(String, i64)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest: toml::Table = fs::read_to_string(root.join("exercises/manifest.toml"))
        .expect("the manifest exists")
        .parse()
        .expect("the manifest is TOML");
    manifest["exercise"]
        .as_array()
        .expect("the manifest lists [[exercise]]s")
        .iter()
        .map(|e| {
            let name = e["name"].as_str().expect("a name").to_owned();
            (name, e["points"].as_integer().expect("points"))
        })
        .collect()
}

#[test]
fn the_classroom_workflow_grades_in_the_template_with_the_students_files_laid_in() {
    let workflow = workflow();
    let steps = steps(&workflow);
    // Side by side, never one inside the other: settings files apply to every folder below.
    let student = steps
        .iter()
        .filter(|s| s.get("path").map(String::as_str) == Some("student"))
        .count();
    let template: Vec<_> = steps
        .iter()
        .filter(|s| s.get("path").map(String::as_str) == Some("grader"))
        .collect();
    let take_work = steps
        .iter()
        .filter(|s| {
            s.get("run").map(String::as_str)
                == Some("cd grader && cargo xtask take-work ../student")
        })
        .count();
    let graders = steps
        .iter()
        .filter(|s| s.get("uses").map(String::as_str) == Some(GRADER))
        .count();
    assert_eq!(
        (student, template.len(), take_work),
        (graders, graders, graders),
        "every grading job checks out both and lays the student's files into the template"
    );
    for step in template {
        assert_eq!(
            step.get("repository").map(String::as_str),
            Some("${{ vars.WORKBOOK_TEMPLATE }}")
        );
    }
    // No step runs the student's code but the one grading step of each job.
    for step in &steps {
        if let Some(command) = step.get("command").or_else(|| step.get("run")) {
            if command.contains("cargo xtask verify") {
                assert!(command.starts_with(IN_THE_TEMPLATE), "{command}");
                assert!(
                    step.get("uses").map(String::as_str) == Some(GRADER),
                    "{command}"
                );
            }
        }
    }
    let jobs = workflow
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .count();
    assert_eq!(jobs, graders + 1, "a job per exercise, and the report");
}

#[test]
fn the_classroom_workflow_grades_every_exercise_with_its_points() {
    let workflow = workflow();
    let exercises = exercises();
    let steps = steps(&workflow);
    let graders: Vec<&BTreeMap<String, String>> = steps
        .iter()
        .filter(|s| s.get("uses").map(String::as_str) == Some(GRADER))
        .collect();
    let mut problems = Vec::new();
    for (name, points) in &exercises {
        let expected = BTreeMap::from([
            ("name", name.clone()),
            ("test-name", name.clone()),
            (
                "command",
                format!("{IN_THE_TEMPLATE}cargo xtask verify {name} --strict"),
            ),
            ("max-score", points.to_string()),
        ]);
        let step = graders.iter().find(|s| s.get("test-name") == Some(name));
        let matches = step.is_some_and(|step| {
            expected
                .iter()
                .all(|(key, value)| step.get(*key) == Some(value))
        });
        if !matches {
            problems.push(format!(
                "`{name}` ({points} points) has no grading job; run `cargo xtask generate`"
            ));
        }
    }
    for step in &graders {
        let name = step.get("test-name").cloned().unwrap_or_default();
        if !exercises.iter().any(|(exercise, _)| *exercise == name) {
            problems.push(format!(
                "the job `{name}` grades no exercise of the manifest"
            ));
        }
    }

    let reporter = steps
        .iter()
        .find(|s| s.get("uses").map(String::as_str) == Some(REPORTER))
        .expect("the workflow ends with the grading reporter");
    let names: Vec<&str> = exercises.iter().map(|(name, _)| name.as_str()).collect();
    if reporter.get("runners") != Some(&names.join(",")) {
        problems.push(format!("the reporter needs `runners: {}`", names.join(",")));
    }
    for name in &names {
        let variable = format!("{}_RESULTS", name.to_uppercase());
        let value = format!("\"${{{{needs.{name}.outputs.result}}}}\"");
        if reporter.get(&variable) != Some(&value) {
            problems.push(format!("the reporter's `env:` needs `{variable}: {value}`"));
        }
    }
    assert!(
        problems.is_empty(),
        ".github/classroom/classroom.yml and exercises/manifest.toml disagree:\n\n{}",
        problems.join("\n\n")
    );
}

/// The workflow's steps: from each `- name:` line to the next, every `key: value` line, keys
/// without their indentation or list dash (so `with:` and `env:` entries are the step's own).
fn steps(workflow: &str) -> Vec<BTreeMap<String, String>> {
    let mut steps: Vec<BTreeMap<String, String>> = Vec::new();
    for line in workflow.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let (is_new_step, entry) = match line.strip_prefix("- ") {
            Some(entry) => (entry.starts_with("name:"), entry),
            None => (false, line),
        };
        if is_new_step {
            steps.push(BTreeMap::new());
        }
        let (Some(step), Some((key, value))) = (steps.last_mut(), entry.split_once(": ")) else {
            continue;
        };
        step.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    steps
}
