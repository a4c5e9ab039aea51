//! # Exercise 9 on real AWS: the function `orders`
//!
//! The exercise's `orders` (`exercises/09-protect-the-database/src/given.rs`): one database
//! client per execution environment, made at Init (exercise 2), used by every request of that
//! environment. Here the orders go to a DynamoDB table (`TABLE_NAME`, key `orderId`). With a
//! relational database, the client made in `main` is a connection, and the database's
//! connection limit is what the solution protects: the reserved concurrency that caps the
//! environments, and so the connections, is configuration on AWS (`put-function-concurrency`, or
//! `ReservedConcurrentExecutions` in SAM). The solution's backoff is the callers' part: an AWS
//! SDK's standard retry mode already retries a throttled `Invoke` (`TooManyRequestsException`)
//! with exponential backoff and jitter, three attempts by default.

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};

/// The table and its client, made at Init.
struct Database {
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
}

async fn save_order(db: &Database, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let order = event.payload;
    let order_id = order["orderId"]
        .as_str()
        .ok_or("the order has no orderId")?;
    db.dynamodb
        .put_item()
        .table_name(&db.table)
        .item("orderId", AttributeValue::S(order_id.to_owned()))
        .item("order", AttributeValue::S(order.to_string()))
        .send()
        .await?;
    Ok(json!({ "saved": order_id }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let db = Database {
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        table: std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set")?,
    };
    run(service_fn(|event| save_order(&db, event))).await
}
