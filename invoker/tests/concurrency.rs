//! The account's concurrency limit, and throttling of synchronous calls and asynchronous events.

use invoker::{
    handler_fn, Context, EventInvokeConfig, EventOutcome, FunctionConfig, HandlerError,
    InvocationType, InvokeRequest, Lambda,
};
use serde_json::{json, Value};
use std::time::Duration;

/// A function `slow` that works for `secs` seconds of virtual time.
fn service(limit: usize, secs: u64, timeout_secs: u32) -> Lambda {
    let lambda = Lambda::builder().account_concurrency(limit).build();
    let slow = handler_fn(move |_e: Value, _ctx: Context| async move {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        Ok::<_, HandlerError>(json!("done"))
    });
    let config = FunctionConfig::new("slow").timeout_secs(timeout_secs);
    lambda.create_function(config, slow).unwrap();
    lambda
}

fn event() -> InvokeRequest {
    InvokeRequest::new("slow").invocation_type(InvocationType::Event)
}

#[tokio::test(start_paused = true)]
async fn a_synchronous_call_over_the_limit_is_throttled_with_429() {
    let lambda = service(2, 1, 3);
    let call = || lambda.invoke(InvokeRequest::new("slow"));
    let (a, b, c) = tokio::join!(call(), call(), call());
    assert!(a.is_ok() && b.is_ok());
    let throttled = c.unwrap_err();
    assert_eq!(
        (throttled.code, throttled.status),
        ("TooManyRequestsException", 429)
    );
    assert_eq!(throttled.reason, Some("ConcurrentInvocationLimitExceeded"));
    assert_eq!(
        throttled.to_json()["Reason"],
        "ConcurrentInvocationLimitExceeded"
    );
    assert!(lambda.transcript().contains(
        "invoke slow: 429 TooManyRequestsException: Rate Exceeded. (Reason: ConcurrentInvocationLimitExceeded)"
    ));
    assert!(
        call().await.is_ok(),
        "once the others finish, there is room again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_throttled_event_waits_in_the_queue_with_growing_backoff_and_is_not_an_attempt() {
    let lambda = service(1, 2, 3);
    let first = lambda.invoke(event()).await.unwrap();
    let second = lambda.invoke(event()).await.unwrap();
    lambda.settle().await;
    let outcomes = lambda.event_outcomes();
    assert_eq!(
        outcomes[&first.request_id],
        EventOutcome::Succeeded { attempts: 1 }
    );
    assert_eq!(
        outcomes[&second.request_id],
        EventOutcome::Succeeded { attempts: 1 }
    );
    let transcript = lambda.transcript();
    let id = &second.request_id;
    assert!(transcript.contains(&format!("+00:00:00.000 event {id}: throttled (ConcurrentInvocationLimitExceeded), back in the queue for 1 s")), "{transcript}");
    assert!(transcript.contains(&format!("+00:00:01.000 event {id}: throttled (ConcurrentInvocationLimitExceeded), back in the queue for 2 s")), "{transcript}");
    assert!(
        transcript.contains("+00:00:03.000 invoke slow (Event, attempt 1): warm start"),
        "{transcript}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_event_throttled_past_its_maximum_age_is_given_up() {
    let lambda = service(1, 400, 900);
    let failures = lambda.sqs().create_queue("failures");
    let config = EventInvokeConfig::default()
        .maximum_event_age_secs(60)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("slow", config)
        .unwrap();
    lambda.invoke(event()).await.unwrap();
    let starved = lambda.invoke(event()).await.unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.event_outcomes()[&starved.request_id],
        EventOutcome::Failed {
            condition: "EventAgeExceeded",
            attempts: 0,
            sent_to: vec![failures.clone()],
        }
    );
}
