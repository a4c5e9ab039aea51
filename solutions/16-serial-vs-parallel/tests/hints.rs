//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{Diagnostic, LambdaClient};
use serde_json::{json, Value};
use serial_vs_parallel::*;

/// Hint 2: the serial dashboard.
pub async fn dashboard_serial(lambda: &LambdaClient, request: Value) -> Result<Value, Diagnostic> {
    let weather = ask(lambda, WEATHER, &request).await?;
    let news = ask(lambda, NEWS, &request).await?;
    let traffic = ask(lambda, TRAFFIC, &request).await?;
    Ok(json!({ "weather": weather, "news": news, "traffic": traffic }))
}

/// Hints 2 and 3: the parallel dashboard.
pub async fn dashboard_parallel(
    lambda: &LambdaClient,
    request: Value,
) -> Result<Value, Diagnostic> {
    let (weather, news, traffic) = tokio::join!(
        ask(lambda, WEATHER, &request),
        ask(lambda, NEWS, &request),
        ask(lambda, TRAFFIC, &request)
    );
    Ok(json!({ "weather": weather?, "news": news?, "traffic": traffic? }))
}
