//! Errors of the Lambda *service*: the request was refused before (or instead of) running code.
//!
//! Lambda has two kinds of failure and learners must tell them apart:
//!
//! - A **service error** ([`ServiceError`]): the Invoke call itself failed. The HTTP status is 4xx or
//!   5xx, the body names an exception (`ResourceNotFoundException`, `TooManyRequestsException`, …)
//!   and the function did not run, or did not get to answer. The caller's SDK raises it.
//! - A **function error**: the call succeeded (HTTP 200) but the code failed. The response carries
//!   `X-Amz-Function-Error: Unhandled` and an error payload; see [`crate::lambda::invoke`].
//!
//! Exception names, status codes and messages follow what real Lambda returns (recorded responses
//! in the workbook's reference data), so the same words appear here as in the AWS CLI.

use serde_json::{json, Value};
use std::fmt;

/// An AWS API error: an exception name, its HTTP status and AWS's message.
///
/// Match on [`ErrorCode`], not on text: `Err(e) if e.code == ErrorCode::TooManyRequestsException`
/// does not compile with a typo in the name, where a string comparison would silently never match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    /// The exception name, e.g. [`ErrorCode::ResourceNotFoundException`].
    pub code: ErrorCode,
    /// The HTTP status code of the response. The same name can come with different statuses from
    /// different services: Lambda's `AccessDeniedException` is a 403, KMS's a 400.
    pub status: u16,
    /// The message, in AWS's words.
    pub message: String,
    /// For throttling errors, which limit was hit.
    pub reason: Option<ThrottleReason>,
}

/// The exception names the simulated services answer with, spelled as AWS spells them (the
/// `Code` of the error body, and the name in the AWS CLI's `An error occurred (…)`).
///
/// Each service has its own vocabulary, and a few names are shared: Lambda, Kinesis and DynamoDB
/// all say `ResourceNotFoundException`, while S3 says `NoSuchBucket` and SQS
/// `AWS.SimpleQueueService.NonExistentQueue`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    // Lambda (and, for some names, the other services too)
    /// No such function, version, alias, layer, mapping, table, stream or key (404 on Lambda).
    ResourceNotFoundException,
    /// The resource exists already, or is in a state that forbids the change (409).
    ResourceConflictException,
    /// A parameter's value is not allowed (400).
    InvalidParameterValueException,
    /// The request does not match the API's shape, e.g. a name with forbidden characters (400).
    ValidationException,
    /// The payload is not JSON (400).
    InvalidRequestContentException,
    /// The payload is larger than the invocation type allows (413).
    RequestEntityTooLargeException,
    /// Over a concurrency limit (429); the error's `reason` says which.
    TooManyRequestsException,
    /// Lambda stopped a recursive loop (400).
    RecursiveInvocationException,
    /// No provisioned concurrency is configured for that version or alias (404).
    ProvisionedConcurrencyConfigNotFoundException,
    /// No policy allows the call (Lambda 403; KMS, DynamoDB and Kinesis 400).
    AccessDeniedException,
    // S3 (and SES's `AccessDenied`)
    /// S3 or SES: the caller's role does not allow the action (403).
    AccessDenied,
    /// S3: the bucket exists already, in this account.
    BucketAlreadyOwnedByYou,
    /// S3: an argument is not allowed.
    InvalidArgument,
    /// S3: the bucket name breaks S3's naming rules.
    InvalidBucketName,
    /// S3: the notification configuration does not make sense.
    MalformedXML,
    /// S3: no such bucket.
    NoSuchBucket,
    /// S3: no such key in the bucket.
    NoSuchKey,
    // SES
    /// SES: a sender or recipient is not verified.
    MessageRejected,
    // SNS
    /// SNS: the caller's role does not allow the action.
    AuthorizationError,
    /// SNS: a parameter is not allowed.
    InvalidParameter,
    /// SNS: no such topic or subscription.
    NotFound,
    // SQS
    /// SQS: no such queue (`AWS.SimpleQueueService.NonExistentQueue`).
    NonExistentQueue,
    /// SQS: an attribute's value is not allowed.
    InvalidAttributeValue,
    /// SQS: a parameter's value is not allowed.
    InvalidParameterValue,
    /// SQS: a queue of that name exists with other attributes.
    QueueAlreadyExists,
    /// SQS: a required parameter is missing (a FIFO queue's `MessageGroupId`).
    MissingParameter,
    // Kinesis, DynamoDB, KMS, API Gateway
    /// Kinesis or DynamoDB: the stream or table exists already.
    ResourceInUseException,
    /// Kinesis: too many shards.
    LimitExceededException,
    /// DynamoDB: a conditional write found its condition false.
    ConditionalCheckFailedException,
    /// KMS: the ciphertext was not made by this key.
    InvalidCiphertextException,
    /// KMS or API Gateway: no such key or API.
    NotFoundException,
    /// API Gateway: the request is not well formed (a bad route key).
    BadRequestException,
    /// API Gateway: the route exists already.
    ConflictException,
}

impl ErrorCode {
    /// The name as AWS sends it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ResourceNotFoundException => "ResourceNotFoundException",
            Self::ResourceConflictException => "ResourceConflictException",
            Self::InvalidParameterValueException => "InvalidParameterValueException",
            Self::ValidationException => "ValidationException",
            Self::InvalidRequestContentException => "InvalidRequestContentException",
            Self::RequestEntityTooLargeException => "RequestEntityTooLargeException",
            Self::TooManyRequestsException => "TooManyRequestsException",
            Self::RecursiveInvocationException => "RecursiveInvocationException",
            Self::ProvisionedConcurrencyConfigNotFoundException => {
                "ProvisionedConcurrencyConfigNotFoundException"
            }
            Self::AccessDeniedException => "AccessDeniedException",
            Self::AccessDenied => "AccessDenied",
            Self::BucketAlreadyOwnedByYou => "BucketAlreadyOwnedByYou",
            Self::InvalidArgument => "InvalidArgument",
            Self::InvalidBucketName => "InvalidBucketName",
            Self::MalformedXML => "MalformedXML",
            Self::NoSuchBucket => "NoSuchBucket",
            Self::NoSuchKey => "NoSuchKey",
            Self::MessageRejected => "MessageRejected",
            Self::AuthorizationError => "AuthorizationError",
            Self::InvalidParameter => "InvalidParameter",
            Self::NotFound => "NotFound",
            // SQS's JSON protocol says `QueueDoesNotExist` and keeps this older name in a header;
            // the AWS CLI and the SDKs still show this one.
            Self::NonExistentQueue => "AWS.SimpleQueueService.NonExistentQueue",
            Self::InvalidAttributeValue => "InvalidAttributeValue",
            Self::InvalidParameterValue => "InvalidParameterValue",
            Self::QueueAlreadyExists => "QueueAlreadyExists",
            Self::MissingParameter => "MissingParameter",
            Self::ResourceInUseException => "ResourceInUseException",
            Self::LimitExceededException => "LimitExceededException",
            Self::ConditionalCheckFailedException => "ConditionalCheckFailedException",
            Self::InvalidCiphertextException => "InvalidCiphertextException",
            Self::NotFoundException => "NotFoundException",
            Self::BadRequestException => "BadRequestException",
            Self::ConflictException => "ConflictException",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why Lambda throttled a call: the `Reason` of a `TooManyRequestsException`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ThrottleReason {
    /// The account's concurrency (its unreserved part) is all in use.
    ConcurrentInvocationLimitExceeded,
    /// The function's reserved concurrency is all in use.
    ReservedFunctionConcurrentInvocationLimitExceeded,
}

impl ThrottleReason {
    /// The reason as AWS sends it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConcurrentInvocationLimitExceeded => "ConcurrentInvocationLimitExceeded",
            Self::ReservedFunctionConcurrentInvocationLimitExceeded => {
                "ReservedFunctionConcurrentInvocationLimitExceeded"
            }
        }
    }
}

impl fmt::Display for ThrottleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ServiceError {
    /// An error with any exception name and status: for the services around Lambda (S3, SES,
    /// KMS, API Gateway, …), whose exceptions are their own.
    pub(crate) fn new(code: ErrorCode, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            reason: None,
        }
    }

    /// 404: no such function, version or alias. AWS names the ARN it looked for.
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFoundException, 404, message)
    }

    /// 409: the resource exists already, or is in a state that forbids the change.
    pub fn resource_conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceConflictException, 409, message)
    }

    /// 400: a parameter's value is not allowed (a memory size out of range, an unknown runtime…).
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterValueException, 400, message)
    }

    /// 400: the request did not match the API's shape (a name with forbidden characters…).
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, 400, message)
    }

    /// Every broken constraint of a request in one ValidationException, as AWS lists them:
    /// `1 validation error detected: …`, or `3 validation errors detected: …; …; …`. No
    /// problems, no error.
    pub(crate) fn check_all(problems: &[String]) -> Result<(), Self> {
        match problems {
            [] => Ok(()),
            [problem] => Err(Self::validation(format!(
                "1 validation error detected: {problem}"
            ))),
            _ => Err(Self::validation(format!(
                "{} validation errors detected: {}",
                problems.len(),
                problems.join("; ")
            ))),
        }
    }

    /// 400: the payload is not JSON.
    pub fn invalid_request_content(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequestContentException, 400, message)
    }

    /// 413: the request payload is larger than the invocation type allows.
    pub fn request_too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::RequestEntityTooLargeException, 413, message)
    }

    /// 429: too many concurrent executions; `reason` says which limit was hit.
    pub fn too_many_requests(reason: ThrottleReason) -> Self {
        Self {
            reason: Some(reason),
            ..Self::new(ErrorCode::TooManyRequestsException, 429, "Rate Exceeded.")
        }
    }

    /// 400: Lambda stopped an invocation that was part of a recursive loop (see
    /// `crate::lambda::trace`).
    pub fn recursive_invocation() -> Self {
        Self::new(
            ErrorCode::RecursiveInvocationException,
            400,
            "Lambda has detected your function being invoked in a recursive loop with other AWS resources and stopped your function's invocation.",
        )
    }

    /// Why the call did not happen, in one word: a throttle's reason, or else the exception name.
    /// The transcript's notes about retries say it.
    pub(crate) fn cause(&self) -> &'static str {
        self.reason
            .map_or(self.code.as_str(), ThrottleReason::as_str)
    }

    /// The error body as the Lambda API sends it (and as boto3 shows it).
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "Error": { "Code": self.code.as_str(), "Message": self.message },
            "Type": "User",
        });
        if let Some(reason) = self.reason {
            body["Reason"] = json!(reason.as_str());
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
        let e = ServiceError::too_many_requests(ThrottleReason::ConcurrentInvocationLimitExceeded);
        assert_eq!(e.status, 429);
        assert_eq!(e.to_json()["Reason"], "ConcurrentInvocationLimitExceeded");
        assert_eq!(e.to_json()["Error"]["Message"], "Rate Exceeded.");
    }
}
