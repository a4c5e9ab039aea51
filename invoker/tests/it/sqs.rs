//! SQS queues (visibility timeout, redrive, retention) and the SQS event source mapping: batches,
//! failures, partial batch responses, concurrency and recursive loops.

use crate::kit::{self, capturing, Events};
use invoker::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use invoker::QueueAttributes;
use invoker::CONCURRENT_BATCHES;
use invoker::MAX_RECURSIVE_INVOCATIONS;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventSourceMapping, FunctionConfig, Lambda, LambdaEvent,
    ManagedPolicy, StartingPosition,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sends `body` with no attributes.
fn send(lambda: &Lambda, queue: &str, body: &str) -> String {
    lambda
        .sqs()
        .send_message(queue, body.to_owned(), BTreeMap::new())
        .unwrap()
}

/// An `orders` queue with a visibility timeout of `visibility` seconds whose messages move to
/// `orders-dlq` after `max_receives` receives; returns both ARNs.
fn orders_with_dlq(lambda: &Lambda, visibility: u64, max_receives: u32) -> (String, String) {
    let dlq = lambda.sqs().create_queue("orders-dlq");
    let attributes = QueueAttributes::default()
        .visibility_timeout_secs(visibility)
        .redrive_policy(&dlq, max_receives);
    let orders = lambda
        .sqs()
        .create_queue_with("orders", attributes)
        .unwrap();
    (orders, dlq)
}

/// A function whose role lets Lambda poll queues for it: the managed policy an SQS mapping needs.
fn reader(name: &str) -> FunctionConfig {
    kit::reader(name, ManagedPolicy::SqsQueueExecution)
}

/// The bodies of every message a handler received, in order, shared with the test.
type Seen = Arc<Mutex<Vec<String>>>;

/// A handler that records each body it gets and fails the batch if any body is `"bad"`.
fn recording(seen: &Seen) -> invoker::FunctionCode {
    let seen = Arc::clone(seen);
    service_fn(move |event: LambdaEvent<SqsEvent>| {
        let event = event.payload;
        let seen = Arc::clone(&seen);
        async move {
            let bodies: Vec<String> = event
                .records
                .iter()
                .map(|r| r.body.clone().unwrap_or_default())
                .collect();
            seen.lock().unwrap().extend(bodies.iter().cloned());
            if bodies.iter().any(|b| b == "bad") {
                return Err(Diagnostic {
                    error_type: "BadOrder".into(),
                    error_message: "an order could not be read".into(),
                });
            }
            Ok::<_, Diagnostic>(Value::Null)
        }
    })
}

fn bodies(lambda: &Lambda, queue: &str) -> Vec<String> {
    lambda
        .sqs()
        .messages(queue)
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_received_message_is_hidden_for_the_visibility_timeout_then_comes_back() {
    let lambda = Lambda::new();
    let queue = lambda
        .sqs()
        .create_queue_with("q", QueueAttributes::default().visibility_timeout_secs(30))
        .unwrap();
    let id = send(&lambda, &queue, "hello");
    let first = lambda.sqs().receive_message(&queue, 10).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(
        (first[0].message_id.as_str(), first[0].receive_count),
        (id.as_str(), 1)
    );
    assert_eq!(first[0].md5_of_body, "5d41402abc4b2a76b9719d911017c592");
    assert!(
        lambda.sqs().receive_message(&queue, 10).unwrap().is_empty(),
        "in flight: hidden"
    );
    assert_eq!(
        lambda.sqs().messages(&queue).len(),
        1,
        "but still in the queue"
    );

    invoker::sleep(Duration::from_secs(30)).await;
    let second = lambda.sqs().receive_message(&queue, 10).unwrap();
    assert_eq!(second[0].receive_count, 2, "each receive counts");
    assert_ne!(
        second[0].receipt_handle, first[0].receipt_handle,
        "each receive has its own handle"
    );
    assert_eq!(
        second[0].first_receive_timestamp, first[0].first_receive_timestamp,
        "the first receive stays the first"
    );

    // The first handle is stale: SQS answers OK and deletes nothing.
    let stale = first[0].receipt_handle.clone().unwrap();
    lambda.sqs().delete_message(&queue, &stale).unwrap();
    assert_eq!(lambda.sqs().messages(&queue).len(), 1);
    let current = second[0].receipt_handle.clone().unwrap();
    lambda.sqs().delete_message(&queue, &current).unwrap();
    assert!(lambda.sqs().messages(&queue).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_message_received_max_receive_count_times_moves_to_the_dead_letter_queue() {
    let lambda = Lambda::new();
    let (orders, dlq) = orders_with_dlq(&lambda, 10, 2);
    let id = send(&lambda, &orders, "poison");
    for receive in 1..=2 {
        let got = lambda.sqs().receive_message(&orders, 1).unwrap();
        assert_eq!(got[0].receive_count, receive);
        invoker::sleep(Duration::from_secs(10)).await;
    }
    assert!(
        lambda.sqs().receive_message(&orders, 1).unwrap().is_empty(),
        "the third receive moves it instead of returning it"
    );
    let dead = lambda.sqs().messages(&dlq);
    assert_eq!(
        (dead[0].message_id.as_str(), dead[0].body.as_str()),
        (id.as_str(), "poison"),
        "it keeps its id and body"
    );
    assert!(lambda.transcript().contains(&format!(
        "sqs: message {id} moved from orders to orders-dlq after 2 receives (maxReceiveCount 2)"
    )));
}

#[tokio::test(start_paused = true)]
async fn a_message_older_than_the_retention_period_expires_with_a_transcript_line() {
    let lambda = Lambda::new();
    let queue = lambda
        .sqs()
        .create_queue_with(
            "short",
            QueueAttributes::default().message_retention_period_secs(60),
        )
        .unwrap();
    let id = send(&lambda, &queue, "soon gone");
    invoker::sleep(Duration::from_secs(59)).await;
    assert_eq!(lambda.sqs().messages(&queue).len(), 1);
    invoker::sleep(Duration::from_secs(3600)).await;
    assert!(lambda.sqs().messages(&queue).is_empty());
    assert!(
        lambda.transcript().contains(&format!(
            "+00:01:00.000 sqs: message {id} expired in short after 60 s (MessageRetentionPeriod), received 0 times"
        )),
        "written with the moment it expired:\n{}",
        lambda.transcript()
    );
}

#[tokio::test(start_paused = true)]
async fn queue_attributes_are_checked_as_sqs_checks_them() {
    let lambda = Lambda::new();
    let create = |attributes| lambda.sqs().create_queue_with("q", attributes).unwrap_err();
    let error = create(QueueAttributes::default().visibility_timeout_secs(43_201));
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::InvalidAttributeValue,
            "Invalid value for the parameter VisibilityTimeout."
        )
    );
    let error = create(QueueAttributes::default().message_retention_period_secs(59));
    assert_eq!(
        error.message,
        "Invalid value for the parameter MessageRetentionPeriod."
    );
    let missing = "arn:aws:sqs:us-east-1:123456789012:nope";
    let error = create(QueueAttributes::default().redrive_policy(missing, 3));
    assert_eq!(
        error.message,
        r#"Value {"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:nope","maxReceiveCount":"3"} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."#
    );
    let dlq = lambda.sqs().create_queue("dlq");
    let error = create(QueueAttributes::default().redrive_policy(&dlq, 0));
    assert!(error.message.ends_with(
        "Reason: Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive."
    ));

    lambda
        .sqs()
        .create_queue_with("q", QueueAttributes::default().visibility_timeout_secs(60))
        .unwrap();
    let error = create(QueueAttributes::default());
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::QueueAlreadyExists,
            "A queue already exists with the same name and a different value for attribute VisibilityTimeout"
        )
    );
    let error = lambda
        .sqs()
        .receive_message("arn:aws:sqs:us-east-1:123456789012:nope", 1)
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NonExistentQueue);
    let error = lambda.sqs().receive_message(&dlq, 11).unwrap_err();
    assert_eq!(
        error.message,
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
    );
}

#[tokio::test(start_paused = true)]
async fn a_mapping_is_refused_when_the_function_timeout_exceeds_the_visibility_timeout() {
    let lambda = Lambda::new();
    let seen = Seen::default();
    let config = reader("process").timeout_secs(60);
    lambda.create_function(config, recording(&seen)).unwrap();
    let queue = lambda.sqs().create_queue("orders");
    let error = lambda
        .create_event_source_mapping(EventSourceMapping::new(&queue, "process"))
        .unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
        )
    );
    // With a long enough visibility timeout (AWS recommends 6 × the function timeout) it works.
    let attributes = QueueAttributes::default().visibility_timeout_secs(360);
    lambda
        .sqs()
        .set_queue_attributes(&queue, attributes)
        .unwrap();
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&queue, "process"))
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn sqs_mapping_settings_are_checked() {
    let lambda = Lambda::new();
    lambda
        .create_function(reader("process"), recording(&Seen::default()))
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    let refuse = |mapping: EventSourceMapping| {
        lambda
            .create_event_source_mapping(mapping)
            .unwrap_err()
            .message
    };
    assert_eq!(
        refuse(EventSourceMapping::new(&queue, "process").batch_size(11)),
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    );
    assert_eq!(
        refuse(
            EventSourceMapping::new(&queue, "process")
                .starting_position(StartingPosition::TrimHorizon)
        ),
        "StartingPosition is not valid for SQS event sources."
    );
    assert_eq!(
        refuse(EventSourceMapping::new(&queue, "process").on_failure(&queue)),
        "Unsupported DestinationConfig parameter for given event source mapping type."
    );
    assert!(refuse(EventSourceMapping::new(
        "arn:aws:sqs:us-east-1:123456789012:nope",
        "process"
    ))
    .contains("AWS.SimpleQueueService.NonExistentQueue"));
    lambda
        .create_event_source_mapping(
            EventSourceMapping::new(&queue, "process")
                .batch_size(10_000)
                .maximum_batching_window_secs(1),
        )
        .expect("a batch of up to 10,000 with a batching window");
}

/// Messages go through the function in batches of at most 10 and are deleted once it succeeds.
#[tokio::test(start_paused = true)]
async fn the_mapping_invokes_with_batches_of_10_and_deletes_what_succeeded() {
    let lambda = Lambda::new();
    let seen = Seen::default();
    lambda
        .create_function(reader("process"), recording(&seen))
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    for n in 0..12 {
        send(&lambda, &queue, &format!("order {n}"));
    }
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&queue, "process"))
        .unwrap();
    lambda.settle().await;
    assert!(lambda.sqs().messages(&queue).is_empty(), "all deleted");
    assert_eq!(seen.lock().unwrap().len(), 12, "each processed once");
    assert_eq!(lambda.usage("process").invocations, 2, "10 + 2");
    let transcript = lambda.transcript();
    assert!(transcript.contains("invoke arn:aws:lambda:us-east-1:123456789012:function:process (SQS orders, 10 messages): cold start, environment 1"), "{transcript}");
    insta::assert_snapshot!(transcript);
}

/// A failed batch comes back whole after the visibility timeout, good messages too, until the
/// redrive policy moves each message to the dead-letter queue.
#[tokio::test(start_paused = true)]
async fn a_failed_batch_comes_back_after_the_visibility_timeout_until_redrive() {
    let lambda = Lambda::new();
    let seen = Seen::default();
    lambda
        .create_function(reader("process"), recording(&seen))
        .unwrap();
    let (orders, dlq) = orders_with_dlq(&lambda, 30, 3);
    send(&lambda, &orders, "good");
    send(&lambda, &orders, "bad");
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&orders, "process"))
        .unwrap();
    lambda.settle().await;
    assert_eq!(
        *seen.lock().unwrap(),
        ["good", "bad"].repeat(3),
        "three receives of the whole batch"
    );
    assert_eq!(
        bodies(&lambda, &dlq),
        ["good", "bad"],
        "the good one fails with its batch"
    );
    let transcript = lambda.transcript();
    for offset in ["+00:00:00.000", "+00:00:30.000", "+00:01:00.000"] {
        assert!(
            transcript.contains(&format!(
                "{offset} invoke arn:aws:lambda:us-east-1:123456789012:function:process (SQS orders, 2 messages)"
            )),
            "a receive every 30 s:\n{transcript}"
        );
    }
    assert!(transcript.contains("SQS orders: 2 messages stay in the queue, the function failed (Unhandled: BadOrder), visible again at +00:00:30.000"));
}

/// The handler of the partial-batch tests: fails the messages whose body is `"bad"` by reporting
/// their ids, and counts how often it saw each body.
fn reporting(seen: &Seen) -> invoker::FunctionCode {
    let seen = Arc::clone(seen);
    service_fn(move |event: LambdaEvent<SqsEvent>| {
        let event = event.payload;
        let seen = Arc::clone(&seen);
        async move {
            let mut response = SqsBatchResponse::default();
            for record in &event.records {
                let body = record.body.clone().unwrap_or_default();
                if body == "bad" {
                    response.add_failure(record.message_id.clone().unwrap_or_default());
                }
                seen.lock().unwrap().push(body);
            }
            Ok::<_, Diagnostic>(response)
        }
    })
}

#[tokio::test(start_paused = true)]
async fn with_report_batch_item_failures_only_the_reported_messages_come_back() {
    let lambda = Lambda::new();
    let seen = Seen::default();
    lambda
        .create_function(reader("process"), reporting(&seen))
        .unwrap();
    let (orders, dlq) = orders_with_dlq(&lambda, 30, 3);
    for body in ["a", "bad", "b"] {
        send(&lambda, &orders, body);
    }
    let mapping = EventSourceMapping::new(&orders, "process").report_batch_item_failures(true);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    assert_eq!(*seen.lock().unwrap(), ["a", "bad", "b", "bad", "bad"]);
    assert_eq!(bodies(&lambda, &dlq), ["bad"]);
    assert!(lambda.transcript().contains(
        "SQS orders: 2 messages deleted; 1 message stays in the queue, reported in batchItemFailures, visible again at +00:00:30.000"
    ));
}

#[tokio::test(start_paused = true)]
async fn without_report_batch_item_failures_the_reported_failures_are_ignored_and_deleted() {
    let lambda = Lambda::new();
    let seen = Seen::default();
    lambda
        .create_function(reader("process"), reporting(&seen))
        .unwrap();
    let (orders, dlq) = orders_with_dlq(&lambda, 30, 3);
    for body in ["a", "bad", "b"] {
        send(&lambda, &orders, body);
    }
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&orders, "process"))
        .unwrap();
    lambda.settle().await;
    assert_eq!(*seen.lock().unwrap(), ["a", "bad", "b"]);
    assert!(
        lambda.sqs().messages(&dlq).is_empty(),
        "the bad one is deleted too: lost"
    );
}

#[tokio::test(start_paused = true)]
async fn a_partial_batch_response_naming_an_unknown_message_fails_the_whole_batch() {
    let lambda = Lambda::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let confused = service_fn(move |_event: LambdaEvent<SqsEvent>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Ok::<_, Diagnostic>(json!({ "batchItemFailures": [{ "itemIdentifier": "order-7" }] }))
        }
    });
    lambda.create_function(reader("process"), confused).unwrap();
    let (orders, dlq) = orders_with_dlq(&lambda, 30, 2);
    send(&lambda, &orders, "a");
    let mapping = EventSourceMapping::new(&orders, "process").report_batch_item_failures(true);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(bodies(&lambda, &dlq), ["a"]);
    assert!(lambda
        .transcript()
        .contains("batchItemFailures names order-7, which is not a message of the batch"));
}

/// The event deserializes into `aws_lambda_events::sqs::SqsEvent` with every field Lambda sends.
#[tokio::test(start_paused = true)]
async fn the_event_has_the_shape_of_an_sqs_event() {
    let lambda = Lambda::new();
    let events = Events::default();
    lambda
        .create_function(reader("process"), capturing(&events))
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    let attributes =
        BTreeMap::from([("priority".to_owned(), ("Number".to_owned(), "1".to_owned()))]);
    let id = lambda
        .sqs()
        .send_message(&queue, r#"{"order":7}"#.into(), attributes)
        .unwrap();
    invoker::sleep(Duration::from_secs(2)).await;
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&queue, "process"))
        .unwrap();
    lambda.settle().await;
    let event = events.lock().unwrap()[0].clone();
    let typed: SqsEvent = serde_json::from_value(event.clone()).expect("an SqsEvent");
    let record = &typed.records[0];
    assert_eq!(record.message_id.as_deref(), Some(id.as_str()));
    assert_eq!(record.body.as_deref(), Some(r#"{"order":7}"#));
    assert_eq!(record.event_source.as_deref(), Some("aws:sqs"));
    assert_eq!(record.event_source_arn.as_deref(), Some(queue.as_str()));
    assert_eq!(record.aws_region.as_deref(), Some("us-east-1"));
    assert!(record
        .receipt_handle
        .as_deref()
        .is_some_and(|h| h.starts_with("AQEB")));
    assert_eq!(record.attributes["ApproximateReceiveCount"], "1");
    assert_eq!(record.attributes["SentTimestamp"], "1735689600000");
    assert_eq!(
        record.attributes["ApproximateFirstReceiveTimestamp"],
        "1735689602000"
    );
    assert_eq!(record.attributes["SenderId"], "AIDAIENQZJOLO23YVJ4VO");
    let priority = &record.message_attributes["priority"];
    assert_eq!(
        (
            priority.data_type.as_deref(),
            priority.string_value.as_deref()
        ),
        (Some("Number"), Some("1"))
    );
    assert_eq!(
        record.md5_of_body.as_deref(),
        Some(invoker::md5_hex(br#"{"order":7}"#).as_str())
    );
    insta::assert_json_snapshot!(event);
}

/// Lambda starts an SQS mapping with 5 concurrent batches; the invoker stays there.
#[tokio::test(start_paused = true)]
async fn the_mapping_runs_at_most_five_batches_at_once() {
    let lambda = Lambda::new();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (now, peak) = (Arc::clone(&running), Arc::clone(&most));
    let slow = service_fn(move |_event: LambdaEvent<SqsEvent>| {
        let (now, peak) = (Arc::clone(&now), Arc::clone(&peak));
        async move {
            let mine = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(mine, Ordering::SeqCst);
            invoker::sleep(Duration::from_secs(2)).await;
            now.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, Diagnostic>(Value::Null)
        }
    });
    lambda.create_function(reader("process"), slow).unwrap();
    let queue = lambda.sqs().create_queue("orders");
    for n in 0..40 {
        send(&lambda, &queue, &format!("{n}"));
    }
    let mapping = EventSourceMapping::new(&queue, "process").batch_size(1);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    assert_eq!(most.load(Ordering::SeqCst), CONCURRENT_BATCHES);
    assert_eq!(lambda.usage("process").invocations, 40);
    assert!(
        lambda.elapsed() >= Duration::from_secs(16),
        "40 batches of 2 s, 5 at a time"
    );
}

/// With a batching window, the poller waits for a fuller batch (up to the window) before it
/// invokes.
#[tokio::test(start_paused = true)]
async fn a_batching_window_gathers_messages_that_arrive_within_it() {
    let lambda = Lambda::new();
    let seen = Seen::default();
    lambda
        .create_function(reader("process"), recording(&seen))
        .unwrap();
    let queue = lambda.sqs().create_queue("clicks");
    let mapping = EventSourceMapping::new(&queue, "process")
        .batch_size(100)
        .maximum_batching_window_secs(5);
    lambda.create_event_source_mapping(mapping).unwrap();
    for n in 0..30 {
        send(&lambda, &queue, &format!("click {n}"));
        invoker::sleep(Duration::from_millis(100)).await;
    }
    lambda.settle().await;
    assert_eq!(seen.lock().unwrap().len(), 30);
    assert_eq!(
        lambda.usage("process").invocations,
        1,
        "one batch of 30: they all arrived within the 5 s window"
    );
    assert!(lambda
        .transcript()
        .contains("+00:00:05.000 invoke arn:aws:lambda:us-east-1:123456789012:function:process (SQS clicks, 30 messages)"));
}

/// A function that sends to the queue it reads loops; Lambda stops handing it the message after
/// 16 invocations in the chain, and the redrive policy takes the message away.
#[tokio::test(start_paused = true)]
async fn a_function_that_sends_to_its_own_queue_is_stopped_as_a_recursive_loop() {
    let lambda = Lambda::new();
    let (orders, dlq) = orders_with_dlq(&lambda, 30, 2);
    let (service, queue) = (lambda.clone(), orders.clone());
    let echo = service_fn(move |event: LambdaEvent<SqsEvent>| {
        let event = event.payload;
        let (service, queue) = (service.clone(), queue.clone());
        async move {
            for record in event.records {
                let body = record.body.unwrap_or_default();
                service.sqs().send_message(&queue, body, BTreeMap::new())?;
            }
            Ok::<_, Diagnostic>(Value::Null)
        }
    });
    // Its role may also send to the queue: the loop is the lesson, not a missing permission.
    let config = reader("echo");
    let role = config.role.clone().allow("sqs:SendMessage", &orders);
    lambda.create_function(config.role(role), echo).unwrap();
    send(&lambda, &orders, "again");
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&orders, "echo"))
        .unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.usage("echo").invocations,
        u64::from(MAX_RECURSIVE_INVOCATIONS)
    );
    assert_eq!(
        bodies(&lambda, &dlq),
        ["again"],
        "the 17th message ends in the DLQ"
    );
    let transcript = lambda.transcript();
    assert_eq!(
        transcript.matches("recursive loop detected").count(),
        2,
        "stopped at each of its 2 receives:\n{transcript}"
    );
    assert!(
        transcript.contains("» sqs:SendMessage to arn:aws:sqs:us-east-1:123456789012:orders"),
        "the send is shown inside the invocation that made it"
    );
}

/// Nothing is lost: with seeded failures and timings, every message ends exactly one way:
/// deleted after the function acknowledged it, moved to the dead-letter queue, or expired.
#[tokio::test(start_paused = true)]
async fn every_message_ends_deleted_dead_lettered_or_expired_exactly_once() {
    let (mut dead_total, mut expired_total) = (0, 0);
    for seed in 0..12u64 {
        let lambda = Lambda::builder().seed(seed).build();
        let dlq = lambda.sqs().create_queue("dlq");
        // Short retention on some seeds (messages expire before their last receive), long on
        // others (they reach the dead-letter queue).
        let retention = if seed.is_multiple_of(2) { 75 } else { 3600 };
        let attributes = QueueAttributes::default()
            .visibility_timeout_secs(20)
            .message_retention_period_secs(retention)
            .redrive_policy(&dlq, 4);
        let queue = lambda.sqs().create_queue_with("work", attributes).unwrap();
        let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
        let attempts = Arc::new(AtomicUsize::new(0));
        let (acks, tries) = (Arc::clone(&acknowledged), Arc::clone(&attempts));
        let flaky = service_fn(move |event: LambdaEvent<SqsEvent>| {
            let event = event.payload;
            let (acks, tries) = (Arc::clone(&acks), Arc::clone(&tries));
            async move {
                let batch = tries.fetch_add(1, Ordering::SeqCst) as u64;
                invoker::sleep(Duration::from_millis(dice(seed, batch, 0) % 3000)).await;
                if dice(seed, batch, 1).is_multiple_of(5) {
                    return Err(Diagnostic {
                        error_type: "Injected".into(),
                        error_message: "the whole batch fails".into(),
                    });
                }
                let mut response = SqsBatchResponse::default();
                let mut ok = Vec::new();
                for (i, record) in event.records.iter().enumerate() {
                    let id = record.message_id.clone().unwrap_or_default();
                    match dice(seed, batch, 2 + i as u64) % 3 {
                        0 => response.add_failure(id),
                        _ => ok.push(id),
                    }
                }
                acks.lock().unwrap().extend(ok);
                Ok::<_, Diagnostic>(response)
            }
        });
        lambda
            .create_function(reader("work").timeout_secs(10), flaky)
            .unwrap();
        let mapping = EventSourceMapping::new(&queue, "work")
            .batch_size(4)
            .report_batch_item_failures(true);
        lambda.create_event_source_mapping(mapping).unwrap();
        let mut sent = BTreeSet::new();
        for n in 0..40 {
            sent.insert(send(&lambda, &queue, &format!("job {n}")));
            invoker::sleep(Duration::from_millis(dice(seed, 1000 + n, 0) % 4000)).await;
        }
        lambda.settle().await;

        assert!(lambda.sqs().messages(&queue).is_empty(), "seed {seed}");
        let acknowledged = acknowledged.lock().unwrap().clone();
        let acked: BTreeSet<String> = acknowledged.iter().cloned().collect();
        assert_eq!(
            acked.len(),
            acknowledged.len(),
            "seed {seed}: an acknowledged message is never delivered again"
        );
        let dead: BTreeSet<String> = lambda
            .sqs()
            .messages(&dlq)
            .into_iter()
            .map(|m| m.message_id)
            .collect();
        let transcript = lambda.transcript();
        let expired: BTreeSet<String> = sent
            .iter()
            .filter(|id| transcript.contains(&format!("sqs: message {id} expired in work")))
            .cloned()
            .collect();
        let ends = acked.len() + dead.len() + expired.len();
        let all: BTreeSet<String> = acked.union(&dead).chain(&expired).cloned().collect();
        assert_eq!(all, sent, "seed {seed}: every message ends somewhere");
        assert_eq!(ends, sent.len(), "seed {seed}: and only one way");
        dead_total += dead.len();
        expired_total += expired.len();
    }
    assert!(
        dead_total > 0 && expired_total > 0,
        "the scenarios reach both ends: {dead_total} dead-lettered, {expired_total} expired"
    );
}

/// A deterministic die for the test's injected failures and timings (splitmix64).
fn dice(seed: u64, a: u64, b: u64) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(a.wrapping_mul(0xbf58_476d_1ce4_e5b9))
        .wrapping_add(b.wrapping_mul(0x94d0_49bb_1331_11eb));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Pollers, concurrent batches and failures interleave only at awaits on the virtual clock, so a
/// queue scenario is reproducible byte for byte.
#[tokio::test(start_paused = true)]
async fn the_same_queue_scenario_gives_the_same_transcript() {
    async fn scenario() -> String {
        let lambda = Lambda::builder().seed(3).build();
        let seen = Seen::default();
        lambda
            .create_function(reader("process"), recording(&seen))
            .unwrap();
        let (orders, _dlq) = orders_with_dlq(&lambda, 10, 2);
        let mapping = EventSourceMapping::new(&orders, "process").batch_size(2);
        lambda.create_event_source_mapping(mapping).unwrap();
        for n in 0..15 {
            let body = if n % 4 == 1 {
                "bad".to_owned()
            } else {
                format!("order {n}")
            };
            send(&lambda, &orders, &body);
            invoker::sleep(Duration::from_millis(300)).await;
        }
        lambda.settle().await;
        lambda.transcript()
    }
    assert_eq!(scenario().await, scenario().await);
}
