//! # Exercise 3 — Right-size the memory: reference solution
//!
//! The exercise, with its instructions, is `exercises/03-right-size-memory/src/lib.rs`. What the
//! exercise provides (the thumbnail code, `invoke_and_report`, the types, deploy) is its
//! `src/given.rs`, shared with this crate.

#[path = "../../../exercises/03-right-size-memory/src/given.rs"]
mod given;
pub use given::*;

use invoker::{Lambda, ServiceError};
use std::time::Duration;

// ANCHOR: measure
/// Sets `thumbnails` to `memory_mb` and measures it on warm calls.
pub async fn measure(lambda: &Lambda, memory_mb: u32) -> Result<Measurement, ServiceError> {
    lambda.update_function_configuration(FUNCTION, |config| config.memory_size(memory_mb))?;
    // A configuration change retires the warm environments, so this call starts cold. Its Init
    // is billed too, and happens once per environment: leave it out of the measurement.
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
// ANCHOR_END: measure

// ANCHOR: find_cheapest_memory
/// Measures `thumbnails` at each candidate memory size, and leaves it at the cheapest one whose
/// calls take at most `latency_target` (or at the memory it had, if none is fast enough).
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

    // Fast enough first; of those, the cheapest; of equally cheap ones, the smaller.
    let cheapest = measurements
        .iter()
        .filter(|m| m.duration <= latency_target)
        .min_by(|a, b| {
            let cost = a.gb_seconds().total_cmp(&b.gb_seconds());
            cost.then(a.memory_mb.cmp(&b.memory_mb))
        });
    let memory_mb = cheapest.map(|m| m.memory_mb);

    // Tuning changed the live function's memory; don't leave it on the last size tried.
    let keep = memory_mb.unwrap_or(before);
    lambda.update_function_configuration(FUNCTION, |config| config.memory_size(keep))?;
    Ok(Choice {
        latency_target,
        measurements,
        memory_mb,
    })
}
// ANCHOR_END: find_cheapest_memory
