//! Kinesis and DynamoDB streams, and the event source mappings that read them: shards and
//! ordering, retries that block a shard, bisection, partial batch responses, record age and
//! retention, on-failure destinations, parallelization and throttles.

use crate::kit::{capturing, reader, records_in, Events};
use invoker::aws_lambda_events::dynamodb::Event as DynamoDbEvent;
use invoker::aws_lambda_events::kinesis::KinesisEvent;
use invoker::RecordCounts;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventSourceMapping, FunctionCode, FunctionConfig, Lambda,
    LambdaEvent, ManagedPolicy, Role, StartingPosition,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// With 4 shards, the MD5 hash of these partition keys falls in shard 0, 1, 2 and 3.
const KEY_OF_SHARD: [&str; 4] = ["a", "c", "b", "e"];

/// A record as the handler saw it: (partition key, data).
type KeyAndData = (String, String);

/// The records of each invocation, as the handler saw them.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Vec<KeyAndData>>>>);

impl Seen {
    fn invocations(&self) -> Vec<Vec<(String, String)>> {
        self.0.lock().unwrap().clone()
    }

    /// The data of every record of every invocation, in order.
    fn data(&self) -> Vec<String> {
        self.invocations()
            .into_iter()
            .flatten()
            .map(|(_, data)| data)
            .collect()
    }
}

/// A Kinesis event's records as (partition key, data).
fn kinesis_records(event: Value) -> Vec<(String, String)> {
    let event: KinesisEvent = serde_json::from_value(event).expect("a KinesisEvent");
    event
        .records
        .into_iter()
        .map(|r| {
            let data = String::from_utf8(r.kinesis.data.0).unwrap();
            (r.kinesis.partition_key, data)
        })
        .collect()
}

/// A handler that remembers each batch and fails every batch holding a record `poison`.
fn poison_fails(seen: &Seen) -> FunctionCode {
    let seen = seen.clone();
    service_fn(move |event: LambdaEvent<Value>| {
        let event = event.payload;
        let records = kinesis_records(event);
        seen.0.lock().unwrap().push(records.clone());
        async move {
            match records.iter().any(|(_, data)| data == "poison") {
                true => Err(Diagnostic {
                    error_type: "PoisonPill".into(),
                    error_message: "cannot parse the record".into(),
                }),
                false => Ok(Value::Null),
            }
        }
    })
}

/// A service with a stream of `shards` shards and a function `count` behind `code`.
fn setup(shards: u32, code: FunctionCode) -> (Lambda, String) {
    let lambda = Lambda::new();
    let stream = lambda.kinesis().create_stream("clicks", shards).unwrap();
    lambda
        .create_function(reader("count", ManagedPolicy::KinesisExecution), code)
        .unwrap();
    (lambda, stream)
}

fn mapping(stream: &str) -> EventSourceMapping {
    EventSourceMapping::new(stream, "count").starting_position(StartingPosition::TrimHorizon)
}

fn put(lambda: &Lambda, key: &str, data: &str) -> (String, String) {
    lambda
        .kinesis()
        .put_record("clicks", key, data.as_bytes())
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_record_goes_to_the_shard_that_owns_the_md5_hash_of_its_partition_key() {
    let lambda = Lambda::new();
    let arn = lambda.kinesis().create_stream("clicks", 4).unwrap();
    assert_eq!(arn, "arn:aws:kinesis:us-east-1:123456789012:stream/clicks");
    let shards = lambda.kinesis().list_shards("clicks").unwrap();
    assert_eq!(shards[1].shard_id, "shardId-000000000001");
    assert_eq!(shards[1].starting_hash_key, 1 << 126);
    assert_eq!(shards[3].ending_hash_key, u128::MAX);
    for (shard, key) in KEY_OF_SHARD.iter().enumerate() {
        let (shard_id, _) = put(&lambda, key, "x");
        assert_eq!(shard_id, format!("shardId-{shard:012}"), "key {key}");
    }
    let (first_shard, first) = put(&lambda, "a", "1");
    let (second_shard, second) = put(&lambda, "a", "2");
    assert_eq!(first_shard, second_shard, "one key, one shard");
    assert_eq!((first.len(), second.len()), (56, 56));
    assert!(first.bytes().all(|b| b.is_ascii_digit()));
    assert!(second > first, "sequence numbers grow within a shard");
}

#[tokio::test(start_paused = true)]
async fn kinesis_refuses_what_aws_refuses() {
    let lambda = Lambda::new();
    lambda.kinesis().create_stream("clicks", 1).unwrap();
    let again = lambda.kinesis().create_stream("clicks", 1).unwrap_err();
    assert_eq!(
        (again.code, again.message.as_str()),
        (
            ErrorCode::ResourceInUseException,
            "Stream clicks under account 123456789012 already exists."
        )
    );
    let missing = lambda.kinesis().put_record("views", "a", b"x").unwrap_err();
    assert_eq!(
        (missing.code, missing.status, missing.message.as_str()),
        (
            ErrorCode::ResourceNotFoundException,
            400,
            "Stream views under account 123456789012 not found."
        )
    );
    let no_key = lambda.kinesis().put_record("clicks", "", b"x").unwrap_err();
    assert_eq!(no_key.message, "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1");
    let too_big = vec![0; 1_048_576];
    let error = lambda
        .kinesis()
        .put_record("clicks", "a", &too_big)
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ValidationException);
    let error = lambda.kinesis().create_stream("views", 0).unwrap_err();
    assert_eq!(error.message, "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
    let error = lambda.kinesis().create_stream("big", 500).unwrap_err();
    assert_eq!(error.code, ErrorCode::LimitExceededException);
}

#[tokio::test(start_paused = true)]
async fn the_function_gets_a_kinesis_event_in_aws_shape() {
    let events = Events::default();
    let code = capturing(&events);
    let lambda = Lambda::new();
    let stream = lambda.kinesis().create_stream("clicks", 1).unwrap();
    let role = Role::new("clicks-reader").attach(ManagedPolicy::KinesisExecution);
    let config = FunctionConfig::new("count").role(role);
    lambda.create_function(config, code).unwrap();
    lambda
        .create_event_source_mapping(mapping(&stream))
        .unwrap();
    invoker::sleep(Duration::from_millis(1_500)).await;
    let (shard_id, sequence_number) = put(&lambda, "user-1", "hello");
    lambda.settle().await;

    let event = events.lock().unwrap()[0].clone();
    let parsed: KinesisEvent = serde_json::from_value(event.clone()).unwrap();
    let record = &parsed.records[0];
    assert_eq!(record.kinesis.data.0, b"hello");
    assert_eq!(event["Records"][0]["kinesis"]["data"], "aGVsbG8=");
    assert_eq!(record.kinesis.partition_key, "user-1");
    assert_eq!(record.kinesis.sequence_number, sequence_number);
    assert_eq!(
        record.kinesis.kinesis_schema_version.as_deref(),
        Some("1.0")
    );
    assert_eq!(
        record.event_id.as_deref(),
        Some(format!("{shard_id}:{sequence_number}").as_str())
    );
    assert_eq!(record.event_source.as_deref(), Some("aws:kinesis"));
    assert_eq!(record.event_name.as_deref(), Some("aws:kinesis:record"));
    assert_eq!(record.event_version.as_deref(), Some("1.0"));
    assert_eq!(record.event_source_arn.as_deref(), Some(stream.as_str()));
    assert_eq!(record.aws_region.as_deref(), Some("us-east-1"));
    assert_eq!(
        record.invoke_identity_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/clicks-reader")
    );
    // 2025-01-01T00:00:01.500Z, in epoch seconds.
    assert_eq!(
        event["Records"][0]["kinesis"]["approximateArrivalTimestamp"],
        json!(1_735_689_601.5)
    );
}

#[tokio::test(start_paused = true)]
async fn a_shard_is_read_in_order_in_batches_of_at_most_the_batch_size() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    let sent: Vec<String> = (0..250).map(|n| format!("click-{n}")).collect();
    for data in &sent {
        put(&lambda, &format!("user-{}", sent.len() % 7), data);
    }
    let uuid = lambda
        .create_event_source_mapping(mapping(&stream))
        .unwrap();
    lambda.settle().await;
    let sizes: Vec<usize> = seen.invocations().iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 50], "the default batch size is 100");
    assert_eq!(seen.data(), sent, "in the order they were put");
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            processed: 250,
            ..RecordCounts::default()
        })
    );
    assert!(lambda
        .transcript()
        .contains("(Kinesis clicks shardId-000000000000, 100 records): cold start"));
}

#[tokio::test(start_paused = true)]
async fn latest_reads_only_what_arrives_after_the_mapping_and_trim_horizon_everything() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    put(&lambda, "a", "before");
    let latest = mapping(&stream).starting_position(StartingPosition::Latest);
    let uuid = lambda.create_event_source_mapping(latest).unwrap();
    assert_eq!(lambda.stream_record_counts(&uuid).unwrap().pending, 0);
    put(&lambda, "a", "after");
    lambda.settle().await;
    assert_eq!(seen.data(), ["after"]);

    let missing = EventSourceMapping::new(&stream, "count");
    let error = lambda.create_event_source_mapping(missing).unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (ErrorCode::InvalidParameterValueException, "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.")
    );
}

#[tokio::test(start_paused = true)]
async fn a_batching_window_gathers_records_that_arrive_within_it() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    lambda
        .create_event_source_mapping(mapping(&stream).maximum_batching_window_secs(5))
        .unwrap();
    for n in 0..3 {
        put(&lambda, "a", &format!("click-{n}"));
        invoker::sleep(Duration::from_secs(1)).await;
    }
    lambda.settle().await;
    assert_eq!(seen.invocations().len(), 1, "one batch of three");
    assert!(
        lambda
            .transcript()
            .contains("+00:00:05.000 invoke arn:aws:lambda:us-east-1:123456789012:function:count (Kinesis clicks shardId-000000000000, 3 records)"),
        "invoked when the window closes, 5 s after the first record"
    );
}

#[tokio::test(start_paused = true)]
async fn a_poison_record_blocks_its_shard_while_the_others_flow_until_it_expires() {
    let seen = Seen::default();
    let (lambda, stream) = setup(4, poison_fails(&seen));
    let uuid = lambda
        .create_event_source_mapping(mapping(&stream))
        .unwrap();
    put(&lambda, KEY_OF_SHARD[2], "poison");
    put(&lambda, KEY_OF_SHARD[2], "behind-the-poison");
    invoker::sleep(Duration::from_secs(600)).await;
    for (shard, key) in KEY_OF_SHARD.iter().enumerate() {
        put(&lambda, key, &format!("later-{shard}"));
    }
    invoker::sleep(Duration::from_secs(1)).await;

    let processed = seen.data();
    for shard in [0, 1, 3] {
        assert!(
            processed.contains(&format!("later-{shard}")),
            "shard {shard} flows"
        );
    }
    assert!(!processed.contains(&"later-2".to_owned()));
    let tries = seen
        .invocations()
        .iter()
        .filter(|batch| batch[0].1 == "poison")
        .count();
    assert!(
        (10..20).contains(&tries),
        "retried about every minute: {tries}"
    );
    assert_eq!(lambda.stream_record_counts(&uuid).unwrap().pending, 3);

    // By default nothing gives up on the batch: it waits for the records to expire, a day later.
    lambda.settle().await;
    assert!(lambda.elapsed() < Duration::from_secs(24 * 3600 + 1));
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            processed: 4,
            expired: 2,
            ..RecordCounts::default()
        }),
        "the record that came 10 minutes later was not in the batch: it is processed"
    );
    assert!(lambda.transcript().contains("+24:00:00.000 Kinesis clicks shardId-000000000002: 2 records expired (older than the stream's 24 h retention) before they were processed; dropped"), "{}", lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn after_its_retries_a_batch_goes_to_the_on_failure_destination_neighbours_and_all() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    let failures = lambda.sqs().create_queue("failures");
    let settings = mapping(&stream)
        .maximum_retry_attempts(2)
        .on_failure(&failures);
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    let sequence_numbers: Vec<String> = ["ok-1", "poison", "ok-2"]
        .iter()
        .map(|data| put(&lambda, "a", data).1)
        .collect();
    lambda.settle().await;
    insta::assert_snapshot!("retries_then_destination", lambda.transcript());

    assert_eq!(seen.invocations().len(), 3, "the first try and two retries");
    let records = records_in(&lambda, &failures);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    let request_context = &record["requestContext"];
    assert_eq!(request_context["condition"], "RetryAttemptsExhausted");
    assert_eq!(request_context["approximateInvokeCount"], 3);
    assert_eq!(
        request_context["functionArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:count"
    );
    let last_start = lambda
        .log_lines("count")
        .into_iter()
        .rfind(|l| l.starts_with("START"))
        .unwrap();
    assert!(
        last_start.contains(request_context["requestId"].as_str().unwrap()),
        "the request id of the last invocation"
    );
    assert_eq!(
        record["responseContext"],
        json!({ "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" })
    );
    assert_eq!(record["version"], "1.0");
    assert_eq!(record["timestamp"], "2025-01-01T00:00:03.020Z");
    assert_eq!(
        record["KinesisBatchInfo"],
        json!({
            "shardId": "shardId-000000000000",
            "startSequenceNumber": sequence_numbers[0],
            "endSequenceNumber": sequence_numbers[2],
            "approximateArrivalOfFirstRecord": "2025-01-01T00:00:00.000Z",
            "approximateArrivalOfLastRecord": "2025-01-01T00:00:00.000Z",
            "batchSize": 3,
            "streamArn": stream,
        })
    );
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            sent_to_destination: 3,
            ..RecordCounts::default()
        })
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_destination_the_records_given_up_on_are_skipped() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    let uuid = lambda
        .create_event_source_mapping(mapping(&stream).maximum_retry_attempts(0))
        .unwrap();
    put(&lambda, "a", "poison");
    put(&lambda, "a", "ok");
    lambda.settle().await;
    assert_eq!(
        lambda.stream_record_counts(&uuid).unwrap().discarded,
        2,
        "the batch held both"
    );
    assert!(lambda.transcript().contains("Kinesis clicks shardId-000000000000: gave up on 2 records after 1 invocation (RetryAttemptsExhausted); skipped: no on-failure destination"));
}

#[tokio::test(start_paused = true)]
async fn bisection_isolates_the_bad_record_without_using_up_retries() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    let failures = lambda.sqs().create_queue("failures");
    let settings = mapping(&stream)
        .bisect_batch_on_function_error(true)
        .maximum_retry_attempts(1)
        .on_failure(&failures);
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    let data = ["ok-1", "ok-2", "ok-3", "poison", "ok-4"];
    let sequence_numbers: Vec<String> = data.iter().map(|d| put(&lambda, "a", d).1).collect();
    lambda.settle().await;
    insta::assert_snapshot!("bisection", lambda.transcript());

    let batches: Vec<Vec<String>> = seen
        .invocations()
        .into_iter()
        .map(|b| b.into_iter().map(|(_, d)| d).collect())
        .collect();
    assert_eq!(
        batches,
        [
            vec!["ok-1", "ok-2", "ok-3", "poison", "ok-4"],
            vec!["ok-1", "ok-2"],
            vec!["ok-3", "poison", "ok-4"],
            vec!["ok-3"],
            vec!["poison", "ok-4"],
            vec!["poison"],
            vec!["poison"],
            vec!["ok-4"],
        ]
    );
    let records = records_in(&lambda, &failures);
    assert_eq!(records.len(), 1);
    let info = &records[0]["KinesisBatchInfo"];
    assert_eq!(info["batchSize"], 1);
    assert_eq!(info["startSequenceNumber"], sequence_numbers[3]);
    assert_eq!(info["endSequenceNumber"], sequence_numbers[3]);
    assert_eq!(
        records[0]["requestContext"]["approximateInvokeCount"], 2,
        "the record alone was tried once and retried once"
    );
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            processed: 4,
            sent_to_destination: 1,
            ..RecordCounts::default()
        })
    );
}

/// A handler that reports as failed, once each, the records whose data starts with `fail`.
fn reports_failures_once(seen: &Seen) -> FunctionCode {
    let seen = seen.clone();
    let reported = Arc::new(Mutex::new(Vec::<String>::new()));
    service_fn(move |event: LambdaEvent<Value>| {
        let event = event.payload;
        let parsed: KinesisEvent = serde_json::from_value(event).unwrap();
        let mut records = Vec::new();
        let mut failures = Vec::new();
        let mut reported = reported.lock().unwrap();
        for record in parsed.records {
            let data = String::from_utf8(record.kinesis.data.0).unwrap();
            let sequence_number = record.kinesis.sequence_number;
            if data.starts_with("fail") && !reported.contains(&sequence_number) {
                reported.push(sequence_number.clone());
                failures.push(json!({ "itemIdentifier": sequence_number }));
            }
            records.push((record.kinesis.partition_key, data));
        }
        seen.0.lock().unwrap().push(records);
        async move { Ok::<_, Diagnostic>(json!({ "batchItemFailures": failures })) }
    })
}

#[tokio::test(start_paused = true)]
async fn reported_item_failures_checkpoint_at_the_lowest_failed_sequence_number() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, reports_failures_once(&seen));
    let settings = mapping(&stream).report_batch_item_failures(true);
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    for data in ["ok-1", "ok-2", "fail-3", "ok-4", "fail-5"] {
        put(&lambda, "a", data);
    }
    lambda.settle().await;
    let batches: Vec<Vec<String>> = seen
        .invocations()
        .into_iter()
        .map(|b| b.into_iter().map(|(_, d)| d).collect())
        .collect();
    assert_eq!(
        batches,
        [
            vec!["ok-1", "ok-2", "fail-3", "ok-4", "fail-5"],
            vec!["fail-3", "ok-4", "fail-5"],
        ],
        "retried from the lowest failed record, which the function then processed"
    );
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            processed: 5,
            ..RecordCounts::default()
        })
    );
    assert!(lambda
        .transcript()
        .contains("failed (invocation 1: batchItemFailures from sequence number"));
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_item_failure_response_fails_the_whole_batch() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let code = service_fn(move |_event: LambdaEvent<Value>| {
        let call = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok::<_, Diagnostic>(match call {
                0 => json!({ "batchItemFailures": [{ "itemIdentifier": "not-in-the-batch" }] }),
                1 => json!({ "batchItemFailures": [{ "itemIdentifier": "" }] }),
                _ => json!({ "batchItemFailures": [] }),
            })
        }
    });
    let (lambda, stream) = setup(1, code);
    let settings = mapping(&stream).report_batch_item_failures(true);
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    put(&lambda, "a", "one");
    put(&lambda, "a", "two");
    lambda.settle().await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "an empty list is a success"
    );
    assert_eq!(lambda.stream_record_counts(&uuid).unwrap().processed, 2);
    let transcript = lambda.transcript();
    assert!(transcript.contains("(invocation 1: unreadable batchItemFailures response, itemIdentifier not-in-the-batch is not a sequence number of the batch); retrying it whole in 1 s"));
    assert!(transcript.contains("(invocation 2: unreadable batchItemFailures response, an itemIdentifier is missing or empty); retrying it whole in 2 s"));
}

#[tokio::test(start_paused = true)]
async fn records_older_than_the_maximum_record_age_are_given_up_on() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    let failures = lambda.sqs().create_queue("failures");
    let settings = mapping(&stream)
        .maximum_record_age_secs(60)
        .on_failure(&failures);
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    put(&lambda, "a", "poison");
    put(&lambda, "a", "in-the-same-batch");
    invoker::sleep(Duration::from_secs(30)).await;
    put(&lambda, "a", "30-seconds-later");
    lambda.settle().await;

    let records = records_in(&lambda, &failures);
    assert_eq!(records.len(), 1);
    let context = &records[0]["requestContext"];
    assert_eq!(context["condition"], "RecordAgeExceeded");
    assert_eq!(
        context["approximateInvokeCount"], 7,
        "tried at 0, 1, 3, 7, 15 and 31 s; the seventh attempt, at 60 s, found the records too old (the next retry would have been at 63 s)"
    );
    assert_eq!(records[0]["KinesisBatchInfo"]["batchSize"], 2);
    assert_eq!(records[0]["timestamp"], "2025-01-01T00:01:00.000Z");
    assert_eq!(seen.data().last().unwrap(), "30-seconds-later");
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            processed: 1,
            sent_to_destination: 2,
            ..RecordCounts::default()
        })
    );
}

#[tokio::test(start_paused = true)]
async fn records_never_invoked_reach_their_maximum_age_too() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    lambda.put_function_concurrency("count", 0).unwrap();
    let failures = lambda.sqs().create_queue("failures");
    let settings = mapping(&stream)
        .maximum_record_age_secs(120)
        .on_failure(&failures);
    lambda.create_event_source_mapping(settings).unwrap();
    put(&lambda, "a", "ok");
    lambda.settle().await;
    let records = records_in(&lambda, &failures);
    assert_eq!(
        records[0]["requestContext"]["condition"],
        "RecordAgeExceeded"
    );
    assert_eq!(
        records[0]["requestContext"]["approximateInvokeCount"], 1,
        "never invoked, but the attempt that found the record too old counts"
    );
    assert!(
        records[0].get("responseContext").is_none(),
        "no invocation, no response"
    );
    assert_eq!(records[0]["timestamp"], "2025-01-01T00:02:00.000Z");
}

#[tokio::test(start_paused = true)]
async fn throttles_are_not_attempts() {
    let code = service_fn(|_event: LambdaEvent<Value>| async {
        invoker::sleep(Duration::from_secs(2)).await;
        Ok::<_, Diagnostic>(Value::Null)
    });
    let (lambda, stream) = setup(4, code);
    lambda.put_function_concurrency("count", 1).unwrap();
    let failures = lambda.sqs().create_queue("failures");
    let settings = mapping(&stream)
        .maximum_retry_attempts(0)
        .on_failure(&failures);
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    for key in KEY_OF_SHARD {
        put(&lambda, key, "x");
    }
    lambda.settle().await;
    assert_eq!(lambda.stream_record_counts(&uuid).unwrap().processed, 4);
    assert!(lambda.sqs().messages(&failures).is_empty());
    assert!(lambda
        .transcript()
        .contains("not invoked (ReservedFunctionConcurrentInvocationLimitExceeded), trying the batch again in"));
}

#[tokio::test(start_paused = true)]
async fn a_function_switched_off_lets_its_records_expire_at_the_end_of_retention() {
    let seen = Seen::default();
    let (lambda, stream) = setup(2, poison_fails(&seen));
    lambda.put_function_concurrency("count", 0).unwrap();
    let uuid = lambda
        .create_event_source_mapping(mapping(&stream))
        .unwrap();
    put(&lambda, KEY_OF_SHARD[0], "x");
    invoker::sleep(Duration::from_secs(3600)).await;
    put(&lambda, KEY_OF_SHARD[0], "y");
    lambda.settle().await;
    assert!(seen.invocations().is_empty());
    assert_eq!(
        lambda.stream_record_counts(&uuid),
        Some(RecordCounts {
            expired: 2,
            ..RecordCounts::default()
        })
    );
    assert_eq!(lambda.elapsed(), Duration::from_secs(25 * 3600));
}

#[tokio::test(start_paused = true)]
async fn a_stream_mapping_runs_shards_times_parallelization_factor_batches_at_once() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let order = Arc::new(Mutex::new(BTreeMap::<String, Vec<u32>>::new()));
    let (counter, peak, log) = (
        Arc::clone(&in_flight),
        Arc::clone(&most),
        Arc::clone(&order),
    );
    let code = service_fn(move |event: LambdaEvent<Value>| {
        let event = event.payload;
        let now = counter.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        for (key, data) in kinesis_records(event) {
            log.lock()
                .unwrap()
                .entry(key)
                .or_default()
                .push(data.parse().unwrap());
        }
        let counter = Arc::clone(&counter);
        async move {
            invoker::sleep(Duration::from_secs(1)).await;
            counter.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, Diagnostic>(Value::Null)
        }
    });
    let (lambda, stream) = setup(4, code);
    let settings = mapping(&stream).parallelization_factor(2).batch_size(2);
    lambda.create_event_source_mapping(settings).unwrap();
    for n in 0..5 {
        for user in 0..40 {
            put(&lambda, &format!("user-{user}"), &n.to_string());
        }
    }
    lambda.settle().await;
    assert_eq!(most.load(Ordering::SeqCst), 8, "4 shards × 2");
    let order = order.lock().unwrap();
    assert_eq!(order.len(), 40);
    assert!(
        order.values().all(|seen| seen == &[0, 1, 2, 3, 4]),
        "each partition key in order: {order:?}"
    );
    assert!(lambda
        .transcript()
        .contains("(Kinesis clicks shardId-000000000003 lane 2, 2 records)"));
}

#[tokio::test(start_paused = true)]
async fn out_of_range_settings_are_refused_in_aws_words() {
    let seen = Seen::default();
    let (lambda, stream) = setup(1, poison_fails(&seen));
    let refuse = |settings: EventSourceMapping| {
        let error = lambda.create_event_source_mapping(settings).unwrap_err();
        (error.code, error.message)
    };
    assert_eq!(
        refuse(mapping(&stream).parallelization_factor(11)),
        (ErrorCode::ValidationException, "1 validation error detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10".to_owned())
    );
    assert_eq!(
        refuse(mapping(&stream).parallelization_factor(0)).1,
        "1 validation error detected: Value '0' at 'parallelizationFactor' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert_eq!(
        refuse(mapping(&stream).maximum_retry_attempts(10_001)).1,
        "1 validation error detected: Value '10001' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 10000"
    );
    assert_eq!(
        refuse(
            mapping(&stream)
                .maximum_record_age_secs(59)
                .parallelization_factor(20)
        )
        .1,
        "2 validation errors detected: Value '20' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10; Value '59' at 'maximumRecordAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"
    );
    assert_eq!(
        refuse(mapping(&stream).maximum_record_age_secs(604_801)).1,
        "1 validation error detected: Value '604801' at 'maximumRecordAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 604800"
    );
    assert_eq!(
        refuse(mapping(&stream).batch_size(10_001)).0,
        ErrorCode::ValidationException
    );
    let missing = "arn:aws:kinesis:us-east-1:123456789012:stream/views";
    assert_eq!(
        refuse(mapping(missing)),
        (
            ErrorCode::InvalidParameterValueException,
            format!("Stream not found: {missing}")
        )
    );
    // A Kafka topic, which AWS takes too, is not simulated.
    let kafka_topic = "kafka://failures";
    assert_eq!(
        refuse(mapping(&stream).on_failure(kafka_topic)).0,
        ErrorCode::InvalidParameterValueException
    );
    assert!(
        lambda.list_event_source_mappings("count").is_empty(),
        "nothing was created"
    );
}

#[tokio::test(start_paused = true)]
async fn a_table_stream_sends_insert_modify_and_remove_in_aws_shape() {
    let events = Events::default();
    let lambda = Lambda::new();
    let stream = lambda.dynamodb().create_table("orders", "id").unwrap();
    assert_eq!(
        stream,
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2025-01-01T00:00:00.000"
    );
    lambda
        .create_function(
            reader("audit", ManagedPolicy::DynamoDbExecution),
            capturing(&events),
        )
        .unwrap();
    let settings =
        EventSourceMapping::new(&stream, "audit").starting_position(StartingPosition::TrimHorizon);
    lambda.create_event_source_mapping(settings).unwrap();
    let table = lambda.dynamodb();
    table
        .put_item("orders", json!({ "id": "o-1", "total": 12, "paid": false }))
        .unwrap();
    table
        .put_item("orders", json!({ "id": "o-1", "total": 12, "paid": true }))
        .unwrap();
    table
        .put_item("orders", json!({ "id": "o-1", "total": 12, "paid": true }))
        .unwrap();
    table.delete_item("orders", json!({ "id": "o-1" })).unwrap();
    table.delete_item("orders", json!({ "id": "o-2" })).unwrap();
    lambda.settle().await;
    insta::assert_snapshot!("dynamodb_stream", lambda.transcript());

    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1, "one batch");
    let event: DynamoDbEvent = serde_json::from_value(events[0].clone()).unwrap();
    let names: Vec<&str> = event
        .records
        .iter()
        .map(|r| r.event_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["INSERT", "MODIFY", "REMOVE"],
        "writes that change nothing leave no record"
    );
    let raw = &events[0]["Records"];
    assert_eq!(raw[0]["dynamodb"]["Keys"], json!({ "id": { "S": "o-1" } }));
    assert_eq!(
        raw[1]["dynamodb"]["NewImage"],
        json!({ "id": { "S": "o-1" }, "total": { "N": "12" }, "paid": { "BOOL": true } })
    );
    assert_eq!(
        raw[1]["dynamodb"]["OldImage"]["paid"],
        json!({ "BOOL": false })
    );
    assert!(raw[0]["dynamodb"].get("OldImage").is_none());
    assert!(raw[2]["dynamodb"].get("NewImage").is_none());
    let record = &event.records[0];
    assert_eq!(record.event_source.as_deref(), Some("aws:dynamodb"));
    assert_eq!(record.event_version.as_deref(), Some("1.1"));
    assert_eq!(record.aws_region, "us-east-1");
    assert_eq!(record.event_id.len(), 32);
    assert_eq!(record.event_source_arn.as_deref(), Some(stream.as_str()));
    assert_eq!(
        record.change.sequence_number.as_deref(),
        Some("100000000000000000001")
    );
    assert_eq!(
        record.change.approximate_creation_date_time.timestamp(),
        1_735_689_600
    );
    assert!(record.change.size_bytes > 0);
    assert_eq!(raw[0]["dynamodb"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
}

#[tokio::test(start_paused = true)]
async fn dynamodb_refuses_what_aws_refuses() {
    let lambda = Lambda::new();
    let table = lambda.dynamodb();
    table.create_table("orders", "id").unwrap();
    let error = table.create_table("orders", "id").unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::ResourceInUseException,
            "Table already exists: orders"
        )
    );
    let error = table.put_item("carts", json!({ "id": "c-1" })).unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::ResourceNotFoundException,
            "Requested resource not found"
        )
    );
    let error = table.put_item("orders", json!({ "total": 1 })).unwrap_err();
    assert_eq!(
        error.message,
        "One or more parameter values were invalid: Missing the key id in the item"
    );
    let error = table.put_item("orders", json!({ "id": 7 })).unwrap_err();
    assert_eq!(
        error.message,
        "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"
    );
    let error = table
        .delete_item("orders", json!({ "order": "o-1" }))
        .unwrap_err();
    assert_eq!(
        error.message,
        "The provided key element does not match the schema"
    );
}

#[tokio::test(start_paused = true)]
async fn a_dynamodb_batch_given_up_on_is_described_with_ddb_stream_batch_info() {
    let code = service_fn(|_event: LambdaEvent<Value>| async {
        Err::<Value, _>(Diagnostic {
            error_type: "AuditFailed".into(),
            error_message: "the audit log is down".into(),
        })
    });
    let lambda = Lambda::new();
    let stream = lambda.dynamodb().create_table("orders", "id").unwrap();
    lambda
        .create_function(reader("audit", ManagedPolicy::DynamoDbExecution), code)
        .unwrap();
    let failures = lambda.sqs().create_queue("failures");
    let settings = EventSourceMapping::new(&stream, "audit")
        .starting_position(StartingPosition::Latest)
        .maximum_retry_attempts(0)
        .on_failure(&failures);
    lambda.create_event_source_mapping(settings).unwrap();
    invoker::sleep(Duration::from_millis(2_500)).await;
    lambda
        .dynamodb()
        .put_item("orders", json!({ "id": "o-1" }))
        .unwrap();
    lambda.settle().await;
    let records = records_in(&lambda, &failures);
    let info = &records[0]["DDBStreamBatchInfo"];
    assert!(records[0].get("KinesisBatchInfo").is_none());
    assert_eq!(info["streamArn"], stream);
    assert_eq!(info["batchSize"], 1);
    assert_eq!(info["startSequenceNumber"], "100000000000000000001");
    assert_eq!(
        info["approximateArrivalOfFirstRecord"],
        "2025-01-01T00:00:02Z"
    );
    assert!(info["shardId"]
        .as_str()
        .unwrap()
        .starts_with("shardId-00000001735689600000-"));
}

/// SplitMix64: a few lines of seeded randomness for the randomized test.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Many seeded scenarios: random shards, settings, failures, poison records and throttles. In
/// each, every record put ends processed, described to the destination, skipped or expired,
/// each counted exactly once, and `settle` returns.
#[tokio::test(start_paused = true)]
async fn every_record_is_accounted_for_exactly_once() {
    for seed in 0..40 {
        conservation_run(seed).await;
    }
}

async fn conservation_run(seed: u64) {
    let mut dice = Dice(seed);
    let shards = 1 + dice.below(4) as u32;
    let factor = 1 + dice.below(3) as u32;
    let report = dice.chance(40);
    let limited = dice.chance(70);
    let failure_percent = dice.below(50);
    let dice = Arc::new(Mutex::new(dice));

    // The function fails whole batches at random, always fails those with a poison record, and
    // with ReportBatchItemFailures reports failed records instead. It counts what it processed.
    let processed = Arc::new(Mutex::new(Vec::<String>::new()));
    let (rolls, done) = (Arc::clone(&dice), Arc::clone(&processed));
    let code = service_fn(move |event: LambdaEvent<Value>| {
        let event = event.payload;
        let parsed: KinesisEvent = serde_json::from_value(event).unwrap();
        let mut dice = rolls.lock().unwrap();
        let mut outcome = Ok(json!({}));
        let mut first_failed = parsed.records.len();
        for (i, record) in parsed.records.iter().enumerate() {
            let poison = record.kinesis.data.0 == b"poison";
            if poison || dice.chance(failure_percent / 4) {
                first_failed = first_failed.min(i);
            }
        }
        if first_failed < parsed.records.len() {
            outcome = match report {
                true => Ok(json!({ "batchItemFailures": [
                    { "itemIdentifier": parsed.records[first_failed].kinesis.sequence_number }
                ] })),
                false => {
                    first_failed = 0;
                    Err(Diagnostic {
                        error_type: "Injected".into(),
                        error_message: "injected failure".into(),
                    })
                }
            };
        }
        let sleep = Duration::from_millis(dice.below(2_000));
        done.lock().unwrap().extend(
            parsed.records[..first_failed]
                .iter()
                .map(|r| r.kinesis.sequence_number.clone()),
        );
        async move {
            invoker::sleep(sleep).await;
            outcome
        }
    });
    let lambda = Lambda::builder().seed(seed).build();
    let stream = lambda.kinesis().create_stream("clicks", shards).unwrap();
    lambda
        .create_function(reader("count", ManagedPolicy::KinesisExecution), code)
        .unwrap();
    let failures = lambda.sqs().create_queue("failures");
    let mut settings = mapping(&stream)
        .parallelization_factor(factor)
        .report_batch_item_failures(report);
    let poison_allowed;
    {
        let mut dice = dice.lock().unwrap();
        settings = settings
            .batch_size(1 + dice.below(8) as u32)
            .bisect_batch_on_function_error(dice.chance(50));
        if dice.chance(60) {
            settings = settings.on_failure(&failures);
        }
        if limited {
            settings = settings.maximum_retry_attempts(dice.below(4) as u32);
        }
        if dice.chance(30) {
            settings = settings.maximum_record_age_secs(60 + dice.below(120));
        }
        // A poison record with unlimited retries blocks its shard for a day: allowed, but rarely.
        poison_allowed = limited || dice.chance(10);
        if dice.chance(30) {
            lambda
                .put_function_concurrency("count", dice.below(3) as usize)
                .unwrap();
        }
    }
    let uuid = lambda.create_event_source_mapping(settings).unwrap();
    let mut total = 0;
    for _ in 0..30 {
        let (key, data, pause) = {
            let mut dice = dice.lock().unwrap();
            let data = match poison_allowed && dice.chance(5) {
                true => "poison".to_owned(),
                false => format!("{}", dice.next()),
            };
            (format!("user-{}", dice.below(12)), data, dice.below(2_000))
        };
        put(&lambda, &key, &data);
        total += 1;
        invoker::sleep(Duration::from_millis(pause)).await;
    }
    lambda.settle().await;

    let counts = lambda.stream_record_counts(&uuid).unwrap();
    let context = format!("seed {seed}: {counts:?}");
    assert_eq!(counts.pending, 0, "{context}");
    assert_eq!(
        counts.processed + counts.sent_to_destination + counts.discarded + counts.expired,
        total,
        "{context}"
    );
    let mut processed = processed.lock().unwrap().clone();
    assert_eq!(processed.len() as u64, counts.processed, "{context}");
    processed.sort();
    processed.dedup();
    assert_eq!(
        processed.len() as u64,
        counts.processed,
        "processed at most once: {context}"
    );
    let described: u64 = records_in(&lambda, &failures)
        .iter()
        .map(|r| r["KinesisBatchInfo"]["batchSize"].as_u64().unwrap())
        .sum();
    assert_eq!(described, counts.sent_to_destination, "{context}");
}
