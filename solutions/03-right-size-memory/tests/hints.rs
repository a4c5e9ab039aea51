//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{Lambda, ServiceError};
use right_size_memory::*;
use std::time::Duration;

/// Hint 2: `measure`.
pub async fn measure(lambda: &Lambda, memory_mb: u32) -> Result<Measurement, ServiceError> {
    lambda.update_function_configuration(FUNCTION, |c| c.memory_size(memory_mb))?;
    invoke_and_report(lambda).await?;
    let mut slowest = Measurement {
        memory_mb,
        duration: Duration::ZERO,
        billed_ms: 0,
    };
    for _ in 0..WARM_CALLS {
        let report = invoke_and_report(lambda).await?;
        if report.duration >= slowest.duration {
            slowest.duration = report.duration;
            slowest.billed_ms = report.billed_ms;
        }
    }
    Ok(slowest)
}

/// Hints 2 and 3: `find_cheapest_memory`.
pub async fn find_cheapest_memory(
    lambda: &Lambda,
    candidates: &[u32],
    latency_target: Duration,
) -> Result<Choice, ServiceError> {
    let before = lambda.get_function_configuration(FUNCTION)?.memory_size;
    let mut measurements = Vec::new();
    for &memory_mb in candidates {
        measurements.push(measure(lambda, memory_mb).await?);
    }
    #[rustfmt::skip]
    let memory_mb = measurements.iter().filter(|m| m.duration <= latency_target).min_by(|a, b| a.gb_seconds().total_cmp(&b.gb_seconds()).then(a.memory_mb.cmp(&b.memory_mb))).map(|m| m.memory_mb);
    let keep = memory_mb.unwrap_or(before);
    lambda.update_function_configuration(FUNCTION, |c| c.memory_size(keep))?;
    Ok(Choice {
        latency_target,
        measurements,
        memory_mb,
    })
}
