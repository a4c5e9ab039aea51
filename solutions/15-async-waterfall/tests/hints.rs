//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use async_waterfall::*;
use invoker::{Diagnostic, EventInvokeConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::{json, Value};

/// Hint 2: `previous_result`.
pub fn previous_result(record: &Value) -> Result<Value, Diagnostic> {
    record
        .get("responsePayload")
        .cloned()
        .ok_or_else(|| Diagnostic {
            error_type: "NotADestinationRecord".into(),
            error_message: "no responsePayload".into(),
        })
}

/// Hint 2: step 2.
pub async fn list_videos(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let record = event.payload;
    let params = previous_result(&record)?;
    let bucket = params["bucket"].as_str().unwrap_or_default();
    let prefix = params["prefix"].as_str().unwrap_or_default();
    list_objects_v2(bucket, prefix).await
}

/// Hint 2: step 3.
pub async fn shape_result(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let record = event.payload;
    let listing = previous_result(&record)?;
    let mut videos = Vec::new();
    for object in listing["Contents"].as_array().into_iter().flatten() {
        if object["Key"]
            .as_str()
            .is_some_and(|key| key.ends_with(".mp4"))
        {
            videos.push(&object["Key"]);
        }
    }
    Ok(json!({ "bucket": listing["Name"], "prefix": listing["Prefix"], "videos": videos }))
}

/// Hint 3: `wire_chain`.
#[rustfmt::skip]
pub fn wire_chain(lambda: &Lambda, chain: &Chain) -> Result<(), ServiceError> {
    for (step, next) in [(&chain.build_params, &chain.list_videos), (&chain.list_videos, &chain.shape_result), (&chain.shape_result, &chain.results_queue)] {
        lambda.put_function_event_invoke_config(step, EventInvokeConfig::default().on_success(next).on_failure(&chain.failures_queue))?;
    }
    Ok(())
}
