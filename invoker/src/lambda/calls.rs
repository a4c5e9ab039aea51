//! The calls a function's code makes to other services: checked against its execution role,
//! and written in the transcript inside the invocation that made them.
//!
//! Who is calling is the *current caller* of [`crate::lambda::trace`], set around every handler
//! and init step. A call from outside any handler (a test, Lambda's own pollers) is the account's
//! own: always allowed, and written as a line of its own.

use crate::base::platform::Platform;
use crate::base::transcript::Entry;
use crate::lambda::iam::Denied;
use crate::lambda::trace::{self, Caller, Identity};

/// Checks a call that the code now running makes to a service: allowed if the execution role of
/// its function allows `action` on `resource`, or if no function's code is running (the account
/// itself calls). A refusal is written in the transcript, inside the invocation that made the
/// call.
pub(crate) fn authorize(platform: &Platform, action: &str, resource: &str) -> Result<(), Denied> {
    let Some(caller) = trace::current() else {
        return Ok(());
    };
    let identity = &caller.identity;
    identity
        .role
        .check(
            &platform.scope.account_id,
            &identity.function,
            action,
            resource,
        )
        .inspect_err(|denied| record_call(platform, denied.note()))
}

/// Writes a call to another service (S3, SNS, SQS, DynamoDB) in the transcript: inside the
/// block of the invocation whose code made it, among its log lines, or as a line of its own when
/// it comes from outside any handler.
pub(crate) fn record_call(platform: &Platform, text: String) {
    match trace::current() {
        Some(Caller { identity, .. }) => record_call_of(platform, &identity, text),
        None => platform.note(text),
    }
}

/// Writes a call that `identity`'s code made in the transcript, among the log lines of the
/// invocation that made it: `position` is how many lines its log stream held at the time.
pub(crate) fn record_call_of(platform: &Platform, identity: &Identity, text: String) {
    let at = platform.elapsed();
    let position = platform.logs.stream_len(identity.log_stream_id);
    platform.record(Entry::Call {
        at,
        caller: identity.name.clone(),
        log_group: identity.log_group.to_string(),
        log_stream: identity.log_stream.to_string(),
        position,
        text,
    });
}
