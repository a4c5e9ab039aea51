//! # Exercise 15 on real AWS: step 1, the function `build-params`
//!
//! The exercise's `build_params`: `{"channel": "rust-talks", "year": 2025}` becomes the
//! parameters of a listing, `{"bucket": "channel-rust-talks", "prefix": "2025/"}`. Its answer
//! goes on, in the invocation record, to its on-success destination, `list-videos`.

use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};

/// A field of the request that must be there, or an `InvalidRequest` error that names it.
fn invalid(field: &str) -> Diagnostic {
    Diagnostic {
        error_type: "InvalidRequest".into(),
        error_message: format!("the request has no \"{field}\""),
    }
}

async fn build_params(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = event.payload;
    let channel = request["channel"]
        .as_str()
        .ok_or_else(|| invalid("channel"))?;
    let year = request["year"].as_u64().ok_or_else(|| invalid("year"))?;
    Ok(json!({ "bucket": format!("channel-{channel}"), "prefix": format!("{year}/") }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(build_params)).await
}
