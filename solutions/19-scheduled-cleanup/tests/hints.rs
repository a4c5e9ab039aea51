//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::aws_lambda_events::eventbridge::EventBridgeEvent;
use invoker::{Diagnostic, Lambda, ServiceError};
use scheduled_cleanup::*;
use serde_json::{json, Value};
use std::time::SystemTime;

/// Hint 3: the schedule.
pub fn schedule_expression() -> &'static str {
    "cron(0 18 ? * SUN-THU *)"
}

/// Hint 2: the rule and its target.
pub fn schedule_cleanup(lambda: &Lambda, function_arn: &str) -> Result<(), ServiceError> {
    lambda.eventbridge().put_rule(RULE, schedule_expression())?;
    lambda.eventbridge().put_targets(RULE, function_arn)
}

/// Hint 3: the handler.
#[rustfmt::skip]
pub async fn purge_expired_sessions(store: &SessionStore, event: EventBridgeEvent) -> Result<Value, Diagnostic> {
    let time = event.time.ok_or_else(|| Diagnostic { error_type: "InvalidEvent".into(), error_message: "a Scheduled Event has a time".into() })?; let purged = store.purge_expired(SystemTime::from(time)); Ok(json!({ "purged": purged, "remaining": store.len() }))
}
