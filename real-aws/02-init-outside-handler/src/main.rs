//! # Exercise 2 on real AWS: the function `customers`
//!
//! The solution (`solutions/02-init-outside-handler/src/lib.rs`) on the real runtime. The
//! exercise's database is a stand-in whose connection takes 300 ms to open; here the customers
//! are in a DynamoDB table (named by `TABLE_NAME`, its key `customerId`), and what is opened
//! once per environment is the SDK's client: its configuration, credentials and pool of HTTPS
//! connections. Init is `main` before `run`; the handler borrows what Init made.

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde::Deserialize;
use serde_json::{json, Value};

/// A request to the function: `{"customerId": "c-42"}`, the exercise's `Request`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    customer_id: String,
}

/// What every request of an environment shares: made once, at Init.
struct Customers {
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
}

// ANCHOR: handler
/// The handler: looks the customer up with the client of the environment that serves it. An
/// unknown id is a `CustomerNotFound` error, as in the exercise.
async fn find_customer(
    event: LambdaEvent<Request>,
    customers: &Customers,
) -> Result<Value, Diagnostic> {
    let id = event.payload.customer_id;
    let found = customers
        .dynamodb
        .get_item()
        .table_name(&customers.table)
        .key("customerId", AttributeValue::S(id.clone()))
        .send()
        .await
        .map_err(|e| Diagnostic {
            error_type: "DatabaseError".into(),
            // The SDK's `Display` says only "service error"; its `DisplayErrorContext` says
            // which error, and why.
            error_message: aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string(),
        })?;
    let name = found.item().and_then(|item| item.get("name")?.as_s().ok());
    match name {
        Some(name) => Ok(json!({ "customerId": id, "name": name })),
        None => Err(Diagnostic {
            error_type: "CustomerNotFound".into(),
            error_message: format!("no customer {id}"),
        }),
    }
}
// ANCHOR_END: handler

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // Init: once per execution environment. The client is made here, not in the handler, so
    // every request the environment serves reuses it and its open connections.
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let customers = Customers {
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        table: std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set")?,
    };
    run(service_fn(|event| find_customer(event, &customers))).await
}
// ANCHOR_END: main
