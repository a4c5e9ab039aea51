//! # Exercise 15 on real AWS: step 3, the function `shape-result`
//!
//! The solution's `shape_result`: keeps the keys of the videos (`.mp4`) of step 2's listing. Its
//! answer goes, in the invocation record, to the results queue, its on-success destination.

use async_waterfall_aws::previous_result;
use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};

async fn shape_result(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let listing = previous_result(&event.payload)?;
    let videos: Vec<&Value> = listing["Contents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|object| &object["Key"])
        .filter(|key| key.as_str().is_some_and(|k| k.ends_with(".mp4")))
        .collect();
    Ok(json!({ "bucket": listing["Name"], "prefix": listing["Prefix"], "videos": videos }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(shape_result)).await
}
