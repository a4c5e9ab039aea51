//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use canary::*;
use invoker::{InvokeRequest, Lambda, ServiceError};

/// Hints 2 and 3: `run_canary`.
pub async fn run_canary(
    lambda: &Lambda,
    function: &str,
    canary_version: &str,
    calls: u32,
) -> Result<CanaryReport, ServiceError> {
    let stable = lambda.get_alias(function, ALIAS)?.function_version;
    lambda.update_alias(
        function,
        ALIAS,
        &stable,
        Some((canary_version, CANARY_WEIGHT)),
    )?;
    let mut on_stable = Tally::default();
    let mut canary = Tally::default();
    for _ in 0..calls {
        let response = lambda
            .invoke(InvokeRequest::new(function).qualifier(ALIAS))
            .await?;
        let tally = if response.executed_version.as_deref() == Some(canary_version) {
            &mut canary
        } else {
            &mut on_stable
        };
        tally.calls += 1;
        if response.function_error.is_some() {
            tally.errors += 1;
        }
    }
    let decision = if canary.calls > 0 && canary.errors == 0 {
        update_alias_then(lambda, function, canary_version, Decision::Promoted)?
    } else {
        lambda.update_alias(function, ALIAS, &stable, None)?;
        Decision::RolledBack
    };
    Ok(CanaryReport {
        canary_version: canary_version.to_owned(),
        stable_version: stable,
        stable: on_stable,
        canary,
        decision,
    })
}

fn update_alias_then(
    lambda: &Lambda,
    function: &str,
    canary_version: &str,
    decision: Decision,
) -> Result<Decision, ServiceError> {
    lambda.update_alias(function, ALIAS, canary_version, None)?;
    Ok(decision)
}
