//! Memory buys CPU: how long CPU-bound work takes at a given memory size, and what it costs.
//!
//! Lambda has no CPU setting. It gives a function CPU in proportion to its memory: at
//! **1,769 MB** a function has the equivalent of one full vCPU, and up to 6 vCPUs at 10,240 MB.
//! So for CPU-bound code, doubling the memory halves the duration, until one vCPU is reached;
//! above that only code that uses several threads gets faster. Since the price is per GB-second,
//! twice the memory for half the time costs the same, and often a bigger function is both faster
//! and no dearer. Past the knee it only costs more.
//!
//! `Context::compute` models single-threaded work: give it the time the work takes on one full
//! vCPU, and it takes the time it would at the function's memory size, on the virtual clock.

use std::time::Duration;

/// The memory size at which a function has one full vCPU.
pub(crate) const ONE_VCPU_MB: u32 = 1_769;

/// How long single-threaded work that takes `work_at_one_vcpu` on a full vCPU takes at
/// `memory_mb`: longer below 1,769 MB, no shorter above it.
pub fn duration_at(work_at_one_vcpu: Duration, memory_mb: u32) -> Duration {
    let share = u128::from(memory_mb.clamp(1, ONE_VCPU_MB));
    let nanos = work_at_one_vcpu.as_nanos() * u128::from(ONE_VCPU_MB) / share;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// The vCPUs a memory size buys: 1,769 MB is one, 10,240 MB is about six.
pub fn vcpus(memory_mb: u32) -> f64 {
    f64::from(memory_mb) / f64::from(ONE_VCPU_MB)
}

/// The compute a billed duration is charged as: memory in GB × billed seconds.
pub fn gb_seconds(memory_mb: u32, billed_ms: u128) -> f64 {
    f64::from(memory_mb) / 1024.0 * (billed_ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_memory_is_faster_until_one_vcpu() {
        let work = Duration::from_millis(100);
        assert_eq!(duration_at(work, 1_769), work);
        assert_eq!(
            duration_at(work, 10_240),
            work,
            "one thread cannot use more than a vCPU"
        );
        assert_eq!(duration_at(work, 128).as_millis(), 1_382);
        assert!(duration_at(work, 256) < duration_at(work, 128));
        assert!((vcpus(10_240) - 5.79).abs() < 0.01);
    }

    #[test]
    fn doubling_memory_for_half_the_time_costs_the_same() {
        assert_eq!(gb_seconds(1_024, 1_000), 1.0);
        assert_eq!(gb_seconds(128, 200), gb_seconds(256, 100));
    }
}
