//! Provided by the exercise: the function's name and settings, the [`OrderUpdate`] your handler
//! receives and the text of its email, [`Settings`], and the deployment: the verified addresses,
//! the environment variables, and the code around your `notify`. Read it, but you don't need to
//! change it: your part is in `lib.rs`.

use invoker::{
    with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    ManagedPolicy, Role, ServiceError, Ses,
};
use serde::Deserialize;
use std::fmt::Write;
use std::sync::Arc;

use crate::notify;

/// The function this exercise deploys.
pub const FUNCTION: &str = "notify";

/// The shop's address, verified in SES: the sender in `deploy`.
pub const SHOP: &str = "shop@example.com";
/// The address the shop's staff read, verified in SES too: the recipient in `deploy`.
pub const STAFF: &str = "orders@example.com";
/// What `deploy` puts before every subject.
pub const PREFIX: &str = "[Bookshop]";

/// What the function's environment variables say, once read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `SENDER`: the From address. SES sends only from a verified address.
    pub sender: String,
    /// `RECIPIENT`: the To address. In the SES sandbox it must be verified too.
    pub recipient: String,
    /// `SUBJECT_PREFIX`: put before every subject, e.g. `[Bookshop]`.
    pub subject_prefix: String,
}

/// What the shop sends when an order changes: `{"orderId": "A-1", "status": "shipped",
/// "items": ["Rust in Action"]}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderUpdate {
    /// The shop's id for the order.
    pub order_id: String,
    /// What happened to it: `paid`, `shipped`, `delivered`, …
    pub status: String,
    /// The titles in the order.
    pub items: Vec<String>,
}

impl OrderUpdate {
    /// The text of the email: the order, its status and its items, one per line.
    pub fn body(&self) -> String {
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

// ANCHOR: code
/// The function's code. The init step makes the SES client, and keeps it for every request the
/// environment serves: on AWS it is an `aws_sdk_sesv2::Client`, made once in `main` with the
/// execution role's credentials. Its calls are made as the function's role.
pub fn notifier() -> FunctionCode {
    with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>(init.ses()) },
        |ses: Arc<Ses>, event: LambdaEvent<OrderUpdate>| async move {
            let (update, ctx) = event.into_parts();
            notify(&ses, update, &ctx).await
        },
    )
}
// ANCHOR_END: code

/// The function's execution role: it may write its logs and send email from the account's
/// verified addresses. (On AWS, SAM's `SESCrudPolicy` template or an inline policy grants this.)
pub fn notifier_role(lambda: &Lambda) -> Role {
    let identities = format!(
        "arn:aws:ses:{}:{}:identity/*",
        lambda.region(),
        lambda.account_id()
    );
    Role::new("order-notifier")
        .attach(ManagedPolicy::BasicExecution)
        .allow("ses:SendEmail", identities)
}

/// Deploys `notify` for the shop: verifies [`SHOP`] and [`STAFF`] in SES (the account is in the
/// SES sandbox), and sets the function's variables to send from the shop to the staff.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    lambda.ses().verify_email_identity(SHOP);
    lambda.ses().verify_email_identity(STAFF);
    let config = FunctionConfig::new(FUNCTION)
        .role(notifier_role(lambda))
        .env("SENDER", SHOP)
        .env("RECIPIENT", STAFF)
        .env("SUBJECT_PREFIX", PREFIX);
    lambda.create_function(config, notifier())?;
    Ok(())
}
