//! Tests for exercise 7. Each deploys `charge-order` (with your `charge_order` and
//! `handle_failures`) in front of a payments API that is healthy, down for a while, or losing
//! its answers, publishes orders the way the shop's EventBridge rule does (an asynchronous
//! invoke), waits until Lambda has finished with every event, retries included, and then reads
//! the API's ledger, the failure queue and the transcript.

use assert_json_diff::assert_json_eq;
use async_failure::{
    deploy_to, handle_failures, order_placed_event, publish, OrderPlaced, PaymentsApi, Receipt,
    FAILURE_QUEUE, FUNCTION, RETRIES,
};
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::FailureCondition;
use invoker::{EventOutcome, InvokeRequest, InvokeResponse, Lambda};
use serde_json::{json, Value};
use std::time::Duration;

/// A fresh service with `charge-order` deployed in front of `payments`.
fn service(payments: &PaymentsApi) -> Lambda {
    deployed(7, |lambda| deploy_to(lambda, payments))
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Publishes an order as the shop does, and checks that Lambda accepted it.
async fn place(lambda: &Lambda, event_id: &str, order: &OrderPlaced) -> InvokeResponse {
    let accepted = publish(lambda, event_id, order)
        .await
        .expect("Lambda accepts the event");
    assert_eq!(
        accepted.status_code, 202,
        "an asynchronous invoke answers 202"
    );
    accepted
}

/// The ARN of the failure queue (creating a queue that exists returns it).
fn failure_queue(lambda: &Lambda) -> String {
    lambda.sqs().create_queue(FAILURE_QUEUE)
}

/// When each attempt to run `charge-order` started, from the transcript's
/// `+hh:mm:ss.mmm invoke charge-order (Event, attempt N)` lines.
fn attempt_times(lambda: &Lambda) -> Vec<Duration> {
    let header = format!(" invoke {FUNCTION} (Event, attempt ");
    lambda
        .transcript()
        .lines()
        .filter(|line| line.contains(&header))
        .map(|line| parse_offset(line.split(' ').next().unwrap_or_default()))
        .collect()
}

/// `+00:01:00.120` → 60.12 s.
fn parse_offset(offset: &str) -> Duration {
    let digits: Vec<u64> = offset
        .trim_start_matches('+')
        .split([':', '.'])
        .map(|n| n.parse().expect("a transcript offset is +hh:mm:ss.mmm"))
        .collect();
    let [h, m, s, ms] = digits[..] else {
        panic!("a transcript offset is +hh:mm:ss.mmm: {offset}")
    };
    Duration::from_millis(((h * 60 + m) * 60 + s) * 1000 + ms)
}

#[tokio::test(start_paused = true)]
async fn an_order_is_charged_to_its_customer_once() {
    let payments = PaymentsApi::new();
    let lambda = service(&payments);
    let accepted = place(&lambda, "evt-1", &OrderPlaced::new("o-1", "c-7", 4200)).await;
    lambda.settle().await;
    let charges = payments.charges();
    assert_eq!(charges.len(), 1, "one order, one charge: {charges:#?}");
    let request = &charges[0].request;
    assert_eq!(
        (
            request.customer_id.as_str(),
            request.amount_cents,
            request.order_id.as_str()
        ),
        ("c-7", 4200, "o-1"),
        "the order's customer is charged the order's amount, for that order"
    );
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Succeeded { attempts: 1 }
    );
}

#[tokio::test(start_paused = true)]
async fn the_function_answers_with_the_receipt() {
    let payments = PaymentsApi::new();
    let lambda = service(&payments);
    let order = OrderPlaced::new("o-1", "c-7", 4200);
    // A synchronous call, to read the answer the asynchronous ones throw away.
    let request =
        InvokeRequest::new(FUNCTION).payload(order_placed_event(&lambda, "evt-1", &order));
    let receipt: Receipt = serde_json::from_value(invoke(&lambda, request).await.answer())
        .expect("the answer is the payments API's Receipt");
    assert_eq!(
        receipt,
        Receipt {
            charge_id: "ch_1".into(),
            order_id: "o-1".into(),
            amount_cents: 4200,
            replayed: false
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_charge_whose_answer_was_lost_is_not_made_again_by_the_retry() {
    // The first attempt charges the card, but the answer comes after the function's timeout.
    let payments = PaymentsApi::new().loses_answers_between(Duration::ZERO, secs(30));
    let lambda = service(&payments);
    let accepted = place(&lambda, "evt-1", &OrderPlaced::new("o-1", "c-7", 4200)).await;
    lambda.settle().await;
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Succeeded { attempts: 2 },
        "the first attempt timed out and Lambda retried it a minute later"
    );
    assert_eq!(
        payments.charges_for("o-1"),
        1,
        "the customer was charged twice for one order: the first attempt charged the card \
         although it timed out, and the retry charged again. A retry must be recognised as the \
         same charge: give the charge an idempotency key"
    );
}

#[tokio::test(start_paused = true)]
async fn the_same_event_delivered_twice_is_charged_once() {
    let payments = PaymentsApi::new();
    let lambda = service(&payments);
    let order = OrderPlaced::new("o-1", "c-7", 4200);
    // EventBridge delivers at least once: the second delivery is a new invocation, with a
    // request id of its own, of the very same event.
    let first = place(&lambda, "evt-1", &order).await;
    invoker::sleep(secs(10)).await;
    let second = place(&lambda, "evt-1", &order).await;
    lambda.settle().await;
    assert_ne!(first.request_id, second.request_id);
    assert_eq!(
        payments.charges_for("o-1"),
        1,
        "the same event, delivered twice, charged the customer twice: two deliveries are two \
         invocations with two request ids, so the request id cannot be the key"
    );
}

#[tokio::test(start_paused = true)]
async fn the_same_order_in_two_events_is_charged_once() {
    let payments = PaymentsApi::new();
    let lambda = service(&payments);
    let order = OrderPlaced::new("o-1", "c-7", 4200);
    // The shop's publisher timed out and published the order again: a new event, with an id of
    // its own, about the same order.
    place(&lambda, "evt-1", &order).await;
    invoker::sleep(secs(10)).await;
    place(&lambda, "evt-2", &order).await;
    lambda.settle().await;
    assert_eq!(
        payments.charges_for("o-1"),
        1,
        "one order arrived in two events and was charged twice: the event id changes, the \
         thing that must happen once is the order's payment"
    );
}

#[tokio::test(start_paused = true)]
async fn two_orders_of_one_customer_are_two_charges() {
    let payments = PaymentsApi::new();
    let lambda = service(&payments);
    place(&lambda, "evt-1", &OrderPlaced::new("o-1", "c-7", 4200)).await;
    place(&lambda, "evt-2", &OrderPlaced::new("o-2", "c-7", 1500)).await;
    lambda.settle().await;
    let charged: Vec<(String, u64)> = payments
        .charges()
        .into_iter()
        .map(|c| (c.request.order_id, c.request.amount_cents))
        .collect();
    assert_eq!(
        charged,
        vec![("o-1".to_owned(), 4200), ("o-2".to_owned(), 1500)],
        "two orders are two payments, even from one customer: a key that two orders share makes \
         the second one a replay of the first"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_charge_is_a_function_error() {
    let payments = PaymentsApi::new().down_between(Duration::ZERO, secs(60));
    let lambda = service(&payments);
    let order = OrderPlaced::new("o-1", "c-7", 4200);
    let request =
        InvokeRequest::new(FUNCTION).payload(order_placed_event(&lambda, "evt-1", &order));
    let response = invoke(&lambda, request).await;
    assert_eq!(
        response.function_error.as_deref(),
        Some("Unhandled"),
        "the charge failed, so the function must fail: an answer without an error tells Lambda \
         the order was paid, and it is never retried. Got: {}",
        response.payload_text()
    );
    assert_eq!(
        response.payload_json().unwrap()["errorType"],
        "PaymentsUnavailable",
        "pass the payments API's error on unchanged, with `?`"
    );
}

#[tokio::test(start_paused = true)]
async fn an_order_placed_during_a_short_outage_is_charged_on_the_last_retry() {
    // Down for two and a half minutes: the first attempt and the first retry fail.
    let payments = PaymentsApi::new().down_between(Duration::ZERO, secs(150));
    let lambda = service(&payments);
    let accepted = place(&lambda, "evt-1", &OrderPlaced::new("o-1", "c-7", 4200)).await;
    lambda.settle().await;
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Succeeded { attempts: 3 },
        "with {RETRIES} retries, the third attempt comes after the outage and succeeds"
    );
    assert_eq!(payments.charges_for("o-1"), 1);
    let times = attempt_times(&lambda);
    assert_eq!(times.len(), 3, "three attempts: {times:?}");
    let gaps = [times[1] - times[0], times[2] - times[1]];
    assert!(
        (secs(60)..secs(61)).contains(&gaps[0]) && (secs(120)..secs(121)).contains(&gaps[1]),
        "Lambda waits about 1 minute before the first retry and 2 more before the second: \
         attempts at {times:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_order_that_fails_every_attempt_ends_in_the_failure_queue() {
    // Down for ten minutes: longer than the three attempts last.
    let payments = PaymentsApi::new().down_between(Duration::ZERO, secs(600));
    let lambda = service(&payments);
    let order = OrderPlaced::new("o-1", "c-7", 4200);
    let accepted = place(&lambda, "evt-1", &order).await;
    lambda.settle().await;
    let queue = failure_queue(&lambda);
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Failed {
            condition: FailureCondition::RetriesExhausted,
            attempts: 3,
            sent_to: vec![queue.clone()],
        },
        "Lambda gave up after three attempts and must send the order to {FAILURE_QUEUE}, not \
         discard it: configure it as the on-failure destination"
    );
    let messages = lambda.sqs().messages(&queue);
    assert_eq!(messages.len(), 1, "one failed order, one record");
    let record: Value =
        serde_json::from_str(&messages[0].body).expect("the record in the queue is JSON");
    assert_eq!(
        record["requestContext"]["condition"], "RetriesExhausted",
        "the queue holds Lambda's invocation record (an on-failure destination), with the \
         condition and the attempts: {record:#}"
    );
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
    // The record carries the event, so the order can be charged later.
    assert_json_eq!(
        record["requestPayload"]["detail"],
        json!({ "orderId": "o-1", "customerId": "c-7", "amountCents": 4200 })
    );
    assert_eq!(
        record["responsePayload"]["errorType"],
        "PaymentsUnavailable"
    );
    assert!(payments.charges().is_empty(), "nothing was charged");
}

#[tokio::test(start_paused = true)]
async fn handle_failures_returns_the_failure_queues_arn() {
    let lambda = service(&PaymentsApi::new());
    assert_eq!(
        handle_failures(&lambda).unwrap(),
        "arn:aws:sqs:us-east-1:123456789012:charge-order-failures"
    );
}

/// A morning at the shop, readable in `tests/snapshots/`: order o-1 meets a lost answer and is
/// charged once; the payments API then goes down from 00:02:00 to 00:05:45, so o-2 fails every
/// attempt and ends in the failure queue, while o-3 is charged on its last retry. Shown: every
/// line of the transcript but the functions' log lines, the ledger, and the failure queue.
#[tokio::test(start_paused = true)]
async fn a_morning_with_a_lost_answer_and_an_outage() {
    let payments = PaymentsApi::new()
        .loses_answers_between(Duration::ZERO, secs(30))
        .down_between(secs(120), secs(345));
    let lambda = service(&payments);
    place(&lambda, "evt-1", &OrderPlaced::new("o-1", "c-7", 4200)).await;
    invoker::sleep(secs(150)).await;
    place(&lambda, "evt-2", &OrderPlaced::new("o-2", "c-8", 990)).await;
    invoker::sleep(secs(30)).await;
    place(&lambda, "evt-3", &OrderPlaced::new("o-3", "c-9", 2500)).await;
    lambda.settle().await;

    let mut out = String::from("transcript, without the log lines:\n");
    for line in lambda.transcript().lines().filter(|l| l.starts_with('+')) {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\ncharges made by the payments API:\n");
    for charge in payments.charges() {
        let request = &charge.request;
        out.push_str(&format!(
            "{} {} {} {} cents for {}\n",
            invoker::transcript_offset(charge.at),
            charge.charge_id,
            request.customer_id,
            request.amount_cents,
            request.order_id
        ));
    }
    out.push_str(&format!("\nthe {FAILURE_QUEUE} queue:\n"));
    for message in lambda.sqs().messages(&failure_queue(&lambda)) {
        let record: Value = serde_json::from_str(&message.body).unwrap();
        out.push_str(&format!("{record:#}\n"));
    }
    insta::assert_snapshot!(out);
}
