//! # Exercise 7 — Charge once, lose nothing: reference solution
//!
//! The exercise, with its instructions, is `exercises/07-async-failure/src/lib.rs`. What the
//! exercise provides (the payments API, the event types, the deployment) is its `src/given.rs`,
//! shared with this crate.

#[path = "../../../exercises/07-async-failure/src/given.rs"]
mod given;
pub use given::*;

use invoker::{Diagnostic, EventInvokeConfig, Lambda, LambdaEvent, ServiceError};

// ANCHOR: charge_order
/// The handler of `charge-order`: charges the order once, however often it runs.
pub async fn charge_order(
    payments: PaymentsApi,
    event: LambdaEvent<OrderEvent>,
) -> Result<Receipt, Diagnostic> {
    let event = event.payload;
    let order = event.detail;
    let request = ChargeRequest {
        customer_id: order.customer_id,
        amount_cents: order.amount_cents,
        // The order id names what must happen once. The request id would survive Lambda's
        // retries but not a second delivery of the event; the event id would survive that but
        // not the shop publishing the same order twice. The order id survives all three.
        idempotency_key: Some(order.order_id.clone()),
        order_id: order.order_id,
    };
    // A failed charge is returned as it is: the function error is what makes Lambda retry.
    payments.charge(request).await
}
// ANCHOR_END: charge_order

// ANCHOR: handle_failures
/// Keeps Lambda's two retries and sends the orders it gives up on to `FAILURE_QUEUE`; returns
/// the queue's ARN.
pub fn handle_failures(lambda: &Lambda) -> Result<String, ServiceError> {
    let queue = lambda.sqs().create_queue(FAILURE_QUEUE);
    let config = EventInvokeConfig::default()
        .maximum_retry_attempts(RETRIES)
        .on_failure(&queue);
    lambda.put_function_event_invoke_config(FUNCTION, config)?;
    Ok(queue)
}
// ANCHOR_END: handle_failures
