//! # Exercise 15 — An asynchronous waterfall: reference solution
//!
//! The exercise, with its instructions, is `exercises/15-async-waterfall/src/lib.rs`. What the
//! exercise provides (the buckets, step 1, deploy) is its `src/given.rs`, shared with this crate.

#[path = "../../../exercises/15-async-waterfall/src/given.rs"]
mod given;
pub use given::*;

use invoker::{Diagnostic, EventInvokeConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::{json, Value};

// ANCHOR: previous_result
/// The result of the step before: the `responsePayload` of the destination record `record`.
pub fn previous_result(record: &Value) -> Result<Value, Diagnostic> {
    // A destination function receives the whole invocation record, never the bare answer.
    // Refusing anything else makes a step invoked by hand fail clearly, not list nonsense.
    record
        .get("responsePayload")
        .cloned()
        .ok_or_else(|| Diagnostic {
            error_type: "NotADestinationRecord".into(),
            error_message:
                "expected the destination record of the step before, with its responsePayload"
                    .into(),
        })
}
// ANCHOR_END: previous_result

// ANCHOR: steps
/// Step 2: lists the bucket and prefix that step 1 chose.
pub async fn list_videos(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let record = event.payload;
    let params = previous_result(&record)?;
    let bucket = params["bucket"].as_str().unwrap_or_default();
    let prefix = params["prefix"].as_str().unwrap_or_default();
    // An error here (NoSuchBucket) fails this step: Lambda retries it, then sends the record to
    // the on-failure destination, and step 3 never runs.
    list_objects_v2(bucket, prefix).await
}

/// Step 3: keeps the keys of the videos (`.mp4`) of step 2's listing.
pub async fn shape_result(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let record = event.payload;
    let listing = previous_result(&record)?;
    let videos: Vec<&Value> = listing["Contents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|object| &object["Key"])
        .filter(|key| key.as_str().is_some_and(|k| k.ends_with(".mp4")))
        .collect();
    Ok(json!({ "bucket": listing["Name"], "prefix": listing["Prefix"], "videos": videos }))
}
// ANCHOR_END: steps

// ANCHOR: wire_chain
/// Chains the three steps by their on-success destinations, ending in the results queue; every
/// step's failures go to the failures queue.
pub fn wire_chain(lambda: &Lambda, chain: &Chain) -> Result<(), ServiceError> {
    // Each step, and where its success goes. The chain lives in configuration, not in code: no
    // step knows the next, and a step can be reused or moved without a change to its code.
    let steps = [
        (&chain.build_params, &chain.list_videos),
        (&chain.list_videos, &chain.shape_result),
        (&chain.shape_result, &chain.results_queue),
    ];
    for (step, next) in steps {
        let config = EventInvokeConfig::default()
            .on_success(next)
            .on_failure(&chain.failures_queue);
        lambda.put_function_event_invoke_config(step, config)?;
    }
    Ok(())
}
// ANCHOR_END: wire_chain
