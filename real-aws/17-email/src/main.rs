//! # Exercise 17 on real AWS: the function `notify`
//!
//! The solution's `notify` (`solutions/17-email/src/lib.rs`) on the real runtime, with the SDK's
//! SES client (`aws_sdk_sesv2`) where the exercise has `init.ses()`, and the settings read from
//! the process's environment. The execution role needs `ses:SendEmail` on the identities it
//! sends from.

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt::Write;

/// What the shop sends when an order changes, the exercise's `OrderUpdate`:
/// `{"orderId": "A-1", "status": "shipped", "items": ["Rust in Action"]}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderUpdate {
    order_id: String,
    status: String,
    items: Vec<String>,
}

impl OrderUpdate {
    /// The text of the email: the order, its status and its items, one per line.
    fn body(&self) -> String {
        let mut body = format!(
            "Order {} is now {}.\n\nItems:\n",
            self.order_id, self.status
        );
        for item in &self.items {
            // Writing to a String cannot fail.
            let _ = writeln!(body, "- {item}");
        }
        body
    }
}

// ANCHOR: send
/// Sends one email; answers with the id SES gave it.
async fn send(
    ses: &aws_sdk_sesv2::Client,
    from: &str,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<String, Error> {
    let message = Message::builder()
        .subject(Content::builder().data(subject).build()?)
        .body(
            Body::builder()
                .text(Content::builder().data(text).build()?)
                .build(),
        )
        .build();
    let sent = ses
        .send_email()
        .from_email_address(from)
        .destination(Destination::builder().to_addresses(to).build())
        .content(EmailContent::builder().simple(message).build())
        .send()
        .await?;
    Ok(sent.message_id().unwrap_or_default().to_owned())
}
// ANCHOR_END: send

// ANCHOR: notify
/// A setting that must be set, or a `ConfigError` that names it: no email goes out at all.
fn required(name: &str) -> Result<String, Diagnostic> {
    std::env::var(name).map_err(|_| Diagnostic {
        error_type: "ConfigError".into(),
        error_message: format!("{name} is not set"),
    })
}

/// The handler: emails the update to the recipient; answers with SES's message id.
async fn notify(
    ses: &aws_sdk_sesv2::Client,
    event: LambdaEvent<OrderUpdate>,
) -> Result<Value, Diagnostic> {
    let update = event.payload;
    let (from, to) = (required("SENDER")?, required("RECIPIENT")?);
    let prefix = required("SUBJECT_PREFIX")?;
    let subject = format!("{prefix} Order {}: {}", update.order_id, update.status);
    // SES's own code and message say exactly what to fix (`MessageRejected: Email address is
    // not verified.`): `DisplayErrorContext` keeps them, where the error's `Display` would not.
    let message_id = send(ses, &from, &to, &subject, &update.body())
        .await
        .map_err(|e| Diagnostic {
            error_type: "SendFailed".into(),
            error_message: aws_sdk_sesv2::error::DisplayErrorContext(e.as_ref()).to_string(),
        })?;
    Ok(json!({ "messageId": message_id }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // Init: one SES client per execution environment, used by every invocation.
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let ses = aws_sdk_sesv2::Client::new(&aws);
    run(service_fn(|event| notify(&ses, event))).await
}
// ANCHOR_END: notify
