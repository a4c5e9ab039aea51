//! `PutFunctionEventInvokeConfig`, `GetFunctionEventInvokeConfig` and
//! `DeleteFunctionEventInvokeConfig`: how Lambda handles a function's asynchronous events
//! (retries, maximum age, destinations), as the errors-and-retries chapter sets it.

use crate::{function_arn, qualified};
use invoker::{EventInvokeConfig, Lambda, ServiceError};
use serde_json::{json, Value};

/// `PutFunctionEventInvokeConfig`: sets the configuration and answers with it, as the API does.
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
    get(lambda, function, qualifier)
}

/// `GetFunctionEventInvokeConfig`: the settings, with the defaults of those not given.
pub fn get(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Value, ServiceError> {
    let target = qualified(function, qualifier);
    let mut answer = lambda.get_function_event_invoke_config(&target)?.to_json();
    answer["FunctionArn"] = json!(function_arn(lambda, &target));
    Ok(answer)
}

/// `DeleteFunctionEventInvokeConfig`.
pub fn delete(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<(), ServiceError> {
    lambda.delete_function_event_invoke_config(&qualified(function, qualifier))
}
