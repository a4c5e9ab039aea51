//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use invoker::{Diagnostic, EventSourceMapping, LambdaEvent};
use sqs_partial_batch::*;

/// Hint 2: `mapping`.
pub fn mapping(queue_arn: &str) -> EventSourceMapping {
    EventSourceMapping::new(queue_arn, FUNCTION).report_batch_item_failures(true)
}

/// Hint 3: the handler.
#[rustfmt::skip]
pub async fn process_orders(warehouse: Warehouse, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let mut response = SqsBatchResponse::default(); for record in event.records { let id = record.message_id.unwrap_or_default(); match parse_order(record.body.as_deref().unwrap_or_default()) { Ok(order) => warehouse.ship(&order).await, Err(error) => { ctx.logger().warn(format!("{id}: {error}")); response.add_failure(id); } } } Ok(response)
}
