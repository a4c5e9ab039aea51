//! The worked examples of chapter 5, "Concurrency and scaling": the chapter
//! (`book/src/concurrency.md`) includes their code and their transcripts.

use invoker::aws_lambda_events::kinesis::KinesisEvent;
use invoker::{
    service_fn, with_init, Diagnostic, EventInvokeConfig, EventSourceMapping, FunctionConfig,
    InitContext, InvocationType, InvokeRequest, Lambda, LambdaEvent, ManagedPolicy, Role,
    StartingPosition, ThrottleReason,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

// ANCHOR: concurrency_code
/// Looks up a price: 200 ms, most of it waiting for a database.
async fn quote(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    invoker::sleep(Duration::from_millis(200)).await;
    Ok(json!({ "price": 42 }))
}
// ANCHOR_END: concurrency_code

#[tokio::test(start_paused = true)]
async fn concurrency_is_requests_per_second_times_duration() {
    // ANCHOR: concurrency_load
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("quotes"), service_fn(quote))
        .unwrap();

    // One second at 10 requests per second, then one second at 20 per second.
    let gaps = [100; 10].into_iter().chain([50; 20]);
    let mut calls = Vec::new();
    for gap_ms in gaps {
        let lambda = lambda.clone();
        let call = async move { lambda.invoke(InvokeRequest::new("quotes")).await };
        calls.push(tokio::spawn(call));
        invoker::sleep(Duration::from_millis(gap_ms)).await;
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let timeline = lambda.timeline("quotes", Duration::from_millis(50));
    // ANCHOR_END: concurrency_load
    insta::assert_snapshot!(timeline);
    // The same picture for the book: `cargo xtask pictures` turns this snapshot into
    // book/src/images/generated/concurrency_load_timeline.svg.
    let svg = lambda.timeline_svg("quotes", Duration::from_millis(50));
    insta::assert_snapshot!("concurrency_load_timeline_svg", svg);
}

// ANCHOR: concurrency_reserved_code
/// Sends an email through a mail server that takes only a few connections: 1 s per email.
async fn send_email(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    invoker::sleep(Duration::from_secs(1)).await;
    Ok(json!({ "sent": event["email"] }))
}
// ANCHOR_END: concurrency_reserved_code

#[tokio::test(start_paused = true)]
async fn concurrency_reserved_concurrency_caps_a_function() {
    // ANCHOR: concurrency_reserved_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("mailer"), service_fn(send_email))
        .unwrap();
    // Never more than 2 at once, and 2 always kept for this function.
    lambda.put_function_concurrency("mailer", 2).unwrap();

    // Three synchronous calls at the same moment: the third is throttled.
    let email = |n: u64| InvokeRequest::new("mailer").payload(json!({ "email": n }));
    let (a, b, c) = tokio::join!(
        lambda.invoke(email(1)),
        lambda.invoke(email(2)),
        lambda.invoke(email(3)),
    );
    assert!(a.is_ok() && b.is_ok());
    let throttled = c.unwrap_err();
    assert_eq!(
        (throttled.status, throttled.reason),
        (
            429,
            Some(ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded)
        )
    );
    // Once the first two have finished, the same request goes through.
    lambda.invoke(email(3)).await.unwrap();

    // Three asynchronous events at once: Lambda queues and retries the throttled one itself.
    invoker::sleep(Duration::from_secs(5)).await;
    for n in 4..=6 {
        let event = email(n).invocation_type(InvocationType::Event);
        lambda.invoke(event).await.unwrap();
    }
    lambda.settle().await;

    // The account keeps at least 100 unreserved: of 1,000, at most 900 can be reserved.
    let too_much = lambda.put_function_concurrency("mailer", 901).unwrap_err();
    assert_eq!(
        too_much.message,
        "Specified ReservedConcurrentExecutions for function decreases account's \
         UnreservedConcurrentExecution below its minimum value of [100]."
    );
    // ANCHOR_END: concurrency_reserved_scenario
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn concurrency_reserved_zero_switches_a_function_off() {
    // ANCHOR: concurrency_off_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("mailer"), service_fn(send_email))
        .unwrap();
    let failures = lambda.sqs().create_queue("mailer-failed");
    let config = EventInvokeConfig::default().on_failure(&failures);
    lambda
        .put_function_event_invoke_config("mailer", config)
        .unwrap();

    // The emergency stop: reserved concurrency 0.
    lambda.put_function_concurrency("mailer", 0).unwrap();
    let email = InvokeRequest::new("mailer").payload(json!({ "email": 7 }));
    let refused = lambda.invoke(email.clone()).await.unwrap_err();
    assert_eq!(refused.status, 429);
    let event = email.invocation_type(InvocationType::Event);
    lambda.invoke(event).await.unwrap();
    lambda.settle().await;

    // Back on: remove the reservation, and the function shares the account's pool again.
    lambda.delete_function_concurrency("mailer").unwrap();
    let email = InvokeRequest::new("mailer").payload(json!({ "email": 8 }));
    lambda.invoke(email).await.unwrap();
    // ANCHOR_END: concurrency_off_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: concurrency_provisioned_code
/// Init loads a search index: slow, so a cold start is slow.
async fn load_index(init: InitContext) -> Result<Vec<&'static str>, Diagnostic> {
    init.logger().info("loading the search index");
    invoker::sleep(Duration::from_millis(800)).await;
    Ok(vec!["lambda", "rust", "serverless"])
}

/// The handler answers from the index: fast.
async fn search(
    index: Arc<Vec<&'static str>>,
    event: LambdaEvent<Value>,
) -> Result<Value, Diagnostic> {
    let event = event.payload;
    invoker::sleep(Duration::from_millis(100)).await;
    let term = event["q"].as_str().unwrap_or_default();
    Ok(json!({ "q": term, "found": index.contains(&term) }))
}
// ANCHOR_END: concurrency_provisioned_code

#[tokio::test(start_paused = true)]
async fn concurrency_provisioned_environments_start_warm() {
    // ANCHOR: concurrency_provisioned_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let code = with_init(load_index, search);
    lambda
        .create_function(FunctionConfig::new("search"), code)
        .unwrap();
    let v1 = lambda.publish_version("search").unwrap();

    // Provisioned concurrency is for a version or an alias, never $LATEST.
    let refused = lambda.put_provisioned_concurrency_config("search", 2).await;
    assert_eq!(
        refused.unwrap_err().message,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
    );
    // Two environments of version 1, initialised now, before any request comes.
    let qualified = format!("search:{v1}");
    lambda
        .put_provisioned_concurrency_config(&qualified, 2)
        .await
        .unwrap();

    // Three requests at once: two find a provisioned environment, the third spills over.
    invoker::sleep(Duration::from_millis(400)).await;
    let query = || {
        let request = InvokeRequest::new("search").qualifier(&v1);
        lambda.invoke(request.payload(json!({ "q": "rust" })))
    };
    let (a, b, c) = tokio::join!(query(), query(), query());
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    let timeline = lambda.timeline("search", Duration::from_millis(100));
    // ANCHOR_END: concurrency_provisioned_scenario
    insta::assert_snapshot!(lambda.transcript());
    insta::assert_snapshot!("concurrency_provisioned_timeline", timeline);
}

// ---------------------------------------------------------------------------------------------
// Concurrency: a stream's concurrency is its shards × the parallelization factor

// ANCHOR: concurrency_stream_code
/// Stores a batch of clicks: 1 s, whatever the batch's size.
async fn store_clicks(_event: LambdaEvent<KinesisEvent>) -> Result<(), Diagnostic> {
    invoker::sleep(Duration::from_secs(1)).await;
    Ok(())
}
// ANCHOR_END: concurrency_stream_code

#[tokio::test(start_paused = true)]
async fn concurrency_a_stream_runs_shards_times_parallelization_factor() {
    // ANCHOR: concurrency_stream_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let stream = lambda.kinesis().create_stream("clicks", 4).unwrap();
    lambda
        .create_function(
            FunctionConfig::new("store-clicks")
                .role(Role::new("store-clicks-role").attach(ManagedPolicy::KinesisExecution)),
            service_fn(store_clicks),
        )
        .unwrap();

    // A backlog: 200 clicks of 40 users, spread over the 4 shards by their partition keys.
    for n in 0..200 {
        let user = format!("user-{}", n % 40);
        let click = format!("click {n}");
        lambda
            .kinesis()
            .put_record("clicks", &user, click.as_bytes())
            .unwrap();
    }

    // Two batches of each shard at a time: 4 shards × 2 = 8.
    let mapping = EventSourceMapping::new(&stream, "store-clicks")
        .starting_position(StartingPosition::TrimHorizon)
        .batch_size(10)
        .parallelization_factor(2);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    let usage = lambda.usage("store-clicks");
    assert_eq!(usage.cold_starts, 8, "never more than 8 environments");
    let timeline = lambda.timeline("store-clicks", Duration::from_millis(250));
    // ANCHOR_END: concurrency_stream_scenario
    insta::assert_snapshot!(timeline);
}
