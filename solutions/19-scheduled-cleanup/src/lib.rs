//! # Exercise 19 — A nightly cleanup, on Seoul's clock, written in UTC: reference solution
//!
//! The exercise, with its instructions, is `exercises/19-scheduled-cleanup/src/lib.rs`. What the
//! exercise provides (the session store, its sample week, deploy) is its `src/given.rs`, shared
//! with this crate.

#[path = "../../../exercises/19-scheduled-cleanup/src/given.rs"]
mod given;
pub use given::*;

use invoker::aws_lambda_events::eventbridge::EventBridgeEvent;
use invoker::{Diagnostic, Lambda, ServiceError};
use serde_json::{json, Value};
use std::time::SystemTime;

// ANCHOR: schedule
/// The schedule: 03:00 in Seoul, Monday to Friday, as a cron expression in UTC.
pub fn schedule_expression() -> &'static str {
    // Seoul is UTC+9, so 03:00 there is 18:00 UTC on the day before: Monday 03:00 in Seoul is
    // Sunday 18:00 UTC, and Friday 03:00 is Thursday 18:00. The hour and the days both move.
    "cron(0 18 ? * SUN-THU *)"
}

/// Creates the rule [`RULE`] with [`schedule_expression`], targeting `function_arn`.
pub fn schedule_cleanup(lambda: &Lambda, function_arn: &str) -> Result<(), ServiceError> {
    let events = lambda.eventbridge();
    events.put_rule(RULE, schedule_expression())?;
    events.put_targets(RULE, function_arn)
}
// ANCHOR_END: schedule

// ANCHOR: handler
/// Purges the sessions that have expired at the event's time.
pub async fn purge_expired_sessions(
    store: &SessionStore,
    event: EventBridgeEvent,
) -> Result<Value, Diagnostic> {
    // The event names the minute this run was scheduled for. A retry of the same event, minutes
    // later, purges as of the same minute: the run is idempotent.
    let time = event.time.ok_or_else(|| Diagnostic {
        error_type: "InvalidEvent".into(),
        error_message: "a Scheduled Event has a time".into(),
    })?;
    let purged = store.purge_expired(SystemTime::from(time));
    Ok(json!({ "purged": purged, "remaining": store.len() }))
}
// ANCHOR_END: handler
