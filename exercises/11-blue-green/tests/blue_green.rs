//! Tests for exercise 11. Each starts from `deploy()`, which puts `checkout` version 1 ("v1")
//! behind `prod`. Then they release new code with your `release` and check where `prod` ends up
//! and what customers get.

use blue_green::{broken_checkout, deploy, release, working_checkout, Release, ALIAS, FUNCTION};
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::{InvokeRequest, Lambda};
use serde_json::{json, Value};

/// The version `prod` points at now.
fn prod_version(lambda: &Lambda) -> String {
    lambda
        .get_alias(FUNCTION, ALIAS)
        .expect("the prod alias still exists")
        .function_version
}

/// Places an order through `prod`, as a customer does, and returns the release that served it.
async fn order_through_prod(lambda: &Lambda) -> Value {
    let order = InvokeRequest::new(FUNCTION)
        .qualifier(ALIAS)
        .payload(json!({ "item": "teapot" }));
    invoke(lambda, order).await.answer()["release"].clone()
}

#[tokio::test(start_paused = true)]
async fn a_healthy_release_goes_live_on_prod() {
    let lambda = deployed(2, deploy);
    let outcome = release(&lambda, FUNCTION, working_checkout("v2"))
        .await
        .expect("release() succeeds");
    assert_eq!(
        outcome,
        Release::Live {
            version: "2".into()
        }
    );
    assert_eq!(prod_version(&lambda), "2");
    assert_eq!(order_through_prod(&lambda).await, "v2");
}

#[tokio::test(start_paused = true)]
async fn a_broken_release_is_rolled_back_to_the_previous_version() {
    let lambda = deployed(2, deploy);
    let outcome = release(&lambda, FUNCTION, broken_checkout("v2"))
        .await
        .expect("a failed smoke test is a rollback, not an error of release()");
    assert_eq!(
        outcome,
        Release::RolledBack {
            bad: "2".into(),
            restored: "1".into()
        }
    );
    assert_eq!(prod_version(&lambda), "1");
    assert_eq!(order_through_prod(&lambda).await, "v1");
}

#[tokio::test(start_paused = true)]
async fn the_bad_version_stays_published_for_investigation() {
    let lambda = deployed(2, deploy);
    release(&lambda, FUNCTION, broken_checkout("v2"))
        .await
        .expect("release() succeeds");
    assert_eq!(lambda.list_versions(FUNCTION).unwrap(), ["1", "2"]);
    // Version 2 can still be invoked by its number.
    let bad = invoke(&lambda, InvokeRequest::new(FUNCTION).qualifier("2")).await;
    assert_eq!(
        bad.function_error.as_deref(),
        Some("Unhandled"),
        "version 2 is the broken code, published: {}",
        bad.payload_text()
    );
}

#[tokio::test(start_paused = true)]
async fn a_rollback_returns_to_wherever_prod_pointed_not_to_a_guess() {
    let lambda = deployed(2, deploy);
    // Versions 2, 3 and 4 exist and prod is on 3: version 4 was published but never released.
    for label in ["v2", "v3", "v4"] {
        lambda
            .update_function_code(FUNCTION, working_checkout(label))
            .unwrap();
        lambda.publish_version(FUNCTION).unwrap();
    }
    lambda.update_alias(FUNCTION, ALIAS, "3", None).unwrap();

    let outcome = release(&lambda, FUNCTION, broken_checkout("v5"))
        .await
        .expect("release() succeeds");
    assert_eq!(
        outcome,
        Release::RolledBack {
            bad: "5".into(),
            restored: "3".into()
        },
        "prod was on 3: not on 1, and not on 5 - 1"
    );
    assert_eq!(prod_version(&lambda), "3");
    assert_eq!(order_through_prod(&lambda).await, "v3");
}

#[tokio::test(start_paused = true)]
async fn the_smoke_test_sends_a_health_check_through_prod() {
    let lambda = deployed(2, deploy);
    release(&lambda, FUNCTION, working_checkout("v2"))
        .await
        .expect("release() succeeds");
    let transcript = lambda.transcript();
    assert!(
        transcript.contains("invoke checkout:prod -> version 2 "),
        "the smoke test calls checkout:prod after the switch, as customers will:\n{transcript}"
    );
    assert!(
        lambda
            .log_lines(FUNCTION)
            .iter()
            .any(|line| line.ends_with("health check passed (v2)")),
        "the smoke test sends health_check_event():\n{transcript}"
    );
}

/// The whole story as a transcript you can read in `tests/snapshots/`: a good release, a bad one
/// that is rolled back, and a customer's order afterwards.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_good_release_then_a_bad_one() {
    let lambda = deployed(2, deploy);
    release(&lambda, FUNCTION, working_checkout("v2"))
        .await
        .expect("release() succeeds");
    release(&lambda, FUNCTION, broken_checkout("v3"))
        .await
        .expect("release() succeeds");
    order_through_prod(&lambda).await;
    insta::assert_snapshot!(lambda.transcript());
}
