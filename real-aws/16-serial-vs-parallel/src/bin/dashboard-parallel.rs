//! # Exercise 16 on real AWS: the function `dashboard-parallel`
//!
//! The solution's `dashboard_parallel` (`solutions/16-serial-vs-parallel/src/lib.rs`): the three
//! services are asked at once, so the wait is only as long as the slowest.

use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};
use serial_vs_parallel_aws::{ask, lambda_client, NEWS, TRAFFIC, WEATHER};

// ANCHOR: parallel
/// Asks `weather`, `news` and `traffic` at the same time, and waits for all three.
async fn dashboard_parallel(
    lambda: &aws_sdk_lambda::Client,
    event: LambdaEvent<Value>,
) -> Result<Value, Diagnostic> {
    let request = event.payload;
    // `join!` polls the three futures together: three invocations in flight at once.
    let (weather, news, traffic) = tokio::join!(
        ask(lambda, WEATHER, &request),
        ask(lambda, NEWS, &request),
        ask(lambda, TRAFFIC, &request),
    );
    Ok(json!({ "weather": weather?, "news": news?, "traffic": traffic? }))
}
// ANCHOR_END: parallel

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let lambda = lambda_client().await; // Init: once per environment
    run(service_fn(|event| dashboard_parallel(&lambda, event))).await
}
