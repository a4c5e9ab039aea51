//! # Exercise 11 — Blue/green releases with versions and aliases
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
//! The crate gives you the code to release, [`working_checkout`] and [`broken_checkout`], in
//! `src/given.rs`, with the types and constants: read it, you don't need to change it.
//!
//! Check your work: `cargo xtask verify blue-green`.
//! Stuck? `cargo xtask hint blue-green` shows the next hint.

mod given;
pub use given::*;

use invoker::{FunctionCode, Lambda, ServiceError};

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
