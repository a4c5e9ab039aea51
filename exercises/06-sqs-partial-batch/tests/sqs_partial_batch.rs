//! Tests for exercise 6. Most deploy the queues, `process-orders` (with your handler) and your
//! mapping in front of a fresh warehouse, send a mix of good and bad orders, wait until every
//! message is processed, moved to the dead-letter queue or expired (`lambda.settle()`), then
//! count the warehouse's shipments and read the dead-letter queue.

use assert_json_diff::assert_json_eq;
use invoker::testing::{deployed_returning, invoke, HandlerAnswer};
use invoker::{InvokeRequest, Lambda};
use serde_json::json;
use sqs_partial_batch::{deploy_to, Queues, Warehouse, FUNCTION, MAX_RECEIVES};
use std::collections::{BTreeMap, BTreeSet};

/// Eight orders; the second is not an order at all and the fifth orders nothing.
const ORDERS: [&str; 8] = [
    r#"{"orderId":"o-1","quantity":2}"#,
    "hello, is this the order queue?",
    r#"{"orderId":"o-3","quantity":1}"#,
    r#"{"orderId":"o-4","quantity":5}"#,
    r#"{"orderId":"o-5","quantity":0}"#,
    r#"{"orderId":"o-6","quantity":1}"#,
    r#"{"orderId":"o-7","quantity":3}"#,
    r#"{"orderId":"o-8","quantity":1}"#,
];
/// The good ones.
const GOOD: [&str; 6] = ["o-1", "o-3", "o-4", "o-6", "o-7", "o-8"];

/// A fresh service with the exercise deployed in front of a fresh warehouse.
fn service() -> (Lambda, Queues, Warehouse) {
    let warehouse = Warehouse::new();
    let (lambda, queues) = deployed_returning(6, |lambda| deploy_to(lambda, &warehouse));
    (lambda, queues, warehouse)
}

/// Sends each body to `orders` and waits until every message has found its end.
async fn send_and_settle(lambda: &Lambda, queues: &Queues, bodies: &[&str]) {
    for body in bodies {
        lambda
            .sqs()
            .send_message(&queues.orders, (*body).to_owned(), BTreeMap::new())
            .expect("the queue exists");
    }
    lambda.settle().await;
}

fn dead_letters(lambda: &Lambda, queues: &Queues) -> BTreeSet<String> {
    lambda
        .sqs()
        .messages(&queues.dead_letters)
        .into_iter()
        .map(|m| m.body)
        .collect()
}

/// `+00:00:30.000 SQS orders, 2 messages`: when the function got a batch, and how big it was.
fn batches(lambda: &Lambda) -> Vec<String> {
    lambda
        .transcript()
        .lines()
        .filter(|line| line.contains(" (SQS orders, "))
        .map(|line| {
            let at = line.split(' ').next().unwrap_or_default();
            let label = line.split(" (").nth(1).unwrap_or_default();
            format!("{at} {}", label.split(')').next().unwrap_or_default())
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_handler_reports_the_message_ids_of_the_bad_orders() {
    let (lambda, _queues, warehouse) = service();
    let record = |id: &str, body: &str| {
        json!({
            "messageId": id, "receiptHandle": "AQEB", "body": body, "attributes": {},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders", "awsRegion": "us-east-1",
        })
    };
    let event = json!({ "Records": [
        record("m-1", ORDERS[0]),
        record("m-2", ORDERS[1]),
        record("m-3", ORDERS[2]),
    ]});
    // A bad order is reported in the answer, not raised: the handler must not fail.
    let response = invoke(&lambda, InvokeRequest::new(FUNCTION).payload(event)).await;
    let payload = response.answer();
    // The message id of the bad record, and only it.
    assert_json_eq!(
        payload,
        json!({ "batchItemFailures": [{ "itemIdentifier": "m-2" }] })
    );
    assert_eq!(
        warehouse.shipments(),
        BTreeMap::from([("o-1".to_owned(), 1), ("o-3".to_owned(), 1)])
    );
}

#[tokio::test(start_paused = true)]
async fn a_batch_of_good_orders_is_shipped_in_one_invocation() {
    let (lambda, queues, warehouse) = service();
    let good = [ORDERS[0], ORDERS[2], ORDERS[3], ORDERS[5]];
    send_and_settle(&lambda, &queues, &good).await;
    assert_eq!(lambda.usage(FUNCTION).invocations, 1);
    assert_eq!(warehouse.shipments().len(), 4);
    assert!(
        lambda.sqs().messages(&queues.orders).is_empty(),
        "all deleted"
    );
}

#[tokio::test(start_paused = true)]
async fn good_orders_are_shipped_exactly_once_even_beside_bad_ones() {
    let (lambda, queues, warehouse) = service();
    send_and_settle(&lambda, &queues, &ORDERS).await;
    let expected: BTreeMap<String, u32> = GOOD.iter().map(|id| ((*id).to_owned(), 1)).collect();
    assert_eq!(
        warehouse.shipments(),
        expected,
        "each good order shipped once: a failed batch would ship its good orders again"
    );
}

#[tokio::test(start_paused = true)]
async fn bad_orders_reach_the_dead_letter_queue_and_only_they() {
    let (lambda, queues, _warehouse) = service();
    send_and_settle(&lambda, &queues, &ORDERS).await;
    assert_eq!(
        dead_letters(&lambda, &queues),
        BTreeSet::from([ORDERS[1].to_owned(), ORDERS[4].to_owned()]),
        "the two bad orders, kept for a person to look at; no good order"
    );
    assert!(lambda.sqs().messages(&queues.orders).is_empty());
}

#[tokio::test(start_paused = true)]
async fn only_the_reported_messages_come_back_until_the_queue_gives_up_on_them() {
    let (lambda, queues, _warehouse) = service();
    send_and_settle(&lambda, &queues, &ORDERS).await;
    assert_eq!(
        batches(&lambda),
        [
            "+00:00:00.000 SQS orders, 8 messages",
            "+00:00:30.000 SQS orders, 2 messages",
            "+00:01:00.000 SQS orders, 2 messages",
        ],
        "the whole batch once; then only the 2 bad messages, after each 30 s visibility \
         timeout, {MAX_RECEIVES} receives in all"
    );
}

/// The batches, the shipments and the dead letters, readable in `tests/snapshots/`.
#[tokio::test(start_paused = true)]
async fn summary_of_a_batch_with_two_bad_orders() {
    let (lambda, queues, warehouse) = service();
    send_and_settle(&lambda, &queues, &ORDERS).await;
    let queue_lines: Vec<String> = lambda
        .transcript()
        .lines()
        .filter(|line| line.contains(" SQS orders: ") || line.contains(" sqs: message "))
        .map(str::to_owned)
        .collect();
    let summary = format!(
        "batches:\n{}\n\nwhat Lambda did with them:\n{}\n\nshipped: {:?}\ndead letters: {:?}\n",
        batches(&lambda).join("\n"),
        queue_lines.join("\n"),
        warehouse.shipments(),
        dead_letters(&lambda, &queues),
    );
    insta::assert_snapshot!(summary);
}
