//! # Exercise 8 — A poison pill in a Kinesis stream: reference solution
//!
//! The exercise, with its instructions, is `exercises/08-kinesis-poison/src/lib.rs`. What the
//! exercise provides (the stream and its orders, `record-orders`, the ledger, deploy) is its
//! `src/given.rs`, shared with this crate.

#[path = "../../../exercises/08-kinesis-poison/src/given.rs"]
mod given;
pub use given::*;

use invoker::{EventSourceMapping, Lambda, ServiceError, StartingPosition};

// ANCHOR: configure_mapping
/// Maps the `orders` stream to `record-orders` so that a broken record is set aside, alone, in
/// the `failed-orders` queue, and every other order is recorded in order. Returns the mapping's
/// UUID.
pub fn configure_mapping(
    lambda: &Lambda,
    stream_arn: &str,
    queue_arn: &str,
) -> Result<String, ServiceError> {
    let mapping = EventSourceMapping::new(stream_arn, FUNCTION)
        // The orders are already in the stream: start from the oldest record it keeps.
        .starting_position(StartingPosition::TrimHorizon)
        // Split a failing batch in halves, and the failing half again, until the broken record
        // is alone: its neighbours are recorded, and splitting costs no retries.
        .bisect_batch_on_function_error(true)
        // Then give the broken record a couple of second chances, not a day of them…
        .maximum_retry_attempts(MAX_RETRIES)
        // …and set it aside where the team will see it. Without a destination it would be
        // skipped silently.
        .on_failure(queue_arn);
    lambda.create_event_source_mapping(mapping)
}
// ANCHOR_END: configure_mapping
