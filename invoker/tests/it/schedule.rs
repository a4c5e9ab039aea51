//! EventBridge schedules: cron and rate expressions, and rules that invoke functions on the
//! virtual clock.

use crate::kit::Events;
use invoker::aws_lambda_events::eventbridge::EventBridgeEvent;
use invoker::next_fire_times;
use invoker::{rfc3339_seconds, DEFAULT_EPOCH_SECS};
use invoker::{service_fn, Error, ErrorCode, FunctionConfig, Lambda, LambdaEvent, Permission};
use serde_json::Value;
use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Wednesday 2025-01-01 00:00:00 UTC, where the virtual clock starts.
fn new_year() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS)
}

fn runs(expression: &str, n: usize) -> Vec<String> {
    next_fire_times(expression, new_year(), n)
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .into_iter()
        .map(rfc3339_seconds)
        .collect()
}

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn cron_fields_wildcards_and_names() {
    assert_eq!(
        runs("cron(0 9 * * ? *)", 2),
        ["2025-01-01T09:00:00Z", "2025-01-02T09:00:00Z"]
    );
    assert_eq!(
        runs("cron(5/20 * * * ? *)", 4),
        [
            "2025-01-01T00:05:00Z",
            "2025-01-01T00:25:00Z",
            "2025-01-01T00:45:00Z",
            "2025-01-01T01:05:00Z"
        ],
        "5/20: from minute 5, every 20 minutes"
    );
    assert_eq!(
        runs("cron(30 8 ? * MON-FRI *)", 3),
        [
            "2025-01-01T08:30:00Z",
            "2025-01-02T08:30:00Z",
            "2025-01-03T08:30:00Z"
        ]
    );
    assert_eq!(
        runs("cron(30 8 ? * 2-6 *)", 3),
        runs("cron(30 8 ? * MON-FRI *)", 3),
        "Sunday is 1, so Monday to Friday is 2-6"
    );
    assert_eq!(
        runs("cron(0 0 1 JAN,JUL ? 2025-2026)", 5),
        [
            "2025-07-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "2026-07-01T00:00:00Z"
        ],
        "the first run is strictly after the start, and the years end in 2026"
    );
}

#[test]
fn last_nearest_weekday_and_nth_weekday() {
    assert_eq!(
        runs("cron(0 18 L * ? *)", 3),
        [
            "2025-01-31T18:00:00Z",
            "2025-02-28T18:00:00Z",
            "2025-03-31T18:00:00Z"
        ]
    );
    // 2025-02-15 is a Saturday (so Friday the 14th), 2025-06-15 a Sunday (Monday the 16th).
    assert_eq!(
        runs("cron(0 12 15W * ? *)", 6),
        [
            "2025-01-15T12:00:00Z",
            "2025-02-14T12:00:00Z",
            "2025-03-14T12:00:00Z",
            "2025-04-15T12:00:00Z",
            "2025-05-15T12:00:00Z",
            "2025-06-16T12:00:00Z"
        ]
    );
    // 2025-02-01 is a Saturday: the nearest weekday in February is Monday the 3rd.
    assert_eq!(runs("cron(0 8 1W * ? *)", 2)[1], "2025-02-03T08:00:00Z");
    assert_eq!(
        runs("cron(0 10 ? * 3#2 *)", 3),
        [
            "2025-01-14T10:00:00Z",
            "2025-02-11T10:00:00Z",
            "2025-03-11T10:00:00Z"
        ],
        "3#2: the second Tuesday"
    );
    assert_eq!(
        runs("cron(15 10 ? * 6L *)", 3),
        [
            "2025-01-31T10:15:00Z",
            "2025-02-28T10:15:00Z",
            "2025-03-28T10:15:00Z"
        ],
        "6L: the last Friday"
    );
    assert_eq!(
        runs("cron(0 0 29 2 ? *)", 2),
        ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]
    );
    assert!(
        runs("cron(0 0 30 2 ? *)", 1).is_empty(),
        "February 30th is valid but never comes"
    );
}

#[test]
fn rates_count_from_the_start_in_whole_minutes() {
    assert_eq!(
        runs("rate(1 minute)", 2),
        ["2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z"]
    );
    assert_eq!(
        runs("rate(5 minutes)", 2),
        ["2025-01-01T00:05:00Z", "2025-01-01T00:10:00Z"]
    );
    assert_eq!(runs("rate(1 hour)", 1), ["2025-01-01T01:00:00Z"]);
    assert_eq!(runs("rate(7 days)", 1), ["2025-01-08T00:00:00Z"]);
    let half_past = new_year() + Duration::from_secs(30);
    let from_half_past = next_fire_times("rate(5 minutes)", half_past, 1).unwrap();
    assert_eq!(
        rfc3339_seconds(from_half_past[0]),
        "2025-01-01T00:05:00Z",
        "minute granularity: the seconds of the start do not count"
    );
}

/// Valid expressions and their next runs, invalid ones and why EventBridge refuses them: the
/// table the book shows.
#[test]
fn table_of_expressions() {
    let valid = [
        "rate(1 minute)",
        "rate(15 minutes)",
        "rate(1 day)",
        "cron(0/15 * * * ? *)",
        "cron(0 9 ? * MON-FRI *)",
        "cron(0 2 1 * ? *)",
        "cron(0 18 L * ? *)",
        "cron(0 12 15W * ? *)",
        "cron(0 10 ? * 3#2 *)",
        "cron(15 10 ? * 6L *)",
        "cron(30 2 ? * L *)",
        "cron(0 0 30 2 ? *)",
    ];
    let invalid = [
        "cron(0 9 * * *)",
        "cron(0 9 * * * *)",
        "cron(0 9 ? * ? *)",
        "cron(60 9 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 9 32 * ? *)",
        "cron(0 9 * 13 ? *)",
        "cron(0 9 * FOO ? *)",
        "cron(0 9 ? * 0 *)",
        "cron(0 9 ? * MON/2 *)",
        "cron(0 9 ? * 3#1,6#3 *)",
        "cron(0 9 ? * 2#6 *)",
        "cron(0 9 LW * ? *)",
        "cron(0 0/0 * * ? *)",
        "cron(0 17-9 * * ? *)",
        "cron(0 9 * * ? 2200)",
        "cron(0 9 * * ? 1969)",
        "rate(1 minutes)",
        "rate(5 minute)",
        "rate(0 minutes)",
        "rate(1.5 hours)",
        "rate(30 seconds)",
        "rate(5)",
        "every 5 minutes",
    ];
    let mut table = String::new();
    for expression in valid {
        let runs = runs(expression, 3);
        let runs = match runs.is_empty() {
            true => "never".to_owned(),
            false => runs.join(", "),
        };
        let _ = writeln!(table, "{expression:26} {runs}");
    }
    table.push('\n');
    for expression in invalid {
        let error = next_fire_times(expression, new_year(), 1)
            .expect_err(&format!("{expression} is refused"));
        assert_eq!(
            (error.code, error.status),
            (ErrorCode::ValidationException, 400)
        );
        let reason = error
            .message
            .strip_prefix("Parameter ScheduleExpression is not valid. ")
            .unwrap_or_else(|| panic!("AWS's message first: {}", error.message));
        let _ = writeln!(table, "{reason}");
    }
    insta::assert_snapshot!(table);
}

/// A service with `report`, a function that keeps the scheduled events it is sent, as sent.
fn service() -> (Lambda, String, Events) {
    let lambda = Lambda::builder().seed(11).build();
    let received = Events::default();
    let keep = Arc::clone(&received);
    let arn = lambda
        .create_function(
            FunctionConfig::new("report"),
            service_fn(move |event: LambdaEvent<Value>| {
                let (event, ctx) = event.into_parts();
                let keep = Arc::clone(&keep);
                async move {
                    // The Rust type a scheduled function takes; a mismatch would fail the call.
                    let typed: EventBridgeEvent = serde_json::from_value(event.clone())?;
                    ctx.logger()
                        .info(format!("{} for {}", typed.detail_type, event["time"]));
                    keep.lock().unwrap().push(event);
                    Ok::<_, Error>(())
                }
            }),
        )
        .unwrap();
    // EventBridge may invoke it for the rules of this account (the console adds this statement
    // when you pick the function as a rule's target).
    let rules = Permission::new("events-rules", "events.amazonaws.com")
        .source_arn("arn:aws:events:us-east-1:123456789012:rule/*")
        .source_account(lambda.account_id());
    lambda.add_permission("report", rules).unwrap();
    (lambda, arn, received)
}

fn times(received: &Events) -> Vec<String> {
    received
        .lock()
        .unwrap()
        .iter()
        .map(|e| e["time"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_rule_invokes_its_target_asynchronously_with_a_scheduled_event() {
    let (lambda, function_arn, received) = service();
    let events = lambda.eventbridge();
    let rule_arn = events.put_rule("hourly", "rate(1 hour)").unwrap();
    assert_eq!(
        rule_arn,
        "arn:aws:events:us-east-1:123456789012:rule/hourly"
    );
    events.put_targets("hourly", &function_arn).unwrap();
    tokio::time::sleep(HOUR + Duration::from_secs(1)).await;
    lambda.settle().await;
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 1);
    let event = &received[0];
    let typed: EventBridgeEvent =
        serde_json::from_value(event.clone()).expect("the real EventBridgeEvent shape");
    assert_eq!(typed.detail_type, "Scheduled Event");
    assert_eq!(typed.source, "aws.events");
    assert_eq!(typed.resources, Some(vec![rule_arn]));
    assert_eq!(event["time"], "2025-01-01T01:00:00Z");
    assert_eq!(event["version"], "0");
    assert_eq!(event["detail"], serde_json::json!({}));
    assert!(
        lambda
            .transcript()
            .contains("invoke arn:aws:lambda:us-east-1:123456789012:function:report (Event): 202"),
        "an asynchronous invoke, as EventBridge makes"
    );
}

#[tokio::test(start_paused = true)]
async fn a_rate_counts_from_when_the_rule_was_put() {
    let (lambda, function_arn, received) = service();
    tokio::time::sleep(Duration::from_secs(150)).await;
    lambda
        .eventbridge()
        .put_rule("every-5", "rate(5 minutes)")
        .unwrap();
    lambda
        .eventbridge()
        .put_targets("every-5", &function_arn)
        .unwrap();
    tokio::time::sleep(Duration::from_secs(16 * 60)).await;
    lambda.settle().await;
    assert_eq!(
        times(&received),
        [
            "2025-01-01T00:07:00Z",
            "2025-01-01T00:12:00Z",
            "2025-01-01T00:17:00Z"
        ],
        "put at 00:02:30, so from 00:02"
    );
}

#[tokio::test(start_paused = true)]
async fn settle_waits_for_the_invocations_a_schedule_caused_not_for_the_schedule() {
    let (lambda, function_arn, received) = service();
    let events = lambda.eventbridge();
    events.put_rule("minutely", "rate(1 minute)").unwrap();
    events.put_targets("minutely", &function_arn).unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.elapsed(),
        Duration::ZERO,
        "a schedule never ends, so it is not pending work"
    );
    tokio::time::sleep(Duration::from_secs(3 * 60 + 30)).await;
    lambda.settle().await;
    assert_eq!(received.lock().unwrap().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_disabled_rule_stops_firing_and_an_enabled_one_starts_again() {
    let (lambda, function_arn, received) = service();
    let events = lambda.eventbridge();
    events
        .put_rule("quarterly-hour", "cron(0/15 * * * ? *)")
        .unwrap();
    events.put_targets("quarterly-hour", &function_arn).unwrap();
    tokio::time::sleep(Duration::from_secs(20 * 60)).await;
    events.disable_rule("quarterly-hour").unwrap();
    tokio::time::sleep(HOUR).await;
    events.enable_rule("quarterly-hour").unwrap();
    tokio::time::sleep(Duration::from_secs(30 * 60)).await;
    lambda.settle().await;
    assert_eq!(
        times(&received),
        [
            "2025-01-01T00:15:00Z",
            "2025-01-01T01:30:00Z",
            "2025-01-01T01:45:00Z"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn putting_a_rule_again_replaces_its_schedule_and_keeps_its_targets() {
    let (lambda, function_arn, received) = service();
    let events = lambda.eventbridge();
    events.put_rule("job", "cron(0 * * * ? *)").unwrap();
    events.put_targets("job", &function_arn).unwrap();
    events.put_rule("job", "cron(30 * * * ? *)").unwrap();
    tokio::time::sleep(2 * HOUR).await;
    lambda.settle().await;
    assert_eq!(
        times(&received),
        ["2025-01-01T00:30:00Z", "2025-01-01T01:30:00Z"],
        "only the new schedule fires"
    );
}

#[tokio::test(start_paused = true)]
async fn rules_are_refused_and_deleted_as_eventbridge_does() {
    let (lambda, function_arn, _) = service();
    let events = lambda.eventbridge();
    let error = events.put_rule("nightly", "cron(0 2 * * * *)").unwrap_err();
    assert_eq!(error.code, ErrorCode::ValidationException);
    assert!(error
        .message
        .starts_with("Parameter ScheduleExpression is not valid."));
    let error = events.put_rule("has space", "rate(1 day)").unwrap_err();
    assert_eq!(error.code, ErrorCode::ValidationException);
    let error = events.put_targets("missing", &function_arn).unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::ResourceNotFoundException,
            "Rule missing does not exist on EventBus default."
        )
    );
    events.put_rule("nightly", "cron(0 2 * * ? *)").unwrap();
    let error = events
        .put_targets("nightly", "arn:aws:sqs:us-east-1:123456789012:jobs")
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ValidationException);
    events.put_targets("nightly", &function_arn).unwrap();
    let error = events.delete_rule("nightly").unwrap_err();
    assert_eq!(
        error.message, "Rule can't be deleted since it has targets.",
        "targets first"
    );
    events.remove_targets("nightly", &function_arn).unwrap();
    events.delete_rule("nightly").unwrap();
    assert!(events.disable_rule("nightly").is_err());
}

/// A working day of two schedules in UTC, as the transcript tells it: a weekday report at 09:00
/// and 17:00, and a clean-up every six hours.
#[tokio::test(start_paused = true)]
async fn a_simulated_day_of_schedules() {
    let (lambda, function_arn, received) = service();
    let events = lambda.eventbridge();
    events
        .put_rule("weekday-report", "cron(0 9,17 ? * MON-FRI *)")
        .unwrap();
    events.put_targets("weekday-report", &function_arn).unwrap();
    events.put_rule("cleanup", "rate(6 hours)").unwrap();
    events.put_targets("cleanup", &function_arn).unwrap();
    tokio::time::sleep(23 * HOUR).await;
    lambda.settle().await;
    assert_eq!(
        times(&received),
        [
            "2025-01-01T06:00:00Z",
            "2025-01-01T09:00:00Z",
            "2025-01-01T12:00:00Z",
            "2025-01-01T17:00:00Z",
            "2025-01-01T18:00:00Z"
        ]
    );
    insta::assert_snapshot!(lambda.transcript());
}

/// A Scheduled Event, as the function receives it.
#[tokio::test(start_paused = true)]
async fn shape_of_a_scheduled_event() {
    let (lambda, function_arn, received) = service();
    lambda
        .eventbridge()
        .put_rule("nightly", "cron(0 2 * * ? *)")
        .unwrap();
    lambda
        .eventbridge()
        .put_targets("nightly", &function_arn)
        .unwrap();
    tokio::time::sleep(3 * HOUR).await;
    lambda.settle().await;
    let event = received.lock().unwrap()[0].clone();
    insta::assert_json_snapshot!(event);
}
