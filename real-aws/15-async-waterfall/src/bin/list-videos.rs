//! # Exercise 15 on real AWS: step 2, the function `list-videos`
//!
//! The solution's `list_videos`, with S3's real `ListObjectsV2` where the exercise has a
//! stand-in, answering in the shape of S3's answer (`Name`, `Prefix`, `KeyCount`, `Contents`),
//! which step 3 reads. An error here (`NoSuchBucket`) fails the step: Lambda retries it, then
//! sends the record to the on-failure destination, and step 3 never runs.

use async_waterfall_aws::previous_result;
use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};

async fn list_videos(
    s3: &aws_sdk_s3::Client,
    event: LambdaEvent<Value>,
) -> Result<Value, Diagnostic> {
    let params = previous_result(&event.payload)?;
    let bucket = params["bucket"].as_str().unwrap_or_default();
    let prefix = params["prefix"].as_str().unwrap_or_default();
    let listing = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .send()
        .await
        // The SDK's `DisplayErrorContext` names S3's error (`NoSuchBucket: …`).
        .map_err(|e| aws_sdk_s3::error::DisplayErrorContext(e).to_string())?;
    let contents: Vec<Value> = listing
        .contents()
        .iter()
        .map(|object| json!({ "Key": object.key(), "Size": object.size() }))
        .collect();
    Ok(json!({
        "Name": bucket,
        "Prefix": prefix,
        "KeyCount": contents.len(),
        "Contents": contents,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let s3 = aws_sdk_s3::Client::new(&aws);
    run(service_fn(|event| list_videos(&s3, event))).await
}
