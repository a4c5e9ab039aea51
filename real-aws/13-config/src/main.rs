//! # Exercise 13 on real AWS: the function `orders`
//!
//! The solution's handler (`solutions/13-config/src/lib.rs`) on the real runtime. The invoker
//! runs many functions in one process, so the exercise reads each environment's variables from
//! the context (`ctx.env`); on AWS the process *is* the environment, so the variables are read
//! with `std::env::var`, once, in `main`, before `run`. A missing or misspelt setting then fails
//! the cold start, and the handler never has to check again.

use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde::Deserialize;
use serde_json::{json, Value};

/// An order as the shop sends it: `{"orderId": "A-1"}`, the exercise's `Order`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    order_id: String,
}

// ANCHOR: config
/// The function's settings, read once per execution environment.
struct Config {
    /// `TABLE_NAME`: the table orders go to.
    table: String,
    /// `BUCKET_NAME` when `FEATURE_RECEIPTS` is `on`: where receipts go, if anywhere.
    receipt_bucket: Option<String>,
}

impl Config {
    fn from_env() -> Result<Self, Error> {
        let table = required("TABLE_NAME")?;
        let bucket = required("BUCKET_NAME")?;
        // Variables are strings. Parse a flag strictly: a typo ("On", "yes") fails the cold
        // start, instead of quietly switching the feature off.
        let receipt_bucket = match required("FEATURE_RECEIPTS")?.as_str() {
            "on" => Some(bucket),
            "off" => None,
            other => {
                return Err(
                    format!("FEATURE_RECEIPTS must be \"on\" or \"off\", not \"{other}\"").into(),
                )
            }
        };
        Ok(Self {
            table,
            receipt_bucket,
        })
    }
}

/// A variable that must be set, or an error that names it.
fn required(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}
// ANCHOR_END: config

// ANCHOR: handler
/// The handler: stores `order` where the configuration says, and answers where that was.
async fn store_order(event: LambdaEvent<Order>, config: &Config) -> Result<Value, Error> {
    let order = event.payload;
    Ok(json!({
        "orderId": order.order_id,
        "table": config.table,
        "receiptBucket": config.receipt_bucket,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = Config::from_env()?; // Init: once per environment
    run(service_fn(|event| store_order(event, &config))).await
}
// ANCHOR_END: handler
