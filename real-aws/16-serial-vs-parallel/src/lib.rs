//! # Exercise 16 on real AWS: what the two dashboards share
//!
//! The dashboards `dashboard-serial` and `dashboard-parallel` (`src/bin/`) ask the functions
//! `weather`, `news` and `traffic` with [`ask`], the exercise's `ask` written with the AWS SDK's
//! Lambda client (`aws_sdk_lambda`) where the exercise has `init.lambda()`. Each dashboard makes
//! the client once, in `main`, with [`lambda_client`]. Its execution role needs
//! `lambda:InvokeFunction` on the three functions.

use aws_sdk_lambda::primitives::Blob;
use lambda_runtime::{Diagnostic, Error};
use serde_json::Value;

/// The weather service.
pub const WEATHER: &str = "weather";
/// The news service.
pub const NEWS: &str = "news";
/// The traffic service.
pub const TRAFFIC: &str = "traffic";

/// The Lambda client of an execution environment: call it once, at Init.
pub async fn lambda_client() -> aws_sdk_lambda::Client {
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    aws_sdk_lambda::Client::new(&aws)
}

// ANCHOR: ask
/// Invokes `function` with `request`, synchronously, and waits for its answer. A failed call
/// (a throttle, a missing function) or a function error is the error, the latter with the
/// callee's `errorType` and `errorMessage`, so `?` passes it on to the caller unchanged.
pub async fn ask(
    lambda: &aws_sdk_lambda::Client,
    function: &str,
    request: &Value,
) -> Result<Value, Diagnostic> {
    // `Error::from` boxes the SDK's and serde's errors; a `Diagnostic` is made from any `Error`.
    let payload = serde_json::to_vec(request).map_err(Error::from)?;
    let response = lambda
        .invoke()
        .function_name(function)
        .payload(Blob::new(payload))
        .send()
        .await
        .map_err(Error::from)?;
    let answer: Value = match response.payload() {
        Some(payload) => serde_json::from_slice(payload.as_ref()).map_err(Error::from)?,
        None => Value::Null,
    };
    // A function error does not make `send()` fail: the call succeeded, and the answer is the
    // error's JSON, flagged by `function_error()` (`Unhandled`).
    if response.function_error().is_some() {
        let text = |field: &str| answer[field].as_str().unwrap_or_default().to_owned();
        return Err(Diagnostic {
            error_type: text("errorType"),
            error_message: text("errorMessage"),
        });
    }
    Ok(answer)
}
// ANCHOR_END: ask
