//! Tests for exercise 10. Each deploys `checkout`, runs your `go_live`, then sends a morning of
//! traffic through `prod`: two customers at once, every quarter of an hour, longer than Lambda
//! keeps an idle on-demand environment. Then they count the cold starts.

use assert_json_diff::assert_json_eq;
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::{Alias, ErrorCode, InvokeRequest, Lambda, DEFAULT_IDLE_TIMEOUT};
use provisioned_concurrency::{deploy, go_live, ALIAS, FUNCTION, PROVISIONED};
use serde_json::Value;
use std::time::Duration;

/// How long the shop is quiet between two customers' payments.
const QUIET_SPELL: Duration = Duration::from_secs(15 * 60);
/// How many times two customers pay at once during the morning: at 0, 15, 30, 45 and 60 minutes.
const ROUNDS: usize = 5;

/// A fresh service with `checkout` deployed (`$LATEST` only), after your `go_live`.
async fn live() -> Lambda {
    let lambda = deployed(8, deploy);
    go_live(&lambda).await.expect("go_live() succeeds");
    lambda
}

/// `customers` payments through `prod` at the same moment; returns the answers.
async fn pay_at_once(lambda: &Lambda, customers: usize) -> Vec<Value> {
    let payments: Vec<_> = (0..customers)
        .map(|_| {
            let lambda = lambda.clone();
            tokio::spawn(async move {
                let payment = InvokeRequest::new(FUNCTION).qualifier(ALIAS);
                invoke(&lambda, payment).await.answer()
            })
        })
        .collect();
    let mut answers = Vec::new();
    for payment in payments {
        answers.push(payment.await.expect("the payment's task did not panic"));
    }
    answers
}

/// The morning: two payments at once, then a quiet spell, [`ROUNDS`] times; returns the answers.
async fn morning(lambda: &Lambda) -> Vec<Value> {
    assert!(QUIET_SPELL > DEFAULT_IDLE_TIMEOUT);
    let mut answers = Vec::new();
    for round in 0..ROUNDS {
        if round > 0 {
            tokio::time::sleep(QUIET_SPELL).await;
        }
        answers.extend(pay_at_once(lambda, 2).await);
    }
    answers
}

/// The REPORT lines with an `Init Duration`: the calls that waited for a cold start.
fn cold_reports(lambda: &Lambda) -> Vec<String> {
    lambda
        .log_lines(FUNCTION)
        .into_iter()
        .filter(|line| line.starts_with("REPORT") && line.contains("Init Duration"))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn going_live_publishes_a_version_behind_prod_because_latest_cannot_be_provisioned() {
    let lambda = deployed(8, deploy);
    let refused = lambda
        .put_provisioned_concurrency_config(FUNCTION, PROVISIONED)
        .await
        .expect_err("AWS's rule: no provisioned concurrency on $LATEST");
    assert_eq!(refused.code, ErrorCode::InvalidParameterValueException);

    let version = go_live(&lambda).await.expect("go_live() succeeds");
    assert_eq!(
        lambda.list_versions(FUNCTION).unwrap(),
        vec![version.clone()]
    );
    assert_eq!(
        lambda.get_alias(FUNCTION, ALIAS).unwrap(),
        Alias {
            function_version: version,
            routing: None
        },
        "prod points at the version go_live() published"
    );
}

#[tokio::test(start_paused = true)]
async fn provisioned_concurrency_is_configured_on_the_prod_alias() {
    let lambda = live().await;
    let transcript = lambda.transcript();
    let configured: Vec<&str> = transcript
        .lines()
        .filter(|line| line.contains("put-provisioned-concurrency-config"))
        .collect();
    assert_eq!(configured.len(), 1, "{transcript}");
    assert!(
        configured[0].ends_with(&format!(
            "put-provisioned-concurrency-config {FUNCTION}:{ALIAS}: {PROVISIONED} environment(s) \
             of version 1 initialised"
        )),
        "on the alias the shop calls (not on a version number, which prod will move away from), \
         {PROVISIONED} environments: {}",
        configured[0]
    );
}

#[tokio::test(start_paused = true)]
async fn a_morning_of_traffic_through_prod_never_starts_cold() {
    let lambda = live().await;
    morning(&lambda).await;
    let usage = lambda.usage(FUNCTION);
    assert_eq!(usage.invocations, 2 * ROUNDS as u64);
    assert_eq!(usage.cold_starts, 0, "no customer waited for an Init");
    assert_eq!(cold_reports(&lambda), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn every_call_is_served_by_an_environment_initialised_ahead_of_time() {
    let lambda = live().await;
    let kinds: Vec<Value> = morning(&lambda)
        .await
        .into_iter()
        .map(|answer| answer["initializationType"].clone())
        .collect();
    // AWS_LAMBDA_INITIALIZATION_TYPE, as each environment saw it.
    assert_json_eq!(
        kinds,
        vec![Value::from("provisioned-concurrency"); 2 * ROUNDS]
    );
}

#[tokio::test(start_paused = true)]
async fn a_third_call_at_once_spills_over_to_an_on_demand_cold_start() {
    let lambda = live().await;
    let mut kinds: Vec<String> = pay_at_once(&lambda, 3)
        .await
        .into_iter()
        .map(|answer| answer["initializationType"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "on-demand",
            "provisioned-concurrency",
            "provisioned-concurrency"
        ],
        "exactly {PROVISIONED} environments are kept ready; they are paid for, used or not"
    );
    assert_eq!(cold_reports(&lambda).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_same_morning_without_provisioned_concurrency_starts_cold_after_every_quiet_spell() {
    let provisioned = live().await;
    morning(&provisioned).await;

    // The same release, without step 3.
    let on_demand = deployed(8, deploy);
    let version = on_demand.publish_version(FUNCTION).unwrap();
    on_demand.create_alias(FUNCTION, ALIAS, &version).unwrap();
    morning(&on_demand).await;

    assert_eq!(
        (
            provisioned.usage(FUNCTION).cold_starts,
            on_demand.usage(FUNCTION).cold_starts
        ),
        (0, 2 * ROUNDS as u64),
        "(with, without) provisioned concurrency: without it, both customers of every round \
         wait for an Init, because the quiet spell outlasts the idle environments"
    );
}

/// Going live and the morning through `prod`, readable in `tests/snapshots/`: every call is a
/// warm start in a provisioned environment, no REPORT line has an Init Duration, and the
/// timeline shows the two environments ready from the start and never shut down.
#[tokio::test(start_paused = true)]
async fn transcript_and_timeline_of_the_morning() {
    let lambda = live().await;
    morning(&lambda).await;
    let timeline = lambda.timeline(FUNCTION, Duration::from_secs(60));
    insta::assert_snapshot!(format!("{}\n{timeline}", lambda.transcript()));
}
