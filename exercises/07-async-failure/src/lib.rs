//! # Exercise 7 — Charge once, lose nothing: retries, idempotency and an on-failure destination
//!
//! Read first: `book/src/errors-and-retries.md` (`cargo xtask book --serve`).
//!
//! When a customer places an order, the shop publishes an `OrderPlaced` event to EventBridge,
//! and a rule sends it to the function `charge-order`, **asynchronously**: Lambda answers the
//! rule with 202 at once, queues the event, and runs the function later. The function charges
//! the customer's card through the payments API (`PaymentsApi` in `src/given.rs`).
//!
//! Nobody waits for the answer, so Lambda itself deals with failures: when the function fails,
//! Lambda runs it again with the **same event**, about 1 minute later and then about 2 minutes
//! after that. Two things follow, and you handle both.
//!
//! 1. **`charge_order`**, the handler: charge the order's customer the order's amount with
//!    `payments.charge(ChargeRequest { .. }).await`, and answer with the `Receipt` it returns.
//!    If the charge fails, return its error unchanged (`?`): the error is what tells Lambda to
//!    retry.
//!
//!    The catch: a retry may come after a charge that **did** happen. The payments API
//!    sometimes charges the card and then answers too late, after the function has timed out.
//!    Lambda sees a failure and retries, and a careless retry charges the customer twice.
//!    Worse, EventBridge delivers each event *at least once*, and the shop itself may publish
//!    an order twice: the same order can reach the function in different events, each with
//!    its own event id, and in different invocations, each with its own request id.
//!
//!    The payments API has the cure: a `ChargeRequest` with an `idempotency_key` makes a charge
//!    the first time, and every later request with the same key gets the first receipt back
//!    (`replayed: true`) and charges nothing. Your job is to choose the key, so that **one
//!    order is charged once**, however many times and in however many events it arrives, while
//!    two different orders, even of the same customer, are two charges.
//!
//! 2. **`handle_failures`**: when all the attempts fail (the payments API is down for longer
//!    than the retries last), Lambda gives up on the event, and without a destination it is
//!    **discarded**: an order nobody paid for, and nobody knows. Create the SQS queue
//!    `FAILURE_QUEUE` with `lambda.sqs().create_queue(..)`, then configure the function's
//!    asynchronous invocation with `lambda.put_function_event_invoke_config(FUNCTION, config)`:
//!    keep `RETRIES` (2) retries and send the events Lambda gives up on to the queue, with
//!    `EventInvokeConfig::default().maximum_retry_attempts(..).on_failure(&queue_arn)`. Leave the
//!    maximum event age at its default. Return the queue's ARN.
//!
//!    Lambda then puts an *invocation record* in the queue for every failed order: the event,
//!    the condition (`RetriesExhausted`), how many attempts were made, and the last error.
//!
//! Turning the retries off (`maximum_retry_attempts(0)`) does not fix double charges: a charge
//! whose answer was lost is then never confirmed, and an order that a retry would have saved
//! goes to the queue instead. Idempotency is the fix; retries stay.
//!
//! The payments API, the event types, the deployment and how the shop publishes an order are in
//! `src/given.rs`: read it, you don't need to change it.
//!
//! Check your work: `cargo xtask verify async-failure`.
//! Stuck? `cargo xtask hint async-failure` shows the next hint.

mod given;
pub use given::*;

use invoker::{Diagnostic, Lambda, LambdaEvent, ServiceError};

// ANCHOR: charge_order
/// The handler of `charge-order`: charges the order once, however often it runs.
pub async fn charge_order(
    payments: PaymentsApi,
    event: LambdaEvent<OrderEvent>,
) -> Result<Receipt, Diagnostic> {
    let event = event.payload;
    // TODO: charge `event.detail` (an `OrderPlaced`) with `payments.charge(ChargeRequest { .. })
    // .await?` and return the receipt. Choose the `idempotency_key` so that the same order is
    // never charged twice: what in the event names the order, and stays the same in a retry,
    // in a second delivery of the event, and in a second event about the same order?
    let _ = (payments, event);
    todo!("charge the order with an idempotency key")
}
// ANCHOR_END: charge_order

// ANCHOR: handle_failures
/// Keeps Lambda's two retries and sends the orders it gives up on to `FAILURE_QUEUE`; returns
/// the queue's ARN.
pub fn handle_failures(lambda: &Lambda) -> Result<String, ServiceError> {
    // TODO: the queue, and the function's asynchronous invocation configured as point 2 above
    // says: RETRIES retries kept, and the events Lambda gives up on sent to the queue. The
    // chapter's "Asynchronous invocation: retries, age, destinations" has the settings.
    let _ = lambda;
    todo!("configure the retries and the on-failure destination")
}
// ANCHOR_END: handle_failures
