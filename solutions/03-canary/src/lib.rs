//! # Exercise 3 — Canary releases with a weighted alias: reference solution
//!
//! The exercise, with its instructions, is `exercises/03-canary/src/lib.rs`.

use invoker::{
    handler_fn, with_init, Context, FunctionCode, FunctionConfig, HandlerError, InitContext,
    InvokeRequest, Lambda, ServiceError,
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
    // The stable version is wherever prod points now; read it rather than assume it.
    let stable_version = lambda.get_alias(function, ALIAS)?.function_version;

    // prod keeps pointing at stable and sends CANARY_WEIGHT of the calls to the canary. Lambda
    // picks per call, by chance, so the split is only about 10%, more so with little traffic.
    lambda.update_alias(
        function,
        ALIAS,
        &stable_version,
        Some((canary_version, CANARY_WEIGHT)),
    )?;

    let mut stable = Tally::default();
    let mut canary = Tally::default();
    for _ in 0..calls {
        let response = lambda
            .invoke(InvokeRequest::new(function).qualifier(ALIAS))
            .await?;
        // The caller named the alias; only the response says which version actually ran
        // (`X-Amz-Executed-Version`). Each version is judged by its own calls.
        let tally = if response.executed_version.as_deref() == Some(canary_version) {
            &mut canary
        } else {
            &mut stable
        };
        tally.calls += 1;
        if response.function_error.is_some() {
            tally.errors += 1;
        }
    }

    // No errors is only evidence if the canary served calls: with none, it proved nothing.
    let healthy = canary.calls > 0 && canary.errors == 0;
    let (decision, target) = if healthy {
        (Decision::Promoted, canary_version)
    } else {
        (Decision::RolledBack, stable_version.as_str())
    };
    // Either way prod ends on one version, with no routing left behind.
    lambda.update_alias(function, ALIAS, target, None)?;

    Ok(CanaryReport {
        canary_version: canary_version.to_owned(),
        stable_version,
        stable,
        canary,
        decision,
    })
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
