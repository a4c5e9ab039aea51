//! # Exercise 8 — A poison pill in a Kinesis stream
//!
//! Read first: `book/src/errors-and-retries.md` (`cargo xtask book --serve`).
//!
//! The shop's checkouts write every order to the Kinesis stream `orders` (4 shards; the customer
//! is the partition key, so each customer's orders are in one shard, in order). The function
//! `record-orders` reads them and records them in the ledger. The stream already holds three
//! orders from each of four customers, and one broken record: a checkout crashed half-way through
//! writing one of ada's orders. The function cannot parse it, so every batch that holds it fails.
//!
//! Write **`configure_mapping`**: create the event source mapping from the stream to
//! `record-orders` with `lambda.create_event_source_mapping(EventSourceMapping::new(stream_arn,
//! FUNCTION)…)`, and return its UUID. With Lambda's defaults, the broken record is retried until
//! it expires, a day later, and ada's later orders wait behind it all that time. Choose settings
//! so that:
//!
//! 1. the orders already in the stream are read, not only new ones (a stream mapping must say
//!    where it starts);
//! 2. Lambda retries a failing batch `MAX_RETRIES` times, then gives up: a failure can be a
//!    passing glitch, worth a second try, but not a day of them;
//! 3. the broken record ends up in the `failed-orders` queue (`queue_arn`), so the team can look
//!    at it, and **alone**: ada's good orders around it must not be given up with it; they are
//!    recorded, in order, like everyone else's;
//! 4. everything else stays as Lambda has it by default (the batch size, one batch at a time per
//!    shard): shards without a broken record are recorded in one batch each.
//!
//! Every setting is a method of `EventSourceMapping`. The queue receives a description of the
//! batch Lambda gave up on (its shard and sequence numbers), not the records themselves: the
//! tests read it to check that the batch holds the broken record and nothing else.
//!
//! The stream, the function, the ledger and the deployment are in `src/given.rs`: read it, you
//! don't need to change it.
//!
//! Check your work: `cargo xtask verify kinesis-poison`.
//! Stuck? `cargo xtask hint kinesis-poison` shows the next hint.

mod given;
pub use given::*;

use invoker::{Lambda, ServiceError};

// ANCHOR: configure_mapping
/// Maps the `orders` stream to `record-orders` so that a broken record is set aside, alone, in
/// the `failed-orders` queue, and every other order is recorded in order. Returns the mapping's
/// UUID.
pub fn configure_mapping(
    lambda: &Lambda,
    stream_arn: &str,
    queue_arn: &str,
) -> Result<String, ServiceError> {
    // TODO: `lambda.create_event_source_mapping(EventSourceMapping::new(stream_arn, FUNCTION)
    // .starting_position(…) …)`. Which settings split a failing batch until the broken record is
    // alone, stop retrying it after MAX_RETRIES, and send it to `queue_arn`?
    let _ = (lambda, stream_arn, queue_arn);
    todo!("map the stream to the function, so that a broken record cannot block its shard")
}
// ANCHOR_END: configure_mapping
