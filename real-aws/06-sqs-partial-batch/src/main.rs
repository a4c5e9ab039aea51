//! # Exercise 6 on real AWS: the function `process-orders`
//!
//! The solution's handler (`solutions/06-sqs-partial-batch/src/lib.rs`) on the real runtime: the
//! same SQS event, the same partial batch response, the same rule (a bad message is reported,
//! never returned as an error). The exercise's warehouse is a stand-in; here `ship` logs the
//! shipment where your code would call the warehouse's API.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde::Deserialize;

/// An order, as the shop sends it: `{"orderId": "o-1", "quantity": 2}`, the exercise's `Order`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    order_id: String,
    quantity: u32,
}

/// Reads an order from a message body. A body that is not an order, or an order of nothing, is
/// an error that sending the message again will not fix.
fn parse_order(body: &str) -> Result<Order, String> {
    let order: Order = serde_json::from_str(body).map_err(|e| format!("not an order: {e}"))?;
    if order.quantity == 0 {
        return Err(format!("order {} has no items", order.order_id));
    }
    Ok(order)
}

/// Ships an order: where your code calls the warehouse.
async fn ship(order: &Order) {
    tracing::info!(order_id = %order.order_id, quantity = order.quantity, "shipped");
}

// ANCHOR: handler
/// The handler: ships each good order of the batch, and reports the message ids of the bad
/// ones, which go back to the queue alone.
async fn process_orders(event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, Error> {
    let mut response = SqsBatchResponse::default();
    for message in event.payload.records {
        let id = message.message_id.unwrap_or_default();
        match parse_order(message.body.as_deref().unwrap_or_default()) {
            Ok(order) => ship(&order).await,
            // Not `?`: one bad order must not send the good ones of its batch round again.
            Err(error) => {
                tracing::warn!(%id, %error, "message failed; it goes back to the queue");
                response.add_failure(id);
            }
        }
    }
    Ok(response)
}
// ANCHOR_END: handler

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(process_orders)).await
}
