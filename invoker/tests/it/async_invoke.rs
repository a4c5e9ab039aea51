//! Asynchronous invocation: the internal queue, retries, destinations and dead-letter queues.

use crate::kit::{event, failing, log_lines_starting, records_in};
use invoker::FailureCondition;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventInvokeConfig, EventOutcome, FunctionConfig,
    InvocationType, InvokeRequest, Lambda, LambdaEvent,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Code that always fails, as it does while the payments API is down.
fn always_fails() -> invoker::FunctionCode {
    failing("DownstreamUnavailable", "the payments API answered 503")
}

async fn succeeds(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    Ok(json!({ "handled": event }))
}

/// The START lines of `function`'s log: one per attempt.
fn starts(lambda: &Lambda, function: &str) -> Vec<String> {
    log_lines_starting(lambda, function, "START")
}

#[tokio::test(start_paused = true)]
async fn an_event_is_accepted_with_202_and_runs_later() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), service_fn(succeeds))
        .unwrap();
    let response = lambda
        .invoke(event("f").payload(json!({ "n": 1 })))
        .await
        .unwrap();
    assert_eq!((response.status_code, response.payload.len()), (202, 0));
    assert!(
        starts(&lambda, "f").is_empty(),
        "the caller does not wait for the function"
    );
    lambda.settle().await;
    assert_eq!(starts(&lambda, "f").len(), 1);
    assert!(starts(&lambda, "f")[0].contains(&response.request_id));
    assert_eq!(
        lambda.event_outcomes()[&response.request_id],
        EventOutcome::Succeeded { attempts: 1 }
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_event_is_retried_twice_about_one_then_two_minutes_apart_with_one_request_id() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), always_fails())
        .unwrap();
    let accepted = lambda.invoke(event("f").payload(json!({}))).await.unwrap();
    lambda.settle().await;
    let starts = starts(&lambda, "f");
    assert_eq!(starts.len(), 3, "the first attempt and two retries");
    assert!(
        starts.iter().all(|l| l.contains(&accepted.request_id)),
        "{starts:#?}"
    );
    let transcript = lambda.transcript();
    for (offset, attempt) in [
        ("+00:00:00.000", 1),
        ("+00:01:00.020", 2),
        ("+00:03:00.020", 3),
    ] {
        assert!(
            transcript.contains(&format!("{offset} invoke f (Event, attempt {attempt})")),
            "attempt {attempt} at {offset}:\n{transcript}"
        );
    }
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Failed {
            condition: FailureCondition::RetriesExhausted,
            attempts: 3,
            sent_to: vec![]
        }
    );
    assert!(transcript.contains("RetriesExhausted after 3 attempts; discarded"));
}

#[tokio::test(start_paused = true)]
async fn the_on_failure_destination_receives_lambdas_invocation_record() {
    let lambda = Lambda::new();
    let failures = lambda.sqs().create_queue("failures");
    lambda
        .create_function(FunctionConfig::new("f"), always_fails())
        .unwrap();
    lambda
        .put_function_event_invoke_config("f", EventInvokeConfig::default().on_failure(&failures))
        .unwrap();
    let accepted = lambda
        .invoke(event("f").payload(json!({ "order": 7 })))
        .await
        .unwrap();
    lambda.settle().await;
    let messages = lambda.sqs().messages(&failures);
    assert_eq!(messages.len(), 1);
    let record: Value = serde_json::from_str(&messages[0].body).unwrap();
    assert_eq!(record["version"], "1.0");
    assert_eq!(
        record["requestContext"],
        json!({
            "requestId": accepted.request_id,
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3,
        })
    );
    assert_eq!(record["requestPayload"], json!({ "order": 7 }));
    assert_eq!(
        record["responseContext"],
        json!({
            "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"
        })
    );
    assert_eq!(
        record["responsePayload"]["errorType"],
        "DownstreamUnavailable"
    );
    assert_eq!(record["timestamp"], "2025-01-01T00:03:00.020Z");
}

#[tokio::test(start_paused = true)]
async fn the_dead_letter_queue_receives_the_event_with_its_error_attributes() {
    let lambda = Lambda::new();
    let dlq = lambda.sqs().create_queue("dead-letters");
    let config = FunctionConfig::new("f").dead_letter_queue(&dlq);
    lambda.create_function(config, always_fails()).unwrap();
    lambda
        .put_function_event_invoke_config(
            "f",
            EventInvokeConfig::default().maximum_retry_attempts(0),
        )
        .unwrap();
    let accepted = lambda
        .invoke(event("f").payload(json!({ "order": 8 })))
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(
        starts(&lambda, "f").len(),
        1,
        "no retries when MaximumRetryAttempts is 0"
    );
    let messages = lambda.sqs().messages(&dlq);
    assert_eq!(
        messages[0].body, r#"{"order":8}"#,
        "the body is the event itself"
    );
    let attribute = |name: &str| messages[0].attributes[name].clone();
    assert_eq!(
        attribute("RequestID"),
        ("String".into(), accepted.request_id.clone())
    );
    assert_eq!(attribute("ErrorCode"), ("Number".into(), "200".into()));
    assert_eq!(
        attribute("ErrorMessage"),
        ("String".into(), "the payments API answered 503".into())
    );
}

#[tokio::test(start_paused = true)]
async fn an_event_older_than_its_maximum_age_is_not_tried_again() {
    let lambda = Lambda::new();
    let failures = lambda.sqs().create_queue("failures");
    lambda
        .create_function(FunctionConfig::new("f"), always_fails())
        .unwrap();
    let config = EventInvokeConfig::default()
        .maximum_event_age_secs(60)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("f", config)
        .unwrap();
    lambda.invoke(event("f").payload(json!({}))).await.unwrap();
    lambda.settle().await;
    assert_eq!(
        starts(&lambda, "f").len(),
        1,
        "the first retry would come after 60 s"
    );
    let record = &records_in(&lambda, &failures)[0];
    assert_eq!(record["requestContext"]["condition"], "EventAgeExceeded");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 1);
}

#[tokio::test(start_paused = true)]
async fn a_flaky_function_that_recovers_on_a_retry_counts_as_processed() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let flaky = service_fn(move |_event: LambdaEvent<Value>| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            match n {
                0 => Err(Diagnostic {
                    error_type: "Timeout".into(),
                    error_message: "first try fails".into(),
                }),
                _ => Ok(json!("ok")),
            }
        }
    });
    let lambda = Lambda::new();
    let successes = lambda.sqs().create_queue("successes");
    lambda
        .create_function(FunctionConfig::new("f"), flaky)
        .unwrap();
    lambda
        .put_function_event_invoke_config("f", EventInvokeConfig::default().on_success(&successes))
        .unwrap();
    let accepted = lambda.invoke(event("f").payload(json!({}))).await.unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Succeeded { attempts: 2 }
    );
    let record = &records_in(&lambda, &successes)[0];
    assert_eq!(record["requestContext"]["condition"], "Success");
    assert_eq!(record["responsePayload"], "ok");
    assert!(record["responseContext"].get("functionError").is_none());
}

#[tokio::test(start_paused = true)]
async fn a_function_destination_receives_the_record_as_an_event() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), always_fails())
        .unwrap();
    lambda
        .create_function(FunctionConfig::new("on-failure"), service_fn(succeeds))
        .unwrap();
    let destination = "arn:aws:lambda:us-east-1:123456789012:function:on-failure";
    let config = EventInvokeConfig::default()
        .maximum_retry_attempts(1)
        .on_failure(destination);
    lambda
        .put_function_event_invoke_config("f", config)
        .unwrap();
    lambda.invoke(event("f").payload(json!({}))).await.unwrap();
    lambda.settle().await;
    assert_eq!(starts(&lambda, "on-failure").len(), 1);
    assert_eq!(
        lambda.event_outcomes().len(),
        2,
        "the original event and the record sent on"
    );
}

#[tokio::test(start_paused = true)]
async fn an_event_over_1_mb_is_refused_with_413() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), service_fn(succeeds))
        .unwrap();
    let big = format!("\"{}\"", "x".repeat(1024 * 1024));
    let request = InvokeRequest::new("f")
        .invocation_type(InvocationType::Event)
        .raw_payload(big);
    let error = lambda.invoke(request).await.unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::RequestEntityTooLargeException, 413)
    );
    assert_eq!(
        error.message,
        "1048578 byte payload is too large for the Event invocation type (limit 1048576 bytes)"
    );
}

#[tokio::test(start_paused = true)]
async fn event_invoke_settings_are_checked() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), service_fn(succeeds))
        .unwrap();
    let put = |c: EventInvokeConfig| lambda.put_function_event_invoke_config("f", c).unwrap_err();
    assert!(put(EventInvokeConfig::default().maximum_retry_attempts(3)).message
        .contains("at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"));
    assert!(put(EventInvokeConfig::default().maximum_event_age_secs(59))
        .message
        .contains("Member must have value greater than or equal to 60"));
    assert!(
        put(EventInvokeConfig::default().maximum_event_age_secs(21_601))
            .message
            .contains("Member must have value less than or equal to 21600")
    );
    assert_eq!(
        put(EventInvokeConfig::default().on_failure("not-an-arn")).code,
        ErrorCode::InvalidParameterValueException
    );
    let missing = lambda
        .put_function_event_invoke_config("f:prod", EventInvokeConfig::default())
        .unwrap_err();
    assert_eq!(missing.message, "The function doesn't exist.");
}

/// Nothing is lost: whatever fails, every accepted event ends processed or failed with a record.
#[tokio::test(start_paused = true)]
async fn every_accepted_event_ends_with_an_outcome() {
    for seed in 0..20u64 {
        let lambda = Lambda::builder().seed(seed).build();
        let dlq = lambda.sqs().create_queue("dlq");
        // Fails on a seeded share of attempts (about half), so first-time successes, recoveries
        // on a retry and exhausted retries all happen.
        let attempts = Arc::new(AtomicU32::new(0));
        let flaky = service_fn(move |event: LambdaEvent<Value>| {
            let event = event.payload;
            let attempt = u64::from(attempts.fetch_add(1, Ordering::SeqCst));
            async move {
                if (attempt.wrapping_mul(2_654_435_761) ^ seed) % 2 == 0 {
                    return Err(Diagnostic {
                        error_type: "Injected".into(),
                        error_message: "injected failure".into(),
                    });
                }
                Ok(event)
            }
        });
        let config = FunctionConfig::new("f").dead_letter_queue(&dlq);
        lambda.create_function(config, flaky).unwrap();
        let mut accepted = BTreeSet::new();
        for n in 0..50 {
            let response = lambda
                .invoke(event("f").payload(json!({ "n": n })))
                .await
                .unwrap();
            accepted.insert(response.request_id);
            tokio::time::sleep(Duration::from_millis(n * 37)).await;
        }
        lambda.settle().await;
        let outcomes = lambda.event_outcomes();
        assert_eq!(
            outcomes.keys().cloned().collect::<BTreeSet<_>>(),
            accepted,
            "seed {seed}"
        );
        let dead = outcomes
            .values()
            .filter(|o| matches!(o, EventOutcome::Failed { .. }))
            .count();
        let recovered = outcomes
            .values()
            .filter(|o| matches!(o, EventOutcome::Succeeded { attempts } if *attempts > 1))
            .count();
        assert!(
            dead > 0 && recovered > 0,
            "seed {seed}: the scenario exercises both paths"
        );
        assert_eq!(
            lambda.sqs().messages(&dlq).len(),
            dead,
            "every failure is in the DLQ"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn the_event_settings_can_be_read_back_and_deleted_and_events_then_get_the_defaults() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), always_fails())
        .unwrap();
    let missing = lambda.get_function_event_invoke_config("f").unwrap_err();
    assert_eq!(missing.code, ErrorCode::ResourceNotFoundException);
    assert_eq!(
        missing.message,
        "The function arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST doesn't have an EventInvokeConfig"
    );
    let settings = EventInvokeConfig::default()
        .maximum_retry_attempts(0)
        .on_failure("arn:aws:sqs:us-east-1:123456789012:failed");
    lambda
        .put_function_event_invoke_config("f", settings.clone())
        .unwrap();
    let read = lambda.get_function_event_invoke_config("f").unwrap();
    assert_eq!(read, settings);
    assert_eq!(
        read.to_json(),
        json!({
            "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 21600,
            "DestinationConfig": {
                "OnSuccess": {},
                "OnFailure": { "Destination": "arn:aws:sqs:us-east-1:123456789012:failed" },
            },
        })
    );

    lambda.delete_function_event_invoke_config("f").unwrap();
    let deleted_twice = lambda.delete_function_event_invoke_config("f").unwrap_err();
    assert_eq!(deleted_twice.code, ErrorCode::ResourceNotFoundException);
    // Back to Lambda's defaults: two retries.
    lambda.invoke(event("f")).await.unwrap();
    lambda.settle().await;
    assert_eq!(starts(&lambda, "f").len(), 3);
}
