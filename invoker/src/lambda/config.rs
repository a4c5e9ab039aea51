//! A function's configuration, with Lambda's defaults and limits.
//!
//! The numbers are today's (see `lambda-facts.md` in the workbook's shared notes): memory from
//! 128 MB to 10,240 MB in 1 MB steps (older guides say 3,008 MB, the limit before December 2020),
//! a timeout from 1 to 900 seconds with a default of 3. A value out of range is refused when the
//! function is created, exactly as `aws lambda create-function` would refuse it.

use crate::base::arn::is_plain_name;
use crate::base::error::ServiceError;
use crate::lambda::env_vars;
use crate::lambda::iam::Role;
use std::collections::BTreeMap;
use std::time::Duration;

/// The smallest memory size Lambda accepts, and the default.
pub(crate) const MIN_MEMORY_MB: u32 = 128;
/// The largest memory size Lambda accepts (since December 2020; 3,008 MB before).
pub(crate) const MAX_MEMORY_MB: u32 = 10_240;
/// The default timeout: 3 seconds, short on purpose so a stuck function fails fast.
pub(crate) const DEFAULT_TIMEOUT_SECS: u32 = 3;
/// The longest a single invocation may run: 15 minutes.
pub(crate) const MAX_TIMEOUT_SECS: u32 = 900;
/// The unzipped size of a deployment package unless told otherwise: a Rust `bootstrap` binary
/// of a few megabytes.
pub(crate) const DEFAULT_CODE_SIZE_BYTES: u64 = 8 * 1024 * 1024;
const MAX_NAME_LEN: usize = 64;
/// The longest `FunctionName` CreateFunction's request may carry (a name or an ARN).
const MAX_NAME_FIELD_LEN: usize = 140;
/// The pattern CreateFunction checks `FunctionName` against, quoted in its validation message:
/// a name, or an ARN or partial ARN of one, with an optional qualifier. (Invoke's pattern, in
/// `base::arn`, also allows a `.` in the name and `$LATEST.PUBLISHED`.)
const CREATE_FUNCTION_NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";
const MAX_HANDLER_LEN: usize = 128;
const MAX_DESCRIPTION_LEN: usize = 256;

/// The managed runtimes Lambda accepted when the workbook's reference responses were recorded.
/// Rust functions run on an OS-only runtime, `provided.al2023`, with the handler compiled into a
/// binary called `bootstrap`.
pub(crate) const RUNTIMES: &[&str] = &[
    "nodejs20.x",
    "python3.14",
    "provided.al2023",
    "python3.12",
    "python3.13",
    "nodejs24.x",
    "nodejs22.x",
    "java25",
    "python3.10",
    "python3.11",
    "java21",
    "ruby3.3",
    "ruby3.4",
    "ruby3.2",
    "python3.8",
    "python3.9",
    "java17",
    "nodejs16.x",
    "dotnet10",
    "dotnet8",
    "java11",
    "dotnet6",
    "nodejs18.x",
    "provided.al2",
    "java8.al2",
];

/// What `aws lambda create-function` takes, minus the code.
///
/// Each setting has one name: a field you read (`config.memory_size`) and a chained setter of the
/// same name that builds (`.memory_size(256)`); the two lists, `env` and `layers`, grow one item
/// at a time with `.env(key, value)` and `.layer(arn)`. Nothing is checked until the configuration reaches
/// Lambda: `create_function` and `update_function_configuration` refuse an out-of-range value as
/// AWS would, so setting a field directly skips nothing.
///
/// ```
/// use invoker::FunctionConfig;
/// let config = FunctionConfig::new("hello").memory_size(256).timeout_secs(10);
/// assert_eq!((config.memory_size, config.timeout_secs), (256, 10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionConfig {
    /// The function's name (1–64 letters, digits, `-` and `_`).
    pub name: String,
    /// The runtime identifier, e.g. `provided.al2023` or `python3.12`.
    pub runtime: String,
    /// The handler string: `file.method` on interpreted runtimes, `bootstrap` on `provided`.
    pub handler: String,
    /// Memory in MB (128–10,240). CPU share grows with it.
    pub memory_size: u32,
    /// The timeout in whole seconds (1–900).
    pub timeout_secs: u32,
    /// A free-text description (up to 256 characters).
    pub description: String,
    /// The function's own environment variables (4 KB together; see `crate::lambda::env_vars`).
    pub env: BTreeMap<String, String>,
    /// The execution role the function's code runs as (default: logs only).
    pub role: Role,
    /// The dead-letter queue (an SQS queue or SNS topic ARN) for asynchronous events that fail
    /// every attempt.
    pub dead_letter_queue: Option<String>,
    /// The size of `/tmp` in MB: 512 (the default) to 10,240.
    pub ephemeral_storage_mb: u32,
    /// The layer versions (ARNs ending in the version number), in the order they are laid into
    /// `/opt`: a later layer's files replace an earlier one's. At most 5.
    pub layers: Vec<String>,
    /// The unzipped size of the deployment package in bytes; with the layers, at most 250 MB.
    pub code_size_bytes: u64,
}

impl FunctionConfig {
    /// A function called `name` with Lambda's defaults: `provided.al2023`, handler `bootstrap`,
    /// 128 MB, 3 seconds.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            runtime: "provided.al2023".into(),
            handler: "bootstrap".into(),
            memory_size: MIN_MEMORY_MB,
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            description: String::new(),
            env: BTreeMap::new(),
            role: Role::default(),
            dead_letter_queue: None,
            ephemeral_storage_mb: crate::lambda::tmp::DEFAULT_TMP_MB,
            layers: Vec::new(),
            code_size_bytes: DEFAULT_CODE_SIZE_BYTES,
        }
    }

    /// Sets [`memory_size`](Self::memory_size), in MB.
    pub fn memory_size(mut self, mb: u32) -> Self {
        self.memory_size = mb;
        self
    }

    /// Sets [`timeout_secs`](Self::timeout_secs).
    pub fn timeout_secs(mut self, secs: u32) -> Self {
        self.timeout_secs = secs;
        self
    }

    /// Sets [`runtime`](Self::runtime).
    pub fn runtime(mut self, runtime: impl Into<String>) -> Self {
        self.runtime = runtime.into();
        self
    }

    /// Sets [`handler`](Self::handler).
    pub fn handler(mut self, handler: impl Into<String>) -> Self {
        self.handler = handler.into();
        self
    }

    /// Sets [`description`](Self::description).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets one variable of [`env`](Self::env), keeping the others.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// Sets [`role`](Self::role).
    pub fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// Sets [`dead_letter_queue`](Self::dead_letter_queue).
    pub fn dead_letter_queue(mut self, target_arn: impl Into<String>) -> Self {
        self.dead_letter_queue = Some(target_arn.into());
        self
    }

    /// Sets [`ephemeral_storage_mb`](Self::ephemeral_storage_mb).
    pub fn ephemeral_storage_mb(mut self, mb: u32) -> Self {
        self.ephemeral_storage_mb = mb;
        self
    }

    /// Adds a layer version after the ones already in [`layers`](Self::layers). Like
    /// [`env`](Self::env), a setter that adds one item to a list is named in the singular.
    pub fn layer(mut self, layer_version_arn: impl Into<String>) -> Self {
        self.layers.push(layer_version_arn.into());
        self
    }

    /// Sets [`code_size_bytes`](Self::code_size_bytes).
    pub fn code_size_bytes(mut self, bytes: u64) -> Self {
        self.code_size_bytes = bytes;
        self
    }

    /// The timeout as a duration, for the clock.
    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.into())
    }

    /// Checks every field against Lambda's limits; the first violation is returned as AWS
    /// reports it.
    pub fn validate(&self) -> Result<(), ServiceError> {
        // The API's `FunctionName` field is 140 characters at most, since it also takes an ARN
        // (recorded, with an ARN).
        if self.name.len() > MAX_NAME_FIELD_LEN {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to {MAX_NAME_FIELD_LEN}",
                self.name
            )));
        }
        // A malformed name is refused with the pattern of the field, which also takes an ARN
        // or a name with a qualifier (recorded, with `invalid:function:name`). The invoker
        // takes a plain name only, so it quotes the pattern for any other.
        if !is_plain_name(&self.name) {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {CREATE_FUNCTION_NAME_PATTERN}",
                self.name
            )));
        }
        // A well-formed name too long for a function (but not for the field) is a value Lambda
        // refuses, not a malformed request (recorded).
        if self.name.len() > MAX_NAME_LEN {
            return Err(ServiceError::invalid_parameter_value(format!(
                "1 validation error detected: Value '{}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to {MAX_NAME_LEN}",
                self.name
            )));
        }
        range_check("MemorySize", self.memory_size, MIN_MEMORY_MB, MAX_MEMORY_MB)?;
        range_check("Timeout", self.timeout_secs, 1, MAX_TIMEOUT_SECS)?;
        let tmp = self.ephemeral_storage_mb;
        if !(crate::lambda::tmp::DEFAULT_TMP_MB..=crate::lambda::tmp::MAX_TMP_MB).contains(&tmp) {
            let bound = match tmp < crate::lambda::tmp::DEFAULT_TMP_MB {
                true => "greater than or equal to 512",
                false => "less than or equal to 10240",
            };
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{tmp}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value {bound}"
            )));
        }
        if !RUNTIMES.contains(&self.runtime.as_str()) {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Value {} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [{}] or be a valid ARN",
                self.runtime,
                RUNTIMES.join(", ")
            )));
        }
        if self.handler.is_empty()
            || self.handler.len() > MAX_HANDLER_LEN
            || self.handler.chars().any(char::is_whitespace)
        {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+ and have length less than or equal to {MAX_HANDLER_LEN}",
                self.handler
            )));
        }
        if self.description.len() > MAX_DESCRIPTION_LEN {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to {MAX_DESCRIPTION_LEN}"
            )));
        }
        if let Some(target) = &self.dead_letter_queue {
            // A DLQ is a standard SQS queue or an SNS topic.
            if !(target.starts_with("arn:aws:sqs:") || target.starts_with("arn:aws:sns:")) {
                return Err(ServiceError::invalid_parameter_value(format!(
                    "The dead-letter target {target} is neither an SQS queue nor an SNS topic ARN."
                )));
            }
        }
        env_vars::validate(&self.env)
    }
}

fn range_check(field: &str, value: u32, min: u32, max: u32) -> Result<(), ServiceError> {
    let bound = if value < min {
        format!("greater than or equal to {min}")
    } else if value > max {
        format!("less than or equal to {max}")
    } else {
        return Ok(());
    };
    Err(ServiceError::invalid_parameter_value(format!(
        "'{field}' value failed to satisfy constraint: Member must have value {bound}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::error::ErrorCode;

    #[test]
    fn defaults_are_lambdas() {
        let c = FunctionConfig::new("f");
        assert_eq!(
            (c.memory_size, c.timeout_secs, c.runtime.as_str()),
            (128, 3, "provided.al2023")
        );
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn limits_are_inclusive() {
        let ok = |c: FunctionConfig| c.validate().is_ok();
        assert!(ok(FunctionConfig::new("f")
            .memory_size(10_240)
            .timeout_secs(900)));
        assert!(ok(FunctionConfig::new("f")
            .memory_size(128)
            .timeout_secs(1)));
    }

    #[test]
    fn out_of_range_is_refused_in_aws_words() {
        let err = |c: FunctionConfig| c.validate().unwrap_err();
        let e = err(FunctionConfig::new("f").memory_size(10_241));
        assert_eq!(e.code, ErrorCode::InvalidParameterValueException);
        assert_eq!(
            e.message,
            "'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240"
        );
        assert_eq!(
            err(FunctionConfig::new("f").memory_size(64)).message,
            "'MemorySize' value failed to satisfy constraint: Member must have value greater than or equal to 128"
        );
        assert_eq!(
            err(FunctionConfig::new("f").timeout_secs(901)).message,
            "'Timeout' value failed to satisfy constraint: Member must have value less than or equal to 900"
        );
        assert_eq!(
            err(FunctionConfig::new("f").timeout_secs(0)).code,
            ErrorCode::InvalidParameterValueException
        );
        assert!(err(FunctionConfig::new("f").runtime("PYTHON3.9"))
            .message
            .starts_with("Value PYTHON3.9 at 'runtime' failed to satisfy constraint"));
        assert_eq!(
            err(FunctionConfig::new("bad name")).code,
            ErrorCode::ValidationException
        );
        assert_eq!(
            err(FunctionConfig::new("f").handler("")).code,
            ErrorCode::ValidationException
        );
    }
}
