//! # Exercise 2 — Blue/green releases with versions and aliases
//!
//! Read first: `book/src/versions-and-aliases.md` (`cargo xtask book --serve`).
//!
//! Customers call the `checkout` function as `checkout:prod`. The `prod` alias points at a
//! published version, so releasing new code means moving that pointer, and rolling back means
//! moving it back. Write `release`, which ships `new_code` like this:
//!
//! 1. Remember where prod points now: `lambda.get_alias(function, ALIAS)`.
//! 2. Freeze the new code as a new version: `update_function_code`, then `publish_version`.
//! 3. Switch prod to it: `update_alias(function, ALIAS, &new_version, None)`.
//! 4. Smoke-test what customers now get: invoke `function` with `.qualifier(ALIAS)` and
//!    `health_check_event()` as the payload.
//! 5. If that response has a function error, roll back: `update_alias` to step 1's version.
//!
//! - Return `Release::Live { version }` when the smoke test passed, and
//!   `Release::RolledBack { bad, restored }` when it failed.
//! - Leave the bad version published: it is the evidence for whoever fixes the bug.
//! - Never guess where prod was (`"1"`, or "the new version minus one"). After a few releases
//!   and rollbacks it is rarely either: read it.
//!
//! The crate gives you the code to release: [`working_checkout`] and [`broken_checkout`].
//!
//! Check your work with `cargo xtask verify blue-green`. Stuck? The chapter has hints, folded.

use invoker::{
    handler_fn, Context, FunctionCode, FunctionConfig, HandlerError, Lambda, ServiceError,
};
use serde_json::{json, Value};

/// The function this exercise releases.
pub const FUNCTION: &str = "checkout";
/// The alias every customer calls. A release moves it; nobody calls a version number.
pub const ALIAS: &str = "prod";

/// How a release ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Release {
    /// The smoke test passed: prod now serves `version`.
    Live { version: String },
    /// The smoke test failed: prod is back on `restored`, and `bad` stays published, unused.
    RolledBack { bad: String, restored: String },
}

// ANCHOR: release
/// Publishes `new_code` as a new version of `function`, points `prod` at it, smoke-tests it
/// through `prod`, and points `prod` back where it was if the smoke test fails.
pub async fn release(
    lambda: &Lambda,
    function: &str,
    new_code: FunctionCode,
) -> Result<Release, ServiceError> {
    // TODO: the five steps of the table above. Read where prod points before you move it, send
    // `health_check_event()` to `function:prod`, and check the response's `function_error`.
    // (`invoker::InvokeRequest` builds the invoke call.)
    let _ = (lambda, function, new_code);
    todo!("release new_code behind the prod alias, and roll back if the smoke test fails")
}
// ANCHOR_END: release

/// The event of a smoke test, `{"healthCheck": true}`. The checkout code answers it without
/// charging anyone, so it is safe to send to production.
pub fn health_check_event() -> Value {
    json!({ "healthCheck": true })
}

/// Checkout code that works. Every answer names its `release`, so you can see which code served a
/// call; a health check is logged as `health check passed (<release>)`.
pub fn working_checkout(release: &'static str) -> FunctionCode {
    handler_fn(move |event: Value, ctx: Context| async move {
        if event["healthCheck"] == true {
            ctx.logger()
                .info(format!("health check passed ({release})"));
            return Ok::<_, HandlerError>(json!({ "healthy": true, "release": release }));
        }
        Ok(json!({ "orderAccepted": true, "release": release }))
    })
}

/// Checkout code with a bug: every call, health checks included, fails with a
/// `PaymentsUnavailable` function error.
pub fn broken_checkout(release: &'static str) -> FunctionCode {
    handler_fn(move |_event: Value, _ctx: Context| async move {
        Err::<Value, _>(HandlerError::new(
            "PaymentsUnavailable",
            format!("{release} cannot reach the payments service"),
        ))
    })
}

/// Deploys the starting point: `checkout` running `working_checkout("v1")`, published as
/// version 1, with `prod` pointing at it.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config =
        FunctionConfig::new(FUNCTION).description("Takes orders; customers call checkout:prod");
    lambda.create_function(config, working_checkout("v1"))?;
    let version = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, ALIAS, &version)?;
    Ok(())
}
