//! Provided by the exercise: the names, the video buckets (a stand-in for S3's `ListObjectsV2`),
//! the first step of the chain, and the deployment: the queues, the three functions, and a call
//! to your `wire_chain`. Read it, but you don't need to change it: your part is in `lib.rs`.

use invoker::{service_fn, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::{json, Value};
use std::time::Duration;

use crate::{list_videos, shape_result, wire_chain};

/// Step 1: turns the request into the parameters of a listing.
pub const BUILD_PARAMS: &str = "build-params";
/// Step 2: lists the objects in the bucket.
pub const LIST_VIDEOS: &str = "list-videos";
/// Step 3: shapes the listing into the answer.
pub const SHAPE_RESULT: &str = "shape-result";
/// The queue where each finished video list goes.
pub const RESULTS: &str = "video-lists";
/// The queue where a failed step's record goes.
pub const FAILURES: &str = "video-list-failures";

/// The ARNs of everything in the chain, for [`wire_chain`](crate::wire_chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Step 1's function ARN.
    pub build_params: String,
    /// Step 2's function ARN.
    pub list_videos: String,
    /// Step 3's function ARN.
    pub shape_result: String,
    /// The queue ARN of [`RESULTS`].
    pub results_queue: String,
    /// The queue ARN of [`FAILURES`].
    pub failures_queue: String,
}

/// How long a call to S3 takes.
pub const S3_LATENCY: Duration = Duration::from_millis(40);

/// The video buckets: bucket → (key, size in bytes), in key order, as S3 lists them.
const BUCKETS: &[(&str, &[(&str, u64)])] = &[
    (
        "channel-rust-talks",
        &[
            ("2024/closures.mp4", 48_100_000),
            ("2025/async-rust.mp4", 152_400_000),
            ("2025/ownership.mp4", 98_700_000),
            ("2025/slides.pdf", 2_300_000),
        ],
    ),
    ("channel-kitchen", &[("2025/kimchi.mp4", 75_000_000)]),
];

// ANCHOR: list_objects
/// S3's `ListObjectsV2`: the objects of `bucket` whose keys start with `prefix`, in the shape of
/// S3's answer, `{"Name", "Prefix", "KeyCount", "Contents": [{"Key", "Size"}]}`. A bucket that
/// does not exist is S3's `NoSuchBucket` error.
pub async fn list_objects_v2(bucket: &str, prefix: &str) -> Result<Value, Diagnostic> {
    invoker::sleep(S3_LATENCY).await;
    let (_, objects) = BUCKETS
        .iter()
        .find(|(name, _)| *name == bucket)
        .ok_or_else(|| Diagnostic {
            error_type: "NoSuchBucket".into(),
            error_message: "The specified bucket does not exist".into(),
        })?;
    let contents: Vec<Value> = objects
        .iter()
        .filter(|(key, _)| key.starts_with(prefix))
        .map(|(key, size)| json!({ "Key": key, "Size": size }))
        .collect();
    Ok(json!({
        "Name": bucket,
        "Prefix": prefix,
        "KeyCount": contents.len(),
        "Contents": contents,
    }))
}
// ANCHOR_END: list_objects

// ANCHOR: build_params
/// Step 1, the chain's entry: `{"channel": "rust-talks", "year": 2025}` becomes the parameters
/// of a listing, `{"bucket": "channel-rust-talks", "prefix": "2025/"}`.
pub async fn build_params(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = event.payload;
    let channel = request["channel"].as_str().ok_or_else(|| Diagnostic {
        error_type: "InvalidRequest".into(),
        error_message: "the request has no \"channel\"".into(),
    })?;
    let year = request["year"].as_u64().ok_or_else(|| Diagnostic {
        error_type: "InvalidRequest".into(),
        error_message: "the request has no \"year\"".into(),
    })?;
    Ok(json!({ "bucket": format!("channel-{channel}"), "prefix": format!("{year}/") }))
}
// ANCHOR_END: build_params

/// Deploys the chain: the two queues, the three steps, and your wiring.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let sqs = lambda.sqs();
    let chain = Chain {
        results_queue: sqs.create_queue(RESULTS),
        failures_queue: sqs.create_queue(FAILURES),
        build_params: lambda
            .create_function(FunctionConfig::new(BUILD_PARAMS), service_fn(build_params))?,
        list_videos: lambda
            .create_function(FunctionConfig::new(LIST_VIDEOS), service_fn(list_videos))?,
        shape_result: lambda
            .create_function(FunctionConfig::new(SHAPE_RESULT), service_fn(shape_result))?,
    };
    wire_chain(lambda, &chain)
}
