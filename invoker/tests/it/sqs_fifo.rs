//! FIFO queues: their names, message groups, deduplication and sequence numbers, the order a
//! group keeps, and how an event source mapping reads them (batches of at most 10, no batching
//! window, a group's batches one after another, a failed batch first of its group again).

use crate::kit::{self, capturing, Events};
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventSourceMapping, Lambda, LambdaEvent, ManagedPolicy,
    MessageGroup, QueueAttributes, SentToGroup,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A FIFO queue `orders.fifo` with a visibility timeout of 30 s; content-based deduplication
/// if `by_content`.
fn fifo_queue(lambda: &Lambda, by_content: bool) -> String {
    let attributes = QueueAttributes::default()
        .fifo_queue(true)
        .content_based_deduplication(by_content);
    lambda
        .sqs()
        .create_queue_with("orders.fifo", attributes)
        .unwrap()
}

/// Sends `body` to `group`, with `body` as its deduplication id.
fn send(lambda: &Lambda, queue: &str, group: &str, body: &str) -> SentToGroup {
    let group = MessageGroup::new(group).deduplication_id(body);
    lambda
        .sqs()
        .send_message_to_group(queue, body.to_owned(), BTreeMap::new(), group)
        .unwrap()
}

/// The bodies of up to 10 messages one receive returns.
fn receive(lambda: &Lambda, queue: &str) -> Vec<String> {
    let received = lambda.sqs().receive_message(queue, 10).unwrap();
    received.into_iter().map(|message| message.body).collect()
}

#[tokio::test(start_paused = true)]
async fn a_fifo_queue_is_named_with_fifo_and_only_it_is() {
    let sqs = Lambda::new().sqs();
    let fifo = QueueAttributes::default().fifo_queue(true);
    let refused = [
        sqs.create_queue_with("orders", fifo.clone()),
        sqs.create_queue_with("orders.fifo", QueueAttributes::default()),
    ];
    for refusal in refused {
        assert_eq!(refusal.unwrap_err().code, ErrorCode::InvalidParameterValue);
    }
    let queue = sqs.create_queue_with("orders.fifo", fifo.clone()).unwrap();
    assert!(sqs.queue_attributes(&queue).unwrap().is_fifo());
    let standard = QueueAttributes::default();
    let changed = sqs.set_queue_attributes(&queue, standard.clone());
    assert_eq!(changed.unwrap_err().code, ErrorCode::InvalidAttributeValue);
    let by_content_on_a_standard_queue =
        sqs.create_queue_with("plain", standard.content_based_deduplication(true));
    assert_eq!(
        by_content_on_a_standard_queue.unwrap_err().code,
        ErrorCode::InvalidAttributeValue
    );
}

#[tokio::test(start_paused = true)]
async fn a_fifo_message_needs_a_group_and_a_deduplication_id() {
    let lambda = Lambda::new();
    let sqs = lambda.sqs();
    let queue = fifo_queue(&lambda, false);
    let without_group = sqs.send_message(&queue, "a".into(), BTreeMap::new());
    let error = without_group.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::MissingParameter,
            "The request must contain the parameter MessageGroupId."
        )
    );
    let without_id =
        sqs.send_message_to_group(&queue, "a".into(), BTreeMap::new(), MessageGroup::new("g"));
    assert_eq!(
        without_id.unwrap_err().code,
        ErrorCode::InvalidParameterValue
    );
    let standard = sqs.create_queue("plain");
    let grouped_to_standard = sqs.send_message_to_group(
        &standard,
        "a".into(),
        BTreeMap::new(),
        MessageGroup::new("g"),
    );
    assert_eq!(
        grouped_to_standard.unwrap_err().code,
        ErrorCode::InvalidParameterValue
    );
    assert!(sqs.messages(&queue).is_empty());
}

/// A resend with the same deduplication id is accepted and answered with the first message,
/// but not delivered, for 5 minutes from the first send, even after the first was deleted.
#[tokio::test(start_paused = true)]
async fn a_resend_within_five_minutes_is_accepted_but_not_delivered() {
    let lambda = Lambda::new();
    let sqs = lambda.sqs();
    let queue = fifo_queue(&lambda, false);
    let first = send(&lambda, &queue, "g", "order-1");
    let again = send(&lambda, &queue, "g", "order-1");
    assert_eq!(again, first);
    assert_eq!(sqs.messages(&queue).len(), 1);
    let received = sqs.receive_message(&queue, 10).unwrap();
    let handle = received[0].receipt_handle.clone().unwrap();
    sqs.delete_message(&queue, &handle).unwrap();
    invoker::sleep(Duration::from_secs(299)).await;
    assert_eq!(send(&lambda, &queue, "g", "order-1"), first);
    assert!(sqs.messages(&queue).is_empty(), "still a duplicate");
    invoker::sleep(Duration::from_secs(1)).await;
    let later = send(&lambda, &queue, "g", "order-1");
    assert_ne!(later.message_id, first.message_id);
    assert_eq!(receive(&lambda, &queue), ["order-1"]);
}

#[tokio::test(start_paused = true)]
async fn content_based_deduplication_takes_the_sha256_of_the_body() {
    let lambda = Lambda::new();
    let sqs = lambda.sqs();
    let queue = fifo_queue(&lambda, true);
    let by_content = |body: &str| {
        sqs.send_message_to_group(&queue, body.into(), BTreeMap::new(), MessageGroup::new("g"))
            .unwrap()
    };
    let first = by_content("hello");
    assert_eq!(by_content("hello"), first, "the same body is a duplicate");
    let explicit = MessageGroup::new("g").deduplication_id("mine");
    let second = sqs
        .send_message_to_group(&queue, "hello".into(), BTreeMap::new(), explicit)
        .unwrap();
    assert_ne!(second, first, "an explicit id wins over the body's digest");
    let ids: Vec<String> = sqs
        .messages(&queue)
        .into_iter()
        .map(|m| m.fifo.unwrap().message_deduplication_id)
        .collect();
    assert_eq!(
        ids,
        [
            // `printf hello | sha256sum`
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            "mine"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn sequence_numbers_are_large_and_grow_in_sending_order() {
    let lambda = Lambda::new();
    let queue = fifo_queue(&lambda, false);
    let numbers: Vec<u128> = ["a", "b", "c"]
        .iter()
        .map(|body| send(&lambda, &queue, "g", body).sequence_number)
        .map(|number| {
            assert_eq!(number.len(), 20, "{number}");
            number.parse().unwrap()
        })
        .collect();
    assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(numbers[1] - numbers[0] > 1, "not consecutive");
}

/// While a message of a group is in flight, no later message of the group is received; other
/// groups go on. When it comes back, it is first of its group again, and one receive may return
/// several messages of a group, in order.
#[tokio::test(start_paused = true)]
async fn a_group_is_held_back_while_its_message_is_in_flight() {
    let lambda = Lambda::new();
    let queue = fifo_queue(&lambda, false);
    for (group, body) in [("a", "a1"), ("a", "a2"), ("b", "b1"), ("a", "a3")] {
        send(&lambda, &queue, group, body);
    }
    let first = lambda.sqs().receive_message(&queue, 1).unwrap();
    assert_eq!(first[0].body, "a1");
    assert_eq!(receive(&lambda, &queue), ["b1"], "group a waits for a1");
    invoker::sleep(Duration::from_secs(30)).await;
    assert_eq!(receive(&lambda, &queue), ["a1", "a2", "b1", "a3"]);
}

/// A function `reader` (timeout 3 s) reading `orders.fifo` through a mapping with batches of
/// `batch_size`, failing the first time it sees a body in `fails_once`; returns the bodies of
/// each batch it was given, in order.
async fn batches_read(
    sent: &[(&str, &str)],
    batch_size: u32,
    fails_once: &'static [&'static str],
) -> Vec<Vec<String>> {
    let seen: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let code = {
        let seen = Arc::clone(&seen);
        service_fn(move |event: LambdaEvent<Value>| {
            let bodies: Vec<String> = event.payload["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|record| record["body"].as_str().unwrap().to_owned())
                .collect();
            let mut seen = seen.lock().unwrap();
            let first_sight = |body: &String| !seen.iter().flatten().any(|old| old == body);
            let fail = bodies
                .iter()
                .any(|body| fails_once.contains(&body.as_str()) && first_sight(body));
            seen.push(bodies);
            let answer = match fail {
                true => Err(Diagnostic {
                    error_type: "Exception".into(),
                    error_message: "failed once".into(),
                }),
                false => Ok(Value::Null),
            };
            async move { answer }
        })
    };
    let lambda = Lambda::new();
    let config = kit::reader("reader", ManagedPolicy::SqsQueueExecution).timeout_secs(3);
    lambda.create_function(config, code).unwrap();
    let queue = fifo_queue(&lambda, false);
    for (group, body) in sent {
        send(&lambda, &queue, group, body);
    }
    let mapping = EventSourceMapping::new(&queue, "reader").batch_size(batch_size);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    let seen = seen.lock().unwrap().clone();
    seen
}

/// A failed batch comes back after its visibility timeout, before any later message of its
/// group: the group's order holds, while the other group goes on.
#[tokio::test(start_paused = true)]
async fn a_failed_batch_comes_back_first_of_its_group() {
    let sent = [
        ("a", "a1"),
        ("a", "a2"),
        ("b", "b1"),
        ("a", "a3"),
        ("b", "b2"),
    ];
    let batches = batches_read(&sent, 1, &["a2"]).await;
    let of_group = |group: char| -> Vec<String> {
        let bodies = batches.iter().flatten();
        bodies.filter(|b| b.starts_with(group)).cloned().collect()
    };
    assert_eq!(of_group('a'), ["a1", "a2", "a2", "a3"]);
    assert_eq!(of_group('b'), ["b1", "b2"]);
    let position = |body: &str| batches.iter().position(|batch| batch[0] == body).unwrap();
    assert!(
        position("b2") < position("a3"),
        "group b did not wait for group a: {batches:?}"
    );
}

/// A batch takes the messages of a group in order, and of several groups.
#[tokio::test(start_paused = true)]
async fn a_batch_holds_a_groups_messages_in_order() {
    let sent = [("a", "a1"), ("b", "b1"), ("a", "a2"), ("a", "a3")];
    let batches = batches_read(&sent, 10, &[]).await;
    assert_eq!(batches, [["a1", "b1", "a2", "a3"]]);
}

#[tokio::test(start_paused = true)]
async fn a_fifo_mapping_takes_batches_of_at_most_10_and_no_batching_window() {
    let lambda = Lambda::new();
    let events = Events::default();
    let config = kit::reader("reader", ManagedPolicy::SqsQueueExecution);
    lambda.create_function(config, capturing(&events)).unwrap();
    let queue = fifo_queue(&lambda, false);
    let refused = [
        EventSourceMapping::new(&queue, "reader").batch_size(11),
        EventSourceMapping::new(&queue, "reader")
            .batch_size(100)
            .maximum_batching_window_secs(1),
        EventSourceMapping::new(&queue, "reader").maximum_batching_window_secs(1),
    ];
    for mapping in refused {
        let error = lambda.create_event_source_mapping(mapping).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidParameterValueException);
    }
    let mapping = EventSourceMapping::new(&queue, "reader").batch_size(10);
    lambda.create_event_source_mapping(mapping).unwrap();
}

/// A dead-letter queue is a standard queue or a topic, never FIFO (`../shared/lambda-facts.md`,
/// asynchronous invocation): Lambda's message has no group, so a FIFO queue does not take it, and
/// the failed event is discarded.
#[tokio::test(start_paused = true)]
async fn lambda_cannot_send_a_dead_letter_to_a_fifo_queue() {
    let lambda = Lambda::new();
    let dlq = fifo_queue(&lambda, true);
    let config = invoker::FunctionConfig::new("f").dead_letter_queue(&dlq);
    let code = kit::failing("Exception", "always fails");
    lambda.create_function(config, code).unwrap();
    let retries = invoker::EventInvokeConfig::default().maximum_retry_attempts(0);
    lambda
        .put_function_event_invoke_config("f", retries)
        .unwrap();
    lambda.invoke(kit::event("f")).await.unwrap();
    lambda.settle().await;
    assert!(lambda.sqs().messages(&dlq).is_empty());
    let outcomes: Vec<invoker::EventOutcome> = lambda.event_outcomes().into_values().collect();
    assert!(
        matches!(&outcomes[..], [invoker::EventOutcome::Failed { sent_to, .. }] if sent_to.is_empty()),
        "{outcomes:?}"
    );
}
