//! What an SQS event source mapping hands the function, as recorded in LocalStack's
//! test_lambda_integration_sqs.snapshot.json: a message's record, with and without message
//! attributes, the same message again after a failed batch, which messages event filters let
//! through, that batches of any size hand over every message once, and a FIFO queue's records
//! and message groups.

use super::*;
use crate::kit::{capturing, Events};
use invoker::{EventSourceMappingUpdate, MessageGroup, QueueAttributes, SentToGroup};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The record of the one message `attributes` and `body` were sent with, as the function
/// `reader` received it through a mapping with a batching window of 1 second.
async fn record_of(body: &str, attributes: BTreeMap<String, (String, String)>) -> (Value, String) {
    let events = Events::default();
    let lambda = Lambda::new();
    lambda
        .create_function(
            reader("reader", ManagedPolicy::SqsQueueExecution),
            capturing(&events),
        )
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    lambda
        .create_event_source_mapping(
            EventSourceMapping::new(&queue, "reader").maximum_batching_window_secs(1),
        )
        .unwrap();
    lambda
        .sqs()
        .send_message(&queue, body.to_owned(), attributes)
        .unwrap();
    lambda.settle().await;
    let event = events.lock().unwrap()[0].clone();
    (event, queue)
}

/// The system attributes Lambda passes on, and the fields of the record around the message.
fn expected_record(queue: &str, body: &str, attributes: Value, md5_of_attributes: Value) -> Value {
    json!({"Records": [{
        "messageId": "<uuid>",
        "receiptHandle": "<receipt handle>",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "<time>",
            "SenderId": "<sender id>",
            "ApproximateFirstReceiveTimestamp": "<time>"
        },
        "messageAttributes": attributes,
        "md5OfMessageAttributes": md5_of_attributes,
        "md5OfBody": invoker::md5_hex(body.as_bytes()),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue,
        "awsRegion": "us-east-1"
    }]})
}

/// TestSQSEventSourceMapping::test_sqs_event_source_mapping: a JSON body and no message
/// attributes; the record has an empty map of them and a null digest.
#[tokio::test(start_paused = true)]
async fn a_message_without_attributes() {
    let body = r#"{"foo": "bar"}"#;
    let (event, queue) = record_of(body, BTreeMap::new()).await;
    assert_shape(
        &event,
        &expected_record(&queue, body, json!({}), Value::Null),
        "event",
    );
}

/// test_message_body_and_attributes_passed_correctly: three message attributes, each with its
/// data type and empty list values, and their MD5 digest as SQS computes it.
#[tokio::test(start_paused = true)]
async fn a_message_with_attributes() {
    let body = r#"{"destination": "elsewhere", "fail_attempts": 0}"#;
    let attribute = |data_type: &str, value: &str| (data_type.to_owned(), value.to_owned());
    let attributes = BTreeMap::from([
        ("Title".to_owned(), attribute("String", "The Whistler")),
        ("Author".to_owned(), attribute("String", "John Grisham")),
        ("WeeksOn".to_owned(), attribute("Number", "6")),
    ]);
    let (event, queue) = record_of(body, attributes).await;
    let as_recorded = |data_type: &str, value: &str| json!({"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": data_type});
    let expected_attributes = json!({
        "WeeksOn": as_recorded("Number", "6"),
        "Author": as_recorded("String", "John Grisham"),
        "Title": as_recorded("String", "The Whistler"),
    });
    let expected = expected_record(
        &queue,
        body,
        expected_attributes,
        json!("d25a6aea97eb8f585bfa92d314504a92"),
    );
    assert_shape(&event, &expected, "event");
}

/// The `ApproximateReceiveCount` of every record the function `reader` received, in order, when
/// it answers its `n`th invocation (from 0) with `answer(n)` (`None`: it fails), reading a
/// queue through a mapping with batches of 10 and no batching window; and the bodies left in
/// the queue once all is settled.
async fn receive_counts(
    report_batch_item_failures: bool,
    answer: fn(usize) -> Option<Value>,
) -> (Vec<String>, Vec<String>) {
    let counts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let code = {
        let counts = Arc::clone(&counts);
        service_fn(move |event: LambdaEvent<Value>| {
            let mut counts = counts.lock().unwrap();
            let attempt = counts.len();
            for record in event.payload["Records"].as_array().unwrap() {
                let count = &record["attributes"]["ApproximateReceiveCount"];
                counts.push(count.as_str().unwrap().to_owned());
            }
            let answer = answer(attempt).ok_or_else(|| Diagnostic {
                error_type: "Exception".into(),
                error_message: "failed attempt".into(),
            });
            async move { answer }
        })
    };
    let lambda = Lambda::new();
    lambda
        .create_function(reader("reader", ManagedPolicy::SqsQueueExecution), code)
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    let mapping = EventSourceMapping::new(&queue, "reader")
        .report_batch_item_failures(report_batch_item_failures);
    lambda.create_event_source_mapping(mapping).unwrap();
    let body = r#"{"message": 1}"#.to_owned();
    lambda
        .sqs()
        .send_message(&queue, body, BTreeMap::new())
        .unwrap();
    lambda.settle().await;
    let left = lambda.sqs().messages(&queue).into_iter().map(|m| m.body);
    let counts = counts.lock().unwrap().clone();
    (counts, left.collect())
}

/// test_failing_lambda_retries_after_visibility_timeout: the function fails once; the message
/// comes back after the visibility timeout, received a second time, and is then deleted.
#[tokio::test(start_paused = true)]
async fn a_failed_message_comes_back_received_twice() {
    let fail_once = |attempt| (attempt > 0).then_some(Value::Null);
    assert_eq!(
        receive_counts(false, fail_once).await,
        (vec!["1".to_owned(), "2".to_owned()], vec![])
    );
}

/// test_report_batch_item_failures_invalid_result_json_batch_fails: a failure entry without
/// an `itemIdentifier` fails the whole batch, which comes back.
#[tokio::test(start_paused = true)]
async fn an_item_failure_without_identifier_fails_the_batch() {
    let unreadable_once = |attempt| match attempt {
        0 => Some(json!({"batchItemFailures": [{"foo": "notvalid"}]})),
        _ => Some(json!({})),
    };
    assert_eq!(
        receive_counts(true, unreadable_once).await,
        (vec!["1".to_owned(), "2".to_owned()], vec![])
    );
}

/// test_report_batch_item_failures_empty_json_batch_succeeds: an empty object is a full
/// success; the message is deleted after one invocation.
#[tokio::test(start_paused = true)]
async fn an_empty_object_answer_deletes_the_batch() {
    let empty = |_attempt| Some(json!({}));
    assert_eq!(
        receive_counts(true, empty).await,
        (vec!["1".to_owned()], vec![])
    );
}

/// A recorded scenario of TestSQSEventSourceMapping::test_sqs_event_filter: two messages, one
/// that the mapping's one filter `pattern` matches and one it does not, wait in the queue when
/// the mapping (batching window 1 s) is made. The function is invoked once, with the matching
/// message alone, and the queue is left empty: Lambda deleted the other.
async fn only_the_matching_message_arrives(pattern: Value, matching: Value, not_matching: &str) {
    let events = Events::default();
    let lambda = Lambda::new();
    lambda
        .create_function(
            reader("reader", ManagedPolicy::SqsQueueExecution),
            capturing(&events),
        )
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    for body in [matching.to_string(), not_matching.to_owned()] {
        lambda
            .sqs()
            .send_message(&queue, body, BTreeMap::new())
            .unwrap();
    }
    let mapping = EventSourceMapping::new(&queue, "reader")
        .maximum_batching_window_secs(1)
        .filter(pattern.to_string());
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    let events = events.lock().unwrap();
    let bodies: Vec<Vec<&Value>> = events
        .iter()
        .map(|event| {
            let records = event["Records"].as_array().unwrap();
            records.iter().map(|record| &record["body"]).collect()
        })
        .collect();
    assert_eq!(bodies, [[&Value::from(matching.to_string())]]);
    assert!(
        lambda.sqs().messages(&queue).is_empty(),
        "the queue is empty"
    );
}

// test_sqs_event_filter[single]
#[tokio::test(start_paused = true)]
async fn a_filter_on_one_body_field() {
    only_the_matching_message_arrives(
        json!({"body": {"my-key": ["my-value"]}}),
        json!({"my-key": "my-value"}),
        r#"{"my-key": "other-value"}"#,
    )
    .await;
}

// test_sqs_event_filter[or]
#[tokio::test(start_paused = true)]
async fn a_filter_with_two_values_of_one_field() {
    only_the_matching_message_arrives(
        json!({"body": {"my-key": ["my-value-one", "my-value-two"]}}),
        json!({"my-key": "my-value-two"}),
        r#"{"my-key": "other-value"}"#,
    )
    .await;
}

// test_sqs_event_filter[and]
#[tokio::test(start_paused = true)]
async fn a_filter_on_two_body_fields() {
    only_the_matching_message_arrives(
        json!({"body": {"my-key-one": ["other-filter", "my-value-one"], "my-key-two": ["my-value-two"]}}),
        json!({"my-key-one": "my-value-one", "my-key-two": "my-value-two"}),
        r#"{"my-key-one": "other-value-", "my-key-two": "my-value-two"}"#,
    )
    .await;
}

// test_sqs_event_filter[exists]
#[tokio::test(start_paused = true)]
async fn an_exists_filter() {
    only_the_matching_message_arrives(
        json!({"body": {"my-key": [{"exists": true}]}}),
        json!({"my-key": "any-value-one"}),
        r#"{"other-key": "any-value-two"}"#,
    )
    .await;
}

// test_sqs_event_filter[numeric-bigger]
#[tokio::test(start_paused = true)]
async fn a_numeric_greater_than_filter() {
    only_the_matching_message_arrives(
        json!({"body": {"my-number": [{"numeric": [">", 100]}]}}),
        json!({"my-number": 101}),
        r#"{"my-number": 100}"#,
    )
    .await;
}

// test_sqs_event_filter[numeric-smaller]
#[tokio::test(start_paused = true)]
async fn a_numeric_less_than_filter() {
    only_the_matching_message_arrives(
        json!({"body": {"my-number": [{"numeric": ["<", 100]}]}}),
        json!({"my-number": 99}),
        r#"{"my-number": 100}"#,
    )
    .await;
}

// test_sqs_event_filter[numeric-range]
#[tokio::test(start_paused = true)]
async fn a_numeric_range_filter() {
    only_the_matching_message_arrives(
        json!({"body": {"my-number": [{"numeric": [">=", 100, "<", 200]}]}}),
        json!({"my-number": 100}),
        r#"{"my-number": 200}"#,
    )
    .await;
}

// test_sqs_event_filter[prefix]
#[tokio::test(start_paused = true)]
async fn a_prefix_filter() {
    only_the_matching_message_arrives(
        json!({"body": {"my-key": [{"prefix": "yes"}]}}),
        json!({"my-key": "yes-value"}),
        r#"{"my-key": "no-value"}"#,
    )
    .await;
}

// test_sqs_event_filter[valid-json-filter]: a body that is not JSON never matches a pattern
// that looks inside the body.
#[tokio::test(start_paused = true)]
async fn a_plain_string_body_and_a_json_filter() {
    only_the_matching_message_arrives(
        json!({"body": {"my-key": ["my-value"]}}),
        json!({"my-key": "my-value"}),
        "plain-string",
    )
    .await;
}

/// The bodies of each batch the function `reader` received from a queue: `before` is sent, then
/// the mapping `configure` finishes is made, then `after` is sent, each message once.
async fn batches(
    before: &[String],
    configure: impl FnOnce(EventSourceMapping) -> EventSourceMapping,
    after: &[String],
    reserved_concurrency: Option<usize>,
) -> Vec<Vec<String>> {
    let events = Events::default();
    let lambda = Lambda::new();
    lambda
        .create_function(
            reader("reader", ManagedPolicy::SqsQueueExecution),
            capturing(&events),
        )
        .unwrap();
    if let Some(reserved) = reserved_concurrency {
        lambda.put_function_concurrency("reader", reserved).unwrap();
    }
    let queue = lambda.sqs().create_queue("orders");
    let send = |bodies: &[String]| {
        for body in bodies {
            let sent = lambda
                .sqs()
                .send_message(&queue, body.clone(), BTreeMap::new());
            sent.unwrap();
        }
    };
    send(before);
    let mapping = configure(EventSourceMapping::new(&queue, "reader"));
    lambda.create_event_source_mapping(mapping).unwrap();
    send(after);
    lambda.settle().await;
    let events = events.lock().unwrap();
    events
        .iter()
        .map(|event| {
            let records = event["Records"].as_array().unwrap();
            let body = |record: &Value| record["body"].as_str().unwrap().to_owned();
            records.iter().map(body).collect()
        })
        .collect()
}

/// A recorded scenario of test_sqs_event_source_mapping_batch_size: a mapping with batches of
/// up to `size` and a 10-second batching window; ten messages are sent, then five. All fifteen
/// reach the function, each once (how AWS cut them into batches was not compared).
async fn fifteen_messages_in_batches_of(size: u32) {
    let bodies = |round: usize, n: usize| -> Vec<String> {
        (0..n).map(|i| format!("{i}-{round}-message-{i}")).collect()
    };
    let (ten, five) = (bodies(0, 10), bodies(1, 5));
    let configure =
        |mapping: EventSourceMapping| mapping.batch_size(size).maximum_batching_window_secs(10);
    let after: Vec<String> = ten.iter().chain(&five).cloned().collect();
    let received = batches(&[], configure, &after, None).await;
    let mut received: Vec<String> = received.into_iter().flatten().collect();
    received.sort();
    let mut sent = after;
    sent.sort();
    assert_eq!(received, sent);
}

// test_sqs_event_source_mapping_batch_size[15]
#[tokio::test(start_paused = true)]
async fn batches_of_up_to_15() {
    fifteen_messages_in_batches_of(15).await;
}

// test_sqs_event_source_mapping_batch_size[100]
#[tokio::test(start_paused = true)]
async fn batches_of_up_to_100() {
    fifteen_messages_in_batches_of(100).await;
}

// test_sqs_event_source_mapping_batch_size[1000]
#[tokio::test(start_paused = true)]
async fn batches_of_up_to_1000() {
    fifteen_messages_in_batches_of(1000).await;
}

// test_sqs_event_source_mapping_batch_size[10000]
#[tokio::test(start_paused = true)]
async fn batches_of_up_to_10000() {
    fifteen_messages_in_batches_of(10_000).await;
}

// test_sqs_event_source_mapping_batching_reserved_concurrency: thirty messages wait in the queue;
// a mapping with batches of up to 20 and a 1-second window, for a function with a reserved
// concurrency of 2, hands them over in two batches. (AWS's mapping also had a ScalingConfig of
// at most 2 concurrent batches, which the invoker does not model; the reserved concurrency
// caps it the same.)
#[tokio::test(start_paused = true)]
async fn thirty_messages_in_two_batches_of_up_to_20() {
    let sent: Vec<String> = (0..3)
        .flat_map(|round| (0..10).map(move |i| format!("{i}-{round}-message")))
        .collect();
    let configure =
        |mapping: EventSourceMapping| mapping.batch_size(20).maximum_batching_window_secs(1);
    let received = batches(&sent, configure, &[], Some(2)).await;
    assert_eq!(received.len(), 2, "two batches");
    let mut received: Vec<String> = received.into_iter().flatten().collect();
    received.sort();
    let mut sent = sent;
    sent.sort();
    assert_eq!(received, sent);
}

// test_redrive_policy_with_failing_lambda: a function (timeout 5 s) that always fails reads,
// in batches of one, a queue with a 5-second visibility timeout whose redrive policy moves a
// message to a dead-letter queue after 2 receives. The function sees the message twice
// (received once, then twice); then the dead-letter queue holds it, the same message with the
// same body.
#[tokio::test(start_paused = true)]
async fn a_failing_message_is_redriven_after_max_receive_count() {
    let seen = Events::default();
    let failing_after_capture = {
        let seen = Arc::clone(&seen);
        service_fn(move |event: LambdaEvent<Value>| {
            seen.lock().unwrap().push(event.payload);
            async move {
                Err::<Value, _>(Diagnostic {
                    error_type: "Exception".into(),
                    error_message: "failed attempt".into(),
                })
            }
        })
    };
    let lambda = Lambda::new();
    let config = reader("reader", ManagedPolicy::SqsQueueExecution).timeout_secs(5);
    lambda
        .create_function(config, failing_after_capture)
        .unwrap();
    let sqs = lambda.sqs();
    let dlq = sqs.create_queue("event-dlq");
    let attributes = invoker::QueueAttributes::default()
        .visibility_timeout_secs(5)
        .redrive_policy(&dlq, 2);
    let queue = sqs.create_queue_with("source-queue", attributes).unwrap();
    let mapping = EventSourceMapping::new(&queue, "reader").batch_size(1);
    lambda.create_event_source_mapping(mapping).unwrap();
    let body = r#"{"fail_attempts": 2}"#;
    sqs.send_message(&queue, body.to_owned(), BTreeMap::new())
        .unwrap();
    lambda.settle().await;
    let seen = seen.lock().unwrap();
    let records: Vec<&Value> = seen.iter().map(|event| &event["Records"][0]).collect();
    let counts: Vec<&Value> = records
        .iter()
        .map(|record| &record["attributes"]["ApproximateReceiveCount"])
        .collect();
    assert_eq!(counts, ["1", "2"]);
    let dead = sqs.messages(&dlq);
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].message_id, records[0]["messageId"]);
    assert_eq!(dead[0].body, body);
    assert!(sqs.messages(&queue).is_empty());
}

/// The record of a message of the FIFO queue `queue` in group `1`, as test_report_batch_item_failures
/// recorded it: the three FIFO attributes among the system attributes.
fn fifo_record(
    queue: &str,
    body: &str,
    receive_count: &str,
    dedup: &str,
    sent: &SentToGroup,
) -> Value {
    json!({
        "messageId": sent.message_id,
        "receiptHandle": "<receipt handle>",
        "body": body,
        "attributes": {
            "ApproximateFirstReceiveTimestamp": "<time>",
            "ApproximateReceiveCount": receive_count,
            "MessageDeduplicationId": dedup,
            "MessageGroupId": "1",
            "SenderId": "<sender id>",
            "SentTimestamp": "<time>",
            "SequenceNumber": sent.sequence_number
        },
        "awsRegion": "us-east-1",
        "eventSource": "aws:sqs",
        "eventSourceARN": queue,
        "md5OfBody": invoker::md5_hex(body.as_bytes()),
        "messageAttributes": {}
    })
}

/// test_report_batch_item_failures: four messages wait in group `1` of a FIFO queue (visibility
/// timeout 8 s; after 2 receives a message moves to a FIFO dead-letter queue). A mapping with
/// batches of 10, no window and ReportBatchItemFailures reads it for a function (timeout 6 s)
/// that reports a message failed while its receive count is at most the message's
/// `fail_attempts` (0, 1, 1, 2). The first batch holds all four; the second, 8 s later, the three
/// that failed, received twice; message 4, failed again, moves to the dead-letter queue, the same
/// message, and there is no third batch.
///
/// Not compared: `md5OfMessageAttributes`. The records of this recording, which the function
/// passed on through a queue, lack the key, and so do the standard-queue records recorded the
/// same way (test_failing_lambda_retries_after_visibility_timeout), while records captured
/// directly carry it as `null` (test_sqs_event_source_mapping); the invoker writes `null`.
#[tokio::test(start_paused = true)]
async fn a_fifo_batch_with_reported_failures() {
    let events = Events::default();
    let code = {
        let events = Arc::clone(&events);
        service_fn(move |event: LambdaEvent<Value>| {
            let failed: Vec<Value> = event.payload["Records"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|record| {
                    let body: Value =
                        serde_json::from_str(record["body"].as_str().unwrap()).unwrap();
                    let count = record["attributes"]["ApproximateReceiveCount"]
                        .as_str()
                        .unwrap();
                    body["fail_attempts"].as_u64().unwrap() >= count.parse::<u64>().unwrap()
                })
                .map(|record| json!({"itemIdentifier": record["messageId"]}))
                .collect();
            events.lock().unwrap().push(event.payload);
            async move { Ok::<_, Diagnostic>(json!({ "batchItemFailures": failed })) }
        })
    };
    let lambda = Lambda::new();
    let config = reader("reader", ManagedPolicy::SqsQueueExecution).timeout_secs(6);
    lambda.create_function(config, code).unwrap();
    let sqs = lambda.sqs();
    let fifo = QueueAttributes::default().fifo_queue(true);
    let dlq = sqs
        .create_queue_with("event-dlq.fifo", fifo.clone())
        .unwrap();
    let source = fifo.visibility_timeout_secs(8).redrive_policy(&dlq, 2);
    let queue = sqs.create_queue_with("source-queue.fifo", source).unwrap();
    let messages = [(1, 0), (2, 1), (3, 1), (4, 2)].map(|(n, fail_attempts)| {
        let body = format!(r#"{{"message": {n}, "fail_attempts": {fail_attempts}}}"#);
        let dedup = format!("dedup-{n}");
        let group = MessageGroup::new("1").deduplication_id(&dedup);
        let sent = sqs
            .send_message_to_group(&queue, body.clone(), BTreeMap::new(), group)
            .unwrap();
        (body, dedup, sent)
    });
    let mapping = EventSourceMapping::new(&queue, "reader")
        .batch_size(10)
        .report_batch_item_failures(true);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    let mut events = events.lock().unwrap().clone();
    for event in &mut events {
        for record in event["Records"].as_array_mut().unwrap() {
            record
                .as_object_mut()
                .unwrap()
                .remove("md5OfMessageAttributes");
        }
    }
    let batch = |receive_count: &str, of: &[(String, String, SentToGroup)]| {
        let records: Vec<Value> = of
            .iter()
            .map(|(body, dedup, sent)| fifo_record(&queue, body, receive_count, dedup, sent))
            .collect();
        json!({ "Records": records })
    };
    assert_eq!(events.len(), 2, "two batches");
    assert_shape(&events[0], &batch("1", &messages), "first_invocation");
    assert_shape(&events[1], &batch("2", &messages[1..]), "second_invocation");
    let dead = sqs.messages(&dlq);
    let (body, _, sent) = &messages[3];
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (&dead[0].message_id, &dead[0].body),
        (&sent.message_id, body)
    );
    assert!(sqs.messages(&queue).is_empty());
}

/// test_fifo_message_group_parallelism: five messages wait in one group of a FIFO queue
/// (content-based deduplication, visibility timeout 60 s) for a disabled mapping with batches of
/// one; the function (timeout 10 s) takes 5 s each. Enabled, the mapping hands them over one
/// after another, never two at once: the function has one log stream, one environment.
#[tokio::test(start_paused = true)]
async fn one_message_group_runs_in_one_environment() {
    let slow = service_fn(|_event: LambdaEvent<Value>| async move {
        invoker::sleep(Duration::from_secs(5)).await;
        Ok::<_, Diagnostic>(Value::Null)
    });
    let lambda = Lambda::new();
    let config = reader("reader", ManagedPolicy::SqsQueueExecution).timeout_secs(10);
    lambda.create_function(config, slow).unwrap();
    let sqs = lambda.sqs();
    let attributes = QueueAttributes::default()
        .fifo_queue(true)
        .content_based_deduplication(true)
        .visibility_timeout_secs(60);
    let queue = sqs
        .create_queue_with("test-queue.fifo", attributes)
        .unwrap();
    let mapping = EventSourceMapping::new(&queue, "reader")
        .enabled(false)
        .batch_size(1);
    let uuid = lambda.create_event_source_mapping(mapping).unwrap();
    for index in 0..5 {
        let group = MessageGroup::new("fixed-message-group-id-test");
        sqs.send_message_to_group(&queue, format!("message-{index}"), BTreeMap::new(), group)
            .unwrap();
    }
    lambda
        .update_event_source_mapping(&uuid, EventSourceMappingUpdate::new().enabled(true))
        .unwrap();
    lambda.settle().await;
    assert_eq!(lambda.usage("reader").invocations, 5);
    assert_eq!(lambda.log_streams("reader").len(), 1);
}
