//! # Exercise 17 — Send an email with SES: reference solution
//!
//! The exercise, with its instructions, is `exercises/17-email/src/lib.rs`. What the exercise
//! provides (the settings and event types, the email's body, deploy) is its `src/given.rs`,
//! shared with this crate.

#[path = "../../../exercises/17-email/src/given.rs"]
mod given;
pub use given::*;

use invoker::Email;
use invoker::{Context, Diagnostic, Ses};
use serde_json::{json, Value};

// ANCHOR: read_settings
/// Reads `SENDER`, `RECIPIENT` and `SUBJECT_PREFIX`; a missing one is a `ConfigError`.
pub fn read_settings(ctx: &Context) -> Result<Settings, Diagnostic> {
    // A missing setting is a deployment mistake: fail loudly, and name what is missing.
    let required = |name: &str| {
        ctx.env(name).map(str::to_owned).ok_or_else(|| Diagnostic {
            error_type: "ConfigError".into(),
            error_message: format!("{name} is not set"),
        })
    };
    Ok(Settings {
        sender: required("SENDER")?,
        recipient: required("RECIPIENT")?,
        subject_prefix: required("SUBJECT_PREFIX")?,
    })
}
// ANCHOR_END: read_settings

// ANCHOR: notify
/// Emails `update` to the recipient, through `ses`, the SES client made at init; answers with
/// SES's message id.
pub async fn notify(ses: &Ses, update: OrderUpdate, ctx: &Context) -> Result<Value, Diagnostic> {
    // Settings first: with one missing, no email goes out at all.
    let settings = read_settings(ctx)?;
    let subject = format!(
        "{} Order {}: {}",
        settings.subject_prefix, update.order_id, update.status
    );
    let email = Email::new(settings.sender, settings.recipient, subject, update.body());
    // SES's own code and message (`MessageRejected: Email address is not verified. …`) say
    // exactly what to fix; a vaguer error would send whoever reads the logs hunting.
    let message_id = ses.send_email(email)?;
    Ok(json!({ "messageId": message_id }))
}
// ANCHOR_END: notify
