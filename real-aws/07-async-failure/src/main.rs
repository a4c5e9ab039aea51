//! # Exercise 7 on real AWS: the function `charge-order`
//!
//! The solution's `charge_order` (`solutions/07-async-failure/src/lib.rs`): it charges an order
//! once, however often it runs, because the order id names what must happen once. The exercise
//! sends the order id as the payments API's `Idempotency-Key` (as Stripe's API accepts one); with
//! a real payments API, do exactly that. Here, so that the crate needs no payments account, the
//! charges are recorded in a DynamoDB table (`CHARGES_TABLE`, key `orderId`) with a conditional
//! write: the first delivery of an order charges, and any later one replays the first receipt.
//!
//! The solution's other part, two retries and an on-failure queue, is configuration on AWS
//! (`put-function-event-invoke-config`, or `EventInvokeConfig` in SAM), as the chapter shows.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde::{Deserialize, Serialize};

/// The `detail` of the shop's `OrderPlaced` event: what to charge, and to whom.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderPlaced {
    order_id: String,
    customer_id: String,
    amount_cents: u64,
}

/// The answer: the charge that was made, or replayed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Receipt {
    charge_id: String,
    order_id: String,
    amount_cents: u64,
    /// Whether this answer repeats an earlier charge of the same order.
    replayed: bool,
}

/// The charges table and its client, made at Init.
struct Payments {
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
}

async fn charge_order(
    payments: &Payments,
    event: LambdaEvent<EventBridgeEvent<OrderPlaced>>,
) -> Result<Receipt, Error> {
    let order = event.payload.detail;
    // The idempotency key is the order id: the request id would survive Lambda's retries but
    // not a second delivery of the event; the order id survives both, and a second publish.
    let charge_id = format!("ch_{}", order.order_id);
    let put = payments
        .dynamodb
        .put_item()
        .table_name(&payments.table)
        .item("orderId", AttributeValue::S(order.order_id.clone()))
        .item("customerId", AttributeValue::S(order.customer_id.clone()))
        .item(
            "amountCents",
            AttributeValue::N(order.amount_cents.to_string()),
        )
        .condition_expression("attribute_not_exists(orderId)")
        .send()
        .await;
    let replayed = match put {
        Ok(_) => false,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            true
        }
        // Any other failure is returned as it is: the function error is what makes Lambda retry.
        Err(e) => return Err(e.into()),
    };
    tracing::info!(order_id = %order.order_id, replayed, "charged");
    Ok(Receipt {
        charge_id,
        order_id: order.order_id,
        amount_cents: order.amount_cents,
        replayed,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let payments = Payments {
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        table: std::env::var("CHARGES_TABLE").map_err(|_| "CHARGES_TABLE is not set")?,
    };
    run(service_fn(|event| charge_order(&payments, event))).await
}
