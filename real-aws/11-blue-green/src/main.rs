//! # Exercise 11 on real AWS: the function `checkout`
//!
//! The exercise's `working_checkout` (`exercises/11-blue-green/src/given.rs`): it answers a
//! health check (`{"healthCheck": true}`) without charging anyone, so it is safe to send to
//! production, and every answer names its release, from the variable `RELEASE`, so you can see
//! which version served a call. The solution's part, the release (publish, move `prod`,
//! smoke-test through `prod`, move it back if the test fails), is done on AWS with
//! `publish-version`, `update-alias` and `invoke --qualifier prod`, or by CodeDeploy, as the
//! chapter shows.

use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};

async fn checkout(event: LambdaEvent<Value>, release: &str) -> Result<Value, Error> {
    if event.payload["healthCheck"] == true {
        tracing::info!(release, "health check passed");
        return Ok(json!({ "healthy": true, "release": release }));
    }
    Ok(json!({ "orderAccepted": true, "release": release }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // The variables are part of a published version: each version keeps its own RELEASE.
    let release = std::env::var("RELEASE").map_err(|_| "RELEASE is not set")?;
    run(service_fn(|event| checkout(event, &release))).await
}
