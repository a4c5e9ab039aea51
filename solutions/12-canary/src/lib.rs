//! # Exercise 12 — Canary releases with a weighted alias: reference solution
//!
//! The exercise, with its instructions, is `exercises/12-canary/src/lib.rs`. What the exercise
//! provides (types, constants, pricing code, deploy) is its `src/given.rs`, shared with this crate.

#[path = "../../../exercises/12-canary/src/given.rs"]
mod given;
pub use given::*;

use invoker::{InvokeRequest, Lambda, ServiceError};

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
