//! Versions and aliases: `PublishVersion`, `ListVersionsByFunction`, and `CreateAlias`,
//! `GetAlias`, `UpdateAlias`, `DeleteAlias` with their routing configuration (a second version
//! and its weight, as a canary release uses).

use crate::function_arn;
use crate::functions::{configuration, get_configuration};
use invoker::{Alias, Lambda, ServiceError};
use serde_json::{json, Value};

/// `PublishVersion`: the configuration of the version published (or of the last one, when
/// nothing changed since: AWS publishes no copy of an unchanged `$LATEST`).
pub fn publish(lambda: &Lambda, function: &str) -> Result<Value, ServiceError> {
    let version = lambda.publish_version(function)?;
    get_configuration(lambda, function, Some(&version))
}

/// `ListVersionsByFunction`: `$LATEST`, then every published version, oldest first.
pub fn list(lambda: &Lambda, function: &str) -> Result<Value, ServiceError> {
    let latest = lambda.get_function_configuration(function)?;
    let mut versions = vec![configuration(lambda, &latest, "$LATEST")];
    for version in lambda.list_versions(function)? {
        let config = lambda.get_function_configuration(&format!("{}:{version}", latest.name))?;
        versions.push(configuration(lambda, &config, &version));
    }
    Ok(json!({ "Versions": versions }))
}

/// `CreateAlias`: `Name`, `FunctionVersion`, and an optional `RoutingConfig`.
pub fn create(lambda: &Lambda, function: &str, body: &Value) -> Result<Value, ServiceError> {
    let name = required(body, "Name")?;
    let version = required(body, "FunctionVersion")?;
    lambda.create_alias(function, name, version)?;
    if let Some(routing) = routing(body)? {
        lambda.update_alias(function, name, version, Some((&routing.0, routing.1)))?;
    }
    get(lambda, function, name)
}

/// `UpdateAlias`: a new `FunctionVersion`, a new `RoutingConfig`, or both. An empty
/// `AdditionalVersionWeights` ends the routing.
pub fn update(
    lambda: &Lambda,
    function: &str,
    alias: &str,
    body: &Value,
) -> Result<Value, ServiceError> {
    let current = lambda.get_alias(function, alias)?;
    let version = body["FunctionVersion"]
        .as_str()
        .unwrap_or(&current.function_version)
        .to_owned();
    let routing = match body.get("RoutingConfig") {
        Some(_) => routing(body)?,
        None => current.routing,
    };
    let routing = routing.as_ref().map(|(v, w)| (v.as_str(), *w));
    lambda.update_alias(function, alias, &version, routing)?;
    get(lambda, function, alias)
}

/// `GetAlias`: the `AliasConfiguration`.
pub fn get(lambda: &Lambda, function: &str, alias: &str) -> Result<Value, ServiceError> {
    let Alias {
        function_version,
        routing,
    } = lambda.get_alias(function, alias)?;
    let function_name = lambda.get_function_configuration(function)?.name;
    let mut answer = json!({
        "AliasArn": function_arn(lambda, &format!("{function_name}:{alias}")),
        "Name": alias,
        "FunctionVersion": function_version,
        "Description": "",
    });
    if let Some((version, weight)) = routing {
        answer["RoutingConfig"] = json!({ "AdditionalVersionWeights": { version: weight } });
    }
    Ok(answer)
}

/// `RoutingConfig.AdditionalVersionWeights`: at most one version and its weight, as Lambda
/// allows; `None` when absent or empty.
fn routing(body: &Value) -> Result<Option<(String, f64)>, ServiceError> {
    let Some(weights) = body["RoutingConfig"]["AdditionalVersionWeights"].as_object() else {
        return Ok(None);
    };
    let mut weights = weights.iter();
    let first = weights.next();
    if weights.next().is_some() {
        return Err(ServiceError::invalid_parameter_value(
            "Number of items in AdditionalVersionWeights cannot be greater than 1",
        ));
    }
    first
        .map(|(version, weight)| {
            weight
                .as_f64()
                .map(|weight| (version.clone(), weight))
                .ok_or_else(|| ServiceError::validation("A version's weight must be a number"))
        })
        .transpose()
}

/// A string member the operation needs.
pub(crate) fn required<'a>(body: &'a Value, member: &str) -> Result<&'a str, ServiceError> {
    body[member].as_str().ok_or_else(|| {
        ServiceError::validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            member[..1].to_lowercase() + &member[1..]
        ))
    })
}
