//! # Exercise 14 — A secret, decrypted once per environment: reference solution
//!
//! The exercise, with its instructions, is `exercises/14-secret-at-init/src/lib.rs`. What the
//! exercise provides (types, constants, `code`, deploy) is its `src/given.rs`, shared with this
//! crate.

#[path = "../../../exercises/14-secret-at-init/src/given.rs"]
mod given;
pub use given::*;

use invoker::{Diagnostic, InitContext, LambdaEvent, Role};
use serde_json::{json, Value};
use std::sync::Arc;

// ANCHOR: role
/// The execution role of `partner-api`: it may write its logs and decrypt with `key_arn`, and
/// nothing else.
pub fn execution_role(key_arn: &str) -> Role {
    // Least privilege: this key, this action. A role that may decrypt with any key (`*`) turns
    // one leaked function into a reader of every secret in the account.
    Role::default().allow("kms:Decrypt", key_arn)
}
// ANCHOR_END: role

// ANCHOR: init
/// The init step: runs once per execution environment, before its first request, and returns
/// the decrypted API key that every request of the environment shares.
pub async fn load_api_key(init: InitContext) -> Result<String, Diagnostic> {
    let encrypted = init.env(ENCRYPTED_KEY_VAR).ok_or_else(|| Diagnostic {
        error_type: "ConfigError".into(),
        error_message: format!("{ENCRYPTED_KEY_VAR} is not set"),
    })?;
    // The one KMS call of this environment. If the role may not use the key, the error fails the
    // init step: the caller gets AccessDeniedException, and the broken environment is discarded.
    let api_key = init.kms().decrypt(encrypted).await?;
    Ok(api_key)
}
// ANCHOR_END: init

// ANCHOR: handler
/// The handler: runs on every request, with the key the init step decrypted.
pub async fn check_api_key(
    api_key: Arc<String>,
    event: LambdaEvent<Request>,
) -> Result<Value, Diagnostic> {
    let request = event.payload;
    // A production service would compare in constant time (e.g. with the `subtle` crate), so
    // the time an answer takes does not tell an attacker how much of a guess was right.
    let authorized = request.api_key.as_deref() == Some(api_key.as_str());
    Ok(json!({ "authorized": authorized }))
}
// ANCHOR_END: handler
