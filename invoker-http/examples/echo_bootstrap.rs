//! A small real Lambda function, written with `lambda_runtime` exactly as for AWS, that the
//! tests run under the invoker through the Runtime API (`tests/runtime_api.rs`).
//!
//! It answers with the event it got, its function's name and the `GREETING` variable; it fails
//! when the event says `"fail": true`, ends its process when it says `"exit": true`, and takes
//! its time when it says `"sleep_ms": N`. With
//! `FAIL_INIT` set, its init fails before it asks for an event.

use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};
use std::time::Duration;

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let (payload, ctx) = event.into_parts();
    tracing::info!(request_id = %ctx.request_id, "echoing");
    if payload["fail"] == true {
        return Err("asked to fail".into());
    }
    if payload["exit"] == true {
        std::process::exit(3);
    }
    if let Some(millis) = payload["sleep_ms"].as_u64() {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
    Ok(json!({
        "got": payload,
        "function": ctx.env_config.function_name,
        "greeting": std::env::var("GREETING").ok(),
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    if std::env::var_os("FAIL_INIT").is_some() {
        return Err("FAIL_INIT is set".into());
    }
    run(service_fn(handler)).await
}
