//! # Exercise 16 — Serial or parallel: reference solution
//!
//! The exercise, with its instructions, is `exercises/16-serial-vs-parallel/src/lib.rs`. What the
//! exercise provides (the three services, `ask`, deploy) is its `src/given.rs`, shared with this
//! crate.

#[path = "../../../exercises/16-serial-vs-parallel/src/given.rs"]
mod given;
pub use given::*;

use invoker::{Diagnostic, LambdaClient};
use serde_json::{json, Value};

// ANCHOR: serial
/// Asks `weather`, then `news`, then `traffic`, each after the one before has answered.
pub async fn dashboard_serial(lambda: &LambdaClient, request: Value) -> Result<Value, Diagnostic> {
    // Each `.await` waits for an answer before the next call is made, so the times add up:
    // 300 + 500 + 200 ms. The `?` stops at the first failure, and the later calls never happen.
    let weather = ask(lambda, WEATHER, &request).await?;
    let news = ask(lambda, NEWS, &request).await?;
    let traffic = ask(lambda, TRAFFIC, &request).await?;
    Ok(json!({ "weather": weather, "news": news, "traffic": traffic }))
}
// ANCHOR_END: serial

// ANCHOR: parallel
/// Asks `weather`, `news` and `traffic` at the same time, and waits for all three.
pub async fn dashboard_parallel(
    lambda: &LambdaClient,
    request: Value,
) -> Result<Value, Diagnostic> {
    // A future does nothing until it is polled. `join!` polls all three together, so the three
    // invocations are in flight at once and the wait is only as long as the slowest, 500 ms.
    let (weather, news, traffic) = tokio::join!(
        ask(lambda, WEATHER, &request),
        ask(lambda, NEWS, &request),
        ask(lambda, TRAFFIC, &request),
    );
    // All three have finished, whatever happened; only now are the failures looked at.
    Ok(json!({ "weather": weather?, "news": news?, "traffic": traffic? }))
}
// ANCHOR_END: parallel
