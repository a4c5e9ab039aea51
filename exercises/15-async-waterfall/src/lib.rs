//! # Exercise 15 — An asynchronous waterfall: three functions chained by destinations
//!
//! Read first: `book/src/patterns.md` (`cargo xtask book --serve`).
//!
//! A video site lists a channel's videos of one year in three steps, each a function of its
//! own, each passing its result on to the next:
//!
//! | step | function       | receives        | answers                                              |
//! |------|----------------|-----------------|------------------------------------------------------|
//! | 1    | `build-params` | the request     | `{"bucket": "channel-rust-talks", "prefix": "2025/"}` |
//! | 2    | `list-videos`  | step 1's answer | S3's listing of that bucket and prefix               |
//! | 3    | `shape-result` | step 2's answer | `{"bucket", "prefix", "videos": [the video keys]}`   |
//!
//! The request, `{"channel": "rust-talks", "year": 2025}`, goes to step 1.
//!
//! No step calls the next. Lambda does, with **destinations**: the request is sent to step 1
//! asynchronously, and when a step succeeds, its *on-success destination* receives a record of
//! it. Make each step's on-success destination the next step, and the last one's the queue
//! [`RESULTS`](crate::RESULTS). When a step fails (after Lambda's two retries), its *on-failure
//! destination* receives the record instead, and the chain stops there: make it the queue
//! [`FAILURES`](crate::FAILURES) for all three steps.
//!
//! **The catch.** A destination function does not receive the previous step's answer: it
//! receives the **record** of the previous invocation, the same record a queue would get:
//!
//! ```json
//! { "version": "1.0", "timestamp": "…",
//!   "requestContext": { "requestId": "…", "functionArn": "…:function:build-params:$LATEST",
//!                       "condition": "Success", "approximateInvokeCount": 1 },
//!   "requestPayload": { "channel": "rust-talks", "year": 2025 },
//!   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST" },
//!   "responsePayload": { "bucket": "channel-rust-talks", "prefix": "2025/" } }
//! ```
//!
//! The answer is in `responsePayload`.
//!
//! Write:
//!
//! 1. **`previous_result`**: the `responsePayload` of a record. An event without one (someone
//!    invoked the step directly, with the bare parameters) is a function error with the
//!    `errorType` `NotADestinationRecord`.
//! 2. **`list_videos`**, step 2: list the objects of the `bucket` with the `prefix` from step 1's
//!    result, with the given `list_objects_v2(bucket, prefix)`, and answer with the listing as it
//!    is. A bucket that does not exist fails with S3's `NoSuchBucket`: pass that error on.
//! 3. **`shape_result`**, step 3: from step 2's listing (`Name`, `Prefix`, `Contents`), answer
//!    `{"bucket": <Name>, "prefix": <Prefix>, "videos": [<the Key of each .mp4 object, in order>]}`.
//! 4. **`wire_chain`**: three `lambda.put_function_event_invoke_config(function, config)` calls,
//!    one per step, in any order, with an `invoker::EventInvokeConfig::default()` given its
//!    `on_success(arn)` and `on_failure(arn)`. The ARNs are in the [`Chain`](crate::Chain) you
//!    receive.
//!
//! Log what you like with the steps' `ctx.logger()`: the tests leave your own log lines out of
//! the transcripts they compare.
//!
//! The buckets, step 1, and the deployment are in `src/given.rs`: read it, you don't need to
//! change it.
//!
//! Check your work: `cargo xtask verify async-waterfall`.
//! Stuck? `cargo xtask hint async-waterfall` shows the next hint.

mod given;
pub use given::*;

use invoker::{Diagnostic, Lambda, LambdaEvent, ServiceError};
use serde_json::Value;

// ANCHOR: previous_result
/// The result of the step before: the `responsePayload` of the destination record `record`.
pub fn previous_result(record: &Value) -> Result<Value, Diagnostic> {
    // TODO: point 1 above: the previous step's answer, out of the record (see "The catch"), or
    // a `NotADestinationRecord` error for an event that is no such record.
    let _ = record;
    todo!("take the previous step's answer out of its record")
}
// ANCHOR_END: previous_result

// ANCHOR: steps
/// Step 2: lists the bucket and prefix that step 1 chose.
pub async fn list_videos(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let record = event.payload;
    // TODO: point 2 above: list what step 1's answer asks for, with the given
    // `list_objects_v2`.
    let _ = record;
    todo!("list the objects step 1 asked for")
}

/// Step 3: keeps the keys of the videos (`.mp4`) of step 2's listing.
pub async fn shape_result(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let record = event.payload;
    // TODO: `previous_result(&record)?` is the listing; answer with `serde_json::json!`.
    let _ = record;
    todo!("shape the listing into the answer")
}
// ANCHOR_END: steps

// ANCHOR: wire_chain
/// Chains the three steps by their on-success destinations, ending in the results queue; every
/// step's failures go to the failures queue.
pub fn wire_chain(lambda: &Lambda, chain: &Chain) -> Result<(), ServiceError> {
    // TODO: point 4 above: each step's destinations, on success the next step (after the last
    // one, the results queue) and on failure the failures queue. The chapter's "The asynchronous
    // waterfall" draws the chain.
    let _ = (lambda, chain);
    todo!("wire each step to the next")
}
// ANCHOR_END: wire_chain
