//! # Exercise 3 — Right-size the memory: faster can be just as cheap
//!
//! Read first: `book/src/execution-environment.md` (`cargo xtask book --serve`).
//!
//! Lambda has no CPU setting: it gives a function CPU in proportion to its memory, one full vCPU
//! at 1,769 MB. `thumbnails` does single-threaded CPU work that takes 400 ms on one vCPU
//! (`WORK_AT_ONE_VCPU`), so at 128 MB it takes almost 14 times longer: 5.5 s. And since Lambda
//! bills memory × time (GB-seconds), twice the memory for half the time costs about the same.
//! Below 1,769 MB, more memory buys speed at about the same price; above it, one thread gets no
//! faster, and the extra memory is only extra cost.
//!
//! So the right size is found by measuring, as the tool AWS Lambda Power Tuning does. Write two
//! functions:
//!
//! - **`measure(lambda, memory_mb)`**: set `thumbnails` to `memory_mb` with
//!   `lambda.update_function_configuration(FUNCTION, |c| c.memory_size(memory_mb))`. Then call it
//!   once with `invoke_and_report` (in `src/given.rs`) and ignore that call: after a
//!   configuration change the first call starts cold, and its billed time includes the Init.
//!   Then call it `WARM_CALLS` times; the `Measurement` is the slowest of those calls: its
//!   `duration` and its `billed_ms`.
//! - **`find_cheapest_memory(lambda, candidates, latency_target)`**: note the memory the
//!   function has now (`lambda.get_function_configuration(FUNCTION)?.memory_size`), `measure`
//!   each candidate in the order given, then choose:
//!   - only sizes whose `duration` is at most `latency_target` qualify;
//!   - of those, the one with the lowest `gb_seconds()`; of equally cheap ones, the smaller;
//!   - none qualifies: no choice (`None`).
//!
//!   Leave the function at the chosen memory, or, with no choice, at the memory it had before.
//!   Return a `Choice` with the target, every measurement in order, and the chosen size.
//!
//! A `Choice` prints as a table (`println!("{choice}")`): look at the GB-s column to see the
//! rule above in numbers.
//!
//! `invoke_and_report`, the types and the `thumbnails` code are in `src/given.rs`: read it, you
//! don't need to change it.
//!
//! Check your work: `cargo xtask verify right-size-memory`.
//! Stuck? `cargo xtask hint right-size-memory` shows the next hint.

mod given;
pub use given::*;

use invoker::{Lambda, ServiceError};
use std::time::Duration;

// ANCHOR: measure
/// Sets `thumbnails` to `memory_mb` and measures it on warm calls.
pub async fn measure(lambda: &Lambda, memory_mb: u32) -> Result<Measurement, ServiceError> {
    // TODO: update the function's memory to `memory_mb`; call `invoke_and_report(lambda)` once
    // and ignore it (a cold start); then call it WARM_CALLS times and return a `Measurement`
    // with the slowest warm call's `duration` and `billed_ms`.
    let _ = (lambda, memory_mb);
    todo!("measure the function at this memory size, on warm calls")
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
    // TODO: remember the current memory; `measure` every candidate in order; of the measurements
    // with `duration <= latency_target`, pick the lowest `gb_seconds()` (a tie goes to the
    // smaller memory); set the function's memory to that choice, or back to what it was if
    // there is none; return the `Choice`.
    let _ = (lambda, candidates, latency_target);
    todo!("measure every candidate and keep the cheapest that is fast enough")
}
// ANCHOR_END: find_cheapest_memory
