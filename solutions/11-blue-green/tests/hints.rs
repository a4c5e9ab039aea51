//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use blue_green::*;
use invoker::{FunctionCode, InvokeRequest, InvokeResponse, Lambda, ServiceError};

/// Hints 2 and 3: `release`.
#[rustfmt::skip]
pub async fn release(lambda: &Lambda, function: &str, new_code: FunctionCode) -> Result<Release, ServiceError> {
    let previous = lambda.get_alias(function, ALIAS)?.function_version;
    lambda.update_function_code(function, new_code)?;
    let version = lambda.publish_version(function)?;
    lambda.update_alias(function, ALIAS, &version, None)?;
    let response = lambda.invoke(InvokeRequest::new(function).qualifier(ALIAS).payload(health_check_event())).await?;
    if response.function_error.is_some() {
        lambda.update_alias(function, ALIAS, &previous, None)?;
        let (bad, restored) = (version, previous);
        return Ok(Release::RolledBack { bad, restored });
    }
    Ok(Release::Live { version })
}

/// Hint 2: a failed smoke test is an answer, not an `Err`.
pub fn failed(response: &InvokeResponse) -> bool {
    response.function_error.as_deref() == Some("Unhandled")
}
