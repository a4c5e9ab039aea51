//! Tests for exercise 19. They check your expression's runs in UTC and in Seoul, then deploy the
//! cleanup with your schedule, let a week pass on the virtual clock, and look at what was purged
//! when.

use assert_json_diff::assert_json_eq;
use invoker::next_fire_times;
use invoker::rfc3339_seconds;
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::InvokeRequest;
use scheduled_cleanup::{
    deploy, deploy_with, sample_store, schedule_expression, utc, SessionStore, FUNCTION, RULE,
};
use serde_json::json;
use std::fmt::Write;
use std::time::{Duration, SystemTime};

const DAY: Duration = Duration::from_secs(24 * 3600);
/// Korea Standard Time is UTC+9, all year round.
const SEOUL: Duration = Duration::from_secs(9 * 3600);

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// `Thu 2025-01-02 03:00`: a time as a clock at `offset` from UTC shows it.
fn local(time: SystemTime, offset: Duration) -> String {
    let shown = time + offset;
    let days = shown
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        / DAY.as_secs();
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[((days + 4) % 7) as usize];
    let rfc3339 = rfc3339_seconds(shown);
    format!("{weekday} {} {}", &rfc3339[..10], &rfc3339[11..16])
}

/// The next `n` runs of your expression, from the start of the virtual clock.
fn runs(n: usize) -> Vec<SystemTime> {
    next_fire_times(schedule_expression(), utc(0, 0, 0), n)
        .unwrap_or_else(|e| panic!("EventBridge refuses {}: {e}", schedule_expression()))
}

#[test]
fn every_run_is_at_three_in_the_morning_in_seoul() {
    for run in runs(20) {
        let seoul = local(run, SEOUL);
        assert!(
            seoul.ends_with(" 03:00"),
            "the run at {} UTC is at {seoul} in Seoul",
            local(run, Duration::ZERO)
        );
    }
}

#[test]
fn the_runs_are_on_weekdays_in_seoul_and_on_every_one_of_them() {
    // Two weeks, from a Wednesday: ten weekdays, each with exactly one run.
    let fortnight = utc(14, 0, 0);
    let days: Vec<String> = runs(20)
        .into_iter()
        .filter(|run| *run < fortnight)
        .map(|run| local(run, SEOUL)[..3].to_owned())
        .collect();
    assert_eq!(
        days,
        ["Thu", "Fri", "Mon", "Tue", "Wed", "Thu", "Fri", "Mon", "Tue", "Wed"],
        "in Seoul, Monday to Friday, once a day"
    );
}

#[test]
fn in_utc_the_runs_are_the_evening_before() {
    let first: Vec<String> = runs(5).into_iter().map(rfc3339_seconds).collect();
    assert_eq!(
        first,
        [
            "2025-01-01T18:00:00Z", // Wednesday evening in UTC: Thursday 03:00 in Seoul
            "2025-01-02T18:00:00Z",
            "2025-01-05T18:00:00Z", // Sunday evening in UTC: Monday 03:00 in Seoul
            "2025-01-06T18:00:00Z",
            "2025-01-07T18:00:00Z",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_rule_runs_the_cleanup_five_times_a_week() {
    let lambda = deployed(19, deploy);
    invoker::sleep(7 * DAY).await;
    lambda.settle().await;
    assert_eq!(lambda.usage(FUNCTION).invocations, 5);
}

#[tokio::test(start_paused = true)]
async fn each_run_purges_what_had_expired_by_then() {
    let store = sample_store();
    let lambda = deployed(19, |lambda| deploy_with(lambda, &store));
    invoker::sleep(7 * DAY).await;
    lambda.settle().await;
    let purged: Vec<(String, Vec<String>)> = store
        .history()
        .into_iter()
        .map(|purge| (rfc3339_seconds(purge.at), purge.purged))
        .collect();
    let ids = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
    assert_eq!(
        purged,
        [
            ("2025-01-01T18:00:00Z".into(), ids(&["s-ada", "s-bo"])),
            ("2025-01-02T18:00:00Z".into(), ids(&["s-cy"])),
            ("2025-01-05T18:00:00Z".into(), ids(&["s-dee", "s-eve"])),
            ("2025-01-06T18:00:00Z".into(), ids(&["s-fay"])),
            ("2025-01-07T18:00:00Z".into(), ids(&[])),
        ]
    );
    assert_eq!(store.len(), 2, "s-gus and s-hal outlive the week");
}

#[tokio::test(start_paused = true)]
async fn a_late_run_purges_as_of_the_time_in_its_event() {
    let store = sample_store();
    let lambda = deployed(19, |lambda| deploy_with(lambda, &store));
    // At the very start of the week, an event scheduled for Sunday evening arrives (as a retry
    // might, late): it purges what had expired by Sunday evening, not by now.
    let event = json!({
        "version": "0",
        "id": "d2892d0b-8743-4485-be5a-5f653266c9af",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2025-01-05T18:00:00Z",
        "region": "us-east-1",
        "resources": [format!("arn:aws:events:us-east-1:123456789012:rule/{RULE}")],
        "detail": {},
    });
    let response = invoke(&lambda, InvokeRequest::new(FUNCTION).payload(event)).await;
    assert_json_eq!(
        response.answer(),
        json!({ "purged": ["s-ada", "s-bo", "s-cy", "s-dee", "s-eve"], "remaining": 3 })
    );
}

#[tokio::test(start_paused = true)]
async fn an_event_without_a_time_is_an_invalid_event() {
    let lambda = deployed(19, |lambda| deploy_with(lambda, &SessionStore::new()));
    let event = json!({ "detail-type": "Scheduled Event", "source": "aws.events", "detail": {} });
    let response = invoke(&lambda, InvokeRequest::new(FUNCTION).payload(event)).await;
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        response.payload_json().unwrap()["errorType"],
        "InvalidEvent"
    );
}

/// The week's runs, in UTC and in Seoul, as a table you can read in `tests/snapshots/`. The
/// table shows when your expression fires, not how it is written: `SUN-THU` and `1-5` are the
/// same days.
#[tokio::test(start_paused = true)]
async fn a_week_of_cleanups_in_utc_and_in_seoul() {
    let store = sample_store();
    let lambda = deployed(19, |lambda| deploy_with(lambda, &store));
    invoker::sleep(7 * DAY).await;
    lambda.settle().await;
    let mut table = format!(
        "{:<22} {:<22} {:<14} {}\n",
        "UTC", "Seoul (UTC+9)", "purged", "remaining"
    );
    for purge in store.history() {
        let _ = writeln!(
            table,
            "{:<22} {:<22} {:<14} {}",
            local(purge.at, Duration::ZERO),
            local(purge.at, SEOUL),
            purge.purged.join(", "),
            purge.remaining
        );
    }
    insta::assert_snapshot!(table);
}

/// The first two nights, as the transcript records them: the rule firing, the asynchronous
/// invocation, and the environment shutting down long before the next night. Your expression
/// is shown as `<schedule_expression()>`: it is judged by when it fires, and an equivalent one
/// (`1-5` for `SUN-THU`) fires at the same times.
#[tokio::test(start_paused = true)]
async fn transcript_of_the_first_two_nights() {
    let lambda = deployed(19, deploy);
    invoker::sleep(2 * DAY).await;
    lambda.settle().await;
    let transcript = lambda
        .transcript()
        .replace(schedule_expression(), "<schedule_expression()>");
    insta::assert_snapshot!(transcript);
}
