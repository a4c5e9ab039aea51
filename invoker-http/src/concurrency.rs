//! Reserved concurrency: `PutFunctionConcurrency`, `GetFunctionConcurrency` and
//! `DeleteFunctionConcurrency`. With it reserved, the invoker throttles as Lambda does: a 429
//! `TooManyRequestsException` whose `Reason` says which limit was hit. And provisioned
//! concurrency: `PutProvisionedConcurrencyConfig` initialises the environments at once, and
//! `Get`/`DeleteProvisionedConcurrencyConfig` read and remove it.

use crate::qualified;
use invoker::{Lambda, ServiceError};
use serde_json::{json, Value};

/// `PutFunctionConcurrency`: `ReservedConcurrentExecutions`, echoed back.
pub fn put(lambda: &Lambda, function: &str, body: &Value) -> Result<Value, ServiceError> {
    let reserved = body["ReservedConcurrentExecutions"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            ServiceError::validation(
                "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null",
            )
        })?;
    lambda.put_function_concurrency(function, reserved)?;
    Ok(json!({ "ReservedConcurrentExecutions": reserved }))
}

/// `GetFunctionConcurrency`: the reserved number, or an empty object when none is reserved.
pub fn get(lambda: &Lambda, function: &str) -> Result<Value, ServiceError> {
    Ok(match lambda.get_function_concurrency(function)? {
        Some(reserved) => json!({ "ReservedConcurrentExecutions": reserved }),
        None => json!({}),
    })
}

/// `PutProvisionedConcurrencyConfig` on a version or alias: the environments are initialised
/// before it answers, so the status is already `READY` (AWS answers `IN_PROGRESS` and gets there
/// in a minute or two).
pub async fn put_provisioned(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
    body: &Value,
) -> Result<Value, ServiceError> {
    let count = body["ProvisionedConcurrentExecutions"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            ServiceError::validation(
                "1 validation error detected: Value null at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must not be null",
            )
        })?;
    lambda
        .put_provisioned_concurrency_config(&qualified(function, qualifier), count)
        .await?;
    Ok(ready(count))
}

/// `GetProvisionedConcurrencyConfig`.
pub fn get_provisioned(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Value, ServiceError> {
    let count = lambda.get_provisioned_concurrency_config(&qualified(function, qualifier))?;
    Ok(ready(count))
}

/// `DeleteProvisionedConcurrencyConfig`.
pub fn delete_provisioned(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<(), ServiceError> {
    lambda.delete_provisioned_concurrency_config(&qualified(function, qualifier))
}

/// A provisioned concurrency configuration whose environments are all initialised.
fn ready(count: usize) -> Value {
    json!({
        "RequestedProvisionedConcurrentExecutions": count,
        "AllocatedProvisionedConcurrentExecutions": count,
        "AvailableProvisionedConcurrentExecutions": count,
        "Status": "READY",
    })
}
