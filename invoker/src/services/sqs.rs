//! Amazon SQS, simulated: standard and FIFO queues with a visibility timeout, a retention period
//! and a redrive policy.
//!
//! A queue holds messages until a consumer deletes them. Receiving a message does **not** remove
//! it: it hides it for the queue's **visibility timeout** (default 30 s), counts the receive
//! (`ApproximateReceiveCount`) and hands out a fresh **receipt handle**. The consumer deletes the
//! message with that handle once it is done. If it never does (it crashed, or failed), the message
//! becomes visible again when the timeout ends and is received again: SQS delivers **at least
//! once**. Two attributes keep a bad message from coming back forever:
//!
//! - a **redrive policy** (`deadLetterTargetArn`, `maxReceiveCount`): a receive that would count
//!   past `maxReceiveCount` moves the message to the dead-letter queue instead;
//! - the **retention period** (`MessageRetentionPeriod`, default 4 days): an older message is
//!   deleted, read or not.
//!
//! A queue is named by its ARN, `arn:aws:sqs:<region>:<account>:<name>`. Messages carry a body
//! and typed attributes; a dead-letter message from Lambda, for example, has the failed event as
//! its body and `RequestID`, `ErrorCode` and `ErrorMessage` attributes.
//!
//! A queue read by an event source mapping (see [`crate::event_source_mapping::queue`]) wakes the
//! mapping's poller when a message arrives, and each of its messages is pending work for
//! [`Lambda::settle`] until it is deleted, moved to the dead-letter queue or expired. Every
//! message ends one of those ways, with a transcript line.
//!
//! ## FIFO queues
//!
//! A **FIFO** (first-in, first-out) queue is made with `FifoQueue` set
//! ([`QueueAttributes::fifo_queue`]), and its name must end in `.fifo`. It keeps two promises a
//! standard queue does not (Amazon SQS Developer Guide, "FIFO queue key terms" and "FIFO queue
//! delivery logic"):
//!
//! - **Order within a message group.** Every message is sent with a `MessageGroupId` (SQS
//!   refuses one without: `MissingParameter`). The messages of one group are received in the
//!   order they were sent, and **one group at a time**: while a message of the group is in flight
//!   (received, neither deleted nor visible again), a receive returns no later message of that
//!   group; other groups go on. One receive may hand out several messages of a group, in order.
//!   So a message that fails and comes back blocks its group until it is dealt with, and the
//!   group's order holds.
//! - **Exactly-once sending.** A message has a `MessageDeduplicationId`, given by the sender or,
//!   with `ContentBasedDeduplication`, the SHA-256 of its body in hex (an id given explicitly
//!   wins). Without either, the send is refused. A message sent with the id of one sent in the
//!   last **5 minutes** is accepted but not delivered; SQS tracks the id even after the first
//!   message was deleted (the SendMessage API reference, `MessageDeduplicationId`).
//!
//! Each message gets a `SequenceNumber`: a large number, not consecutive, that grows in the
//! order of sending (the API reference: 128 bits, increasing within a message group); the invoker
//! counts them per queue from a 20-digit start. The three appear among the message's system
//! attributes, and in the records an event source mapping hands a function.
//!
//! A FIFO queue as Lambda reads it: batches of at most 10 and no batching window (see
//! [`crate::event_source_mapping::queue`]).
//!
//! A handler's calls are checked against its execution role (see [`crate::lambda::iam`]):
//! `sqs:SendMessage`, `sqs:ReceiveMessage` and `sqs:DeleteMessage` on the queue's ARN. SQS
//! refuses with `AccessDenied` (403), and writes the action in lower case in its message
//! (`sqs:sendmessage`), as it does on AWS.
//!
//! Simplified here: no delay queues, no long polling (a receive answers at once), no
//! `ChangeMessageVisibility`, and no limit on a message's size. Expired messages are removed when
//! the queue is next used, with the time they expired. Of FIFO queues: deduplication is per queue
//! (SQS's default `DeduplicationScope`), a sender's duplicate is answered with the first
//! message's id and sequence number, no `ReceiveRequestAttemptId`, a redrive policy's
//! dead-letter queue is not checked to be FIFO too, and a message group on a standard queue (SQS's
//! fair queues) is refused. The wording of the refusals about FIFO (a name without `.fifo`, a
//! missing group or deduplication id) is the invoker's: none was recorded.

use crate::base::clock;
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::ids::{md5_hex, sha256_hex};
use crate::base::platform::lock;
use crate::base::transcript::Entry;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::message_targets::MessageAttributes;
use crate::lambda::service::Lambda;
use crate::lambda::trace::{self, Lineage};
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// How long a received message stays hidden, by default.
pub(crate) const DEFAULT_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest visibility timeout: 12 hours.
pub(crate) const MAX_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(12 * 3600);
/// How long a message is kept, by default: 4 days.
pub(crate) const DEFAULT_MESSAGE_RETENTION: Duration = Duration::from_secs(4 * 24 * 3600);
/// The shortest retention period: 1 minute.
pub(crate) const MIN_MESSAGE_RETENTION: Duration = Duration::from_secs(60);
/// The longest retention period: 14 days.
pub(crate) const MAX_MESSAGE_RETENTION: Duration = Duration::from_secs(14 * 24 * 3600);
/// The highest `maxReceiveCount` a redrive policy accepts.
pub(crate) const MAX_MAX_RECEIVE_COUNT: u32 = 1000;
/// The most messages one `ReceiveMessage` call returns.
pub(crate) const MAX_MESSAGES_PER_RECEIVE: usize = 10;
/// How long a FIFO queue remembers a deduplication id: 5 minutes.
pub(crate) const DEDUPLICATION_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// The sequence number of a FIFO queue's first message: 20 digits, as SQS's are.
const FIRST_SEQUENCE_NUMBER: u128 = 18_849_496_460_467_696_128;
/// How far apart two sequence numbers are: SQS's grow, but not one by one.
const SEQUENCE_NUMBER_STEP: u128 = 65_536;
/// The suffix every FIFO queue's name has.
const FIFO_SUFFIX: &str = ".fifo";
/// The `SenderId` of every message: the IAM user id AWS's examples use.
pub(crate) const SENDER_ID: &str = "AIDAIENQZJOLO23YVJ4VO";

/// A queue's attributes, as `aws sqs create-queue --attributes` sets them.
///
/// ```
/// use invoker::QueueAttributes;
/// let dlq = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
/// let attributes = QueueAttributes::default()
///     .visibility_timeout_secs(60)
///     .redrive_policy(dlq, 3);
/// assert_eq!(attributes.visibility_timeout().as_secs(), 60);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueAttributes {
    visibility_timeout: Duration,
    message_retention_period: Duration,
    redrive_policy: Option<RedrivePolicy>,
    fifo_queue: bool,
    content_based_deduplication: bool,
}

/// Where a message goes after too many receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedrivePolicy {
    /// The dead-letter queue's ARN.
    pub dead_letter_target_arn: String,
    /// How many receives a message gets before the next one moves it (1–1,000).
    pub max_receive_count: u32,
}

impl Default for QueueAttributes {
    fn default() -> Self {
        Self {
            visibility_timeout: DEFAULT_VISIBILITY_TIMEOUT,
            message_retention_period: DEFAULT_MESSAGE_RETENTION,
            redrive_policy: None,
            fifo_queue: false,
            content_based_deduplication: false,
        }
    }
}

impl QueueAttributes {
    /// `VisibilityTimeout`, 0–43,200 seconds (default 30).
    pub fn visibility_timeout_secs(mut self, secs: u64) -> Self {
        self.visibility_timeout = Duration::from_secs(secs);
        self
    }

    /// `MessageRetentionPeriod`, 60–1,209,600 seconds (default 345,600: 4 days).
    pub fn message_retention_period_secs(mut self, secs: u64) -> Self {
        self.message_retention_period = Duration::from_secs(secs);
        self
    }

    /// `RedrivePolicy`: after `max_receive_count` receives, the next moves a message to the
    /// queue `dead_letter_target_arn`.
    pub fn redrive_policy(
        mut self,
        dead_letter_target_arn: impl Into<String>,
        max_receive_count: u32,
    ) -> Self {
        self.redrive_policy = Some(RedrivePolicy {
            dead_letter_target_arn: dead_letter_target_arn.into(),
            max_receive_count,
        });
        self
    }

    /// `FifoQueue`: a FIFO queue, whose name must end in `.fifo` (set at creation only).
    pub fn fifo_queue(mut self, fifo: bool) -> Self {
        self.fifo_queue = fifo;
        self
    }

    /// `ContentBasedDeduplication` (FIFO queues): a message sent without a deduplication id gets
    /// the SHA-256 of its body as one.
    pub fn content_based_deduplication(mut self, enabled: bool) -> Self {
        self.content_based_deduplication = enabled;
        self
    }

    /// Whether it is a FIFO queue.
    pub fn is_fifo(&self) -> bool {
        self.fifo_queue
    }

    /// The visibility timeout.
    pub fn visibility_timeout(&self) -> Duration {
        self.visibility_timeout
    }

    /// The retention period.
    pub fn message_retention_period(&self) -> Duration {
        self.message_retention_period
    }

    /// The redrive policy, if any.
    pub fn redrive(&self) -> Option<&RedrivePolicy> {
        self.redrive_policy.as_ref()
    }

    /// Checks the attributes as SQS does; the dead-letter queue must exist in `queues`.
    fn validate(&self, queues: &Queues) -> Result<(), ServiceError> {
        let invalid = |name: &str| {
            sqs_error(
                ErrorCode::InvalidAttributeValue,
                format!("Invalid value for the parameter {name}."),
            )
        };
        if self.visibility_timeout > MAX_VISIBILITY_TIMEOUT {
            return Err(invalid("VisibilityTimeout"));
        }
        if !(MIN_MESSAGE_RETENTION..=MAX_MESSAGE_RETENTION).contains(&self.message_retention_period)
        {
            return Err(invalid("MessageRetentionPeriod"));
        }
        if self.content_based_deduplication && !self.fifo_queue {
            return Err(invalid("ContentBasedDeduplication"));
        }
        if let Some(policy) = &self.redrive_policy {
            let reason = if !(1..=MAX_MAX_RECEIVE_COUNT).contains(&policy.max_receive_count) {
                format!(
                    "Invalid value for maxReceiveCount: {}, valid values are from 1 to {MAX_MAX_RECEIVE_COUNT} both inclusive.",
                    policy.max_receive_count
                )
            } else if !queues.queues.contains_key(&policy.dead_letter_target_arn) {
                "Dead letter target does not exist.".to_owned()
            } else {
                return Ok(());
            };
            return Err(sqs_error(
                ErrorCode::InvalidAttributeValue,
                format!(
                    r#"Value {{"deadLetterTargetArn":"{}","maxReceiveCount":"{}"}} for parameter RedrivePolicy is invalid. Reason: {reason}"#,
                    policy.dead_letter_target_arn, policy.max_receive_count
                ),
            ));
        }
        Ok(())
    }

    /// The name of the first attribute that differs, as `QueueAlreadyExists` names it.
    fn first_difference(&self, other: &QueueAttributes) -> Option<&'static str> {
        if self.visibility_timeout != other.visibility_timeout {
            Some("VisibilityTimeout")
        } else if self.message_retention_period != other.message_retention_period {
            Some("MessageRetentionPeriod")
        } else if self.redrive_policy != other.redrive_policy {
            Some("RedrivePolicy")
        } else if self.fifo_queue != other.fifo_queue {
            Some("FifoQueue")
        } else if self.content_based_deduplication != other.content_based_deduplication {
            Some("ContentBasedDeduplication")
        } else {
            None
        }
    }
}

/// One message in a queue, as `ReceiveMessage` returns it (with every system attribute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The message id SQS assigned.
    pub message_id: String,
    /// The body, usually JSON.
    pub body: String,
    /// Message attributes: name → (data type, value), e.g. `ErrorCode` → (`Number`, `200`).
    pub attributes: BTreeMap<String, (String, String)>,
    /// The MD5 digest of the body, in hex (`MD5OfBody`).
    pub md5_of_body: String,
    /// When it was sent, in milliseconds since the Unix epoch (`SentTimestamp`).
    pub sent_timestamp: u64,
    /// How many times it was received (`ApproximateReceiveCount`).
    pub receive_count: u32,
    /// When it was first received, in milliseconds since the Unix epoch
    /// (`ApproximateFirstReceiveTimestamp`).
    pub first_receive_timestamp: Option<u64>,
    /// The handle of its latest receive: the one that deletes it.
    pub receipt_handle: Option<String>,
    /// Its group, deduplication id and sequence number, in a FIFO queue.
    pub fifo: Option<FifoAttributes>,
}

/// The system attributes of a message in a FIFO queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FifoAttributes {
    /// `MessageGroupId`: the group whose order it keeps.
    pub message_group_id: String,
    /// `MessageDeduplicationId`: given by the sender, or the SHA-256 of the body in hex.
    pub message_deduplication_id: String,
    /// `SequenceNumber`: where it stands in the queue, a large decimal number.
    pub sequence_number: String,
}

/// What a message for a FIFO queue is sent with besides its body: its group and, unless the
/// queue deduplicates by content, its deduplication id.
///
/// ```
/// use invoker::MessageGroup;
/// let first = MessageGroup::new("order-17").deduplication_id("order-17-created");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageGroup {
    message_group_id: String,
    message_deduplication_id: Option<String>,
}

impl MessageGroup {
    /// The message belongs to the group `message_group_id`.
    pub fn new(message_group_id: impl Into<String>) -> Self {
        Self {
            message_group_id: message_group_id.into(),
            message_deduplication_id: None,
        }
    }

    /// `MessageDeduplicationId`: a resend with the same id within 5 minutes is not delivered.
    pub fn deduplication_id(mut self, id: impl Into<String>) -> Self {
        self.message_deduplication_id = Some(id.into());
        self
    }
}

/// SendMessage's answer for a FIFO queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentToGroup {
    /// The message's id (the first message's, for a duplicate).
    pub message_id: String,
    /// Its `SequenceNumber`.
    pub sequence_number: String,
}

impl Message {
    /// The MD5 digest of the message attributes, in hex (`MD5OfMessageAttributes`); `None`
    /// without attributes. SQS hashes each attribute in name order as its name, its data type
    /// and its value, each after its length in 4 big-endian bytes, with one byte between type
    /// and value saying how the value travels (1: a string, the only kind the invoker keeps).
    /// A client can compute the same digest to check that the attributes arrived intact.
    pub fn md5_of_message_attributes(&self) -> Option<String> {
        if self.attributes.is_empty() {
            return None;
        }
        const STRING_VALUE: u8 = 1;
        let mut encoded = Vec::new();
        let push_with_length = |encoded: &mut Vec<u8>, bytes: &[u8]| {
            let length = u32::try_from(bytes.len()).expect("an attribute under 4 GiB");
            encoded.extend_from_slice(&length.to_be_bytes());
            encoded.extend_from_slice(bytes);
        };
        for (name, (data_type, value)) in &self.attributes {
            push_with_length(&mut encoded, name.as_bytes());
            push_with_length(&mut encoded, data_type.as_bytes());
            encoded.push(STRING_VALUE);
            push_with_length(&mut encoded, value.as_bytes());
        }
        Some(md5_hex(&encoded))
    }
}

/// A received message, the request chain of the call that sent it, and when it becomes
/// visible again if it is not deleted.
pub(crate) struct Received {
    pub message: Message,
    pub chain: Lineage,
    pub visible_at: Instant,
}

/// Every queue, by ARN.
#[derive(Debug, Default)]
pub(crate) struct Queues {
    queues: BTreeMap<String, Queue>,
}

#[derive(Debug)]
struct Queue {
    attributes: QueueAttributes,
    /// Oldest first.
    messages: Vec<Stored>,
    /// The pollers of the event source mappings that read this queue.
    consumers: Vec<Arc<Notify>>,
    /// A FIFO queue's deduplication ids of the last 5 minutes, with what their message was
    /// answered and when it was sent.
    deduplication: BTreeMap<String, (SentToGroup, Instant)>,
    /// A FIFO queue's next sequence number.
    next_sequence_number: u128,
}

#[derive(Debug)]
struct Stored {
    message: Message,
    sent_at: Instant,
    /// Hidden until then after a receive.
    visible_at: Instant,
    chain: Lineage,
    /// Whether [`Lambda::settle`] waits for it: it arrived in a queue a mapping reads.
    pending: bool,
}

impl Queue {
    fn new(attributes: QueueAttributes) -> Self {
        Self {
            attributes,
            messages: Vec::new(),
            consumers: Vec::new(),
            deduplication: BTreeMap::new(),
            next_sequence_number: FIRST_SEQUENCE_NUMBER,
        }
    }

    /// A FIFO message's deduplication id: the one it was sent with, or with content-based
    /// deduplication the SHA-256 of its body; SQS refuses a message with neither.
    fn deduplication_id(&self, given: Option<String>, body: &str) -> Result<String, ServiceError> {
        match given {
            Some(id) => Ok(id),
            None if self.attributes.content_based_deduplication => Ok(sha256_hex(body.as_bytes())),
            None => Err(sqs_error(
                ErrorCode::InvalidParameterValue,
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly".into(),
            )),
        }
    }

    /// The sequence number of the next message of a FIFO queue.
    fn take_sequence_number(&mut self) -> String {
        let number = self.next_sequence_number;
        self.next_sequence_number += SEQUENCE_NUMBER_STEP;
        number.to_string()
    }
}

/// The SQS part of the simulated account: `lambda.sqs().create_queue("failures")`.
#[derive(Clone)]
pub struct Sqs {
    lambda: LambdaHandle,
    queues: Arc<Mutex<Queues>>,
}

impl Lambda {
    /// The account's SQS queues.
    pub fn sqs(&self) -> Sqs {
        Sqs::new(self.handle())
    }
}

/// How SQS takes a message Lambda sends (a destination record, a dead letter).
fn deliver(
    lambda: LambdaHandle,
    queue_arn: String,
    body: String,
    attributes: MessageAttributes,
) -> Pin<Box<dyn Future<Output = bool> + Send>> {
    let sent = Sqs::new(lambda).send_message(&queue_arn, body, attributes);
    Box::pin(std::future::ready(sent.is_ok()))
}

impl Sqs {
    pub(crate) fn new(lambda: LambdaHandle) -> Self {
        let queues = lambda.platform().state();
        Self { lambda, queues }
    }

    /// Lets Lambda send messages to the account's queues.
    fn accept_messages(&self) {
        self.lambda.accept_messages("sqs", deliver);
    }

    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Queues> {
        lock(&self.queues)
    }

    /// Creates a standard queue with the default attributes (or returns the existing one of that
    /// name), and returns its ARN. A FIFO queue is made with
    /// [`create_queue_with`](Self::create_queue_with) and [`QueueAttributes::fifo_queue`].
    pub fn create_queue(&self, name: &str) -> String {
        self.accept_messages();
        let arn = self.arn(name);
        self.state()
            .queues
            .entry(arn.clone())
            .or_insert_with(|| Queue::new(QueueAttributes::default()));
        arn
    }

    /// Creates a queue with attributes, like `aws sqs create-queue --attributes`, and returns
    /// its ARN. Creating it again with the same attributes returns the same queue; with other
    /// attributes it is refused (`QueueAlreadyExists`).
    pub fn create_queue_with(
        &self,
        name: &str,
        attributes: QueueAttributes,
    ) -> Result<String, ServiceError> {
        self.accept_messages();
        if attributes.fifo_queue != name.ends_with(FIFO_SUFFIX) {
            return Err(sqs_error(
                ErrorCode::InvalidParameterValue,
                "The name of a FIFO queue must end in .fifo, and only a FIFO queue's may (FifoQueue)."
                    .into(),
            ));
        }
        let arn = self.arn(name);
        let mut state = self.state();
        attributes.validate(&state)?;
        if let Some(existing) = state.queues.get(&arn) {
            return match existing.attributes.first_difference(&attributes) {
                None => Ok(arn),
                Some(attribute) => Err(sqs_error(
                    ErrorCode::QueueAlreadyExists,
                    format!("A queue already exists with the same name and a different value for attribute {attribute}"),
                )),
            };
        }
        state.queues.insert(arn.clone(), Queue::new(attributes));
        Ok(arn)
    }

    /// Changes a queue's attributes, like `aws sqs set-queue-attributes`.
    pub fn set_queue_attributes(
        &self,
        queue_arn: &str,
        attributes: QueueAttributes,
    ) -> Result<(), ServiceError> {
        let mut state = self.state();
        attributes.validate(&state)?;
        let queue = queue_mut(&mut state, queue_arn)?;
        if queue.attributes.fifo_queue != attributes.fifo_queue {
            // A queue is FIFO or not from its creation on.
            return Err(sqs_error(
                ErrorCode::InvalidAttributeValue,
                "Invalid value for the parameter FifoQueue.".into(),
            ));
        }
        queue.attributes = attributes;
        Ok(())
    }

    /// A queue's attributes, like `aws sqs get-queue-attributes`.
    pub fn queue_attributes(&self, queue_arn: &str) -> Result<QueueAttributes, ServiceError> {
        let mut state = self.state();
        Ok(queue_mut(&mut state, queue_arn)?.attributes.clone())
    }

    /// Every message in a queue, in flight or not, oldest first: a look inside for tests.
    pub fn messages(&self, queue_arn: &str) -> Vec<Message> {
        let mut state = self.state();
        self.expire(&mut state, queue_arn);
        state
            .queues
            .get(queue_arn)
            .map(|q| q.messages.iter().map(|s| s.message.clone()).collect())
            .unwrap_or_default()
    }

    /// Sends a message to a standard queue, like `aws sqs send-message`; returns its message id.
    /// Called from a handler, the message continues the handler's request chain. A FIFO queue
    /// refuses it: its messages need a group ([`send_message_to_group`](Self::send_message_to_group)).
    pub fn send_message(
        &self,
        queue_arn: &str,
        body: String,
        attributes: BTreeMap<String, (String, String)>,
    ) -> Result<String, ServiceError> {
        Ok(self.send(queue_arn, body, attributes, None)?.message_id)
    }

    /// Sends a message to a FIFO queue in a message group, like `aws sqs send-message
    /// --message-group-id … --message-deduplication-id …`; returns its id and sequence number.
    /// A message whose deduplication id was sent in the last 5 minutes is accepted and not
    /// delivered. A standard queue refuses it.
    pub fn send_message_to_group(
        &self,
        queue_arn: &str,
        body: String,
        attributes: BTreeMap<String, (String, String)>,
        group: MessageGroup,
    ) -> Result<SentToGroup, ServiceError> {
        self.send(queue_arn, body, attributes, Some(group))
    }

    /// Sends a message, with a group for a FIFO queue.
    fn send(
        &self,
        queue_arn: &str,
        body: String,
        attributes: BTreeMap<String, (String, String)>,
        group: Option<MessageGroup>,
    ) -> Result<SentToGroup, ServiceError> {
        self.authorize("sqs:SendMessage", queue_arn)?;
        let now = Instant::now();
        let sent_timestamp = self.epoch_millis();
        let mut state = self.state();
        let queue = queue_mut(&mut state, queue_arn)?;
        let fifo = match (queue.attributes.fifo_queue, group) {
            (false, None) => None,
            (false, Some(_)) => {
                return Err(sqs_error(
                    ErrorCode::InvalidParameterValue,
                    "MessageGroupId and MessageDeduplicationId are for FIFO queues.".into(),
                ))
            }
            (true, None) => {
                return Err(sqs_error(
                    ErrorCode::MissingParameter,
                    "The request must contain the parameter MessageGroupId.".into(),
                ))
            }
            (true, Some(group)) => {
                let deduplication_id =
                    queue.deduplication_id(group.message_deduplication_id, &body)?;
                queue
                    .deduplication
                    .retain(|_, (_, sent_at)| *sent_at + DEDUPLICATION_INTERVAL > now);
                if let Some((first, _)) = queue.deduplication.get(&deduplication_id) {
                    let first = first.clone();
                    drop(state);
                    self.lambda.record_call(format!(
                        "sqs:SendMessage to {queue_arn}: a duplicate of message {} (MessageDeduplicationId {deduplication_id}), not delivered",
                        first.message_id
                    ));
                    return Ok(first);
                }
                Some(FifoAttributes {
                    message_group_id: group.message_group_id,
                    message_deduplication_id: deduplication_id,
                    sequence_number: queue.take_sequence_number(),
                })
            }
        };
        let sent = SentToGroup {
            message_id: self.lambda.platform().ids().request_id(),
            sequence_number: fifo
                .as_ref()
                .map(|f| f.sequence_number.clone())
                .unwrap_or_default(),
        };
        if let Some(fifo) = &fifo {
            queue
                .deduplication
                .insert(fifo.message_deduplication_id.clone(), (sent.clone(), now));
        }
        let stored = Stored {
            message: Message {
                message_id: sent.message_id.clone(),
                md5_of_body: md5_hex(body.as_bytes()),
                body,
                attributes,
                sent_timestamp,
                receive_count: 0,
                first_receive_timestamp: None,
                receipt_handle: None,
                fifo,
            },
            sent_at: now,
            visible_at: now,
            chain: trace::current_lineage(),
            pending: false,
        };
        self.push(&mut state, queue_arn, stored);
        drop(state);
        self.lambda.record_call(format!(
            "sqs:SendMessage to {queue_arn}: message {}",
            sent.message_id
        ));
        Ok(sent)
    }

    /// Receives up to `max_messages` (1–10) visible messages, like `aws sqs receive-message`:
    /// each is hidden for the visibility timeout and gets a new receipt handle. A message that
    /// was received `maxReceiveCount` times already is moved to the dead-letter queue instead.
    pub fn receive_message(
        &self,
        queue_arn: &str,
        max_messages: usize,
    ) -> Result<Vec<Message>, ServiceError> {
        if !(1..=MAX_MESSAGES_PER_RECEIVE).contains(&max_messages) {
            return Err(sqs_error(
                ErrorCode::InvalidParameterValue,
                format!("Value {max_messages} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and {MAX_MESSAGES_PER_RECEIVE}, if provided."),
            ));
        }
        self.authorize("sqs:ReceiveMessage", queue_arn)?;
        let received = self.receive(queue_arn, max_messages)?;
        self.lambda.record_call(format!(
            "sqs:ReceiveMessage from {queue_arn}: {} message(s)",
            received.len()
        ));
        Ok(received.into_iter().map(|r| r.message).collect())
    }

    /// Deletes a received message, like `aws sqs delete-message`. As on SQS, a handle that is
    /// no longer the message's latest (it was received again since) deletes nothing, and the
    /// call still succeeds.
    pub fn delete_message(
        &self,
        queue_arn: &str,
        receipt_handle: &str,
    ) -> Result<(), ServiceError> {
        self.authorize("sqs:DeleteMessage", queue_arn)?;
        let deleted = self.delete(queue_arn, &[receipt_handle.to_owned()])?;
        let what = match deleted.as_slice() {
            [id] => format!("message {id}"),
            _ => "no message has that receipt handle now".to_owned(),
        };
        self.lambda
            .record_call(format!("sqs:DeleteMessage from {queue_arn}: {what}"));
        Ok(())
    }

    /// Checks a call from function code against its execution role.
    fn authorize(&self, action: &str, queue_arn: &str) -> Result<(), ServiceError> {
        self.lambda.authorize(action, queue_arn).map_err(|denied| {
            ServiceError::new(
                ErrorCode::AccessDenied,
                403,
                denied.message_with(&action.to_ascii_lowercase(), queue_arn),
            )
        })
    }

    /// Receives up to `max` messages for a consumer (the API allows 10; Lambda's poller reads
    /// larger batches), after removing expired messages and redriving worn-out ones.
    pub(crate) fn receive(
        &self,
        queue_arn: &str,
        max: usize,
    ) -> Result<Vec<Received>, ServiceError> {
        let now = Instant::now();
        let now_ms = self.epoch_millis();
        let mut state = self.state();
        self.expire(&mut state, queue_arn);
        let mut received = Vec::new();
        let mut worn_out = Vec::new();
        let queue = state
            .queues
            .get_mut(queue_arn)
            .ok_or_else(non_existent_queue)?;
        let visibility = queue.attributes.visibility_timeout;
        let redrive = queue.attributes.redrive_policy.clone();
        // The FIFO groups with a message in flight: none of their later messages may be received.
        let mut blocked_groups = BTreeSet::new();
        for (index, stored) in queue.messages.iter_mut().enumerate() {
            if received.len() == max {
                break;
            }
            let group = stored.message.fifo.as_ref().map(|f| &f.message_group_id);
            if group.is_some_and(|group| blocked_groups.contains(group)) {
                continue;
            }
            if stored.visible_at > now {
                blocked_groups.extend(group.cloned());
                continue;
            }
            if let Some(policy) = &redrive {
                if stored.message.receive_count >= policy.max_receive_count {
                    worn_out.push(index);
                    continue;
                }
            }
            let handle = format!(
                "AQEB{}",
                base64::engine::general_purpose::STANDARD
                    .encode(self.lambda.platform().ids().bytes(48))
            );
            let message = &mut stored.message;
            message.receive_count += 1;
            message.first_receive_timestamp.get_or_insert(now_ms);
            message.receipt_handle = Some(handle);
            stored.visible_at = now + visibility;
            received.push(Received {
                message: message.clone(),
                chain: stored.chain.clone(),
                visible_at: stored.visible_at,
            });
        }
        if let Some(policy) = redrive {
            // Taken out from the last, so the indexes of the others stay right, then moved in
            // their order.
            let mut moving: Vec<Stored> = worn_out
                .into_iter()
                .rev()
                .map(|index| queue.messages.remove(index))
                .collect();
            moving.reverse();
            for stored in moving {
                self.redrive(&mut state, queue_arn, stored, &policy);
            }
        }
        Ok(received)
    }

    /// Deletes the messages whose latest receipt handle is one of `handles`; returns their ids.
    pub(crate) fn delete(
        &self,
        queue_arn: &str,
        handles: &[String],
    ) -> Result<Vec<String>, ServiceError> {
        let handles: BTreeSet<&str> = handles.iter().map(String::as_str).collect();
        let mut state = self.state();
        let queue = queue_mut(&mut state, queue_arn)?;
        let (gone, kept) = std::mem::take(&mut queue.messages)
            .into_iter()
            .partition::<Vec<_>, _>(|s| {
                s.message
                    .receipt_handle
                    .as_deref()
                    .is_some_and(|h| handles.contains(h))
            });
        queue.messages = kept;
        drop(state);
        self.finish(gone.iter().filter(|s| s.pending).count());
        Ok(gone.into_iter().map(|s| s.message.message_id).collect())
    }

    /// Registers the poller of an event source mapping: it is woken by every new message, and
    /// from now on each message of the queue is pending work.
    pub(crate) fn attach(&self, queue_arn: &str) -> Result<Arc<Notify>, ServiceError> {
        let wake = Arc::new(Notify::new());
        let mut state = self.state();
        let queue = queue_mut(&mut state, queue_arn)?;
        queue.consumers.push(Arc::clone(&wake));
        let mut newly_pending = 0;
        for stored in queue.messages.iter_mut().filter(|s| !s.pending) {
            stored.pending = true;
            newly_pending += 1;
        }
        drop(state);
        self.lambda.platform().work_started(newly_pending);
        Ok(wake)
    }

    /// Unregisters the poller that [`attach`](Self::attach) gave `wake`: once no mapping reads
    /// the queue, its messages are no longer pending work.
    pub(crate) fn detach(&self, queue_arn: &str, wake: &Arc<Notify>) {
        let mut state = self.state();
        let Ok(queue) = queue_mut(&mut state, queue_arn) else {
            return;
        };
        queue
            .consumers
            .retain(|consumer| !Arc::ptr_eq(consumer, wake));
        let mut no_longer_pending = 0;
        if queue.consumers.is_empty() {
            for stored in queue.messages.iter_mut().filter(|s| s.pending) {
                stored.pending = false;
                no_longer_pending += 1;
            }
        }
        drop(state);
        self.finish(no_longer_pending);
    }

    /// When something next changes on its own in a queue: a hidden message becomes visible, or
    /// a message expires. A poller with nothing to read sleeps until then.
    pub(crate) fn next_change(&self, queue_arn: &str) -> Option<Instant> {
        let now = Instant::now();
        let state = self.state();
        let queue = state.queues.get(queue_arn)?;
        let retention = queue.attributes.message_retention_period;
        queue
            .messages
            .iter()
            .flat_map(|s| [s.visible_at, s.sent_at + retention])
            .filter(|at| *at > now)
            .min()
    }

    /// The queue's visibility timeout, if it exists.
    pub(crate) fn visibility_timeout(&self, queue_arn: &str) -> Option<Duration> {
        let state = self.state();
        Some(state.queues.get(queue_arn)?.attributes.visibility_timeout)
    }

    /// Adds a message to a queue: pending work if a mapping reads it, and its pollers woken.
    fn push(&self, state: &mut Queues, queue_arn: &str, mut stored: Stored) {
        let Some(queue) = state.queues.get_mut(queue_arn) else {
            return;
        };
        stored.pending = !queue.consumers.is_empty();
        if stored.pending {
            self.lambda.platform().work_started(1);
        }
        for consumer in &queue.consumers {
            consumer.notify_one();
        }
        queue.messages.push(stored);
    }

    /// Moves a message taken out of `queue_arn` to the dead-letter queue of `policy`.
    fn redrive(
        &self,
        state: &mut Queues,
        queue_arn: &str,
        mut stored: Stored,
        policy: &RedrivePolicy,
    ) {
        let was_pending = stored.pending;
        let receives = stored.message.receive_count;
        let message_id = stored.message.message_id.clone();
        // It keeps its id, body, attributes and sending time; it has not been received there.
        stored.message.receive_count = 0;
        stored.message.first_receive_timestamp = None;
        stored.message.receipt_handle = None;
        stored.visible_at = Instant::now();
        self.push(state, &policy.dead_letter_target_arn, stored);
        // Counted as finished only now, so that the work moved on is never seen as none.
        self.finish(usize::from(was_pending));
        let at = self.lambda.platform().elapsed();
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!(
                "sqs: message {message_id} moved from {} to {} after {receives} receives (maxReceiveCount {})",
                queue_name(queue_arn),
                queue_name(&policy.dead_letter_target_arn),
                policy.max_receive_count
            ),
        });
    }

    /// Removes the messages of a queue that are older than its retention period.
    fn expire(&self, state: &mut Queues, queue_arn: &str) {
        let now = Instant::now();
        let elapsed = self.lambda.platform().elapsed();
        let Some(queue) = state.queues.get_mut(queue_arn) else {
            return;
        };
        let retention = queue.attributes.message_retention_period;
        let (expired, kept) = std::mem::take(&mut queue.messages)
            .into_iter()
            .partition::<Vec<_>, _>(|s| s.sent_at + retention <= now);
        queue.messages = kept;
        for stored in &expired {
            // Written with the moment it expired, which may be before this call noticed.
            let at = elapsed.saturating_sub(now.duration_since(stored.sent_at + retention));
            self.lambda.platform().record(Entry::Api {
                at,
                text: format!(
                    "sqs: message {} expired in {} after {} s (MessageRetentionPeriod), received {} times",
                    stored.message.message_id,
                    queue_name(queue_arn),
                    retention.as_secs(),
                    stored.message.receive_count
                ),
            });
        }
        self.finish(expired.iter().filter(|s| s.pending).count());
    }

    /// Counts `pending` messages that left their queue as finished work.
    fn finish(&self, pending: usize) {
        if pending > 0 {
            self.lambda.platform().work_finished(pending);
        }
    }

    fn arn(&self, name: &str) -> String {
        let scope = &self.lambda.platform().scope;
        format!("arn:aws:sqs:{}:{}:{name}", scope.region, scope.account_id)
    }

    fn epoch_millis(&self) -> u64 {
        clock::epoch_millis(self.lambda.platform().clock.now())
    }
}

/// A queue's name: the last part of its ARN.
pub(crate) fn queue_name(queue_arn: &str) -> &str {
    queue_arn.rsplit(':').next().unwrap_or(queue_arn)
}

fn queue_mut<'a>(state: &'a mut Queues, queue_arn: &str) -> Result<&'a mut Queue, ServiceError> {
    state
        .queues
        .get_mut(queue_arn)
        .ok_or_else(non_existent_queue)
}

/// SQS's answer for a queue that is not there.
pub(crate) fn non_existent_queue() -> ServiceError {
    sqs_error(
        ErrorCode::NonExistentQueue,
        "The specified queue does not exist.".into(),
    )
}

/// SQS reports client errors with HTTP 400.
fn sqs_error(code: ErrorCode, message: String) -> ServiceError {
    ServiceError::new(code, 400, message)
}
