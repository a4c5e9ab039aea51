//! # Exercise 2 — Blue/green releases with versions and aliases: reference solution
//!
//! The exercise, with its instructions, is `exercises/02-blue-green/src/lib.rs`.

use invoker::{
    handler_fn, Context, FunctionCode, FunctionConfig, HandlerError, InvokeRequest, Lambda,
    ServiceError,
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
    // Where prod points *now* is what customers trust, so it is where a rollback goes. Read it:
    // guessing ("1", or the new version minus one) breaks after the first rollback.
    let previous = lambda.get_alias(function, ALIAS)?.function_version;

    // $LATEST is a draft. Publishing freezes it as a numbered version that never changes, so
    // "version 4" means the same code tomorrow as today, and moving back to it is safe.
    lambda.update_function_code(function, new_code)?;
    let candidate = lambda.publish_version(function)?;

    // The switch is one pointer move: the next call to function:prod runs the new version.
    lambda.update_alias(function, ALIAS, &candidate, None)?;

    // Smoke-test through the alias, exactly as customers call: that also proves the switch.
    let smoke_test = lambda
        .invoke(
            InvokeRequest::new(function)
                .qualifier(ALIAS)
                .payload(health_check_event()),
        )
        .await?;

    // A failing handler still gets HTTP 200 from Invoke; the failure shows in `function_error`
    // (the `X-Amz-Function-Error` header). Only a service error would be an `Err` above.
    if smoke_test.function_error.is_some() {
        lambda.update_alias(function, ALIAS, &previous, None)?;
        return Ok(Release::RolledBack {
            bad: candidate,
            restored: previous,
        });
    }
    Ok(Release::Live { version: candidate })
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
