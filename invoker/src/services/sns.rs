//! Amazon SNS, simulated: topics that fan a message out to every function subscribed to them.
//!
//! SNS is a **push** source. A publisher sends one message to a topic; SNS delivers a copy to
//! each subscription. For a Lambda subscription it invokes the function **asynchronously**
//! (`InvocationType: Event`) with an SNS event of one record, and does not wait for it: from
//! there on the function's asynchronous settings apply, its retries, destinations and
//! dead-letter queue (see [`crate::lambda::async_invoke`]). Three functions subscribed to one topic get
//! three events with the same `MessageId` and three request ids of their own.
//!
//! ```
//! use invoker::{service_fn, Error, FunctionConfig, Lambda, LambdaEvent, Permission};
//! use invoker::aws_lambda_events::sns::SnsEvent;
//!
//! async fn on_order(event: LambdaEvent<SnsEvent>) -> Result<(), Error> {
//!     event.context.logger().info(&event.payload.records[0].sns.message);
//!     Ok(())
//! }
//!
//! invoker::run(async {
//!     let lambda = Lambda::new();
//!     let function = lambda.create_function(FunctionConfig::new("email"), service_fn(on_order)).unwrap();
//!     let topic = lambda.sns().create_topic("orders").unwrap();
//!     // SNS may invoke the function for this topic only.
//!     let sns_may_invoke = Permission::new("sns-orders", "sns.amazonaws.com").source_arn(&topic);
//!     lambda.add_permission("email", sns_may_invoke).unwrap();
//!     lambda.sns().subscribe(&topic, "lambda", &function).unwrap();
//!     lambda.sns().publish(&topic, "order 7 placed", Some("New order")).await.unwrap();
//!     lambda.settle().await;
//!     assert!(lambda.transcript().contains("order 7 placed"));
//! });
//! ```
//!
//! A topic can also be a function's dead-letter queue or an asynchronous destination: Lambda
//! publishes the failed event (or the invocation record) to it.
//!
//! SNS invokes as `sns.amazonaws.com` for the topic, so the function's resource-based policy must
//! allow that (see [`crate::lambda::permissions`]). Subscribing does not check it: the first publish
//! does, and a delivery Lambda refuses is lost for that subscriber, written in the transcript and
//! counted in the topic's [`DeliveryCounts`] (CloudWatch's `NumberOfNotificationsFailed`). A
//! handler that publishes needs `sns:Publish` on the topic in its execution role (see
//! [`crate::lambda::iam`]); SNS refuses it with `AuthorizationError` (403).
//!
//! Simplified here: only `lambda` subscriptions (no SQS, HTTP, email…), no filter policies, no
//! FIFO topics, and no delivery retries: a delivery Lambda refuses (no permission, the function
//! is gone) is dropped. The signature is random, not a real one.

use crate::base::arn::{is_plain_name, FunctionRef};
use crate::base::clock;
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::platform::lock;
use crate::base::transcript::Entry;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::invoke::{InvocationType, InvokeRequest};
use crate::lambda::message_targets::MessageAttributes;
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

/// The largest message SNS accepts: 256 KB.
pub(crate) const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// The longest subject: 100 characters.
pub(crate) const MAX_SUBJECT_CHARS: usize = 100;
/// The certificate SNS signs with, as AWS's examples name it.
const SIGNING_CERT: &str = "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";

/// Every topic, by ARN.
#[derive(Debug, Default)]
pub(crate) struct Topics {
    topics: BTreeMap<String, Topic>,
}

#[derive(Debug, Default)]
struct Topic {
    subscriptions: Vec<Subscription>,
    counts: DeliveryCounts,
}

/// What became of a topic's deliveries to its subscribers, as CloudWatch counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    /// `NumberOfNotificationsDelivered`: deliveries Lambda accepted.
    pub delivered: u64,
    /// `NumberOfNotificationsFailed`: deliveries Lambda refused; those copies are lost.
    pub failed: u64,
}

#[derive(Clone, Debug)]
struct Subscription {
    arn: String,
    function: FunctionRef,
}

/// The SNS part of the simulated account: `lambda.sns().create_topic("orders")`.
#[derive(Clone)]
pub struct Sns {
    lambda: LambdaHandle,
    topics: Arc<Mutex<Topics>>,
}

impl Lambda {
    /// The account's SNS topics.
    pub fn sns(&self) -> Sns {
        Sns::new(self.handle())
    }
}

/// How SNS takes a message Lambda sends (a destination record, a dead letter): it publishes it.
fn deliver(
    lambda: LambdaHandle,
    topic_arn: String,
    message: String,
    attributes: MessageAttributes,
) -> Pin<Box<dyn Future<Output = bool> + Send>> {
    Box::pin(async move {
        Sns::new(lambda)
            .publish_with_attributes(&topic_arn, message, None, attributes)
            .await
            .is_ok()
    })
}

impl Sns {
    pub(crate) fn new(lambda: LambdaHandle) -> Self {
        let topics = lambda.platform().state();
        Self { lambda, topics }
    }

    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Topics> {
        lock(&self.topics)
    }

    /// Creates a topic (or returns the existing one), like `aws sns create-topic`, and returns
    /// its ARN, `arn:aws:sns:<region>:<account>:<name>`.
    pub fn create_topic(&self, name: &str) -> Result<String, ServiceError> {
        self.lambda.accept_messages("sns", deliver);
        if name.len() > 256 || !is_plain_name(name) {
            return Err(invalid_parameter("Topic Name"));
        }
        let scope = &self.lambda.platform().scope;
        let arn = format!("arn:aws:sns:{}:{}:{name}", scope.region, scope.account_id);
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        if !state.topics.contains_key(&arn) {
            state.topics.insert(arn.clone(), Topic::default());
            self.lambda.platform().record(Entry::Api {
                at,
                text: format!("sns:CreateTopic {arn}"),
            });
        }
        Ok(arn)
    }

    /// Subscribes a function to a topic, like `aws sns subscribe --protocol lambda
    /// --notification-endpoint <function ARN>`; returns the subscription's ARN. Subscribing it
    /// again returns the same subscription. SNS does not check that the function exists: a
    /// delivery to a missing function fails when a message is published.
    pub fn subscribe(
        &self,
        topic_arn: &str,
        protocol: &str,
        endpoint: &str,
    ) -> Result<String, ServiceError> {
        match protocol {
            "lambda" => {}
            "sqs" | "http" | "https" | "email" | "email-json" | "sms" | "application"
            | "firehose" => {
                return Err(sns_error(
                    ErrorCode::InvalidParameter,
                    400,
                    format!("The invoker delivers SNS messages to Lambda functions only; protocol {protocol} is not simulated."),
                ))
            }
            other => {
                return Err(invalid_parameter(&format!(
                    "Amazon SNS does not support this protocol string: {other}"
                )))
            }
        }
        if !endpoint.starts_with("arn:aws:lambda:") {
            return Err(invalid_parameter("Lambda endpoint ARN"));
        }
        let function = self
            .lambda
            .platform()
            .scope
            .parse(endpoint, None)
            .map_err(|_| invalid_parameter("Lambda endpoint ARN"))?;
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let id = self.lambda.platform().ids().request_id();
        let topic = state
            .topics
            .get_mut(topic_arn)
            .ok_or_else(topic_not_found)?;
        if let Some(existing) = topic.subscriptions.iter().find(|s| s.function == function) {
            return Ok(existing.arn.clone());
        }
        let arn = format!("{topic_arn}:{id}");
        topic.subscriptions.push(Subscription {
            arn: arn.clone(),
            function,
        });
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("sns:Subscribe {endpoint} to {topic_arn}"),
        });
        Ok(arn)
    }

    /// Publishes a message, like `aws sns publish`, and returns its message id: each subscribed
    /// function is invoked asynchronously with an SNS event. Called from a handler, the
    /// deliveries continue the handler's request chain, and its role must allow `sns:Publish`.
    pub async fn publish(
        &self,
        topic_arn: &str,
        message: impl Into<String>,
        subject: Option<&str>,
    ) -> Result<String, ServiceError> {
        self.lambda
            .authorize("sns:Publish", topic_arn)
            .map_err(|denied| {
                // SNS writes its actions' prefix in capitals.
                let message = denied.message_with("SNS:Publish", topic_arn);
                sns_error(ErrorCode::AuthorizationError, 403, message)
            })?;
        self.publish_with_attributes(topic_arn, message.into(), subject, BTreeMap::new())
            .await
    }

    /// Publishes a message with message attributes: name → (data type, value).
    pub(crate) async fn publish_with_attributes(
        &self,
        topic_arn: &str,
        message: String,
        subject: Option<&str>,
        attributes: BTreeMap<String, (String, String)>,
    ) -> Result<String, ServiceError> {
        if message.is_empty() {
            return Err(invalid_parameter("Empty message"));
        }
        if message.len() > MAX_MESSAGE_BYTES {
            return Err(invalid_parameter(
                "Message too long: message must be shorter than 262144 bytes",
            ));
        }
        if subject.is_some_and(|s| s.is_empty() || s.chars().count() > MAX_SUBJECT_CHARS) {
            return Err(invalid_parameter("Subject"));
        }
        let (message_id, signature, subscriptions) = {
            let state = self.state();
            let subscriptions = state
                .topics
                .get(topic_arn)
                .ok_or_else(topic_not_found)?
                .subscriptions
                .clone();
            let mut ids = self.lambda.platform().ids();
            let message_id = ids.request_id();
            let signature = base64::engine::general_purpose::STANDARD.encode(ids.bytes(256));
            (message_id, signature, subscriptions)
        };
        self.lambda.record_call(format!(
            "sns:Publish to {topic_arn}: message {message_id}, {} subscription(s)",
            subscriptions.len()
        ));
        let region = &self.lambda.platform().scope.region;
        let attributes: Map<String, Value> = attributes
            .into_iter()
            .map(|(name, (kind, value))| (name, json!({ "Type": kind, "Value": value })))
            .collect();
        // One message, one publish time: every subscriber sees the same timestamp.
        let timestamp = clock::rfc3339_millis(self.lambda.platform().clock.now());
        let signing_cert_url = format!("https://sns.{region}.amazonaws.com/{SIGNING_CERT}");
        let principal = Principal::Service {
            service: "sns.amazonaws.com".into(),
            source_arn: topic_arn.to_owned(),
            source_account: self.lambda.platform().scope.account_id.clone(),
        };
        for subscription in subscriptions {
            let event = json!({
                "Records": [{
                    "EventSource": "aws:sns",
                    "EventVersion": "1.0",
                    "EventSubscriptionArn": subscription.arn,
                    "Sns": {
                        "Type": "Notification",
                        "MessageId": message_id,
                        "TopicArn": topic_arn,
                        "Subject": subject,
                        "Message": message,
                        "Timestamp": timestamp,
                        "SignatureVersion": "1",
                        "Signature": signature,
                        "SigningCertUrl": signing_cert_url,
                        "UnsubscribeUrl": format!(
                            "https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={}",
                            subscription.arn
                        ),
                        "MessageAttributes": attributes,
                    },
                }],
            });
            let mut request = InvokeRequest::new(subscription.function.name.clone())
                .invocation_type(InvocationType::Event)
                .principal(principal.clone())
                .payload(event);
            if let Some(qualifier) = &subscription.function.qualifier {
                request = request.qualifier(qualifier.clone());
            }
            let delivered = self.lambda.invoke(request).await;
            if let Err(refused) = &delivered {
                self.lambda.record_call(format!(
                    "sns: delivery of message {message_id} to {} failed ({}); the message is lost for this subscriber",
                    subscription.arn, refused.code
                ));
            }
            if let Some(topic) = self.state().topics.get_mut(topic_arn) {
                match delivered {
                    Ok(_) => topic.counts.delivered += 1,
                    Err(_) => topic.counts.failed += 1,
                }
            }
        }
        Ok(message_id)
    }

    /// How many deliveries of a topic's messages Lambda accepted and refused so far (all zero
    /// for a topic that does not exist).
    pub fn delivery_counts(&self, topic_arn: &str) -> DeliveryCounts {
        self.state()
            .topics
            .get(topic_arn)
            .map(|topic| topic.counts)
            .unwrap_or_default()
    }
}

/// SNS's answer for a topic that is not there.
fn topic_not_found() -> ServiceError {
    sns_error(ErrorCode::NotFound, 404, "Topic does not exist".into())
}

/// SNS's answer for a parameter it refuses: `Invalid parameter: <what>`.
fn invalid_parameter(what: &str) -> ServiceError {
    sns_error(
        ErrorCode::InvalidParameter,
        400,
        format!("Invalid parameter: {what}"),
    )
}

fn sns_error(code: ErrorCode, status: u16, message: String) -> ServiceError {
    ServiceError::new(code, status, message)
}
