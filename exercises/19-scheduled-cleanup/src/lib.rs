//! # Exercise 19 — A nightly cleanup, on Seoul's clock, written in UTC
//!
//! Read first: `book/src/patterns.md` (`cargo xtask book --serve`).
//!
//! A web shop in Seoul keeps its users' sessions in a [`SessionStore`], each with the time it
//! expires. Expired sessions must be purged, once a night, when the shop is quiet: at **03:00
//! Seoul time, Monday to Friday** (Korea Standard Time, UTC+9, with no daylight saving time).
//!
//! **1. `schedule_expression`.** The EventBridge schedule expression for that:
//! `cron(Minutes Hours Day-of-month Month Day-of-week Year)`. EventBridge reads every cron
//! expression in **UTC**. So convert: which UTC hour is 03:00 in Seoul, and, since that hour
//! falls on the day before, which UTC weekdays are Monday to Friday in Seoul? (`?` in
//! Day-of-month says "any date": choose the days by weekday.) `cron(0 3 ? * MON-FRI *)` is the
//! naive answer, and it runs at noon in Seoul. The tests judge your expression by the times it
//! fires, not by its spelling: days by name or by number (Sunday is 1), a range or a list, all
//! the same.
//!
//! **2. `schedule_cleanup`.** Create the rule [`RULE`] with that expression, with
//! `lambda.eventbridge().put_rule(..)`, and make the function its target with `put_targets(..)`.
//! From then on EventBridge invokes the function, asynchronously, at every time the expression
//! names, with a Scheduled Event.
//!
//! **3. `purge_expired_sessions`, the handler.** Purge, with `store.purge_expired(now)`, every
//! session that has expired at the time **in the event**, `event.time`: the minute the run was
//! scheduled for (`std::time::SystemTime::from(time)` converts it). Not the time the handler
//! happens to run: a failed run is retried minutes later, and must purge exactly what the
//! scheduled run would have. Answer with the ids purged and how many sessions remain:
//! `{"purged": ["s-ada", "s-bo"], "remaining": 6}`. An event without a time is a function error
//! with the `errorType` `InvalidEvent`.
//!
//! The store, its sample week of sessions, and the deployment are in `src/given.rs`: read it,
//! you don't need to change it.
//!
//! Check your work: `cargo xtask verify scheduled-cleanup`.
//! Stuck? `cargo xtask hint scheduled-cleanup` shows the next hint.

mod given;
pub use given::*;

use invoker::aws_lambda_events::eventbridge::EventBridgeEvent;
use invoker::{Diagnostic, Lambda, ServiceError};
use serde_json::Value;

// ANCHOR: schedule
/// The schedule: 03:00 in Seoul, Monday to Friday, as a cron expression in UTC.
pub fn schedule_expression() -> &'static str {
    // TODO: return "cron(…)": six fields, in UTC.
    todo!("03:00 in Seoul on weekdays, written in UTC")
}

/// Creates the rule [`RULE`] with [`schedule_expression`], targeting `function_arn`.
pub fn schedule_cleanup(lambda: &Lambda, function_arn: &str) -> Result<(), ServiceError> {
    // TODO: point 2 above: the rule RULE, on your schedule, with the function as its target
    // (the chapter's "Scheduled jobs: cron in UTC").
    let _ = (lambda, function_arn);
    todo!("create the rule and target the function")
}
// ANCHOR_END: schedule

// ANCHOR: handler
/// Purges the sessions that have expired at the event's time.
pub async fn purge_expired_sessions(
    store: &SessionStore,
    event: EventBridgeEvent,
) -> Result<Value, Diagnostic> {
    // TODO: `event.time` is an `Option`: no time is an `InvalidEvent` error. Purge as of that
    // time (`std::time::SystemTime::from(time)`), and answer with `serde_json::json!`.
    let _ = (store, event);
    todo!("purge what expired by the scheduled time")
}
// ANCHOR_END: handler
