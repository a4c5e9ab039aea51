//! The worked examples of chapter 3, "Event models: push and pull": the chapter
//! (`book/src/event-models.md`) includes their code and their transcripts.

use invoker::aws_lambda_events::kinesis::KinesisEvent;
use invoker::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use invoker::QueueAttributes;
use invoker::{
    service_fn, Diagnostic, EventSourceMapping, FunctionConfig, InvocationType, InvokeRequest,
    Lambda, LambdaEvent, ManagedPolicy, Role, StartingPosition,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ANCHOR: event_models_code
/// Makes a thumbnail of an uploaded image: 300 ms of work. A file that is not an image is a
/// function error.
async fn make_thumbnail(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let key = event["key"].as_str().unwrap_or_default().to_owned();
    invoker::sleep(Duration::from_millis(300)).await;
    if !key.ends_with(".jpg") {
        return Err(Diagnostic {
            error_type: "UnsupportedImage".into(),
            error_message: format!("{key} is not a JPEG image"),
        });
    }
    ctx.logger().info(format!("thumbnail of {key} written"));
    Ok(json!({ "thumbnail": format!("thumbnails/{key}") }))
}
// ANCHOR_END: event_models_code

#[tokio::test(start_paused = true)]
async fn event_models_the_caller_waits_or_lambda_queues() {
    // ANCHOR: event_models_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("thumbnails");
    lambda
        .create_function(config, service_fn(make_thumbnail))
        .unwrap();
    let upload = |key: &str| InvokeRequest::new("thumbnails").payload(json!({ "key": key }));

    // Synchronous push (API Gateway, the CLI, an SDK): the caller waits for the answer and
    // sees a failure itself. Nobody retries it, unless the caller does.
    lambda.invoke(upload("cat.jpg")).await.unwrap();
    let failed = lambda.invoke(upload("notes.txt")).await.unwrap();
    assert_eq!(failed.function_error.as_deref(), Some("Unhandled"));

    // Asynchronous push (S3, SNS, EventBridge): Lambda queues the event and answers 202 at
    // once. The function's answer goes nowhere, and a failure is Lambda's to retry.
    invoker::sleep(Duration::from_secs(1)).await;
    let event = |key: &str| upload(key).invocation_type(InvocationType::Event);
    lambda.invoke(event("dog.jpg")).await.unwrap();
    lambda.invoke(event("todo.txt")).await.unwrap();
    lambda.settle().await;

    // The payload limits differ: 6 MB for a synchronous request, 1 MB for an event.
    let big = json!({ "key": "big.jpg", "pixels": "x".repeat(2 * 1024 * 1024) });
    let sync_big = InvokeRequest::new("thumbnails").payload(big);
    lambda.invoke(sync_big.clone()).await.unwrap();
    let async_big = sync_big.invocation_type(InvocationType::Event);
    let refused = lambda.invoke(async_big).await.unwrap_err();
    assert_eq!(refused.status, 413);
    // ANCHOR_END: event_models_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ---------------------------------------------------------------------------------------------
// Event models: the pull model

// ANCHOR: event_models_pull_code
/// What the warehouse has on its shelves. The scenario shares it, and restocks it.
type Shelves = Arc<Mutex<BTreeSet<&'static str>>>;

/// Ships the orders of a batch of SQS messages, 50 ms each. An item that is not on the shelves
/// can't be shipped yet: its message is reported in `batchItemFailures`, so that it alone comes
/// back later, and the batch still succeeds.
async fn ship_orders(
    shelves: Shelves,
    event: LambdaEvent<SqsEvent>,
) -> Result<SqsBatchResponse, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let item = message.body.unwrap_or_default();
        let receives = message.attributes.get("ApproximateReceiveCount");
        invoker::sleep(Duration::from_millis(50)).await;
        if shelves.lock().unwrap().contains(item.as_str()) {
            let receives = receives.map_or("?", String::as_str);
            ctx.logger()
                .info(format!("shipped a {item} (receive {receives})"));
        } else {
            ctx.logger()
                .warn(format!("no {item} on the shelves: message {id} stays"));
            response.add_failure(id);
        }
    }
    Ok(response)
}
// ANCHOR_END: event_models_pull_code

#[tokio::test(start_paused = true)]
async fn event_models_an_sqs_queue_read_in_batches() {
    // ANCHOR: event_models_pull_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let shelves: Shelves = Arc::new(Mutex::new(BTreeSet::from(["book", "mug", "pen"])));
    let stock = Arc::clone(&shelves);
    let code =
        service_fn(move |event: LambdaEvent<SqsEvent>| ship_orders(Arc::clone(&stock), event));
    // The mapping polls with the function's role: SAM's SQSPollerPolicy, or this managed policy.
    let role = Role::new("ship-orders-role").attach(ManagedPolicy::SqsQueueExecution);
    let config = FunctionConfig::new("ship-orders")
        .timeout_secs(5)
        .role(role);
    lambda.create_function(config, code).unwrap();

    // Four orders wait in the queue. Nobody is told: SQS invokes nothing.
    let attributes = QueueAttributes::default().visibility_timeout_secs(30);
    let queue = lambda
        .sqs()
        .create_queue_with("orders", attributes)
        .unwrap();
    for item in ["book", "lamp", "mug", "pen"] {
        let body = item.to_owned();
        lambda
            .sqs()
            .send_message(&queue, body, BTreeMap::new())
            .unwrap();
    }

    // The mapping is the reader: Lambda polls the queue and invokes with batches (10 at most).
    let mapping = EventSourceMapping::new(&queue, "ship-orders").report_batch_item_failures(true);
    lambda.create_event_source_mapping(mapping).unwrap();

    // Ten seconds later, while the lamp's message is hidden, the lamps arrive.
    invoker::sleep(Duration::from_secs(10)).await;
    shelves.lock().unwrap().insert("lamp");
    lambda.settle().await;
    assert!(lambda.sqs().messages(&queue).is_empty());
    // ANCHOR_END: event_models_pull_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: event_models_stream_code
/// Counts page views from a stream of clicks: 100 ms a batch. It logs the clicks it got, in the
/// order it got them.
async fn count_clicks(event: LambdaEvent<KinesisEvent>) -> Result<(), Diagnostic> {
    let (event, ctx) = event.into_parts();
    let clicks: Vec<String> = event
        .records
        .iter()
        .map(|record| {
            let page = String::from_utf8_lossy(&record.kinesis.data);
            format!("{} {page}", record.kinesis.partition_key)
        })
        .collect();
    invoker::sleep(Duration::from_millis(100)).await;
    ctx.logger().info(clicks.join(", "));
    Ok(())
}
// ANCHOR_END: event_models_stream_code

#[tokio::test(start_paused = true)]
async fn event_models_a_kinesis_stream_read_shard_by_shard() {
    // ANCHOR: event_models_stream_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let stream = lambda.kinesis().create_stream("clicks", 2).unwrap();
    let code = service_fn(count_clicks);
    lambda
        .create_function(
            FunctionConfig::new("count-clicks")
                .role(Role::new("count-clicks-role").attach(ManagedPolicy::KinesisExecution)),
            code,
        )
        .unwrap();
    // The user is the partition key: Kinesis hashes it to choose the shard.
    let click = |user: &str, page: &str| {
        let (_shard, _sequence_number) = lambda
            .kinesis()
            .put_record("clicks", user, page.as_bytes())
            .unwrap();
    };
    click("ada", "/home");
    click("grace", "/home");
    click("ada", "/cart");
    click("linus", "/docs");

    // A stream mapping must say where to start: TRIM_HORIZON reads what is there already.
    let mapping = EventSourceMapping::new(&stream, "count-clicks")
        .starting_position(StartingPosition::TrimHorizon);
    lambda.create_event_source_mapping(mapping).unwrap();

    // More clicks, while the first batches are being processed.
    invoker::sleep(Duration::from_millis(50)).await;
    click("ada", "/pay");
    click("grace", "/docs");
    lambda.settle().await;
    // ANCHOR_END: event_models_stream_scenario
    let transcript = lambda.transcript();
    let without_puts: Vec<&str> = transcript
        .lines()
        .filter(|line| !line.contains("kinesis:PutRecord"))
        .collect();
    insta::assert_snapshot!(without_puts.join("\n"));
}
