//! # Exercise 12 on real AWS: the function `pricing`
//!
//! The exercise's `current_pricing` (`exercises/12-canary/src/given.rs`), version 1: one call in
//! ten, per execution environment, fails with `TaxServiceTimeout`, a known flaky dependency.
//! The solution's part, the canary (route 10% of `prod` to the new version, judge each version
//! by its own calls, then promote or roll back), is done on AWS with
//! `update-alias --routing-config`, reading `ExecutedVersion` from each `invoke`, or by
//! CodeDeploy with `DeploymentPreference: Canary10Percent5Minutes`, as the chapter shows.

use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};

async fn pricing(_event: LambdaEvent<Value>, served: &AtomicU32) -> Result<Value, Diagnostic> {
    let call = served.fetch_add(1, Ordering::Relaxed) + 1;
    if call.is_multiple_of(10) {
        return Err(Diagnostic {
            error_type: "TaxServiceTimeout".into(),
            error_message: "the tax service did not answer in time".into(),
        });
    }
    Ok(json!({ "priceCents": 1999 }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // Init runs once per execution environment, so each environment counts its own calls.
    let served = AtomicU32::new(0);
    run(service_fn(|event| pricing(event, &served))).await
}
