//! Where Lambda sends messages: the SQS queues and SNS topics of destinations and dead-letter
//! queues.
//!
//! An asynchronous invocation that fails for good sends the event to a dead-letter queue, or a
//! record of it to an on-failure destination; both can be an SQS queue or an SNS topic. Lambda
//! sits below those services (they invoke it), so it cannot call them by name without the layers
//! calling each other in a circle. Instead each service, when it creates a queue or a topic,
//! registers how it takes a message ([`Deliver`]); Lambda looks the service up by the ARN's
//! service part (`arn:aws:sqs:…`) and hands the message over. A service that never created
//! anything has registered nothing, and a message for it is not delivered, as a message to a
//! queue that does not exist is not.

use crate::base::platform::{lock, Platform};
use crate::lambda::handle::LambdaHandle;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

/// A message's attributes: name → (data type, value), as SQS and SNS take them.
pub(crate) type MessageAttributes = BTreeMap<String, (String, String)>;

/// How a service takes a message sent to one of its ARNs: resolves to whether it was accepted.
pub(crate) type Deliver = fn(
    LambdaHandle,
    String,
    String,
    MessageAttributes,
) -> Pin<Box<dyn Future<Output = bool> + Send>>;

/// The services that take messages, by the service part of their ARNs (`sqs`, `sns`).
type MessageTargets = Mutex<BTreeMap<&'static str, Deliver>>;

/// Registers how `service` (the part of its ARNs after `arn:aws:`) takes messages.
pub(crate) fn accept_messages(platform: &Platform, service: &'static str, deliver: Deliver) {
    lock(&platform.state::<MessageTargets>()).insert(service, deliver);
}

/// Sends a message to the queue or topic `arn` through the service that registered for it;
/// whether it was accepted. `lambda` is the sender: Lambda, sending as itself.
pub(crate) async fn send_message(
    lambda: LambdaHandle,
    arn: &str,
    body: String,
    attributes: MessageAttributes,
) -> bool {
    let service = arn.split(':').nth(2).unwrap_or_default();
    let deliver = lock(&lambda.platform().state::<MessageTargets>())
        .get(service)
        .copied();
    match deliver {
        Some(deliver) => deliver(lambda, arn.to_owned(), body, attributes).await,
        None => false,
    }
}
