//! The `serve` binary that `cargo xtask serve` runs: it deploys the exercises as they stand and
//! serves them, and its list of exercises is the manifest's.

use std::io::{BufRead, BufReader};

mod common;
use std::process::{Command, Stdio};

/// The exercise names in `exercises/manifest.toml`, in order.
fn manifest_exercises() -> Vec<String> {
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../exercises/manifest.toml"
    ))
    .expect("the manifest is readable");
    let mut names = Vec::new();
    let mut in_exercise = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_exercise = line == "[[exercise]]";
        } else if let Some(name) = line.strip_prefix("name = \"").filter(|_| in_exercise) {
            names.push(name.trim_end_matches('"').to_owned());
        }
    }
    names
}

#[test]
fn serve_deploys_every_exercise_of_the_manifest() {
    let source = include_str!("../src/bin/serve.rs");
    let listed: Vec<&str> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("(\""))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        listed,
        manifest_exercises(),
        "EXERCISES in src/bin/serve.rs (and the dependencies in Cargo.toml) follow exercises/manifest.toml"
    );
}

#[test]
fn serve_answers_on_the_port_it_prints_and_names_what_it_left_out() {
    let bootstrap = common::echo_bootstrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_serve"))
        .args(["--port", "0", "--function-name", "real", "--bootstrap"])
        .arg(&bootstrap)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .expect("serve prints where it listens");
    let endpoint = first
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("an address in {first:?}"))
        .to_owned();
    // Exercise 1's deployment is given (the learner writes only its handler), so `hello` is
    // always there, solved or not; `real` is the real function given on the command line.
    let listed = Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.request as r\n\
             print(r.urlopen(sys.argv[1] + '/2015-03-31/functions/').read().decode())\n\
             print(r.urlopen(sys.argv[1] + '/2015-03-31/functions/real/invocations', data=b'{\"n\": 5}').read().decode())",
            &endpoint,
        ])
        .output()
        .expect("python3 runs");
    server.kill().expect("serve stops");
    server.wait().expect("serve is reaped");
    let stderr = std::io::read_to_string(server.stderr.take().unwrap()).unwrap();
    let body = String::from_utf8_lossy(&listed.stdout);
    assert!(
        body.contains(r#""FunctionName":"hello""#),
        "{body}\n{stderr}"
    );
    // Every line on stderr names an exercise and why it is not served; none is a panic's report.
    for line in stderr.lines() {
        assert!(line.starts_with("serve: exercise "), "{line}");
    }
}
