//! Environment variables: configuration that lives outside the code.
//!
//! A function reads its settings (a table name, a bucket, a feature flag) from environment
//! variables, so the same code runs as `dev` and `prod` with different settings, and changing a
//! setting needs no new build. Lambda's rules, enforced here as on AWS:
//!
//! - all variables together may take at most 4 KB, measured as the JSON of the map. Simplified:
//!   Lambda writes the map in the order the request gave it, and quotes that string in its
//!   refusal; the invoker keeps the variables sorted by name (`FunctionConfig::env` is a
//!   `BTreeMap`), so its quote lists them in name order. The length, and so the verdict, is the
//!   same;
//! - a key starts with a letter and has at least two characters from `[a-zA-Z0-9_]`;
//! - keys Lambda sets itself are *reserved* and refused (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_NAME`,
//!   …); a few it sets are *unreserved* and may be overridden (`TZ`, `LANG`, `PATH`, …).
//!
//! Beside the function's own variables every environment has the ones the runtime provides
//! ([`runtime_provided`]). Handlers read them through [`crate::Context::env`], never through
//! `std::env`: many simulated functions share this one process, each with its own variables.

use crate::base::error::ServiceError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// All variables together may take this many bytes, measured as JSON.
pub(crate) const MAX_TOTAL_BYTES: usize = 4 * 1024;

/// Keys Lambda sets and does not let you set (the documented list; see the workbook's notes).
pub(crate) const RESERVED: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// The variables one execution environment sees: the runtime's, then the function's on top.
pub(crate) type EnvVars = Arc<BTreeMap<String, String>>;

/// Checks a function's variables against Lambda's rules.
pub(crate) fn validate(vars: &BTreeMap<String, String>) -> Result<(), ServiceError> {
    if let Some(key) = vars.keys().find(|k| !valid_key(k)) {
        return Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{key}' at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"
        )));
    }
    let reserved: Vec<&str> = vars
        .keys()
        .map(String::as_str)
        .filter(|k| RESERVED.contains(k))
        .collect();
    if !reserved.is_empty() {
        return Err(ServiceError::invalid_parameter_value(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {}",
            reserved.join(", ")
        )));
    }
    let measured = serde_json::to_string(vars).unwrap_or_default();
    if measured.len() > MAX_TOTAL_BYTES {
        return Err(ServiceError::invalid_parameter_value(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {measured}"
        )));
    }
    Ok(())
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What the runtime puts in one environment before the function's own variables.
pub(crate) struct RuntimeFacts<'a> {
    pub(crate) region: &'a str,
    pub(crate) function_name: &'a str,
    pub(crate) version: &'a str,
    pub(crate) memory_mb: u32,
    pub(crate) log_group: &'a str,
    pub(crate) log_stream: &'a str,
    pub(crate) handler: &'a str,
    pub(crate) runtime: &'a str,
    /// `on-demand`, or `provisioned-concurrency` for an environment initialised ahead of time.
    pub(crate) initialization_type: &'a str,
}

/// The variables a runtime provides, as an OS-only runtime (`provided.al2023`) sets them: the
/// values recorded from a real `provided.al2023` function in 2026 (LocalStack's AWS-validated
/// `test_introspection_invoke`), among them Lambda's link-local addresses for the Runtime API
/// and the X-Ray daemon. Managed runtimes also set `AWS_EXECUTION_ENV` (e.g.
/// `AWS_Lambda_python3.12`); their other values (`PATH`, …) are not on record and stay those of
/// `provided.al2023` here.
///
/// Simplified: the invoker has no credentials to hand out, so `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` are absent; and `_X_AMZN_TRACE_ID`, which
/// `lambda_runtime` sets for each invocation from the Runtime API's trace header, is absent too,
/// as the invoker's environments have one set of variables for their whole life.
pub(crate) fn runtime_provided(facts: &RuntimeFacts<'_>) -> BTreeMap<String, String> {
    let mut vars: BTreeMap<String, String> = [
        ("AWS_REGION", facts.region),
        ("AWS_DEFAULT_REGION", facts.region),
        ("AWS_LAMBDA_FUNCTION_NAME", facts.function_name),
        ("AWS_LAMBDA_FUNCTION_VERSION", facts.version),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", facts.initialization_type),
        ("AWS_LAMBDA_LOG_GROUP_NAME", facts.log_group),
        ("AWS_LAMBDA_LOG_STREAM_NAME", facts.log_stream),
        ("AWS_LAMBDA_RUNTIME_API", "169.254.100.1:9001"),
        ("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR"),
        ("AWS_XRAY_DAEMON_ADDRESS", "169.254.100.1:2000"),
        ("_AWS_XRAY_DAEMON_ADDRESS", "169.254.100.1"),
        ("_AWS_XRAY_DAEMON_PORT", "2000"),
        ("LAMBDA_TASK_ROOT", "/var/task"),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime"),
        ("_HANDLER", facts.handler),
        ("TZ", ":UTC"),
        ("LANG", "en_US.UTF-8"),
        ("PATH", "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
        (
            "LD_LIBRARY_PATH",
            "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    vars.insert(
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(),
        facts.memory_mb.to_string(),
    );
    if !facts.runtime.starts_with("provided") {
        vars.insert(
            "AWS_EXECUTION_ENV".into(),
            format!("AWS_Lambda_{}", facts.runtime),
        );
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::error::ErrorCode;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn ordinary_and_unreserved_keys_are_accepted() {
        assert_eq!(
            validate(&vars(&[("TABLE_NAME", "orders"), ("TZ", "Asia/Seoul")])),
            Ok(())
        );
    }

    #[test]
    fn reserved_keys_are_refused_by_name() {
        let e = validate(&vars(&[
            ("AWS_REGION", "x"),
            ("A1", "y"),
            ("LAMBDA_TASK_ROOT", "z"),
        ]))
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterValueException);
        assert!(
            e.message
                .ends_with("Reserved keys used in this request: AWS_REGION, LAMBDA_TASK_ROOT"),
            "{}",
            e.message
        );
    }

    #[test]
    fn keys_must_start_with_a_letter_and_have_two_characters() {
        for key in ["1ABC", "A", "MY-KEY", "_X"] {
            assert_eq!(
                validate(&vars(&[(key, "v")])).unwrap_err().code,
                ErrorCode::ValidationException,
                "{key}"
            );
        }
    }

    #[test]
    fn four_kilobytes_in_all_measured_as_json() {
        // {"BIG":"…"} is 10 bytes of JSON around the value.
        assert_eq!(validate(&vars(&[("BIG", &"x".repeat(4096 - 10))])), Ok(()));
        let e = validate(&vars(&[("BIG", &"x".repeat(4096 - 9))])).unwrap_err();
        assert!(e
            .message
            .contains("exceeded the 4KB limit. String measured: {\"BIG\":\""));
    }
}
