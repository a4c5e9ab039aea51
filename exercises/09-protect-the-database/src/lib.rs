//! # Exercise 9 — Protect the database: reserved concurrency, and callers that back off
//!
//! Read first: `book/src/concurrency.md` (`cargo xtask book --serve`).
//!
//! The `orders` function saves orders in a database that accepts at most 10 clients at once
//! (`DB_MAX_CONNECTIONS`); an eleventh is refused. Each execution environment of `orders` opens
//! one connection in its init step and keeps it, and Lambda runs one environment per request in
//! flight. So when a burst of 100 orders arrives at once, Lambda starts 100 environments, they
//! all connect, and the database refuses 90 of them.
//!
//! Two pieces fix it, one on each side of the function:
//!
//! 1. **`reserve_concurrency`**: give `orders` a *reserved concurrency* with
//!    `lambda.put_function_concurrency(FUNCTION, n)`. Lambda then never runs more than `n` of its
//!    requests at once, so never more than `n` environments, so never more than `n` clients at
//!    the database. Choose `n` so the database is never over its limit, and not lower: the
//!    database serves only `orders`, so every connection it has is for `orders` to use.
//!
//! 2. **`invoke_with_backoff`**, the callers' side. Requests over the reservation are
//!    *throttled*: `invoke` returns a `ServiceError` whose `code` is
//!    `ErrorCode::TooManyRequestsException` (HTTP 429), the function does not run, and nothing is
//!    queued. The caller must try again, and not
//!    at once: `invoke` the same request again after a wait, doubling the wait each time.
//!
//!    | attempt             | if it is throttled                                            |
//!    |---------------------|---------------------------------------------------------------|
//!    | 1                   | wait `FIRST_BACKOFF` (100 ms), try again                      |
//!    | 2, 3, …             | wait twice as long as last time, at most `MAX_BACKOFF` (1 s)  |
//!    | `MAX_ATTEMPTS` (12) | give up: return that `TooManyRequestsException`               |
//!
//!    Any other answer, a success, a function error, or a service error that is not a throttle
//!    (a missing function stays missing), is returned at once, with no retry and no wait.
//!
//!    Real clients also add a random *jitter* to each wait, so that a crowd of throttled callers
//!    does not come back at the same instant. Here there is none, to keep the tests exact: the
//!    timeline in `tests/snapshots/` shows the callers coming back in waves.
//!
//! Wait with `invoker::sleep(wait).await`: like every timer in the workbook, it runs on the
//! virtual clock, so a test full of waits finishes in milliseconds.
//!
//! The database, the `orders` code, the retry settings and the deployment are in `src/given.rs`:
//! read it, you don't need to change it.
//!
//! Check your work: `cargo xtask verify protect-the-database`.
//! Stuck? `cargo xtask hint protect-the-database` shows the next hint.

mod given;
pub use given::*;

use invoker::{InvokeRequest, InvokeResponse, Lambda, ServiceError};

// ANCHOR: reserve
/// Caps `orders` so that it never has more environments, and so never more connections, than
/// the database accepts.
pub fn reserve_concurrency(lambda: &Lambda) -> Result<(), ServiceError> {
    // TODO: point 1 above: a reserved concurrency that never gives the database more clients
    // than it accepts, and no fewer (the chapter's "Reserved concurrency: a cap and a
    // guarantee").
    let _ = lambda;
    todo!("reserve as much concurrency as the database has connections")
}
// ANCHOR_END: reserve

// ANCHOR: invoke_with_backoff
/// Invokes `orders` like a well-behaved client: a throttled attempt is tried again after a wait
/// that doubles each time, up to `MAX_ATTEMPTS` attempts.
pub async fn invoke_with_backoff(
    lambda: &Lambda,
    request: InvokeRequest,
) -> Result<InvokeResponse, ServiceError> {
    // TODO: in a loop, `lambda.invoke(request.clone()).await`. On an error whose `code` is
    // `ErrorCode::TooManyRequestsException` (add `ErrorCode` to the `use invoker::…` above),
    // `invoker::sleep(wait).await` and try again, with `wait` starting at FIRST_BACKOFF and
    // doubling up to MAX_BACKOFF; after MAX_ATTEMPTS attempts, return the last throttle. Return
    // anything else at once.
    let _ = (lambda, request);
    todo!("retry throttled calls with exponential backoff")
}
// ANCHOR_END: invoke_with_backoff
