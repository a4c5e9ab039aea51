//! `CreateFunction` from a zip archive (`Code.ZipFile`), and `DeleteFunction`, which takes a
//! deleted function's code away: the book's `aws lambda create-function … --zip-file fileb://bootstrap.zip` against
//! the server.
//!
//! The archive is unpacked into a folder the server owns (under the system's temporary folder,
//! one per function created, removed when the function is deleted); its `bootstrap` is made
//! executable and runs as Lambda runs an OS-only runtime, through the Runtime API, exactly as
//! `serve --bootstrap` runs a program ([`crate::runtime_api::bootstrap`]). The configuration
//! comes from the request: memory, timeout, environment, description, layers, handler. (A
//! layer is kept in the configuration, but its files are not on the process's disk: the
//! process sees the machine's own `/opt`.)
//!
//! What differs from AWS:
//! - only the OS-only runtimes (`provided.al2023`, `provided.al2`) are created: the server runs
//!   a program, not a Python or Node.js handler; and only from `Code.ZipFile` (no S3, no image);
//! - the program runs on this machine, so it must be built for it: `--architectures` is checked
//!   against Lambda's values and otherwise not kept (the configuration says `x86_64`);
//! - the role is known by its name only (the server cannot read IAM): the function gets the
//!   permissions of `AWSLambdaBasicExecutionRole`, its logs.

use crate::archive::Archive;
use crate::functions::configuration;
use crate::runtime_api::bootstrap;
use crate::versions::required;
use invoker::{FunctionConfig, Lambda, ManagedPolicy, Role, ServiceError};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The runtimes whose code is a `bootstrap` program.
const OS_ONLY_RUNTIMES: [&str; 2] = ["provided.al2023", "provided.al2"];

/// `CreateFunction`: the new function's configuration, as AWS answers it.
pub fn create(lambda: &Lambda, body: &Value) -> Result<Value, ServiceError> {
    let name = required(body, "FunctionName")?;
    let runtime = required(body, "Runtime")?;
    if !OS_ONLY_RUNTIMES.contains(&runtime) {
        return Err(ServiceError::invalid_parameter_value(format!(
            "The invoker creates functions of the OS-only runtimes ({}), whose code is a bootstrap program it can run; not {runtime}.",
            OS_ONLY_RUNTIMES.join(", ")
        )));
    }
    let zip_file = body["Code"]["ZipFile"].as_str().ok_or_else(|| {
        ServiceError::invalid_parameter_value(
            "The invoker creates a function from Code.ZipFile only (--zip-file fileb://bootstrap.zip): it has no S3 bucket or image registry to read code from.",
        )
    })?;
    check_architectures(&body["Architectures"])?;
    let config = config_of(name, runtime, body)?;
    let archive = Archive::from_base64(zip_file)?;
    let folder = new_package_folder(name);
    let created = archive.unpack_into(&folder).and_then(|unzipped_size| {
        let config = config.code_size_bytes(unzipped_size);
        lambda.create_function(config, bootstrap(folder.join("bootstrap")))
    });
    if let Err(error) = created {
        // A name taken, a value out of range: nothing is left behind.
        let _ = std::fs::remove_dir_all(&folder);
        return Err(error);
    }
    let config = lambda.get_function_configuration(name)?;
    let mut answer = configuration(lambda, &config, "$LATEST");
    answer["CodeSha256"] = archive.sha256_base64().into();
    Ok(answer)
}

/// `DeleteFunction` without a `Qualifier`: a plain name deletes the whole function, and its
/// unpacked code goes with it, if it was created from a zip; a name with a version (`hello:1`)
/// deletes that version only, and the code stays.
pub fn delete(lambda: &Lambda, function: &str) -> Result<(), ServiceError> {
    lambda.delete_function(function)?;
    // The name, also when the request gave the function's ARN.
    let name = function
        .rsplit_once(":function:")
        .map_or(function, |(_, name)| name);
    if name.contains(':') {
        // `hello:1`: a version went; the function, and its code, stay.
        return Ok(());
    }
    // A function deployed in the server's process has no folder; that is not an error.
    let folder = packages_of(name);
    let _ = std::fs::remove_dir_all(&folder);
    // The server's own folder goes too once no function's code is left in it.
    if let Some(server_folder) = folder.parent() {
        let _ = std::fs::remove_dir(server_folder);
    }
    Ok(())
}

/// What the request sets, over Lambda's defaults.
fn config_of(name: &str, runtime: &str, body: &Value) -> Result<FunctionConfig, ServiceError> {
    let role_arn = required(body, "Role")?;
    // `arn:aws:iam::123456789012:role/lambda-basic` → `lambda-basic`.
    let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
    let role = Role::new(role_name).attach(ManagedPolicy::BasicExecution);
    let mut config = FunctionConfig::new(name).runtime(runtime).role(role);
    if let Some(handler) = body["Handler"].as_str() {
        config = config.handler(handler);
    }
    if let Some(description) = body["Description"].as_str() {
        config = config.description(description);
    }
    let number = |member: &str| {
        body[member]
            .as_u64()
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    };
    if let Some(memory) = number("MemorySize") {
        config = config.memory_size(memory);
    }
    if let Some(timeout) = number("Timeout") {
        config = config.timeout_secs(timeout);
    }
    if let Some(variables) = body["Environment"]["Variables"].as_object() {
        for (key, value) in variables {
            config = config.env(key, value.as_str().unwrap_or_default());
        }
    }
    for arn in body["Layers"].as_array().into_iter().flatten() {
        config = config.layer(arn.as_str().unwrap_or_default());
    }
    Ok(config)
}

/// Lambda's two architectures, in the words of its refusal of a layer's (recorded).
fn check_architectures(architectures: &Value) -> Result<(), ServiceError> {
    let list: Vec<&str> = architectures
        .as_array()
        .into_iter()
        .flatten()
        .map(|value| value.as_str().unwrap_or_default())
        .collect();
    match list.iter().all(|a| ["x86_64", "arm64"].contains(a)) {
        true => Ok(()),
        false => Err(ServiceError::validation(format!(
            "1 validation error detected: Value '[{}]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
            list.join(", ")
        ))),
    }
}

/// The folder of a function's unpacked code: one per creation (an old environment's process may
/// still be running from the last one's), under one folder per function name.
fn new_package_folder(name: &str) -> PathBuf {
    static CREATED: AtomicU64 = AtomicU64::new(0);
    packages_of(name).join(CREATED.fetch_add(1, Ordering::Relaxed).to_string())
}

fn packages_of(name: &str) -> PathBuf {
    std::env::temp_dir()
        .join(format!("invoker-http-{}", std::process::id()))
        .join(name)
}
