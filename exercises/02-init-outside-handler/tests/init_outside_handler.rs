//! Tests for exercise 2. Each deploys `customers` with your `customer_api` in front of a fresh
//! database, sends requests, then counts the connections the database saw and reads the REPORT
//! lines Lambda wrote: `Init Duration` on a cold start, `Duration` on every request.

use assert_json_diff::assert_json_eq;
use init_outside_handler::{
    connect_in_handler, deploy_to, Database, CONNECT_TIME, FUNCTION, QUERY_TIME,
};
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::DEFAULT_RUNTIME_STARTUP;
use invoker::{FunctionConfig, InvokeRequest, Lambda};
use serde_json::{json, Value};
use std::time::Duration;

/// A fresh service with `customers` deployed in front of a fresh database.
fn service() -> (Lambda, Database) {
    let db = Database::new();
    let lambda = deployed(6, |lambda| deploy_to(lambda, &db));
    (lambda, db)
}

/// A request to `customers` for a customer.
fn ask_for(customer_id: &str) -> InvokeRequest {
    InvokeRequest::new(FUNCTION).payload(json!({ "customerId": customer_id }))
}

/// `size` requests at the same moment, each in its own task; returns their answers.
async fn burst(lambda: &Lambda, size: usize) -> Vec<Value> {
    let calls: Vec<_> = (0..size)
        .map(|_| {
            let lambda = lambda.clone();
            tokio::spawn(async move { invoke(&lambda, ask_for("c-42")).await.answer() })
        })
        .collect();
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.expect("the request's task did not panic"));
    }
    answers
}

/// The figures of one REPORT line.
#[derive(Debug)]
struct Report {
    duration: Duration,
    init_duration: Option<Duration>,
}

/// Every REPORT line `customers` wrote, environment by environment.
fn reports(lambda: &Lambda) -> Vec<Report> {
    // "5.00 ms" to a Duration, to the microsecond.
    let millis = |field: &str| {
        let ms: f64 = field.trim_end_matches(" ms").parse().unwrap();
        Duration::from_micros((ms * 1000.0).round() as u64)
    };
    lambda
        .log_lines(FUNCTION)
        .iter()
        .filter(|line| line.starts_with("REPORT"))
        .map(|line| {
            let field = |name: &str| {
                line.split('\t')
                    .find_map(|f| f.strip_prefix(name))
                    .map(millis)
            };
            Report {
                duration: field("Duration: ").expect("a REPORT line has a Duration"),
                init_duration: field("Init Duration: "),
            }
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_request_gets_the_customer_it_asks_for() {
    let (lambda, _db) = service();
    assert_json_eq!(
        invoke(&lambda, ask_for("c-43")).await.answer(),
        json!({ "customerId": "c-43", "name": "Grace Hopper", "connection": 1 })
    );
    assert_json_eq!(
        invoke(&lambda, ask_for("c-44")).await.answer(),
        json!({ "customerId": "c-44", "name": "Katherine Johnson", "connection": 1 })
    );
    let unknown = invoke(&lambda, ask_for("c-99")).await;
    assert_eq!(unknown.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        unknown.payload_json().unwrap()["errorType"],
        "CustomerNotFound"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hundred_requests_in_a_row_open_one_connection() {
    let (lambda, db) = service();
    for _ in 0..100 {
        invoke(&lambda, ask_for("c-42")).await.answer();
    }
    assert_eq!(
        lambda.usage(FUNCTION).cold_starts,
        1,
        "one request at a time: one environment serves them all"
    );
    assert_eq!(
        db.connections_opened(),
        1,
        "one environment, so one connection, reused by every request"
    );
}

#[tokio::test(start_paused = true)]
async fn warm_requests_do_not_wait_for_the_connection() {
    let (lambda, _db) = service();
    for _ in 0..10 {
        invoke(&lambda, ask_for("c-42")).await.answer();
    }
    let warm: Vec<Report> = reports(&lambda)
        .into_iter()
        .filter(|r| r.init_duration.is_none())
        .collect();
    assert_eq!(warm.len(), 9, "{warm:?}");
    assert!(
        warm.iter().all(|r| r.duration == QUERY_TIME),
        "a warm request takes only its query ({QUERY_TIME:?}), not the {CONNECT_TIME:?} of a \
         connection: {warm:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_connection_is_opened_during_init_and_counted_in_the_init_duration() {
    let (lambda, _db) = service();
    invoke(&lambda, ask_for("c-42")).await.answer();
    let reports = reports(&lambda);
    let [cold] = reports.as_slice() else {
        panic!("one request, one REPORT line: {reports:?}");
    };
    assert!(
        cold.init_duration.is_some_and(|init| init >= CONNECT_TIME),
        "the cold start's Init Duration includes the {CONNECT_TIME:?} connection: {cold:?}"
    );
    assert_eq!(
        cold.duration, QUERY_TIME,
        "even the first request's handler only queries: {cold:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn each_environment_opens_its_own_connection_and_only_one() {
    let (lambda, db) = service();
    let first = burst(&lambda, 3).await;
    let second = burst(&lambda, 5).await;
    assert!(
        first
            .iter()
            .chain(&second)
            .all(|a| a["name"] == "Ada Lovelace"),
        "{first:?} {second:?}"
    );
    let environments = lambda.log_streams(FUNCTION).len();
    assert_eq!(
        environments, 5,
        "3 at once, then 5 at once: the 3 warm environments and 2 new ones"
    );
    assert_eq!(
        lambda.usage(FUNCTION).cold_starts,
        5,
        "each environment started cold once"
    );
    assert_eq!(
        db.connections_opened(),
        environments,
        "environments cannot share a connection, and none opens a second one"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hundred_requests_are_billed_a_fraction_of_connecting_on_every_request() {
    let (lambda, _db) = service();
    let before = Lambda::builder().seed(6).build();
    let config = FunctionConfig::new(FUNCTION);
    before
        .create_function(config, connect_in_handler(Database::new()))
        .unwrap();
    for _ in 0..100 {
        invoke(&lambda, ask_for("c-42")).await.answer();
        invoke(&before, ask_for("c-42")).await.answer();
    }
    let (now, then) = (lambda.usage(FUNCTION), before.usage(FUNCTION));
    let ms = |d: Duration| d.as_millis();
    assert_eq!(
        then.billed_ms,
        ms(DEFAULT_RUNTIME_STARTUP) + 100 * ms(CONNECT_TIME + QUERY_TIME),
        "connecting in the handler: one 20 ms Init (the runtime), then 100 × 305 ms"
    );
    assert_eq!(
        now.billed_ms,
        ms(DEFAULT_RUNTIME_STARTUP + CONNECT_TIME) + 100 * ms(QUERY_TIME),
        "connecting at init: one 320 ms Init (the runtime and the connection), then 100 × 5 ms"
    );
}

/// One cold request, then two warm ones, readable in `tests/snapshots/`: the 300 ms connection
/// is in the first REPORT's Init Duration, and every request's Duration is its 5 ms query. The
/// lines your own code logs, if any, are left out: what you log is up to you.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_cold_start_then_two_warm_requests() {
    let (lambda, db) = service();
    for customer in ["c-42", "c-43", "c-44"] {
        invoke(&lambda, ask_for(customer)).await.answer();
    }
    assert_eq!(db.connections_opened(), 1);
    let transcript = lambda.transcript_view().without_application_logs();
    insta::assert_snapshot!(transcript.to_string());
}
