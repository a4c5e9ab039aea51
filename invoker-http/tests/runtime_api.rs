//! A real function, built with `lambda_runtime` (`examples/echo_bootstrap.rs`), run under the
//! invoker through the Runtime API: cold and warm starts, errors, timeouts, concurrency and the
//! retries of asynchronous events apply to it as to an in-process handler.
#![cfg(unix)]

use invoker::{
    EventOutcome, FunctionConfig, InvocationType, InvokeRequest, InvokeResponse, Lambda,
};
use invoker_http::runtime_api::bootstrap;

mod common;
use common::echo_bootstrap;
use serde_json::{json, Value};

fn deploy(lambda: &Lambda, config: FunctionConfig) {
    lambda
        .create_function(config, bootstrap(echo_bootstrap()))
        .expect("the function deploys");
}

async fn invoke(lambda: &Lambda, payload: Value) -> InvokeResponse {
    lambda
        .invoke(InvokeRequest::new("real").payload(payload))
        .await
        .expect("the invocation runs")
}

fn count(lines: &[String], prefix: &str) -> usize {
    lines.iter().filter(|line| line.starts_with(prefix)).count()
}

#[tokio::test(start_paused = true)]
async fn a_real_function_starts_cold_then_warm_and_logs_between_start_and_end() {
    let lambda = Lambda::new();
    deploy(&lambda, FunctionConfig::new("real").env("GREETING", "hej"));
    for n in [1, 2] {
        let response = invoke(&lambda, json!({ "n": n })).await;
        assert_eq!(response.function_error, None, "{response:?}");
        assert_eq!(
            response.payload_json().unwrap(),
            json!({ "got": { "n": n }, "function": "real", "greeting": "hej" })
        );
    }
    let lines = lambda.log_lines("real");
    assert_eq!(count(&lines, "INIT_START"), 1, "one cold start: {lines:#?}");
    assert_eq!(count(&lines, "REPORT RequestId:"), 2);
    assert_eq!(
        lambda.log_streams("real").len(),
        1,
        "one environment, one process"
    );
    // The process's own tracing line comes between its invocation's START and END.
    let start = lines.iter().position(|l| l.starts_with("START")).unwrap();
    let end = lines.iter().position(|l| l.starts_with("END")).unwrap();
    let echoing = lines
        .iter()
        .position(|l| l.contains("echoing"))
        .expect("the process logged");
    assert!(start < echoing && echoing < end, "{lines:#?}");
    // lambda_runtime names the trace header Lambda sends with every event.
    assert!(
        lines[echoing].contains(r#"xrayTraceId="Root=1-"#),
        "{}",
        lines[echoing]
    );
}

#[tokio::test(start_paused = true)]
async fn a_real_functions_error_and_exit_are_function_errors() {
    let lambda = Lambda::new();
    deploy(&lambda, FunctionConfig::new("real"));
    let failed = invoke(&lambda, json!({ "fail": true })).await;
    assert_eq!(failed.function_error.as_deref(), Some("Unhandled"));
    let error = failed.payload_json().unwrap();
    assert_eq!(error["errorMessage"], "asked to fail");
    // The process logs its failure itself, as on AWS; the invoker adds no line of its own.
    let lines = lambda.log_lines("real");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ERROR") && l.contains("asked to fail")),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("Invoke Error")),
        "{lines:#?}"
    );
    // The type lambda_runtime names a boxed error by.
    assert!(
        error["errorType"]
            .as_str()
            .unwrap()
            .contains("Box<dyn core::error::Error"),
        "{error}"
    );

    // A process that ends is Runtime.ExitError; the next event starts it again.
    let exited = invoke(&lambda, json!({ "exit": true })).await;
    let error = exited.payload_json().unwrap();
    assert_eq!(error["errorType"], "Runtime.ExitError");
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap()
            .contains("exit status: 3"),
        "{error}"
    );
    let again = invoke(&lambda, json!({ "n": 4 })).await;
    assert_eq!(again.function_error, None, "{again:?}");

    let broken = Lambda::new();
    deploy(&broken, FunctionConfig::new("real").env("FAIL_INIT", "1"));
    let exited = invoke(&broken, json!({})).await;
    assert_eq!(exited.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        exited.payload_json().unwrap()["errorType"],
        "Runtime.ExitError"
    );
}

#[tokio::test(start_paused = true)]
async fn a_real_function_times_out_and_the_next_call_starts_a_new_process() {
    let lambda = Lambda::new();
    deploy(&lambda, FunctionConfig::new("real").timeout_secs(1));
    let slow = invoke(&lambda, json!({ "sleep_ms": 3000 })).await;
    let error = slow.payload_json().unwrap();
    assert_eq!(error["errorType"], "Sandbox.Timedout", "{error}");
    assert!(error["errorMessage"]
        .as_str()
        .unwrap()
        .ends_with("Task timed out after 1.00 seconds"));
    let next = invoke(&lambda, json!({ "n": 3 })).await;
    assert_eq!(next.function_error, None);
    assert_eq!(
        count(&lambda.log_lines("real"), "INIT_START"),
        2,
        "a new environment"
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_calls_get_a_process_each() {
    let lambda = Lambda::new();
    deploy(&lambda, FunctionConfig::new("real"));
    let (a, b) = tokio::join!(
        invoke(&lambda, json!({ "sleep_ms": 300 })),
        invoke(&lambda, json!({ "sleep_ms": 300 }))
    );
    assert_eq!((a.function_error, b.function_error), (None, None));
    assert_eq!(lambda.log_streams("real").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn an_asynchronous_event_is_retried_twice_as_for_any_function() {
    let lambda = Lambda::new();
    deploy(&lambda, FunctionConfig::new("real"));
    lambda
        .invoke(
            InvokeRequest::new("real")
                .invocation_type(InvocationType::Event)
                .payload(json!({ "fail": true })),
        )
        .await
        .expect("accepted");
    lambda.settle().await;
    let outcomes = lambda.event_outcomes();
    assert!(
        matches!(outcomes.values().next(), Some(EventOutcome::Failed { .. })),
        "{outcomes:?}"
    );
    assert_eq!(count(&lambda.log_lines("real"), "START RequestId:"), 3);
}
