//! Tests for exercise 3. Each deploys `thumbnails` at 128 MB and runs your `find_cheapest_memory`
//! over the same candidate sizes. What each size should measure is worked out here from
//! `invoker::duration_at`, the model the invoker runs on: duration = work × 1,769 MB / memory (no less
//! than the work itself), billed = duration rounded up to the millisecond.

use invoker::testing::deployed;
use invoker::{duration_at, Lambda};
use right_size_memory::{
    deploy, find_cheapest_memory, Choice, Measurement, FUNCTION, WARM_CALLS, WORK_AT_ONE_VCPU,
};
use std::time::Duration;

/// The sizes every test tries: from Lambda's smallest to well past one vCPU (1,769 MB).
const CANDIDATES: [u32; 7] = [128, 256, 512, 1024, 1536, 2048, 3008];

/// Your tuning of a fresh deployment, with `target`.
async fn tune(target: Duration) -> (Lambda, Choice) {
    let lambda = deployed(9, deploy);
    let choice = find_cheapest_memory(&lambda, &CANDIDATES, target)
        .await
        .expect("find_cheapest_memory() succeeds");
    (lambda, choice)
}

/// What a warm call at `memory_mb` must measure, from the invoker's CPU model.
fn expected(memory_mb: u32) -> Measurement {
    let duration = duration_at(WORK_AT_ONE_VCPU, memory_mb);
    Measurement {
        memory_mb,
        duration,
        billed_ms: duration.as_micros().div_ceil(1000),
    }
}

/// The cheapest candidate whose warm calls meet `target` (of equally cheap ones, the smaller).
fn cheapest_within(target: Duration) -> Option<u32> {
    CANDIDATES
        .iter()
        .map(|&mb| expected(mb))
        .filter(|m| m.duration <= target)
        .min_by(|a, b| {
            let cost = a.gb_seconds().total_cmp(&b.gb_seconds());
            cost.then(a.memory_mb.cmp(&b.memory_mb))
        })
        .map(|m| m.memory_mb)
}

/// The memory `thumbnails` has now.
fn memory_now(lambda: &Lambda) -> u32 {
    lambda
        .get_function_configuration(FUNCTION)
        .unwrap()
        .memory_size
}

#[tokio::test(start_paused = true)]
async fn every_candidate_is_measured_on_warm_calls_in_order() {
    let (_lambda, choice) = tune(Duration::from_secs(1)).await;
    let sizes: Vec<u32> = choice.measurements.iter().map(|m| m.memory_mb).collect();
    assert_eq!(sizes, CANDIDATES, "one measurement per candidate, in order");
    for (measured, expected) in choice.measurements.iter().zip(CANDIDATES.map(expected)) {
        assert_eq!(
            measured.billed_ms, expected.billed_ms,
            "a warm call at {} MB is billed its duration, without an Init: {measured:?}",
            expected.memory_mb
        );
        // The virtual clock's timers tick in whole milliseconds, so the work ends on the next one.
        assert!(
            measured.duration.abs_diff(expected.duration) < Duration::from_millis(1),
            "a warm call at {} MB takes its work, no more: {measured:?}, expected {expected:?}",
            expected.memory_mb
        );
    }
}

#[tokio::test(start_paused = true)]
async fn each_size_starts_cold_once_then_is_measured_warm() {
    let (lambda, _choice) = tune(Duration::from_secs(1)).await;
    let usage = lambda.usage(FUNCTION);
    let sizes = CANDIDATES.len() as u64;
    assert_eq!(
        (usage.cold_starts, usage.invocations),
        (sizes, sizes * (1 + WARM_CALLS as u64)),
        "(cold starts, calls): one cold start per size, then {WARM_CALLS} warm calls"
    );
}

#[tokio::test(start_paused = true)]
async fn with_a_one_second_target_the_cheapest_size_that_is_fast_enough_wins() {
    let target = Duration::from_secs(1);
    let (_lambda, choice) = tune(target).await;
    assert_eq!(
        choice.memory_mb,
        cheapest_within(target),
        "not the smallest size that is fast enough, nor the fastest: the cheapest of those \
         that are fast enough\n{choice}"
    );
    assert_eq!(choice.latency_target, target);
}

#[tokio::test(start_paused = true)]
async fn a_tighter_target_needs_more_memory() {
    let (_lambda, relaxed) = tune(Duration::from_secs(1)).await;
    let tight = Duration::from_millis(450);
    let (_lambda, choice) = tune(tight).await;
    assert_eq!(choice.memory_mb, cheapest_within(tight), "{choice}");
    assert!(
        choice.memory_mb > relaxed.memory_mb,
        "{choice}\nneeds more than\n{relaxed}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_function_is_left_at_the_chosen_memory() {
    let (lambda, choice) = tune(Duration::from_secs(1)).await;
    assert_eq!(Some(memory_now(&lambda)), choice.memory_mb, "{choice}");
}

#[tokio::test(start_paused = true)]
async fn a_target_no_size_can_meet_chooses_nothing_and_keeps_the_memory_it_had() {
    let lambda = deployed(9, deploy);
    // Someone set it to 640 MB before: not one of the candidates.
    lambda
        .update_function_configuration(FUNCTION, |c| c.memory_size(640))
        .unwrap();
    // Even with all the CPU one thread can use, the work takes 400 ms.
    let choice = find_cheapest_memory(&lambda, &CANDIDATES, Duration::from_millis(300))
        .await
        .expect("find_cheapest_memory() succeeds");
    assert_eq!(choice.memory_mb, None, "{choice}");
    assert_eq!(
        choice.measurements.len(),
        CANDIDATES.len(),
        "every size was still measured"
    );
    assert_eq!(
        memory_now(&lambda),
        640,
        "no size is better, so the function goes back to the memory it had"
    );
}

#[tokio::test(start_paused = true)]
async fn above_one_vcpu_more_memory_only_costs_more() {
    let (_lambda, choice) = tune(Duration::from_secs(1)).await;
    let at = |mb: u32| {
        *choice
            .measurements
            .iter()
            .find(|m| m.memory_mb == mb)
            .unwrap()
    };
    let (small, one_vcpu_or_so) = (at(256), at(1536));
    assert!(
        one_vcpu_or_so.duration * 5 < small.duration
            && (one_vcpu_or_so.gb_seconds() - small.gb_seconds()).abs() < 0.001,
        "below 1,769 MB: six times the memory, a sixth of the time, about the same cost\n{choice}"
    );
    let (two_gb, three_gb) = (at(2048), at(3008));
    assert!(
        two_gb.duration == three_gb.duration && two_gb.gb_seconds() < three_gb.gb_seconds(),
        "above 1,769 MB: one thread is no faster, and the memory costs more\n{choice}"
    );
}

/// The table of a tuning with a one-second target, readable in `tests/snapshots/`.
#[tokio::test(start_paused = true)]
async fn table_of_a_tuning_with_a_one_second_target() {
    let (_lambda, choice) = tune(Duration::from_secs(1)).await;
    insta::assert_snapshot!(choice.to_string());
}
