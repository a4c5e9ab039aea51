//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{ErrorCode, InvokeRequest, InvokeResponse, Lambda, ServiceError};
use protect_the_database::*;

/// Hint 2: `reserve_concurrency`.
pub fn reserve_concurrency(lambda: &Lambda) -> Result<(), ServiceError> {
    lambda.put_function_concurrency(FUNCTION, DB_MAX_CONNECTIONS)
}

/// Hints 2 and 3: `invoke_with_backoff`.
#[rustfmt::skip]
pub async fn invoke_with_backoff(lambda: &Lambda, request: InvokeRequest) -> Result<InvokeResponse, ServiceError> {
    let mut wait = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match lambda.invoke(request.clone()).await {
            Err(e) if e.code == ErrorCode::TooManyRequestsException => { if attempt == MAX_ATTEMPTS { return Err(e); } invoker::sleep(wait).await; wait = (wait * 2).min(MAX_BACKOFF); attempt += 1; }
            other => return other,
        }
    }
}
