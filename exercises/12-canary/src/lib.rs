//! # Exercise 12 — Canary releases with a weighted alias
//!
//! Read first: `book/src/versions-and-aliases.md` (`cargo xtask book --serve`).
//!
//! A blue/green switch sends every customer to the new version at once. A *canary* sends only a
//! few: the `prod` alias keeps pointing at the stable version and routes a share of the calls,
//! here 10%, to the new one. If the new version fails, only that share of customers saw it.
//! Write `run_canary`:
//!
//! 1. The stable version is where prod points now: `lambda.get_alias(function, ALIAS)`.
//! 2. Send 10% of prod's calls to the canary:
//!    `update_alias(function, ALIAS, &stable, Some((canary_version, CANARY_WEIGHT)))`.
//! 3. Invoke `function` with `.qualifier(ALIAS)`, `calls` times, as customers would.
//! 4. Add each response to the `Tally` of the version that served it (its `executed_version`):
//!    one call, and one error if its `function_error` is set.
//! 5. Decide by the table below, and point prod at one version with no routing
//!    (`update_alias(.., None)`): the canary, or stable again.
//!
//! The decision:
//!
//! | the canary's tally            | decision               | `prod` ends on                    |
//! |-------------------------------|------------------------|-----------------------------------|
//! | served calls, and none failed | `Decision::Promoted`   | the canary                        |
//! | any error                     | `Decision::RolledBack` | stable                            |
//! | served no call at all         | `Decision::RolledBack` | stable: no traffic is no evidence |
//!
//! The stable version of `pricing` is not perfect: one call in ten fails (a flaky tax service).
//! That must not block a healthy canary, which is why each version gets its own tally.
//!
//! The types, the constants and the `pricing` code are in `src/given.rs`: read it, you don't need
//! to change it.
//!
//! Check your work: `cargo xtask verify canary`.
//! Stuck? `cargo xtask hint canary` shows the next hint.

mod given;
pub use given::*;

use invoker::{Lambda, ServiceError};

// ANCHOR: run_canary
/// Routes `CANARY_WEIGHT` of `prod`'s traffic to the published version `canary_version`, sends
/// `calls` calls through `prod`, then promotes the canary or rolls it back.
pub async fn run_canary(
    lambda: &Lambda,
    function: &str,
    canary_version: &str,
    calls: u32,
) -> Result<CanaryReport, ServiceError> {
    // TODO: the five steps of the table above. `InvokeResponse::executed_version` says which
    // version served a call; `function_error` says whether it failed. Decide by the second table.
    // (`invoker::InvokeRequest` builds the invoke call.)
    let _ = (lambda, function, canary_version, calls);
    todo!("run the canary and promote it or roll it back")
}
// ANCHOR_END: run_canary
