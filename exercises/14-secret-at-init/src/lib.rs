//! # Exercise 14 — A secret, decrypted once per environment
//!
//! Read first: `book/src/environment-variables.md` (`cargo xtask book --serve`).
//!
//! The `partner-api` function lets partners in by API key. Anyone who can read the function's
//! configuration can read its environment variables, so the key is stored **encrypted** with a
//! KMS key, in `API_KEY_ENCRYPTED`. Decrypting it is a call to KMS: it takes time on every cold
//! start, costs money, and counts against KMS's request quota. So decrypt it **once per
//! execution environment**, in the init step, and let every request that environment serves
//! reuse the plaintext.
//!
//! Write the three pieces:
//!
//! - **`execution_role(key_arn)`**, used at deploy: the function's role. Start from
//!   `Role::default()`, which lets the function write its logs, and allow `kms:Decrypt` on
//!   `key_arn`: no other key, no other action.
//! - **`load_api_key(init)`**, the init step, once per environment: read `API_KEY_ENCRYPTED` with
//!   `init.env(..)`, decrypt it with `init.kms().decrypt(..)` and return the plaintext.
//! - **`check_api_key(api_key, request, ctx)`**, the handler, on every request: answer
//!   `{"authorized": true}` if the request's `apiKey` is the decrypted key, and
//!   `{"authorized": false}` if it is another key or there is none.
//!
//! If `API_KEY_ENCRYPTED` is missing, fail with a `ConfigError`: `API_KEY_ENCRYPTED is not set`.
//! If the decrypt fails (say the role may not use the key), return its error as it is, with `?`:
//! the init step fails, and the caller sees KMS's `AccessDeniedException`.
//!
//! `deploy_with_key`, in `src/given.rs` with the types and constants, wires the three together;
//! read it to see where each one goes. You don't need to change that file.
//!
//! Log what you like with `ctx.logger()`: the tests leave your own log lines out of the
//! transcript they compare.
//!
//! Check your work: `cargo xtask verify secret-at-init`.
//! Stuck? `cargo xtask hint secret-at-init` shows the next hint.

mod given;
pub use given::*;

use invoker::{Diagnostic, InitContext, LambdaEvent, Role};
use serde_json::Value;
use std::sync::Arc;

// ANCHOR: role
/// The execution role of `partner-api`: it may write its logs and decrypt with `key_arn`, and
/// nothing else.
pub fn execution_role(key_arn: &str) -> Role {
    // TODO: the role of the list above: its logs, and decrypting with `key_arn`, nothing more
    // (not every key, not another KMS action). `invoker::Role`'s methods build it.
    let _ = key_arn;
    todo!("a role that may kms:Decrypt with key_arn and nothing more")
}
// ANCHOR_END: role

// ANCHOR: init
/// The init step: runs once per execution environment, before its first request, and returns
/// the decrypted API key that every request of the environment shares.
pub async fn load_api_key(init: InitContext) -> Result<String, Diagnostic> {
    // TODO: the plaintext of the key in ENCRYPTED_KEY_VAR, decrypted by KMS through `init`, and
    // the errors the paragraph above names. The chapter's "Secrets" shows the pattern.
    let _ = init;
    todo!("decrypt the API key, once per environment")
}
// ANCHOR_END: init

// ANCHOR: handler
/// The handler: runs on every request, with the key the init step decrypted.
pub async fn check_api_key(
    api_key: Arc<String>,
    event: LambdaEvent<Request>,
) -> Result<Value, Diagnostic> {
    let request = event.payload;
    // TODO: answer {"authorized": true} when `request.api_key` is the key, else
    // {"authorized": false} (`serde_json::json!` builds it). No KMS call here: the key is
    // already decrypted.
    let _ = (api_key, request);
    todo!("compare the request's API key with the decrypted one")
}
// ANCHOR_END: handler
