//! The account's concurrency limit, and throttling of synchronous calls and asynchronous events.

use crate::kit::event;
use invoker::FailureCondition;
use invoker::THROTTLE_ROUND_TRIP;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventInvokeConfig, EventOutcome, FunctionConfig,
    InvokeRequest, Lambda, LambdaEvent, ThrottleReason,
};
use serde_json::{json, Value};
use std::time::Duration;

/// A function `slow` that works for `secs` seconds of virtual time.
fn service(limit: usize, secs: u64, timeout_secs: u32) -> Lambda {
    let lambda = Lambda::builder().account_concurrency(limit).build();
    let slow = service_fn(move |_event: LambdaEvent<Value>| async move {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        Ok::<_, Diagnostic>(json!("done"))
    });
    let config = FunctionConfig::new("slow").timeout_secs(timeout_secs);
    lambda.create_function(config, slow).unwrap();
    lambda
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
        (ErrorCode::TooManyRequestsException, 429)
    );
    assert_eq!(
        throttled.reason,
        Some(ThrottleReason::ConcurrentInvocationLimitExceeded)
    );
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
    let first = lambda.invoke(event("slow")).await.unwrap();
    let second = lambda.invoke(event("slow")).await.unwrap();
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
    let waits: Vec<u64> = transcript
        .lines()
        .filter_map(|l| l.strip_prefix("+")?.split_once(&format!(" event {id}: throttled (ConcurrentInvocationLimitExceeded), back in the queue for "))?.1.strip_suffix(" ms")?.parse().ok())
        .collect();
    // The first event holds the only unit of concurrency for 2 s: the second waits about 1 s,
    // then about 2 s, then about 4 s (each wait between half and all of its step: jitter).
    assert_eq!(waits.len(), 3, "{transcript}");
    for (wait, step) in waits.iter().zip([1_000, 2_000, 4_000]) {
        assert!(
            (step / 2..=step).contains(wait),
            "{wait} ms for a {step} ms step"
        );
    }
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
    lambda.invoke(event("slow")).await.unwrap();
    let starved = lambda.invoke(event("slow")).await.unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.event_outcomes()[&starved.request_id],
        EventOutcome::Failed {
            condition: FailureCondition::EventAgeExceeded,
            attempts: 0,
            sent_to: vec![failures.clone()],
        }
    );
}

#[tokio::test(start_paused = true)]
async fn reserved_concurrency_caps_a_function_with_its_own_reason() {
    let lambda = service(1_000, 1, 3);
    lambda.put_function_concurrency("slow", 2).unwrap();
    let call = || lambda.invoke(InvokeRequest::new("slow"));
    let (a, b, c) = tokio::join!(call(), call(), call());
    assert!(a.is_ok() && b.is_ok());
    assert_eq!(
        c.unwrap_err().reason,
        Some(ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded)
    );
    assert_eq!(lambda.get_function_concurrency("slow").unwrap(), Some(2));
}

#[tokio::test(start_paused = true)]
async fn reserved_concurrency_is_set_aside_from_the_other_functions() {
    let lambda = service(110, 1, 3);
    let other = service_fn(|_event: LambdaEvent<Value>| async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok::<_, Diagnostic>(json!("ok"))
    });
    lambda
        .create_function(FunctionConfig::new("other"), other)
        .unwrap();
    lambda.put_function_concurrency("slow", 10).unwrap();
    // 110 − 10 reserved leaves 100 for everyone else.
    let results: Vec<_> = (0..101)
        .map(|_| {
            let lambda = lambda.clone();
            tokio::spawn(async move { lambda.invoke(InvokeRequest::new("other")).await })
        })
        .collect();
    let mut throttled = 0;
    for result in results {
        if let Err(e) = result.await.unwrap() {
            assert_eq!(
                e.reason,
                Some(ThrottleReason::ConcurrentInvocationLimitExceeded)
            );
            throttled += 1;
        }
    }
    assert_eq!(throttled, 1);
}

#[tokio::test(start_paused = true)]
async fn at_least_100_units_stay_unreserved() {
    let lambda = service(1_000, 1, 3);
    let error = lambda.put_function_concurrency("slow", 901).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidParameterValueException);
    assert_eq!(error.message, "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].");
    lambda.put_function_concurrency("slow", 900).unwrap();
}

#[tokio::test(start_paused = true)]
async fn reserved_concurrency_zero_sends_events_straight_to_failure_handling() {
    let lambda = service(1_000, 1, 3);
    let dlq = lambda.sqs().create_queue("dlq");
    lambda
        .update_function_configuration("slow", |c| c.dead_letter_queue(&dlq))
        .unwrap();
    lambda.put_function_concurrency("slow", 0).unwrap();
    let sync = lambda.invoke(InvokeRequest::new("slow")).await.unwrap_err();
    assert_eq!(sync.status, 429, "switched off: every call is throttled");
    let accepted = lambda.invoke(event("slow")).await.unwrap();
    lambda.settle().await;
    // Two refusals, each a 1 ms round trip, and no backoff: the event was not retried.
    assert_eq!(
        lambda.elapsed(),
        THROTTLE_ROUND_TRIP * 2,
        "no waiting, no retries"
    );
    assert!(matches!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Failed { attempts: 0, .. }
    ));
    assert_eq!(lambda.sqs().messages(&dlq).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn provisioned_environments_are_initialised_ahead_and_serve_warm() {
    let lambda = service(1_000, 1, 3);
    lambda.publish_version("slow").unwrap();
    lambda.create_alias("slow", "prod", "1").unwrap();
    lambda
        .put_provisioned_concurrency_config("slow:prod", 2)
        .await
        .unwrap();
    assert_eq!(lambda.idle_environments("slow"), 2);
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    let call = || lambda.invoke(InvokeRequest::new("slow").qualifier("prod"));
    let (a, b, c) = tokio::join!(call(), call(), call());
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    let usage = lambda.usage("slow");
    assert_eq!(
        (usage.invocations, usage.cold_starts),
        (3, 1),
        "two provisioned, one spill-over"
    );
    let transcript = lambda.transcript();
    assert_eq!(
        transcript
            .matches("warm start, provisioned environment")
            .count(),
        2,
        "{transcript}"
    );
    assert!(transcript.contains(
        "put-provisioned-concurrency-config slow:prod: 2 environment(s) of version 1 initialised"
    ));
}

#[tokio::test(start_paused = true)]
async fn provisioned_concurrency_needs_a_published_version_or_alias() {
    let lambda = service(1_000, 1, 3);
    let latest = lambda
        .put_provisioned_concurrency_config("slow", 1)
        .await
        .unwrap_err();
    assert_eq!(
        latest.message,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
    );
    let zero = lambda
        .put_provisioned_concurrency_config("slow:1", 0)
        .await
        .unwrap_err();
    assert_eq!(zero.code, ErrorCode::ValidationException);
    let missing = lambda
        .put_provisioned_concurrency_config("slow:live", 1)
        .await
        .unwrap_err();
    assert_eq!(missing.status, 404);
}

#[tokio::test(start_paused = true)]
async fn concurrency_settings_belong_to_the_function_not_to_a_version() {
    let lambda = service(1_000, 1, 3);
    lambda.publish_version("slow").unwrap();
    let error = lambda.put_function_concurrency("slow:1", 5).unwrap_err();
    assert_eq!(error.message, "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.");
    lambda.put_function_concurrency("slow", 5).unwrap();
    lambda.delete_function_concurrency("slow").unwrap();
    assert_eq!(lambda.get_function_concurrency("slow").unwrap(), None);
    assert!(lambda
        .transcript()
        .contains("delete-function-concurrency slow"));
}

#[tokio::test(start_paused = true)]
async fn a_function_adds_at_most_1000_environments_every_10_seconds() {
    let lambda = service(3_000, 1, 3);
    let burst = |n: usize| {
        (0..n)
            .map(|_| {
                let lambda = lambda.clone();
                tokio::spawn(async move { lambda.invoke(InvokeRequest::new("slow")).await })
            })
            .collect::<Vec<_>>()
    };
    let mut throttled = 0;
    for call in burst(1_500) {
        if let Err(e) = call.await.unwrap() {
            assert_eq!(e.status, 429);
            throttled += 1;
        }
    }
    assert_eq!(
        throttled, 500,
        "below the account limit, but faster than the scaling rate"
    );
    tokio::time::sleep(Duration::from_secs(10)).await;
    let mut throttled = 0;
    for call in burst(1_500) {
        throttled += usize::from(call.await.unwrap().is_err());
    }
    assert_eq!(
        throttled, 0,
        "10 s later: 1,000 warm environments and 500 new ones"
    );
}

#[tokio::test(start_paused = true)]
async fn provisioned_concurrency_is_read_back_and_once_deleted_its_environments_expire() {
    let lambda = service(1_000, 1, 3);
    lambda.publish_version("slow").unwrap();
    let missing = lambda
        .get_provisioned_concurrency_config("slow:1")
        .unwrap_err();
    assert_eq!(
        (missing.code, missing.status),
        (
            ErrorCode::ProvisionedConcurrencyConfigNotFoundException,
            404
        )
    );
    lambda
        .put_provisioned_concurrency_config("slow:1", 2)
        .await
        .unwrap();
    assert_eq!(lambda.get_provisioned_concurrency_config("slow:1"), Ok(2));

    // One of the two is at work when the configuration goes: it comes back on demand too.
    let busy = lambda.invoke(InvokeRequest::new("slow").qualifier("1"));
    let delete = async {
        lambda
            .delete_provisioned_concurrency_config("slow:1")
            .unwrap();
    };
    let (answered, ()) = tokio::join!(busy, delete);
    answered.unwrap();
    assert!(lambda.get_provisioned_concurrency_config("slow:1").is_err());
    assert!(lambda
        .transcript()
        .contains("delete-provisioned-concurrency-config slow:1"));
    assert_eq!(lambda.idle_environments("slow"), 2, "still warm for now");
    // On-demand environments are reclaimed when idle; provisioned ones never are.
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    lambda
        .invoke(InvokeRequest::new("slow").qualifier("1"))
        .await
        .unwrap();
    assert_eq!(
        lambda.usage("slow").cold_starts,
        1,
        "a cold start after expiry"
    );
}

#[tokio::test(start_paused = true)]
async fn the_account_limit_shows_what_reservations_leave() {
    let lambda = service(1_000, 1, 3);
    let limit = lambda.account_limit();
    assert_eq!(
        (
            limit.concurrent_executions,
            limit.unreserved_concurrent_executions
        ),
        (1_000, 1_000)
    );
    lambda.put_function_concurrency("slow", 300).unwrap();
    assert_eq!(lambda.account_limit().unreserved_concurrent_executions, 700);
}
