//! A tiny Amazon SQS: named queues holding messages, enough to receive what Lambda sends to a
//! dead-letter queue or an asynchronous invocation's destination.
//!
//! A queue is named by its ARN, `arn:aws:sqs:<region>:<account>:<name>`. Messages carry a body
//! and typed attributes, as on SQS; a dead-letter message, for example, has the failed event as
//! its body and `RequestID`, `ErrorCode` and `ErrorMessage` attributes.

use crate::error::ServiceError;
use crate::service::Lambda;
use crate::transcript::Entry;
use std::collections::BTreeMap;

/// One message in a queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The message id SQS assigned.
    pub message_id: String,
    /// The body, usually JSON.
    pub body: String,
    /// Message attributes: name → (data type, value), e.g. `ErrorCode` → (`Number`, `200`).
    pub attributes: BTreeMap<String, (String, String)>,
}

/// Every queue, by ARN.
#[derive(Debug, Default)]
pub(crate) struct Queues {
    queues: BTreeMap<String, Vec<Message>>,
}

/// The SQS part of the simulated account: `lambda.sqs().create_queue("failures")`.
pub struct Sqs<'a> {
    lambda: &'a Lambda,
}

impl Lambda {
    /// The account's SQS queues.
    pub fn sqs(&self) -> Sqs<'_> {
        Sqs { lambda: self }
    }
}

impl Sqs<'_> {
    /// Creates a queue (or returns the existing one) and returns its ARN.
    pub fn create_queue(&self, name: &str) -> String {
        let scope = &self.lambda.inner.scope;
        let arn = format!("arn:aws:sqs:{}:{}:{name}", scope.region, scope.account_id);
        self.lambda
            .state()
            .queues
            .queues
            .entry(arn.clone())
            .or_default();
        arn
    }

    /// Every message in a queue, oldest first.
    pub fn messages(&self, queue_arn: &str) -> Vec<Message> {
        self.lambda
            .state()
            .queues
            .queues
            .get(queue_arn)
            .cloned()
            .unwrap_or_default()
    }

    /// Sends a message, like `aws sqs send-message`; returns its message id.
    pub fn send_message(
        &self,
        queue_arn: &str,
        body: String,
        attributes: BTreeMap<String, (String, String)>,
    ) -> Result<String, ServiceError> {
        let at = self.lambda.elapsed();
        let mut state = self.lambda.state();
        let message_id = state.ids.request_id();
        let queue = state
            .queues
            .queues
            .get_mut(queue_arn)
            .ok_or_else(|| ServiceError {
                code: "AWS.SimpleQueueService.NonExistentQueue",
                status: 400,
                message: "The specified queue does not exist.".into(),
                reason: None,
            })?;
        queue.push(Message {
            message_id: message_id.clone(),
            body,
            attributes,
        });
        state.transcript.push(Entry::Api {
            at,
            text: format!("sqs:SendMessage to {queue_arn}: message {message_id}"),
        });
        Ok(message_id)
    }
}
