//! `GetFunction`, `GetFunctionConfiguration` and `ListFunctions`: a function's configuration in
//! the shape of the API's `FunctionConfiguration` (and, in `GetFunction`, its tags).
//!
//! The invoker keeps what a lesson needs of a function (name, runtime, handler, memory, timeout,
//! variables, role, dead-letter queue, `/tmp`, layers), so those fields are real. Fields it does
//! not model (`CodeSha256`, `LastModified`, `RevisionId`, …) are left out rather than invented:
//! every client treats them as optional.

use crate::{function_arn, qualified};
use invoker::{FunctionConfig, Lambda, ServiceError};
use serde_json::{json, Map, Value};

/// `GetFunctionConfiguration`: `$LATEST`, a version or an alias (an alias shows its version).
pub fn get_configuration(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Value, ServiceError> {
    let config = lambda.get_function_configuration(&qualified(function, qualifier))?;
    let version = match qualifier.or_else(|| qualifier_in(function)) {
        None | Some("$LATEST") => "$LATEST".to_owned(),
        Some(number) if number.parse::<u32>().is_ok() => number.to_owned(),
        Some(alias) => lambda.get_alias(&config.name, alias)?.function_version,
    };
    Ok(configuration(lambda, &config, &version))
}

/// `GetFunction`: the configuration, where the code is (the invoker has no package to give),
/// and the function's tags if it has any.
pub fn get_function(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Value, ServiceError> {
    let configuration = get_configuration(lambda, function, qualifier)?;
    let tags = configuration["FunctionName"]
        .as_str()
        .and_then(|name| crate::tags::of_function(lambda, name));
    let mut answer = json!({
        "Configuration": configuration,
        "Code": { "RepositoryType": "S3", "Location": "" },
    });
    if let Some(tags) = tags {
        answer["Tags"] = json!(tags);
    }
    Ok(answer)
}

/// `ListFunctions`: every function's `$LATEST`, in name order.
pub fn list_functions(lambda: &Lambda) -> Value {
    let functions: Vec<Value> = lambda
        .function_names()
        .iter()
        .filter_map(|name| lambda.get_function_configuration(name).ok())
        .map(|config| configuration(lambda, &config, "$LATEST"))
        .collect();
    json!({ "Functions": functions })
}

/// `UpdateFunctionConfiguration`: the settings a lesson changes (`MemorySize`, `Timeout`,
/// `Environment`, `Description`, `Layers`); the answer is the new configuration. Any other
/// setting in the request is refused by name rather than silently ignored.
pub fn update_configuration(
    lambda: &Lambda,
    function: &str,
    body: &Value,
) -> Result<Value, ServiceError> {
    const SETTABLE: [&str; 5] = [
        "MemorySize",
        "Timeout",
        "Environment",
        "Description",
        "Layers",
    ];
    let fields = body.as_object().cloned().unwrap_or_default();
    if let Some(other) = fields.keys().find(|k| !SETTABLE.contains(&k.as_str())) {
        return Err(ServiceError::invalid_parameter_value(format!(
            "The invoker does not change {other}; it changes {}.",
            SETTABLE.join(", ")
        )));
    }
    let number = |name: &str| -> Result<Option<u32>, ServiceError> {
        match fields.get(name) {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| ServiceError::validation(format!("{name} must be a whole number"))),
        }
    };
    let (memory, timeout) = (number("MemorySize")?, number("Timeout")?);
    let variables = match fields.get("Environment").map(|e| &e["Variables"]) {
        None => None,
        Some(Value::Object(variables)) => Some(
            variables
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect(),
        ),
        Some(_) => None,
    };
    let description = fields
        .get("Description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    // The layer version ARNs, in the order their files are laid into `/opt`.
    let layers: Option<Vec<String>> = fields.get("Layers").and_then(Value::as_array).map(|arns| {
        let arns = arns.iter().filter_map(Value::as_str);
        arns.map(str::to_owned).collect()
    });
    lambda.update_function_configuration(function, |mut config| {
        if let Some(memory) = memory {
            config.memory_size = memory;
        }
        if let Some(timeout) = timeout {
            config.timeout_secs = timeout;
        }
        if let Some(variables) = variables {
            // The API replaces the whole set, as AWS does: a variable left out is removed.
            config.env = variables;
        }
        if let Some(description) = description {
            config.description = description;
        }
        if let Some(layers) = layers {
            // The API replaces the whole list; an empty one removes every layer.
            config.layers = layers;
        }
        config
    })?;
    get_configuration(lambda, function, None)
}

/// The `FunctionConfiguration` of one version of a function.
pub(crate) fn configuration(lambda: &Lambda, config: &FunctionConfig, version: &str) -> Value {
    let unqualified = function_arn(lambda, &config.name);
    // AWS names a published version's ARN with its number, and `$LATEST` without one.
    let arn = match version {
        "$LATEST" => unqualified,
        number => format!("{unqualified}:{number}"),
    };
    let mut fields = Map::new();
    let mut field = |name: &str, value: Value| fields.insert(name.to_owned(), value);
    field("FunctionName", json!(config.name));
    field("FunctionArn", json!(arn));
    field("Runtime", json!(config.runtime));
    field("Role", json!(config.role.arn(lambda.account_id())));
    field("Handler", json!(config.handler));
    field("CodeSize", json!(config.code_size_bytes));
    field("Description", json!(config.description));
    field("Timeout", json!(config.timeout_secs));
    field("MemorySize", json!(config.memory_size));
    field("Version", json!(version));
    if !config.env.is_empty() {
        field("Environment", json!({ "Variables": config.env }));
    }
    if let Some(target) = &config.dead_letter_queue {
        field("DeadLetterConfig", json!({ "TargetArn": target }));
    }
    if !config.layers.is_empty() {
        let layers: Vec<Value> = config
            .layers
            .iter()
            .map(|arn| match lambda.get_layer_version_by_arn(arn) {
                Ok(published) => {
                    json!({ "Arn": arn, "CodeSize": crate::layers::code_size(&published) })
                }
                // A version deleted since it was added: its files stay with the function, but
                // the invoker no longer knows their size.
                Err(_) => json!({ "Arn": arn }),
            })
            .collect();
        field("Layers", json!(layers));
    }
    field("TracingConfig", json!({ "Mode": "PassThrough" }));
    field("State", json!("Active"));
    field("LastUpdateStatus", json!("Successful"));
    field("PackageType", json!("Zip"));
    field("Architectures", json!(["x86_64"]));
    field(
        "EphemeralStorage",
        json!({ "Size": config.ephemeral_storage_mb }),
    );
    field(
        "LoggingConfig",
        json!({ "LogFormat": "Text", "LogGroup": format!("/aws/lambda/{}", config.name) }),
    );
    Value::Object(fields)
}

/// The qualifier written in a function's name, if any: `hello:2`, or an ARN's eighth part
/// (`arn:aws:lambda:<region>:<account>:function:hello:live`).
fn qualifier_in(function: &str) -> Option<&str> {
    let position = if function.starts_with("arn:") { 7 } else { 1 };
    function.split(':').nth(position)
}
