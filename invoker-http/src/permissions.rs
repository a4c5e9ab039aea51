//! The function's resource-based policy: `AddPermission`, `GetPolicy`, `RemovePermission`.
//!
//! As in the API, a policy and a statement travel as JSON *inside a string*: `AddPermission`
//! answers `{"Statement": "{\"Sid\":…}"}`, `GetPolicy` answers `{"Policy": "{\"Version\":…}"}`.

use crate::qualified;
use crate::versions::required;
use invoker::{Lambda, Permission, ServiceError};
use serde_json::{json, Value};

/// `AddPermission`: `StatementId`, `Action`, `Principal`, and the optional `SourceArn` and
/// `SourceAccount` conditions.
pub fn add(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
    body: &Value,
) -> Result<Value, ServiceError> {
    let mut permission =
        Permission::new(required(body, "StatementId")?, required(body, "Principal")?)
            .action(required(body, "Action")?);
    if let Some(arn) = body["SourceArn"].as_str() {
        permission = permission.source_arn(arn);
    }
    if let Some(account) = body["SourceAccount"].as_str() {
        permission = permission.source_account(account);
    }
    let statement = lambda.add_permission(&qualified(function, qualifier), permission)?;
    Ok(json!({ "Statement": statement.to_string() }))
}

/// `GetPolicy`: the whole policy, as a string.
pub fn get(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Value, ServiceError> {
    let policy = lambda.get_policy(&qualified(function, qualifier))?;
    Ok(json!({ "Policy": policy.to_string() }))
}

/// `RemovePermission`.
pub fn remove(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
    statement_id: &str,
) -> Result<(), ServiceError> {
    lambda.remove_permission(&qualified(function, qualifier), statement_id)
}
