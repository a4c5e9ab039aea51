//! Tests for exercise 9. Most deploy `orders` (with your `reserve_concurrency`) in front of a
//! fresh database, send a burst of 100 orders at once through your `invoke_with_backoff`, then
//! ask the database how many clients it had at once and read the throttles in the transcript.

use invoker::testing::{deployed, HandlerAnswer};
use invoker::THROTTLE_ROUND_TRIP;
use invoker::{ErrorCode, InvokeRequest, InvokeResponse, Lambda, ServiceError};
use protect_the_database::{
    deploy_to, invoke_with_backoff, Database, DB_MAX_CONNECTIONS, FIRST_BACKOFF, FUNCTION,
    MAX_ATTEMPTS, MAX_BACKOFF,
};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

/// How many orders arrive at once.
const BURST: usize = 100;

/// A fresh service with `orders` deployed in front of a fresh database.
fn service() -> (Lambda, Database) {
    let db = Database::new();
    let lambda = deployed(7, |lambda| deploy_to(lambda, &db));
    (lambda, db)
}

/// The order number `n`, as a request to `orders`.
fn order(n: usize) -> InvokeRequest {
    InvokeRequest::new(FUNCTION).payload(json!({ "orderId": format!("o-{n}") }))
}

/// [`BURST`] orders at the same moment, each sent by its own client with `invoke_with_backoff`.
/// A retry that never gives up would run forever: an hour of virtual time is the limit.
async fn burst(lambda: &Lambda) -> Vec<Result<InvokeResponse, ServiceError>> {
    let clients: Vec<_> = (0..BURST)
        .map(|n| {
            let lambda = lambda.clone();
            tokio::spawn(async move { invoke_with_backoff(&lambda, order(n)).await })
        })
        .collect();
    let mut results = Vec::new();
    for client in clients {
        let result = tokio::time::timeout(Duration::from_secs(3600), client)
            .await
            .expect("every client is done within an hour: give up after MAX_ATTEMPTS")
            .expect("the client's task did not panic");
        results.push(result);
    }
    results
}

/// The transcript's lines for throttled attempts: `+hh:mm:ss.mmm invoke orders: 429 …`.
fn throttles(lambda: &Lambda) -> Vec<String> {
    lambda
        .transcript()
        .lines()
        .filter(|line| line.contains(": 429 TooManyRequestsException"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn orders_reserves_exactly_as_many_environments_as_the_database_accepts_clients() {
    let (lambda, _db) = service();
    assert_eq!(
        lambda.get_function_concurrency(FUNCTION).unwrap(),
        Some(DB_MAX_CONNECTIONS),
        "more would let the database refuse connections; fewer would throttle callers it could \
         serve"
    );
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_100_never_brings_more_than_10_clients_to_the_database() {
    let (lambda, db) = service();
    burst(&lambda).await;
    assert!(
        db.most_clients_at_once() <= DB_MAX_CONNECTIONS,
        "the database had {} clients at once; it accepts {DB_MAX_CONNECTIONS}",
        db.most_clients_at_once()
    );
    assert_eq!(db.refused(), 0, "the database refused no connection");
}

#[tokio::test(start_paused = true)]
async fn every_order_of_the_burst_is_saved_in_the_end() {
    let (lambda, _db) = service();
    let mut saved = BTreeSet::new();
    for (n, result) in burst(&lambda).await.into_iter().enumerate() {
        let response = result.unwrap_or_else(|e| panic!("order o-{n} was not saved: {e}"));
        saved.insert(response.answer()["saved"].to_string());
    }
    assert_eq!(saved.len(), BURST, "each order saved once: {saved:?}");
    assert_eq!(
        lambda.usage(FUNCTION).invocations,
        BURST as u64,
        "a throttled attempt does not run the function, so each order ran exactly once"
    );
}

#[tokio::test(start_paused = true)]
async fn the_burst_is_throttled_by_the_reservation() {
    let (lambda, _db) = service();
    burst(&lambda).await;
    let throttles = throttles(&lambda);
    assert!(
        throttles.len() >= BURST - DB_MAX_CONNECTIONS,
        "at least the 90 orders that found every environment busy were throttled once: {}",
        throttles.len()
    );
    assert!(
        throttles
            .iter()
            .all(|line| line
                .ends_with("(Reason: ReservedFunctionConcurrentInvocationLimitExceeded)")),
        "the function's own reservation throttles it, not the account's limit: {throttles:#?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_call_that_stays_throttled_waits_longer_each_time_then_gives_up() {
    let (lambda, _db) = service();
    // Reserved concurrency 0 switches the function off: every attempt is throttled.
    lambda.put_function_concurrency(FUNCTION, 0).unwrap();
    let result = tokio::time::timeout(
        Duration::from_secs(3600),
        invoke_with_backoff(&lambda, order(1)),
    )
    .await
    .expect("the caller gives up after MAX_ATTEMPTS attempts");
    let error = result.expect_err("every attempt was throttled, so the call fails");
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::TooManyRequestsException, 429)
    );

    // When each attempt was made: 0, then waits of 100 ms, 200 ms, 400 ms … never more than
    // 1 s, each after the 1 ms it takes a throttled call to come back.
    let mut expected = vec![Duration::ZERO];
    let mut wait = FIRST_BACKOFF;
    while expected.len() < MAX_ATTEMPTS as usize {
        expected.push(*expected.last().unwrap() + THROTTLE_ROUND_TRIP + wait);
        wait = (wait * 2).min(MAX_BACKOFF);
    }
    let last_attempt = *expected.last().unwrap();
    let expected: Vec<String> = expected
        .iter()
        .map(|at| invoker::transcript_offset(*at))
        .collect();
    let attempts: Vec<String> = throttles(&lambda)
        .iter()
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        attempts, expected,
        "{MAX_ATTEMPTS} attempts, the waits between them doubling from {FIRST_BACKOFF:?} up to \
         {MAX_BACKOFF:?}"
    );
    // The last refusal is the answer: no wait after it, for an attempt that never comes.
    assert_eq!(
        lambda.elapsed(),
        last_attempt + THROTTLE_ROUND_TRIP,
        "the caller gives up as soon as its last attempt is throttled"
    );
}

#[tokio::test(start_paused = true)]
async fn an_error_that_is_not_a_throttle_is_returned_at_once() {
    let (lambda, _db) = service();
    let missing = InvokeRequest::new("no-such-function");
    let error = invoke_with_backoff(&lambda, missing)
        .await
        .expect_err("there is no such function");
    assert_eq!(error.code, ErrorCode::ResourceNotFoundException);
    let attempts = lambda
        .transcript()
        .matches("invoke no-such-function: 404")
        .count();
    assert_eq!(
        attempts, 1,
        "a missing function stays missing: trying again cannot help"
    );
    assert_eq!(lambda.elapsed(), Duration::ZERO, "and nobody waits for it");
}

/// The burst in numbers, then the environments of `orders` over time, readable in
/// `tests/snapshots/`: ten at most, busy in waves as the throttled clients come back.
#[tokio::test(start_paused = true)]
async fn summary_of_the_burst() {
    let (lambda, db) = service();
    let results = burst(&lambda).await;
    let saved = results
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|r| r.function_error.is_none()))
        .count();
    let throttled = throttles(&lambda).len();
    let summary = format!(
        "orders sent at once: {BURST}\n\
         saved: {saved}\n\
         attempts: {} ({throttled} throttled)\n\
         most clients at the database at once: {} (it accepts {DB_MAX_CONNECTIONS}), refused: {}\n\
         last order saved at: {}\n",
        saved + throttled,
        db.most_clients_at_once(),
        db.refused(),
        invoker::transcript_offset(lambda.elapsed()),
    );
    let timeline = lambda.timeline(FUNCTION, Duration::from_millis(100));
    insta::assert_snapshot!(format!("{summary}\n{timeline}"));
}
