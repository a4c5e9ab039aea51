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
const IN_THE_TEMPLATE: &str = "cd .grader && ";

#[test]
fn the_classroom_workflow_grades_in_the_template_with_the_students_files_laid_in() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workflow = fs::read_to_string(root.join(".github/classroom/classroom.yml"))
        .expect(".github/classroom/classroom.yml exists");
    let steps = steps(&workflow);
    let template = steps
        .iter()
        .position(|s| s.get("path").map(String::as_str) == Some(".grader"))
        .expect("a step checks the template out into .grader");
    assert_eq!(
        steps[template].get("repository").map(String::as_str),
        Some("${{ vars.WORKBOOK_TEMPLATE }}")
    );
    let take_work = steps
        .iter()
        .position(|s| {
            s.get("run").map(String::as_str) == Some("cd .grader && cargo xtask take-work ..")
        })
        .expect("a step lays the student's files into the template");
    let first_grade = steps
        .iter()
        .position(|s| s.get("uses").map(String::as_str) == Some(GRADER))
        .expect("steps grade");
    assert!(
        template < take_work && take_work < first_grade,
        "{steps:#?}"
    );
    for step in &steps {
        let command = step.get("command").or_else(|| step.get("run"));
        if let Some(command) = command.filter(|c| c.contains("cargo xtask verify")) {
            assert!(command.starts_with(IN_THE_TEMPLATE), "{command}");
        }
    }
}

#[test]
fn the_classroom_workflow_grades_every_exercise_with_its_points() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workflow = fs::read_to_string(root.join(".github/classroom/classroom.yml"))
        .expect(".github/classroom/classroom.yml exists");
    let manifest: toml::Table = fs::read_to_string(root.join("exercises/manifest.toml"))
        .expect("the manifest exists")
        .parse()
        .expect("the manifest is TOML");
    let exercises: Vec<(String, i64)> = manifest["exercise"]
        .as_array()
        .expect("the manifest lists [[exercise]]s")
        .iter()
        .map(|e| {
            let name = e["name"].as_str().expect("a name").to_owned();
            (name, e["points"].as_integer().expect("points"))
        })
        .collect();

    let steps = steps(&workflow);
    let graders: Vec<&BTreeMap<String, String>> = steps
        .iter()
        .filter(|s| s.get("uses").map(String::as_str) == Some(GRADER))
        .collect();
    let mut problems = Vec::new();
    for (name, points) in &exercises {
        let expected = BTreeMap::from([
            ("name", name.clone()),
            ("id", name.clone()),
            ("uses", GRADER.to_owned()),
            ("test-name", name.clone()),
            (
                "command",
                format!("{IN_THE_TEMPLATE}cargo xtask verify {name} --strict"),
            ),
            ("max-score", points.to_string()),
        ]);
        let step = graders.iter().find(|s| s.get("id") == Some(name));
        let matches = step.is_some_and(|step| {
            expected
                .iter()
                .all(|(key, value)| step.get(*key) == Some(value))
        });
        if !matches {
            problems.push(format!(
                "`{name}` ({points} points) needs this step before the reporter:\n\
                 \x20     - name: {name}\n        id: {name}\n        uses: {GRADER}\n        with:\n\
                 \x20         test-name: {name}\n          command: {IN_THE_TEMPLATE}cargo xtask verify {name} --strict\n\
                 \x20         timeout: 10\n          max-score: {points}"
            ));
        }
    }
    for step in &graders {
        let id = step.get("id").cloned().unwrap_or_default();
        if !exercises.iter().any(|(name, _)| *name == id) {
            problems.push(format!(
                "the step `{id}` grades no exercise of the manifest; remove it"
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
        let value = format!("\"${{{{steps.{name}.outputs.result}}}}\"");
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
