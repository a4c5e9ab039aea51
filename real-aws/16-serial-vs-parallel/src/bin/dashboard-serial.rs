//! # Exercise 16 on real AWS: the function `dashboard-serial`
//!
//! The solution's `dashboard_serial` (`solutions/16-serial-vs-parallel/src/lib.rs`): each
//! service is asked after the one before has answered, so the waits add up.

use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};
use serial_vs_parallel_aws::{ask, lambda_client, NEWS, TRAFFIC, WEATHER};

/// Asks `weather`, then `news`, then `traffic`; the `?` stops at the first failure.
async fn dashboard_serial(
    lambda: &aws_sdk_lambda::Client,
    event: LambdaEvent<Value>,
) -> Result<Value, Diagnostic> {
    let request = event.payload;
    let weather = ask(lambda, WEATHER, &request).await?;
    let news = ask(lambda, NEWS, &request).await?;
    let traffic = ask(lambda, TRAFFIC, &request).await?;
    Ok(json!({ "weather": weather, "news": news, "traffic": traffic }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let lambda = lambda_client().await; // Init: once per environment
    run(service_fn(|event| dashboard_serial(&lambda, event))).await
}
