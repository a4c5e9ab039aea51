//! # Exercise 9 — Protect the database: reference solution
//!
//! The exercise, with its instructions, is `exercises/09-protect-the-database/src/lib.rs`. What
//! the exercise provides (the database, the `orders` code, the retry settings, deploy) is its
//! `src/given.rs`, shared with this crate.

#[path = "../../../exercises/09-protect-the-database/src/given.rs"]
mod given;
pub use given::*;

use invoker::{ErrorCode, InvokeRequest, InvokeResponse, Lambda, ServiceError};

// ANCHOR: reserve
/// Caps `orders` so that it never has more environments, and so never more connections, than
/// the database accepts.
pub fn reserve_concurrency(lambda: &Lambda) -> Result<(), ServiceError> {
    // One connection per environment and one environment per request in flight: capping the
    // requests in flight caps the connections. All ten, because the database serves only this
    // function; fewer would throttle callers the database could have served.
    lambda.put_function_concurrency(FUNCTION, DB_MAX_CONNECTIONS)
}
// ANCHOR_END: reserve

// ANCHOR: invoke_with_backoff
/// Invokes `orders` like a well-behaved client: a throttled attempt is tried again after a wait
/// that doubles each time, up to `MAX_ATTEMPTS` attempts.
pub async fn invoke_with_backoff(
    lambda: &Lambda,
    request: InvokeRequest,
) -> Result<InvokeResponse, ServiceError> {
    let mut wait = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match lambda.invoke(request.clone()).await {
            // Only a throttle says "try again later": the function did not run. Any other
            // error (a missing function, a bad payload) would fail the same way every time.
            Err(throttled) if throttled.code == ErrorCode::TooManyRequestsException => {
                if attempt == MAX_ATTEMPTS {
                    return Err(throttled);
                }
                // Waiting longer after each throttle gives the busy environments time to finish,
                // instead of adding to the load that throttled us.
                invoker::sleep(wait).await;
                wait = (wait * 2).min(MAX_BACKOFF);
                attempt += 1;
            }
            answer => return answer,
        }
    }
}
// ANCHOR_END: invoke_with_backoff
