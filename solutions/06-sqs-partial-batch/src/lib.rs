//! # Exercise 6 — Fail only the bad messages of a batch: reference solution
//!
//! The exercise, with its instructions, is `exercises/06-sqs-partial-batch/src/lib.rs`. What the
//! exercise provides (names, orders, the warehouse, deploy) is its `src/given.rs`, shared with
//! this crate.

#[path = "../../../exercises/06-sqs-partial-batch/src/given.rs"]
mod given;
pub use given::*;

use invoker::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use invoker::{Diagnostic, EventSourceMapping, LambdaEvent};

// ANCHOR: mapping
/// The event source mapping from the `orders` queue to `process-orders`.
pub fn mapping(queue_arn: &str) -> EventSourceMapping {
    // Without ReportBatchItemFailures, Lambda ignores the failures the function reports and
    // deletes the whole batch after an `Ok`.
    EventSourceMapping::new(queue_arn, FUNCTION).report_batch_item_failures(true)
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
    let mut response = SqsBatchResponse::default();
    for record in event.records {
        let message_id = record.message_id.unwrap_or_default();
        match parse_order(record.body.as_deref().unwrap_or_default()) {
            Ok(order) => warehouse.ship(&order).await,
            // Not `?`: one bad order must not send the good ones of its batch round again.
            Err(error) => {
                ctx.logger().warn(format!("message {message_id}: {error}"));
                response.add_failure(message_id);
            }
        }
    }
    Ok(response)
}
// ANCHOR_END: process_orders
