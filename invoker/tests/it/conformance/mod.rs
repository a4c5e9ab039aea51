//! Conformance: the invoker answers as real Lambda did in recorded scenarios.
//!
//! Each test reproduces one scenario recorded from real AWS (named in its comment: the
//! workbook's `../shared/aws-recorded/`, or LocalStack's AWS-validated snapshots, which hold
//! more): the same call on the same kind of resource, and the exception name, HTTP status and
//! message AWS answered with, or the record, message or variables it produced. The tests are
//! written here in the workbook's own words; the recordings are not copied.
//!
//! One file per AWS operation, one test per scenario. A scenario the invoker does not match yet
//! is still a test, ignored with the reason `differs: …`, so that it documents the difference
//! and `cargo test … -- --ignored` shows it failing. [`table`] counts them:
//! `cargo test -p invoker --test it conformance::table -- --nocapture` prints, for each operation,
//! how many scenarios it has and how many the invoker matches.

mod add_permission;
mod create_alias;
mod create_event_source_mapping;
mod create_function;
mod get_alias;
mod get_policy;
mod invoke;
mod invoke_event;
mod invoke_names;
mod put_function_concurrency;
mod put_function_event_invoke_config;
mod put_provisioned_concurrency_config;
mod remove_permission;
mod update_alias;
mod update_function_configuration;

use invoker::{
    service_fn, Diagnostic, ErrorCode, FunctionConfig, Lambda, LambdaEvent, ServiceError,
};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

/// The ARN prefix of the default account and Region.
const ARNS: &str = "arn:aws:lambda:us-east-1:123456789012:function";

/// A service with one function, `app`, whose code answers `"ok"`.
fn service() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("app"), code())
        .unwrap();
    lambda
}

fn code() -> invoker::FunctionCode {
    service_fn(|_event: LambdaEvent<Value>| async move { Ok::<_, Diagnostic>(json!("ok")) })
}

/// The exception name, HTTP status and message of a refusal.
fn refusal(error: ServiceError) -> (ErrorCode, u16, String) {
    (error.code, error.status, error.message)
}

/// The suite's figures, read from its files: per operation, the scenarios (tests) and how many
/// of them match (those not ignored as `differs: …`; the others pass, or the suite fails). Also
/// holds the suite to its form: every file is a module of it, and every ignored scenario says
/// how the invoker differs.
#[test]
fn table() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/conformance");
    let declared = fs::read_to_string(folder.join("mod.rs")).unwrap();
    let mut rows = Vec::new();
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let operation = path.file_stem().unwrap().to_string_lossy().into_owned();
        if operation == "mod" {
            continue;
        }
        assert!(
            declared.contains(&format!("\nmod {operation};\n")),
            "{operation}.rs is not declared in conformance/mod.rs, so its tests never run"
        );
        let text = fs::read_to_string(&path).unwrap();
        let scenarios = text.matches("#[tokio::test").count() + text.matches("#[test]").count();
        let differing = text.matches("#[ignore = \"differs: ").count();
        assert_eq!(
            text.matches("#[ignore").count(),
            differing,
            "{operation}: an ignored scenario says how the invoker differs (#[ignore = \"differs: …\"])"
        );
        rows.push((operation, scenarios, scenarios - differing));
    }
    rows.sort();
    let total = |column: fn(&(String, usize, usize)) -> usize| rows.iter().map(column).sum();
    let (scenarios, matching): (usize, usize) = (total(|row| row.1), total(|row| row.2));
    println!("{:<36} {:>9} {:>8}", "operation", "scenarios", "matching");
    for (operation, scenarios, matching) in &rows {
        println!("{operation:<36} {scenarios:>9} {matching:>8}");
    }
    println!("{:<36} {scenarios:>9} {matching:>8}", "total");
    assert!(matching <= scenarios && scenarios > 0);
}
