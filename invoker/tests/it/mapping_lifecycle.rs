//! Event source mappings after they are made: a deleted mapping's pollers stop and `settle`
//! no longer waits for what it had to read; a disabled mapping stops reading and, enabled again,
//! goes on where it stopped; an update (its batch size, its filters) applies from the next batch.

use crate::kit::{capturing, queue_mapping, reader, Events};
use invoker::{
    service_fn, Diagnostic, EventSourceMapping, EventSourceMappingUpdate, Lambda, LambdaEvent,
    ManagedPolicy, StartingPosition,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Long enough for anything a mapping would still do: a `settle` that takes longer waits for
/// work that will never come.
const PATIENCE: Duration = Duration::from_secs(24 * 3600);

/// Waits for `settle`, but no longer than [`PATIENCE`]; says whether it returned.
async fn settles(lambda: &Lambda) -> bool {
    tokio::time::timeout(PATIENCE, lambda.settle())
        .await
        .is_ok()
}

fn send(lambda: &Lambda, queue: &str, body: &str) {
    lambda
        .sqs()
        .send_message(queue, body.to_owned(), BTreeMap::new())
        .unwrap();
}

/// The bodies of the messages of every batch the function received, batch by batch.
fn batches_of_bodies(events: &Events) -> Vec<Vec<String>> {
    events
        .lock()
        .unwrap()
        .iter()
        .map(|event| {
            event["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|record| record["body"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_deleted_queue_mapping_reads_no_more_and_settle_does_not_wait_for_its_queue() {
    let events = Events::default();
    let (lambda, uuid, queue) = queue_mapping(&events, |mapping| mapping);
    send(&lambda, &queue, "before");
    lambda.settle().await;
    lambda.delete_event_source_mapping(&uuid).unwrap();
    send(&lambda, &queue, "after");
    assert!(settles(&lambda).await);
    assert_eq!(batches_of_bodies(&events), [["before"]]);
    assert_eq!(
        lambda.sqs().messages(&queue).len(),
        1,
        "it waits in the queue"
    );
    assert!(lambda.list_event_source_mappings("reader").is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_disabled_queue_mapping_leaves_messages_in_the_queue_until_it_is_enabled() {
    let events = Events::default();
    let (lambda, uuid, queue) = queue_mapping(&events, |mapping| mapping);
    let pause = EventSourceMappingUpdate::new().enabled(false);
    lambda.update_event_source_mapping(&uuid, pause).unwrap();
    send(&lambda, &queue, "waiting");
    assert!(
        settles(&lambda).await,
        "a disabled mapping's queue is not work"
    );
    assert!(events.lock().unwrap().is_empty());
    let resume = EventSourceMappingUpdate::new().enabled(true);
    lambda.update_event_source_mapping(&uuid, resume).unwrap();
    lambda.settle().await;
    assert_eq!(batches_of_bodies(&events), [["waiting"]]);
    assert!(lambda.sqs().messages(&queue).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_queue_mapping_takes_a_new_batch_size_from_its_next_batch() {
    let events = Events::default();
    let (lambda, uuid, queue) = queue_mapping(&events, |mapping| mapping);
    let one_at_a_time = EventSourceMappingUpdate::new().batch_size(1);
    let updated = lambda
        .update_event_source_mapping(&uuid, one_at_a_time)
        .unwrap();
    assert_eq!(updated.batch_size, 1);
    for body in ["a", "b", "c"] {
        send(&lambda, &queue, body);
    }
    lambda.settle().await;
    assert_eq!(batches_of_bodies(&events), [["a"], ["b"], ["c"]]);
}

#[tokio::test(start_paused = true)]
async fn a_queue_mapping_takes_new_filters_from_its_next_batch_and_refuses_a_bad_one() {
    let events = Events::default();
    let (lambda, uuid, queue) = queue_mapping(&events, |mapping| mapping);
    let orders_only = EventSourceMappingUpdate::new().filters([r#"{"body":{"kind":["order"]}}"#]);
    let updated = lambda
        .update_event_source_mapping(&uuid, orders_only)
        .unwrap();
    assert_eq!(updated.filters, [r#"{"body":{"kind":["order"]}}"#]);
    send(&lambda, &queue, r#"{"kind":"order"}"#);
    send(&lambda, &queue, r#"{"kind":"refund"}"#);
    lambda.settle().await;
    assert_eq!(batches_of_bodies(&events), [[r#"{"kind":"order"}"#]]);
    assert!(
        lambda.sqs().messages(&queue).is_empty(),
        "a message no filter matches is deleted, as Lambda does"
    );
    let bad = EventSourceMappingUpdate::new().filters(["{not json"]);
    let refused = lambda.update_event_source_mapping(&uuid, bad).unwrap_err();
    assert_eq!(refused.message, "Invalid filter pattern definition.");
    let kept = lambda.get_event_source_mapping(&uuid).unwrap();
    assert_eq!(kept.filters, [r#"{"body":{"kind":["order"]}}"#]);
}

/// A one-shard Kinesis stream `clicks` read from its oldest record by the function `count`,
/// which runs `code`; returns the service, the mapping's UUID.
fn stream_mapping(code: invoker::FunctionCode, batch_size: u32) -> (Lambda, String) {
    let lambda = Lambda::new();
    let stream = lambda.kinesis().create_stream("clicks", 1).unwrap();
    lambda
        .create_function(reader("count", ManagedPolicy::KinesisExecution), code)
        .unwrap();
    let uuid = lambda
        .create_event_source_mapping(
            EventSourceMapping::new(&stream, "count")
                .starting_position(StartingPosition::TrimHorizon)
                .batch_size(batch_size),
        )
        .unwrap();
    (lambda, uuid)
}

fn put(lambda: &Lambda, data: &str) {
    lambda
        .kinesis()
        .put_record("clicks", "key", data.as_bytes())
        .unwrap();
}

/// The data of the records of every batch the function received, batch by batch.
fn batches_of_data(events: &Events) -> Vec<Vec<String>> {
    events
        .lock()
        .unwrap()
        .iter()
        .map(|event| {
            let event: invoker::aws_lambda_events::kinesis::KinesisEvent =
                serde_json::from_value(event.clone()).unwrap();
            event
                .records
                .into_iter()
                .map(|record| String::from_utf8(record.kinesis.data.0).unwrap())
                .collect()
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_deleted_stream_mapping_stops_retrying_and_settle_does_not_wait_for_its_records() {
    // Every batch fails, and is retried until its records expire a day later.
    let failing = service_fn(|_event: LambdaEvent<Value>| async {
        Err::<Value, _>(Diagnostic {
            error_type: "Broken".into(),
            error_message: "always".into(),
        })
    });
    let (lambda, uuid) = stream_mapping(failing, 10);
    put(&lambda, "poison");
    tokio::time::sleep(Duration::from_secs(10)).await;
    let invocations = || crate::kit::log_lines_starting(&lambda, "count", "START").len();
    let before = invocations();
    assert!(before >= 2, "retried: {before} invocations");
    lambda.delete_event_source_mapping(&uuid).unwrap();
    put(&lambda, "after");
    assert!(settles(&lambda).await);
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(invocations(), before, "no retry after the deletion");
    assert_eq!(lambda.stream_record_counts(&uuid), None);
}

#[tokio::test(start_paused = true)]
async fn a_disabled_stream_mapping_goes_on_where_it_stopped_when_enabled() {
    let events = Events::default();
    let (lambda, uuid) = stream_mapping(capturing(&events), 10);
    put(&lambda, "1");
    lambda.settle().await;
    let pause = EventSourceMappingUpdate::new().enabled(false);
    lambda.update_event_source_mapping(&uuid, pause).unwrap();
    put(&lambda, "2");
    put(&lambda, "3");
    assert!(
        settles(&lambda).await,
        "a disabled mapping's records are not work"
    );
    assert_eq!(batches_of_data(&events), [["1"]]);
    assert_eq!(lambda.stream_record_counts(&uuid).unwrap().pending, 2);
    // Enabled with a smaller batch size: the records that waited come in batches of one.
    let resume = EventSourceMappingUpdate::new().enabled(true).batch_size(1);
    lambda.update_event_source_mapping(&uuid, resume).unwrap();
    put(&lambda, "4");
    lambda.settle().await;
    let batches = batches_of_data(&events);
    assert_eq!(
        batches.concat(),
        ["1", "2", "3", "4"],
        "each once, in order"
    );
    let counts = lambda.stream_record_counts(&uuid).unwrap();
    assert_eq!((counts.processed, counts.pending), (4, 0));
}
