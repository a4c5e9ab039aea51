//! Tests for exercise 15. They deploy the chain (with your steps and your wiring), send a request
//! to step 1 asynchronously, wait until Lambda has done everything it will do with it, and read
//! the two queues: the results, and the records of failed steps.

use assert_json_diff::assert_json_eq;
use async_waterfall::{deploy, BUILD_PARAMS, FAILURES, LIST_VIDEOS, RESULTS, SHAPE_RESULT};
use invoker::testing::{deployed, invoke};
use invoker::{InvocationType, InvokeRequest, Lambda};
use serde_json::{json, Value};

/// The ARN of a function of the chain, as Lambda names it in a record.
fn arn(function: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{function}:$LATEST")
}

/// Sends `request` to step 1 asynchronously, as S3 or EventBridge would, and waits until Lambda
/// has finished with it and everything it caused, retries included.
async fn start(lambda: &Lambda, request: Value) {
    let event = InvokeRequest::new(BUILD_PARAMS)
        .invocation_type(InvocationType::Event)
        .payload(request);
    let response = invoke(lambda, event).await;
    assert_eq!(response.status_code, 202, "Lambda accepts the event");
    lambda.settle().await;
}

/// The records in a queue, parsed.
fn records(lambda: &Lambda, queue: &str) -> Vec<Value> {
    let arn = format!("arn:aws:sqs:us-east-1:123456789012:{queue}");
    lambda
        .sqs()
        .messages(&arn)
        .iter()
        .map(|m| serde_json::from_str(&m.body).expect("a destination record is JSON"))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_request_goes_down_the_whole_chain_into_the_results_queue() {
    let lambda = deployed(15, deploy);
    start(&lambda, json!({ "channel": "rust-talks", "year": 2025 })).await;
    let results = records(&lambda, RESULTS);
    assert_eq!(results.len(), 1, "one request, one result: {results:#?}");
    assert_json_eq!(
        results[0]["responsePayload"],
        json!({
            "bucket": "channel-rust-talks",
            "prefix": "2025/",
            "videos": ["2025/async-rust.mp4", "2025/ownership.mp4"],
        })
    );
    assert_eq!(
        results[0]["requestContext"]["functionArn"],
        arn(SHAPE_RESULT),
        "the result is the record of step 3's success"
    );
    assert_json_eq!(records(&lambda, FAILURES), json!([]));
}

#[tokio::test(start_paused = true)]
async fn another_channel_and_year_give_another_list() {
    let lambda = deployed(15, deploy);
    start(&lambda, json!({ "channel": "rust-talks", "year": 2024 })).await;
    start(&lambda, json!({ "channel": "kitchen", "year": 2025 })).await;
    let videos: Vec<Value> = records(&lambda, RESULTS)
        .iter()
        .map(|record| record["responsePayload"].clone())
        .collect();
    assert_json_eq!(
        videos,
        json!([
            { "bucket": "channel-rust-talks", "prefix": "2024/", "videos": ["2024/closures.mp4"] },
            { "bucket": "channel-kitchen", "prefix": "2025/", "videos": ["2025/kimchi.mp4"] },
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn each_step_is_invoked_by_the_destination_of_the_step_before() {
    let lambda = deployed(15, deploy);
    start(&lambda, json!({ "channel": "rust-talks", "year": 2025 })).await;
    let result = &records(&lambda, RESULTS)[0];
    // What step 3 received is in its record's requestPayload: step 2's record, whose
    // requestPayload is step 1's record.
    let step_3_input = &result["requestPayload"];
    assert_eq!(
        step_3_input["requestContext"]["functionArn"],
        arn(LIST_VIDEOS)
    );
    assert_eq!(step_3_input["requestContext"]["condition"], "Success");
    assert_eq!(step_3_input["responsePayload"]["KeyCount"], 3);
    let step_2_input = &step_3_input["requestPayload"];
    assert_eq!(
        step_2_input["requestContext"]["functionArn"],
        arn(BUILD_PARAMS)
    );
    assert_json_eq!(
        step_2_input["responsePayload"],
        json!({ "bucket": "channel-rust-talks", "prefix": "2025/" })
    );
    for step in [BUILD_PARAMS, LIST_VIDEOS, SHAPE_RESULT] {
        assert_eq!(lambda.usage(step).invocations, 1, "{step} ran once");
    }
}

#[tokio::test(start_paused = true)]
async fn an_error_in_step_2_stops_the_chain_and_its_record_lands_in_the_failures_queue() {
    let lambda = deployed(15, deploy);
    start(
        &lambda,
        json!({ "channel": "no-such-channel", "year": 2025 }),
    )
    .await;
    assert_eq!(
        lambda.usage(SHAPE_RESULT).invocations,
        0,
        "step 3 never runs after step 2 failed"
    );
    assert_json_eq!(records(&lambda, RESULTS), json!([]));
    let failures = records(&lambda, FAILURES);
    assert_eq!(
        failures.len(),
        1,
        "one failed request, one record: {failures:#?}"
    );
    let record = &failures[0];
    assert_eq!(record["requestContext"]["functionArn"], arn(LIST_VIDEOS));
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(
        record["requestContext"]["approximateInvokeCount"], 3,
        "Lambda tried step 2 three times: the first attempt and two retries"
    );
    assert_json_eq!(
        record["responsePayload"],
        json!({ "errorType": "NoSuchBucket", "errorMessage": "The specified bucket does not exist" })
    );
    // The failure record holds what the failed step received.
    assert_json_eq!(
        record["requestPayload"]["responsePayload"],
        json!({ "bucket": "channel-no-such-channel", "prefix": "2025/" })
    );
}

#[tokio::test(start_paused = true)]
async fn an_error_in_step_1_lands_in_the_failures_queue_too() {
    let lambda = deployed(15, deploy);
    start(&lambda, json!({ "year": 2025 })).await;
    assert_eq!(lambda.usage(LIST_VIDEOS).invocations, 0);
    let failures = records(&lambda, FAILURES);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_eq!(
        failures[0]["requestContext"]["functionArn"],
        arn(BUILD_PARAMS)
    );
    assert_eq!(
        failures[0]["responsePayload"]["errorType"],
        "InvalidRequest"
    );
}

#[tokio::test(start_paused = true)]
async fn a_step_invoked_with_the_bare_parameters_says_it_expected_a_record() {
    let lambda = deployed(15, deploy);
    let bare = json!({ "bucket": "channel-rust-talks", "prefix": "2025/" });
    let response = invoke(&lambda, InvokeRequest::new(LIST_VIDEOS).payload(bare)).await;
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        response.payload_json().unwrap()["errorType"],
        "NotADestinationRecord"
    );
}

/// The transcript as the snapshots compare it. `wire_chain` may configure the three steps in any
/// order, and the chain is the same: so the configuration lines are listed step by step, in the
/// places they took. And what your own code logs is up to you, so it is left out.
fn transcript(lambda: &Lambda) -> String {
    let transcript = lambda
        .transcript_view()
        .without_application_logs()
        .to_string();
    let mut lines: Vec<&str> = transcript.lines().collect();
    let is_wiring = |line: &str| line.contains(" put-function-event-invoke-config ");
    let mut wiring: Vec<&str> = lines.iter().copied().filter(|l| is_wiring(l)).collect();
    wiring.sort();
    let slots = lines.iter_mut().filter(|line| is_wiring(line));
    for (slot, line) in slots.zip(wiring) {
        *slot = line;
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// A request down the whole chain, as a transcript you can read in `tests/snapshots/`.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_request_down_the_chain() {
    let lambda = deployed(15, deploy);
    start(&lambda, json!({ "channel": "rust-talks", "year": 2025 })).await;
    insta::assert_snapshot!(transcript(&lambda));
}

/// A request that fails in step 2: three attempts, a minute and then two apart, and a record in
/// the failures queue.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_request_that_fails_in_step_2() {
    let lambda = deployed(15, deploy);
    start(
        &lambda,
        json!({ "channel": "no-such-channel", "year": 2025 }),
    )
    .await;
    insta::assert_snapshot!(transcript(&lambda));
}
