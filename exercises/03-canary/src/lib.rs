//! # Exercise 3 — Canary releases with a weighted alias
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
//! Check your work with `cargo xtask verify canary`. Stuck? The chapter has hints, folded.

use invoker::{
    handler_fn, with_init, Context, FunctionCode, FunctionConfig, HandlerError, InitContext,
    Lambda, ServiceError,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The function this exercise releases.
pub const FUNCTION: &str = "pricing";
/// The alias every customer calls.
pub const ALIAS: &str = "prod";
/// The share of `prod`'s calls that go to the canary: 10%.
pub const CANARY_WEIGHT: f64 = 0.1;

/// What one version did during the canary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Calls this version served.
    pub calls: u32,
    /// How many of them ended in a function error.
    pub errors: u32,
}

/// What happened to the canary in the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `prod` points at the canary, with no routing.
    Promoted,
    /// `prod` points at the stable version, with no routing.
    RolledBack,
}

/// The outcome of a canary release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanaryReport {
    /// The version `prod` pointed at before the canary.
    pub stable_version: String,
    /// The version on trial.
    pub canary_version: String,
    /// The stable version's calls and errors.
    pub stable: Tally,
    /// The canary's calls and errors.
    pub canary: Tally,
    /// Promoted or rolled back.
    pub decision: Decision,
}

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

/// Version 1 of `pricing`, the stable one. One call in ten (per execution environment) fails with
/// `TaxServiceTimeout`: a known flaky dependency nobody has fixed yet.
pub fn current_pricing() -> FunctionCode {
    with_init(
        // The init step runs once per execution environment, so each environment counts the
        // calls it serves on its own.
        |_init: InitContext| async { Ok::<_, HandlerError>(AtomicU32::new(0)) },
        |served: Arc<AtomicU32>, _event: Value, _ctx: Context| async move {
            let call = served.fetch_add(1, Ordering::Relaxed) + 1;
            if call.is_multiple_of(10) {
                return Err(HandlerError::new(
                    "TaxServiceTimeout",
                    "the tax service did not answer in time",
                ));
            }
            Ok(json!({ "priceCents": 1999 }))
        },
    )
}

/// A better `pricing`: it caches tax rates, so it never fails.
pub fn improved_pricing() -> FunctionCode {
    handler_fn(|_event: Value, _ctx: Context| async {
        Ok::<_, HandlerError>(json!({ "priceCents": 1999, "taxCached": true }))
    })
}

/// A broken `pricing`: it lost its price list, so every call fails with `PriceListMissing`.
pub fn broken_pricing() -> FunctionCode {
    handler_fn(|_event: Value, _ctx: Context| async {
        Err::<Value, _>(HandlerError::new(
            "PriceListMissing",
            "price list s3://prices/current.json not found",
        ))
    })
}

/// Deploys the starting point: `pricing` version 1 (`current_pricing`) behind `prod`, and version
/// 2 (`improved_pricing`) published, ready for a canary.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config =
        FunctionConfig::new(FUNCTION).description("Prices a basket; callers use pricing:prod");
    lambda.create_function(config, current_pricing())?;
    let stable = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, ALIAS, &stable)?;
    lambda.update_function_code(FUNCTION, improved_pricing())?;
    lambda.publish_version(FUNCTION)?;
    Ok(())
}
