//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use email::*;
use invoker::Email;
use invoker::{Context, Diagnostic, Ses};
use serde_json::{json, Value};

/// Hint 2: `read_settings`.
pub fn read_settings(ctx: &Context) -> Result<Settings, Diagnostic> {
    #[rustfmt::skip]
    let setting = |name: &str| ctx.env(name).map(str::to_owned).ok_or_else(|| Diagnostic { error_type: "ConfigError".into(), error_message: format!("{name} is not set") });
    Ok(Settings {
        sender: setting("SENDER")?,
        recipient: setting("RECIPIENT")?,
        subject_prefix: setting("SUBJECT_PREFIX")?,
    })
}

/// Hints 2 and 3: `notify`.
pub async fn notify(ses: &Ses, update: OrderUpdate, ctx: &Context) -> Result<Value, Diagnostic> {
    let settings = read_settings(ctx)?;
    let subject = format!(
        "{} Order {}: {}",
        settings.subject_prefix, update.order_id, update.status
    );
    let email = Email::new(settings.sender, settings.recipient, subject, update.body());
    let message_id = ses.send_email(email)?;
    Ok(json!({ "messageId": message_id }))
}
