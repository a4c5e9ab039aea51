//! # Exercise 11 — Blue/green releases with versions and aliases: reference solution
//!
//! The exercise, with its instructions, is `exercises/11-blue-green/src/lib.rs`. What the exercise
//! provides (types, constants, checkout code, deploy) is its `src/given.rs`, shared with this crate.

#[path = "../../../exercises/11-blue-green/src/given.rs"]
mod given;
pub use given::*;

use invoker::{FunctionCode, InvokeRequest, Lambda, ServiceError};

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
