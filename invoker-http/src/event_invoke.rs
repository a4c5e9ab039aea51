//! `PutFunctionEventInvokeConfig`: how Lambda handles a function's asynchronous events (retries,
//! maximum age, destinations), as the errors-and-retries chapter sets it.

use crate::permissions::qualified;
use invoker::{EventInvokeConfig, Lambda, ServiceError};
use serde_json::{json, Value};

/// Sets the configuration and answers with it, as the API does.
pub fn put(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
    body: &Value,
) -> Result<Value, ServiceError> {
    let mut config = EventInvokeConfig::default();
    if let Some(retries) = body["MaximumRetryAttempts"].as_u64() {
        config = config.maximum_retry_attempts(u32::try_from(retries).unwrap_or(u32::MAX));
    }
    if let Some(age) = body["MaximumEventAgeInSeconds"].as_u64() {
        config = config.maximum_event_age_secs(age);
    }
    let destinations = &body["DestinationConfig"];
    if let Some(arn) = destinations["OnSuccess"]["Destination"].as_str() {
        config = config.on_success(arn);
    }
    if let Some(arn) = destinations["OnFailure"]["Destination"].as_str() {
        config = config.on_failure(arn);
    }
    let target = qualified(function, qualifier);
    lambda.put_function_event_invoke_config(&target, config)?;
    let mut answer = json!({
        "FunctionArn": format!(
            "arn:aws:lambda:{}:{}:function:{}",
            lambda.region(),
            lambda.account_id(),
            target
        ),
    });
    for member in [
        "MaximumRetryAttempts",
        "MaximumEventAgeInSeconds",
        "DestinationConfig",
    ] {
        if let Some(value) = body.get(member) {
            answer[member] = value.clone();
        }
    }
    Ok(answer)
}
