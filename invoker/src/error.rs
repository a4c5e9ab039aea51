//! Errors of the Lambda *service*: the request was refused before (or instead of) running code.
//!
//! Lambda has two kinds of failure and learners must tell them apart:
//!
//! - A **service error** ([`ServiceError`]): the Invoke call itself failed. The HTTP status is 4xx or
//!   5xx, the body names an exception (`ResourceNotFoundException`, `TooManyRequestsException`, …)
//!   and the function did not run, or did not get to answer. The caller's SDK raises it.
//! - A **function error**: the call succeeded (HTTP 200) but the code failed. The response carries
//!   `X-Amz-Function-Error: Unhandled` and an error payload; see [`crate::invoke`].
//!
//! Exception names, status codes and messages follow what real Lambda returns (recorded responses
//! in the workbook's reference data), so the same words appear here as in the AWS CLI.

use serde_json::{json, Value};
use std::fmt;

/// An AWS API error: an exception name, its HTTP status and AWS's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    /// The exception name, e.g. `ResourceNotFoundException`.
    pub code: &'static str,
    /// The HTTP status code of the response.
    pub status: u16,
    /// The message, in AWS's words.
    pub message: String,
    /// For throttling errors, why: e.g. `ReservedFunctionConcurrentInvocationLimitExceeded`.
    pub reason: Option<&'static str>,
}

impl ServiceError {
    /// An error with any exception name and status: for the services around Lambda (S3, SES,
    /// KMS, API Gateway, …), whose exceptions are their own.
    pub(crate) fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            reason: None,
        }
    }

    /// 404: no such function, version or alias. AWS names the ARN it looked for.
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", 404, message)
    }

    /// 409: the resource exists already, or is in a state that forbids the change.
    pub fn resource_conflict(message: impl Into<String>) -> Self {
        Self::new("ResourceConflictException", 409, message)
    }

    /// 400: a parameter's value is not allowed (a memory size out of range, an unknown runtime…).
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterValueException", 400, message)
    }

    /// 400: the request did not match the API's shape (a name with forbidden characters…).
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", 400, message)
    }

    /// 400: the payload is not JSON.
    pub fn invalid_request_content(message: impl Into<String>) -> Self {
        Self::new("InvalidRequestContentException", 400, message)
    }

    /// 413: the request payload is larger than the invocation type allows.
    pub fn request_too_large(message: impl Into<String>) -> Self {
        Self::new("RequestEntityTooLargeException", 413, message)
    }

    /// 429: too many concurrent executions; `reason` says which limit was hit.
    pub fn too_many_requests(reason: &'static str) -> Self {
        Self {
            reason: Some(reason),
            ..Self::new("TooManyRequestsException", 429, "Rate Exceeded.")
        }
    }

    /// 400: Lambda stopped an invocation that was part of a recursive loop (see
    /// [`crate::trace`]).
    pub fn recursive_invocation() -> Self {
        Self::new(
            "RecursiveInvocationException",
            400,
            "Lambda has detected your function being invoked in a recursive loop with other AWS resources and stopped your function's invocation.",
        )
    }

    /// The error body as the Lambda API sends it (and as boto3 shows it).
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "Error": { "Code": self.code, "Message": self.message },
            "Type": "User",
        });
        if let Some(reason) = self.reason {
            body["Reason"] = json!(reason);
        }
        body
    }
}

impl ServiceError {
    /// The line the AWS CLI prints for this error, e.g. `An error occurred
    /// (ResourceNotFoundException) when calling the Invoke operation: Function not found: …`.
    pub fn cli_message(&self, operation: &str) -> String {
        format!(
            "An error occurred ({}) when calling the {operation} operation: {}",
            self.code, self.message
        )
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ServiceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_the_aws_cli() {
        let e = ServiceError::resource_not_found(
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
        );
        assert_eq!(e.cli_message("Invoke"), "An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope");
        assert_eq!(e.status, 404);
    }

    #[test]
    fn throttles_carry_their_reason() {
        let e = ServiceError::too_many_requests("ConcurrentInvocationLimitExceeded");
        assert_eq!(e.status, 429);
        assert_eq!(e.to_json()["Reason"], "ConcurrentInvocationLimitExceeded");
        assert_eq!(e.to_json()["Error"]["Message"], "Rate Exceeded.");
    }
}
