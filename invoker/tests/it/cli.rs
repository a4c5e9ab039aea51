//! The `aws lambda invoke`-style command line, run as a real process with `assert_cmd`.

use assert_cmd::Command;
use serde_json::{json, Value};
use std::path::PathBuf;

fn demo() -> Command {
    Command::cargo_bin("lambda-demo").expect("the demo binary is built")
}

/// A fresh output file path in the test's own temporary directory.
fn outfile(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("invoker-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn invoke_writes_the_payload_to_the_outfile_and_prints_the_metadata() {
    let out = outfile("echo.json");
    let output = demo()
        .args([
            "invoke",
            "--function-name",
            "echo",
            "--payload",
            r#"{"name":"Ada"}"#,
        ])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        stdout_json(&output),
        json!({ "StatusCode": 200, "ExecutedVersion": "$LATEST" })
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("\n    \"StatusCode\": 200"),
        "four-space indent"
    );
    let payload: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(payload, json!({ "name": "Ada" }));
}

#[test]
fn a_function_error_still_exits_0_and_reports_function_error() {
    let out = outfile("fail.json");
    let output = demo()
        .args([
            "invoke",
            "--function-name",
            "fail",
            "--log-type",
            "Tail",
            "--cli-binary-format",
            "raw-in-base64-out",
        ])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .clone();
    let meta = stdout_json(&output);
    assert_eq!(meta["FunctionError"], "Unhandled");
    assert!(meta["LogResult"].as_str().is_some_and(|s| !s.is_empty()));
    let payload: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(payload["errorType"], "DemoError");
}

#[test]
fn a_payload_can_come_from_a_file() {
    let event = outfile("event.json");
    std::fs::write(&event, r#"{"from":"file"}"#).unwrap();
    let out = outfile("from-file.json");
    demo()
        .args(["invoke", "--function-name", "echo", "--payload"])
        .arg(format!("file://{}", event.display()))
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), r#"{"from":"file"}"#);
}

#[test]
fn a_timeout_is_reported_in_the_payload() {
    let out = outfile("sleepy.json");
    demo()
        .args(["invoke", "--function-name", "sleepy", "--transcript"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains("Status: timeout"));
    let payload: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(payload["errorType"], "Sandbox.Timedout");
}

#[test]
fn an_unknown_function_is_a_service_error_with_the_aws_cli_exit_status() {
    demo()
        .args(["invoke", "--function-name", "nope"])
        .arg(outfile("nope.json"))
        .assert()
        .code(254)
        .stderr(predicates::str::contains(
            "An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST",
        ));
}

#[test]
fn a_payload_that_is_not_json_is_refused() {
    demo()
        .args([
            "invoke",
            "--function-name",
            "echo",
            "--payload",
            "{not json",
        ])
        .arg(outfile("bad.json"))
        .assert()
        .code(254)
        .stderr(predicates::str::contains(
            "(InvalidRequestContentException)",
        ));
}

#[test]
fn bad_flags_are_usage_errors_with_status_252() {
    for args in [
        vec!["invoke", "--function-name", "echo"],
        vec!["invoke", "out.json"],
        vec![
            "invoke",
            "--function-name",
            "echo",
            "--log-type",
            "Head",
            "out.json",
        ],
        vec![
            "invoke",
            "--function-name",
            "echo",
            "--invocation-type",
            "Sync",
            "out.json",
        ],
        vec![
            "invoke",
            "--function-name",
            "echo",
            "--frobnicate",
            "out.json",
        ],
        vec!["invoke", "--function-name"],
        vec!["delete-everything"],
        vec![],
    ] {
        demo()
            .args(&args)
            .assert()
            .code(252)
            .stderr(predicates::str::contains("usage:"));
    }
    demo()
        .args([
            "invoke",
            "--function-name",
            "echo",
            "--payload",
            "file:///does/not/exist",
            "o.json",
        ])
        .assert()
        .code(252)
        .stderr(predicates::str::contains("Unable to load paramfile"));
}

#[test]
fn a_dry_run_prints_204_and_writes_an_empty_file() {
    let out = outfile("dry.json");
    let output = demo()
        .args([
            "invoke",
            "--function-name",
            "echo",
            "--invocation-type",
            "DryRun",
        ])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(stdout_json(&output), json!({ "StatusCode": 204 }));
    assert_eq!(std::fs::read(&out).unwrap().len(), 0);
}

#[test]
fn list_functions_names_the_deployed_functions() {
    let output = demo()
        .arg("list-functions")
        .assert()
        .success()
        .get_output()
        .clone();
    let names: Vec<Value> = stdout_json(&output)["Functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["FunctionName"].clone())
        .collect();
    assert_eq!(names, [json!("echo"), json!("fail"), json!("sleepy")]);
}

#[test]
fn an_event_invocation_prints_202_and_still_runs_before_exit() {
    let out = outfile("event.json");
    let output = demo()
        .args([
            "invoke",
            "--function-name",
            "fail",
            "--invocation-type",
            "Event",
            "--transcript",
        ])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(stdout_json(&output), json!({ "StatusCode": 202 }));
    let transcript = String::from_utf8_lossy(&output.stderr);
    assert!(transcript.contains("(Event, attempt 3)"), "{transcript}");
    assert!(
        transcript.contains("RetriesExhausted after 3 attempts"),
        "{transcript}"
    );
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let output = demo()
        .args(["invoke", "--function-name"])
        .arg(std::ffi::OsStr::from_bytes(b"caf\xe9"))
        .arg(outfile("latin1.json"))
        .assert()
        .code(252)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: argument 'caf\u{FFFD}' is not valid UTF-8"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_function_of_another_account_is_refused_with_access_denied() {
    let output = demo()
        .args([
            "invoke",
            "--function-name",
            "arn:aws:lambda:us-east-1:210987654321:function:echo",
        ])
        .arg(outfile("other-account.json"))
        .assert()
        .code(254)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:iam::123456789012:root is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:210987654321:function:echo"),
        "{stderr}"
    );
}
