//! # Exercise 6 — Fail only the bad messages of a batch
//!
//! Read first: `book/src/event-models.md` (`cargo xtask book --serve`).
//!
//! The shop sends orders to the SQS queue `orders`; the `process-orders` function ships them. An
//! event source mapping *pulls* them for the function: Lambda receives up to 10 messages, invokes
//! the function with all of them in one `SqsEvent`, and when the function returns `Ok`, deletes
//! the batch. Some orders are bad (not an order at all, or an order of nothing): `parse_order`
//! refuses them, and sending them again will not fix them.
//!
//! What should a batch with one bad order do? If the function fails the batch (returns `Err`),
//! **every** message of it comes back after the queue's visibility timeout, the good ones too:
//! they are shipped again, and the customer gets two parcels, then three. And after
//! [`MAX_RECEIVES`] receives the queue's redrive policy moves them all, good and bad, to the
//! dead-letter queue. Fail only the bad ones instead:
//!
//! 1. **`mapping`**: the event source mapping from the queue to [`FUNCTION`], with
//!    `ReportBatchItemFailures` turned on (`.report_batch_item_failures(true)`). Without it, Lambda
//!    ignores what the function reports and deletes the whole batch: the bad orders would be lost
//!    instead of reaching the dead-letter queue.
//! 2. **`process_orders`**, the handler: for each record, parse its body with [`parse_order`]
//!    and ship the order with `warehouse.ship(&order).await`. For a record that does not parse,
//!    add its **message id** (`record.message_id`) to the response's failures
//!    (`response.add_failure(id)`), log why, and go on with the next record. Return `Ok` with the
//!    response: `{"batchItemFailures": [{"itemIdentifier": "<messageId>"}, …]}`.
//!
//! Lambda then deletes every message except the reported ones. Those come back after the
//! visibility timeout, fail again, and after [`MAX_RECEIVES`] receives the queue moves them to
//! `orders-dlq`. The id must be the message id: an id that is not one of the batch (an order id,
//! a receipt handle) makes Lambda treat the whole batch as failed.
//!
//! The order type, the warehouse and the deployment are in `src/given.rs`: read it, you don't
//! need to change it.
//!
//! Check your work: `cargo xtask verify sqs-partial-batch`.
//! Stuck? `cargo xtask hint sqs-partial-batch` shows the next hint.

mod given;
pub use given::*;

use invoker::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use invoker::{Diagnostic, EventSourceMapping, LambdaEvent};

// ANCHOR: mapping
/// The event source mapping from the `orders` queue to `process-orders`.
pub fn mapping(queue_arn: &str) -> EventSourceMapping {
    // TODO: the mapping of point 1 above, from the queue to FUNCTION, with which Lambda reads
    // the failures the function reports.
    let _ = queue_arn;
    todo!("map the queue to the function, reporting batch item failures")
}
// ANCHOR_END: mapping

// ANCHOR: process_orders
/// The handler of `process-orders`: ships each good order of the batch, and reports the message
/// ids of the bad ones.
pub async fn process_orders(
    warehouse: Warehouse,
    event: LambdaEvent<SqsEvent>,
) -> Result<SqsBatchResponse, Diagnostic> {
    let (event, ctx) = event.into_parts();
    // TODO: ship each order that parses and report each message that does not, as point 2
    // above says; `SqsBatchResponse` is the report. A bad order must not fail the batch: the
    // chapter's "Pull: event source mappings" says what becomes of a failed batch.
    let _ = (warehouse, event, ctx);
    todo!("ship the good orders, report the bad messages")
}
// ANCHOR_END: process_orders
