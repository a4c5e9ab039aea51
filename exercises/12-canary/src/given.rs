//! Provided by the exercise: the function's name, alias and canary weight, the report types your
//! code fills in, three versions of the `pricing` code, and the deployment of the starting point.
//! Read it, but you don't need to change it: your part is `run_canary`, in `lib.rs`.

use invoker::{
    service_fn, with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda,
    LambdaEvent, ServiceError,
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

/// Version 1 of `pricing`, the stable one. One call in ten (per execution environment) fails with
/// `TaxServiceTimeout`: a known flaky dependency nobody has fixed yet.
pub fn current_pricing() -> FunctionCode {
    with_init(
        // The init step runs once per execution environment, so each environment counts the
        // calls it serves on its own.
        |_init: InitContext| async { Ok::<_, Diagnostic>(AtomicU32::new(0)) },
        |served: Arc<AtomicU32>, _event: LambdaEvent<Value>| async move {
            let call = served.fetch_add(1, Ordering::Relaxed) + 1;
            if call.is_multiple_of(10) {
                return Err(Diagnostic {
                    error_type: "TaxServiceTimeout".into(),
                    error_message: "the tax service did not answer in time".into(),
                });
            }
            Ok(json!({ "priceCents": 1999 }))
        },
    )
}

/// A better `pricing`: it caches tax rates, so it never fails.
pub fn improved_pricing() -> FunctionCode {
    service_fn(|_event: LambdaEvent<Value>| async {
        Ok::<_, Diagnostic>(json!({ "priceCents": 1999, "taxCached": true }))
    })
}

/// A broken `pricing`: it lost its price list, so every call fails with `PriceListMissing`.
pub fn broken_pricing() -> FunctionCode {
    service_fn(|_event: LambdaEvent<Value>| async {
        Err::<Value, _>(Diagnostic {
            error_type: "PriceListMissing".into(),
            error_message: "price list s3://prices/current.json not found".into(),
        })
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
