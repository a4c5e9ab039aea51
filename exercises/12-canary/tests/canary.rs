//! Tests for exercise 12. Each starts from `deploy()`: `pricing` version 1 (stable, one call in ten
//! fails) behind `prod`, and version 2 (improved, never fails) published. Then they run your
//! canary and check the report and where `prod` ends up. The service's seed decides which calls
//! go to the canary.

use canary::{broken_pricing, deploy, run_canary, CanaryReport, Decision, Tally, ALIAS, FUNCTION};
use invoker::testing::deployed;
use invoker::{Alias, FunctionCode, Lambda};

/// Publishes `code` as the next version of `pricing` and returns its number.
fn publish(lambda: &Lambda, code: FunctionCode) -> String {
    lambda.update_function_code(FUNCTION, code).unwrap();
    lambda.publish_version(FUNCTION).unwrap()
}

/// Where `prod` points now.
fn prod(lambda: &Lambda) -> Alias {
    lambda
        .get_alias(FUNCTION, ALIAS)
        .expect("the prod alias still exists")
}

/// `prod` pointing at one version, with no routing.
fn only(version: &str) -> Alias {
    Alias {
        function_version: version.to_owned(),
        routing: None,
    }
}

#[tokio::test(start_paused = true)]
async fn a_healthy_canary_is_promoted_to_all_traffic() {
    let lambda = deployed(7, deploy);
    let report = run_canary(&lambda, FUNCTION, "2", 100)
        .await
        .expect("run_canary() succeeds");
    assert_eq!(report.decision, Decision::Promoted, "{report:#?}");
    assert_eq!(
        prod(&lambda),
        only("2"),
        "prod sends every call to version 2, with no routing left"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_canary_is_rolled_back_and_prod_serves_only_the_old_version() {
    let lambda = deployed(7, deploy);
    let bad = publish(&lambda, broken_pricing());
    let report = run_canary(&lambda, FUNCTION, &bad, 100)
        .await
        .expect("a failing canary is a rollback, not an error of run_canary()");
    assert_eq!(report.decision, Decision::RolledBack, "{report:#?}");
    assert!(report.canary.calls > 0, "{report:#?}");
    assert_eq!(
        report.canary.errors, report.canary.calls,
        "every call the broken canary served failed: {report:#?}"
    );
    assert_eq!(
        prod(&lambda),
        only("1"),
        "prod sends every call to version 1 again, with no routing left"
    );
}

#[tokio::test(start_paused = true)]
async fn about_one_call_in_ten_goes_to_the_canary() {
    let lambda = deployed(7, deploy);
    let report = run_canary(&lambda, FUNCTION, "2", 100)
        .await
        .expect("run_canary() succeeds");
    assert_eq!(
        report.stable.calls + report.canary.calls,
        100,
        "every call is counted once: {report:#?}"
    );
    assert!(
        (4..=20).contains(&report.canary.calls),
        "about 10 of 100 calls go to the canary (by chance, so not exactly 10): {report:#?}"
    );
}

#[tokio::test(start_paused = true)]
async fn each_version_is_judged_by_its_own_calls() {
    let lambda = deployed(7, deploy);
    let report = run_canary(&lambda, FUNCTION, "2", 100)
        .await
        .expect("run_canary() succeeds");
    // Version 1 fails one call in ten, in one environment that serves all its calls.
    assert_eq!(
        report.stable,
        Tally {
            calls: report.stable.calls,
            errors: report.stable.calls / 10
        },
        "the stable version's known failures are counted against it: {report:#?}"
    );
    assert_eq!(report.canary.errors, 0, "{report:#?}");
    assert_eq!(
        report.decision,
        Decision::Promoted,
        "the stable version's errors say nothing about the canary: {report:#?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_canary_starts_from_wherever_prod_points() {
    let lambda = deployed(7, deploy);
    lambda.update_alias(FUNCTION, ALIAS, "2", None).unwrap();
    let bad = publish(&lambda, broken_pricing());
    let report = run_canary(&lambda, FUNCTION, &bad, 100)
        .await
        .expect("run_canary() succeeds");
    assert_eq!(
        (
            report.stable_version.as_str(),
            report.canary_version.as_str()
        ),
        ("2", "3")
    );
    assert_eq!(
        report.stable.errors, 0,
        "version 2 never fails: {report:#?}"
    );
    assert_eq!(prod(&lambda), only("2"), "rolled back to 2, where prod was");
}

#[tokio::test(start_paused = true)]
async fn a_canary_that_served_no_calls_is_not_promoted() {
    let lambda = deployed(7, deploy);
    let report = run_canary(&lambda, FUNCTION, "2", 0)
        .await
        .expect("run_canary() succeeds");
    assert_eq!(
        report,
        CanaryReport {
            stable_version: "1".into(),
            canary_version: "2".into(),
            stable: Tally::default(),
            canary: Tally::default(),
            decision: Decision::RolledBack,
        },
        "no errors in no calls is no evidence"
    );
    assert_eq!(prod(&lambda), only("1"));
}

/// Runs a failing canary of 20 calls on a fresh service; returns the report and the transcript.
async fn failing_canary(seed: u64) -> (CanaryReport, String) {
    let lambda = deployed(seed, deploy);
    let bad = publish(&lambda, broken_pricing());
    let report = run_canary(&lambda, FUNCTION, &bad, 20)
        .await
        .expect("run_canary() succeeds");
    (report, lambda.transcript())
}

#[tokio::test(start_paused = true)]
async fn the_same_seed_gives_the_same_split_and_the_same_transcript() {
    let (first_report, first_transcript) = failing_canary(8).await;
    let (second_report, second_transcript) = failing_canary(8).await;
    assert_eq!(first_report, second_report);
    assert_eq!(first_transcript, second_transcript);
}

/// A failing canary of 20 calls, readable in `tests/snapshots/`: the report, then the transcript
/// without the log lines, one line per call and one per answer.
#[tokio::test(start_paused = true)]
async fn summary_of_a_failing_canary() {
    let (report, transcript) = failing_canary(8).await;
    let calls_and_answers: Vec<&str> = transcript
        .lines()
        .filter(|line| !line.starts_with(' '))
        .collect();
    insta::assert_snapshot!(format!("{report:#?}\n\n{}", calls_and_answers.join("\n")));
}
