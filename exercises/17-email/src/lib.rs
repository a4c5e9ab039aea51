//! # Exercise 17 — Send an email with SES
//!
//! Read first: `book/src/patterns.md` (`cargo xtask book --serve`).
//!
//! The bookshop wants an email each time an order changes. The `notify` function receives an
//! [`OrderUpdate`], such as `{"orderId": "A-1", "status": "shipped", "items": ["Rust in
//! Action"]}`, and sends it to the shop's staff through Amazon SES. Who sends, who receives and
//! how subjects start are settings, in environment variables:
//!
//! | variable         | meaning                    | in `deploy`          |
//! |------------------|----------------------------|----------------------|
//! | `SENDER`         | the From address           | `shop@example.com`   |
//! | `RECIPIENT`      | the To address             | `orders@example.com` |
//! | `SUBJECT_PREFIX` | put before every subject   | `[Bookshop]`         |
//!
//! **1. `read_settings`.** Read the three variables with `ctx.env(..)` into a [`Settings`]. A
//! missing one is a function error with the `errorType` `ConfigError` and the message
//! `<NAME> is not set`, e.g. `RECIPIENT is not set`.
//!
//! **2. `notify`.** Read the settings, then send one email with `ses.send_email(..)` (`ses` is
//! the SES client the function makes once, at init: `notifier` in `src/given.rs`):
//!
//! - from the sender, to the recipient (`invoker::Email::new(from, to, subject, body)`);
//! - the subject is the prefix, a space, then `Order <orderId>: <status>`:
//!   `[Bookshop] Order A-1: shipped`;
//! - the body is `update.body()`, given.
//!
//! Answer with the id SES gave the message: `{"messageId": "<the id>"}`.
//!
//! SES may refuse. A new AWS account is in the **SES sandbox**: it sends only from verified
//! addresses and only to verified addresses, and refuses anything else with the error
//! `MessageRejected`. Turn a refusal (an `invoker::ServiceError`, with a `code` and a `message`)
//! into a function error with SES's code as its `errorType` and SES's message as its
//! `errorMessage`, so that whoever reads the logs sees exactly what SES said.
//!
//! Log what you like with `ctx.logger()`: the tests leave your own log lines out of the
//! transcript they compare.
//!
//! The settings type, the event type, the email's body and the deployment are in `src/given.rs`:
//! read it, you don't need to change it.
//!
//! Check your work: `cargo xtask verify email`.
//! Stuck? `cargo xtask hint email` shows the next hint.

mod given;
pub use given::*;

use invoker::{Context, Diagnostic, Ses};
use serde_json::Value;

// ANCHOR: read_settings
/// Reads `SENDER`, `RECIPIENT` and `SUBJECT_PREFIX`; a missing one is a `ConfigError`.
pub fn read_settings(ctx: &Context) -> Result<Settings, Diagnostic> {
    // TODO: point 1 above: the three variables of the table, and a `ConfigError` for a missing
    // one.
    let _ = ctx;
    todo!("read the three settings from the environment variables")
}
// ANCHOR_END: read_settings

// ANCHOR: notify
/// Emails `update` to the recipient, through `ses`, the SES client made at init; answers with
/// SES's message id.
pub async fn notify(ses: &Ses, update: OrderUpdate, ctx: &Context) -> Result<Value, Diagnostic> {
    // TODO: point 2 above: one email, and SES's message id as the answer; a refusal passed on
    // as the paragraph on the SES sandbox says. The chapter's "Using a library: email with SES"
    // has SES's rules.
    let _ = (ses, update, ctx);
    todo!("send the email and answer with its message id")
}
// ANCHOR_END: notify
