//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use async_failure::*;
use invoker::{Diagnostic, EventInvokeConfig, Lambda, LambdaEvent, ServiceError};

/// Hint 3: the handler.
#[rustfmt::skip]
pub async fn charge_order(payments: PaymentsApi, event: LambdaEvent<OrderEvent>) -> Result<Receipt, Diagnostic> {
    let event = event.payload;
    let order = event.detail; payments.charge(ChargeRequest { customer_id: order.customer_id, amount_cents: order.amount_cents, idempotency_key: Some(order.order_id.clone()), order_id: order.order_id }).await
}

/// Hints 2 and 3: `handle_failures`.
pub fn handle_failures(lambda: &Lambda) -> Result<String, ServiceError> {
    let queue = lambda.sqs().create_queue(FAILURE_QUEUE);
    let config = EventInvokeConfig::default()
        .maximum_retry_attempts(RETRIES)
        .on_failure(&queue);
    lambda.put_function_event_invoke_config(FUNCTION, config)?;
    Ok(queue)
}
