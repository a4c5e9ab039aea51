//! The settings of asynchronous invocation (`put-function-event-invoke-config`) and what
//! became of an event: the data [`crate::lambda::async_invoke`] works with, apart from it so that
//! the service's state can hold it without depending on how events are processed.

use crate::base::error::ServiceError;
use std::time::Duration;

/// The default and longest time an event may wait to be processed: 6 hours.
pub(crate) const MAX_EVENT_AGE: Duration = Duration::from_secs(6 * 3600);
const MIN_EVENT_AGE: Duration = Duration::from_secs(60);

/// How Lambda handles an asynchronous event for one function version or alias: the settings of
/// `aws lambda put-function-event-invoke-config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventInvokeConfig {
    pub(crate) maximum_retry_attempts: u32,
    pub(crate) maximum_event_age: Duration,
    pub(crate) on_success: Option<String>,
    pub(crate) on_failure: Option<String>,
    /// Whether any setting was given: AWS refuses a configuration with none.
    pub(crate) any_setting: bool,
}

impl Default for EventInvokeConfig {
    fn default() -> Self {
        Self {
            maximum_retry_attempts: 2,
            maximum_event_age: MAX_EVENT_AGE,
            on_success: None,
            on_failure: None,
            any_setting: false,
        }
    }
}

impl EventInvokeConfig {
    /// Retries after a function error: 0, 1 or 2 (the default).
    pub fn maximum_retry_attempts(mut self, retries: u32) -> Self {
        self.maximum_retry_attempts = retries;
        self.any_setting = true;
        self
    }

    /// How long an event may wait, in seconds: 60 to 21,600 (the default).
    pub fn maximum_event_age_secs(mut self, secs: u64) -> Self {
        self.maximum_event_age = Duration::from_secs(secs);
        self.any_setting = true;
        self
    }

    /// Where a record of each success goes: an SQS queue, SNS topic or Lambda function ARN.
    pub fn on_success(mut self, destination_arn: impl Into<String>) -> Self {
        self.on_success = Some(destination_arn.into());
        self.any_setting = true;
        self
    }

    /// Where a record of each event Lambda gave up on goes: an SQS queue, SNS topic or Lambda
    /// function ARN.
    pub fn on_failure(mut self, destination_arn: impl Into<String>) -> Self {
        self.on_failure = Some(destination_arn.into());
        self.any_setting = true;
        self
    }

    /// The configuration as the Lambda API shows it (`get-function-event-invoke-config`):
    /// `MaximumRetryAttempts`, `MaximumEventAgeInSeconds` and the `DestinationConfig`.
    pub fn to_json(&self) -> serde_json::Value {
        let destination = |arn: &Option<String>| match arn {
            Some(arn) => serde_json::json!({ "Destination": arn }),
            None => serde_json::json!({}),
        };
        serde_json::json!({
            "MaximumRetryAttempts": self.maximum_retry_attempts,
            "MaximumEventAgeInSeconds": self.maximum_event_age.as_secs(),
            "DestinationConfig": {
                "OnSuccess": destination(&self.on_success),
                "OnFailure": destination(&self.on_failure),
            },
        })
    }

    pub(crate) fn validate(&self) -> Result<(), ServiceError> {
        let limit = |field: &str, value: u64, bound: String| {
            ServiceError::validation(format!(
                "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must have value {bound}"
            ))
        };
        if self.maximum_retry_attempts > 2 {
            return Err(limit(
                "maximumRetryAttempts",
                self.maximum_retry_attempts.into(),
                "less than or equal to 2".into(),
            ));
        }
        let age = self.maximum_event_age.as_secs();
        if age < MIN_EVENT_AGE.as_secs() {
            return Err(limit(
                "maximumEventAgeInSeconds",
                age,
                "greater than or equal to 60".into(),
            ));
        }
        if age > MAX_EVENT_AGE.as_secs() {
            return Err(limit(
                "maximumEventAgeInSeconds",
                age,
                "less than or equal to 21600".into(),
            ));
        }
        for arn in [&self.on_success, &self.on_failure].into_iter().flatten() {
            destination_kind(arn)?;
        }
        Ok(())
    }
}

/// What finally became of one asynchronous event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    /// The function succeeded.
    Succeeded {
        /// The attempt that succeeded: 1, 2 or 3.
        attempts: u32,
    },
    /// Lambda gave up on the event.
    Failed {
        /// Why, as the destination record's `requestContext.condition` says it.
        condition: FailureCondition,
        /// How many times the function was invoked with it (0 when it never ran).
        attempts: u32,
        /// The destination and dead-letter queue that received it; empty: it was discarded.
        sent_to: Vec<String>,
    },
}

/// Why Lambda gave up on an asynchronous event: the `condition` of the record an on-failure
/// destination receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureCondition {
    /// `RetriesExhausted`: every attempt (1 + `MaximumRetryAttempts`) failed.
    RetriesExhausted,
    /// `EventAgeExceeded`: the event waited longer than `MaximumEventAgeInSeconds`.
    EventAgeExceeded,
    /// `ZeroReservedConcurrency`: the function's reserved concurrency is 0, so Lambda gave the
    /// event up at once, without an attempt (recorded from AWS in 2025).
    ZeroReservedConcurrency,
    /// `RecursiveInvocationException`: the event would have invoked its function more than 16
    /// times in one request chain, so Lambda never invoked it. AWS does not document the
    /// condition it writes for this stop, and no recording of one is known: the invoker's guess
    /// is the name of AWS's exception.
    RecursiveLoop,
}

impl FailureCondition {
    /// The condition as Lambda writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RetriesExhausted => "RetriesExhausted",
            Self::EventAgeExceeded => "EventAgeExceeded",
            Self::ZeroReservedConcurrency => "ZeroReservedConcurrency",
            Self::RecursiveLoop => "RecursiveInvocationException",
        }
    }
}

impl std::fmt::Display for FailureCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of destination the invoker can deliver to.
pub(crate) enum DestinationKind {
    Queue,
    Topic,
    Function,
}

pub(crate) fn destination_kind(arn: &str) -> Result<DestinationKind, ServiceError> {
    if arn.starts_with("arn:aws:sqs:") {
        Ok(DestinationKind::Queue)
    } else if arn.starts_with("arn:aws:sns:") {
        Ok(DestinationKind::Topic)
    } else if arn.starts_with("arn:aws:lambda:") && arn.contains(":function:") {
        Ok(DestinationKind::Function)
    } else if ["arn:aws:events:", "arn:aws:s3:"]
        .iter()
        .any(|p| arn.starts_with(p))
    {
        Err(ServiceError::invalid_parameter_value(format!(
            "The invoker delivers to SQS queue, SNS topic and Lambda function destinations only; {arn} is not simulated yet."
        )))
    } else {
        Err(ServiceError::invalid_parameter_value(format!(
            "The destination ARN {arn} is invalid."
        )))
    }
}
