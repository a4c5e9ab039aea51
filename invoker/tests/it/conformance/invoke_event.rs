//! Asynchronous invocation (`InvocationType: Event`) and what Lambda sends on: the records of
//! destinations and the messages of a dead-letter queue (`test_lambda_destinations.snapshot.json`).

use super::*;
use crate::kit::{failing, records_in};
use invoker::{EventInvokeConfig, InvocationType, InvokeRequest};

/// `app`, running `code`, sending both outcomes to the queue `destination`, with `config`'s
/// retry settings; answers the queue's ARN.
fn with_destination(
    lambda: &Lambda,
    code: invoker::FunctionCode,
    config: EventInvokeConfig,
) -> String {
    let queue = lambda.sqs().create_queue("destination");
    lambda
        .create_function(FunctionConfig::new("app"), code)
        .unwrap();
    lambda
        .put_function_event_invoke_config("app", config.on_success(&queue).on_failure(&queue))
        .unwrap();
    queue
}

/// Sends `payload` (its bytes as written) to `app` asynchronously, and waits for its outcome.
async fn send(lambda: &Lambda, payload: &str) {
    let request = InvokeRequest::new("app")
        .invocation_type(InvocationType::Event)
        .raw_payload(payload);
    assert_eq!(lambda.invoke(request).await.unwrap().status_code, 202);
    lambda.settle().await;
}

/// The one record in `queue`, without its request id and timestamp.
fn only_record(lambda: &Lambda, queue: &str) -> Value {
    let mut records = records_in(lambda, queue);
    assert_eq!(records.len(), 1, "{records:?}");
    let mut record = records.remove(0);
    record["requestContext"]
        .as_object_mut()
        .unwrap()
        .remove("requestId");
    record.as_object_mut().unwrap().remove("timestamp");
    record
}

fn record(condition: &str, attempts: u32, request: Value, response: Value) -> Value {
    let mut record = json!({
        "version": "1.0",
        "requestContext": {
            "functionArn": format!("{ARNS}:app:$LATEST"),
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": request,
        "responseContext": { "statusCode": 200, "executedVersion": "$LATEST" },
        "responsePayload": response,
    });
    if condition != "Success" {
        record["responseContext"]["functionError"] = json!("Unhandled");
    }
    record
}

fn intentional_failure() -> Value {
    json!({ "errorType": "Exception", "errorMessage": "intentional failure" })
}

// TestLambdaDestinationSqs::test_assess_lambda_destination_invocation[payload0]: a success
// goes to the on-success destination with the response.
#[tokio::test(start_paused = true)]
async fn destination_success() {
    let lambda = Lambda::new();
    let queue = with_destination(
        &lambda,
        code(),
        EventInvokeConfig::default().maximum_retry_attempts(0),
    );
    send(&lambda, "{}").await;
    assert_eq!(
        only_record(&lambda, &queue),
        record("Success", 1, json!({}), json!("ok"))
    );
}

// Same test, [payload1]: with no retries, the first failure exhausts them.
#[tokio::test(start_paused = true)]
async fn destination_failure_without_retries() {
    let lambda = Lambda::new();
    let queue = with_destination(
        &lambda,
        failing("Exception", "intentional failure"),
        EventInvokeConfig::default().maximum_retry_attempts(0),
    );
    send(&lambda, r#"{"raise_error": 1}"#).await;
    assert_eq!(
        only_record(&lambda, &queue),
        record(
            "RetriesExhausted",
            1,
            json!({ "raise_error": 1 }),
            intentional_failure()
        )
    );
}

// TestLambdaDestinationSqs::test_retries and test_lambda_destination_default_retries: two
// retries by default, three attempts in the record.
#[tokio::test(start_paused = true)]
async fn destination_default_retries() {
    let lambda = Lambda::new();
    let queue = with_destination(
        &lambda,
        failing("Exception", "intentional failure"),
        EventInvokeConfig::default(),
    );
    send(&lambda, r#"{"message": "m"}"#).await;
    assert_eq!(
        only_record(&lambda, &queue),
        record(
            "RetriesExhausted",
            3,
            json!({ "message": "m" }),
            intentional_failure()
        )
    );
}

// TestLambdaDestinationSqs::test_maxeventage, no_retry_failure_message and
// single_retry_failure_message: an event that grows too old before its next retry is given
// up as EventAgeExceeded, with the response of its last attempt.
#[tokio::test(start_paused = true)]
async fn destination_max_event_age() {
    // The retries come 1 and 3 minutes after the first attempt.
    for (max_age_secs, attempts) in [(60, 1), (120, 2)] {
        let lambda = Lambda::new();
        let queue = with_destination(
            &lambda,
            failing("Exception", "intentional failure"),
            EventInvokeConfig::default().maximum_event_age_secs(max_age_secs),
        );
        send(&lambda, r#"{"message": "m"}"#).await;
        assert_eq!(
            only_record(&lambda, &queue),
            record(
                "EventAgeExceeded",
                attempts,
                json!({ "message": "m" }),
                intentional_failure()
            ),
            "maximum age {max_age_secs} s"
        );
    }
}

// test_lambda.snapshot.json (LocalStack), TestLambdaConcurrency::test_reserved_concurrency, msg:
// with reserved concurrency 0 the event is given up at once, never attempted.
#[tokio::test(start_paused = true)]
async fn destination_zero_reserved_concurrency() {
    let lambda = Lambda::new();
    let queue = with_destination(
        &lambda,
        code(),
        EventInvokeConfig::default().maximum_retry_attempts(0),
    );
    lambda.put_function_concurrency("app", 0).unwrap();
    send(&lambda, "{}").await;
    assert_eq!(
        only_record(&lambda, &queue),
        json!({
            "version": "1.0",
            "requestContext": {
                "functionArn": format!("{ARNS}:app:$LATEST"),
                "condition": "ZeroReservedConcurrency",
                "approximateInvokeCount": 0,
            },
            "requestPayload": {},
        })
    );
}

/// The scenario both recordings below ran: a function `app` with the queue `dead-letters` as
/// its dead-letter queue, no retries, and one event it fails on; returns the service, the
/// queue's ARN and the one message the queue received.
async fn dead_letter_after_one_failure() -> (Lambda, String, invoker::Message) {
    let lambda = Lambda::new();
    let dlq = lambda.sqs().create_queue("dead-letters");
    let config = FunctionConfig::new("app").dead_letter_queue(&dlq);
    let code = failing("Exception", "Test exception (this is intentional)");
    lambda.create_function(config, code).unwrap();
    lambda
        .put_function_event_invoke_config(
            "app",
            EventInvokeConfig::default().maximum_retry_attempts(0),
        )
        .unwrap();
    send(&lambda, r#"{"raise_error": 1}"#).await;
    let messages = lambda.sqs().messages(&dlq);
    assert_eq!(messages.len(), 1);
    let message = messages[0].clone();
    (lambda, dlq, message)
}

// TestLambdaDLQ::test_dead_letter_queue: the queue receives the event's own bytes (its MD5
// is the recorded one) and Lambda's three attributes.
#[tokio::test(start_paused = true)]
async fn dead_letter_queue() {
    let (_lambda, _dlq, message) = dead_letter_after_one_failure().await;
    assert_eq!(message.body, r#"{"raise_error": 1}"#);
    assert_eq!(message.md5_of_body, "ba08269cbd0ce515889bfba6593731e1");
    let attribute = |name: &str| message.attributes[name].clone();
    assert_eq!(attribute("ErrorCode"), ("Number".into(), "200".into()));
    assert_eq!(
        attribute("ErrorMessage"),
        (
            "String".into(),
            "Test exception (this is intentional)".into()
        )
    );
    assert_eq!(attribute("RequestID").0, "String");
}

// test_lambda_integration_sqs.py::test_sqs_queue_as_lambda_dead_letter_queue: the function's
// configuration names the queue as its DeadLetterConfig target, and the message has exactly
// Lambda's three attributes, with their digest (MD5OfMessageAttributes).
#[tokio::test(start_paused = true)]
async fn sqs_queue_as_dead_letter_queue() {
    let (lambda, dlq, message) = dead_letter_after_one_failure().await;
    let config = lambda.get_function_configuration("app").unwrap();
    assert_eq!(config.dead_letter_queue, Some(dlq));
    let names: Vec<&str> = message.attributes.keys().map(String::as_str).collect();
    assert_eq!(names, ["ErrorCode", "ErrorMessage", "RequestID"]);
    assert!(message.md5_of_message_attributes().is_some());
}

// TestLambdaDestinationEventbridge::test_invoke_lambda_eventbridge: records as events on a
// bus, detail-type "Lambda Function Invocation Result - Success|Failure".
#[tokio::test(start_paused = true)]
#[ignore = "differs: the invoker has no EventBridge destinations (refused as an unsupported destination)"]
async fn destination_eventbridge() {
    let lambda = service();
    let bus = "arn:aws:events:us-east-1:123456789012:event-bus/results";
    lambda
        .put_function_event_invoke_config("app", EventInvokeConfig::default().on_success(bus))
        .unwrap();
}
