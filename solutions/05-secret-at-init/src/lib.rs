//! # Exercise 5 — A secret, decrypted once per environment: reference solution
//!
//! The exercise, with its instructions, is `exercises/05-secret-at-init/src/lib.rs`.

use invoker::{
    with_init, Context, FunctionCode, FunctionConfig, HandlerError, InitContext, Lambda, Role,
    ServiceError,
};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The function this exercise deploys.
pub const FUNCTION: &str = "partner-api";
/// The environment variable that holds the API key, encrypted with KMS.
pub const ENCRYPTED_KEY_VAR: &str = "API_KEY_ENCRYPTED";
/// The API key `deploy` sets up, for trying the function from the command line.
pub const DEMO_API_KEY: &str = "pk_demo_4f7c2a";

/// A partner's request: `{"apiKey": "…"}`. Without the field, `api_key` is `None`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The API key the partner presents.
    pub api_key: Option<String>,
}

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
pub async fn load_api_key(init: InitContext) -> Result<String, HandlerError> {
    let encrypted = init.env(ENCRYPTED_KEY_VAR).ok_or_else(|| {
        HandlerError::new("ConfigError", format!("{ENCRYPTED_KEY_VAR} is not set"))
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
    request: Request,
    _ctx: Context,
) -> Result<Value, HandlerError> {
    // A production service would compare in constant time (e.g. with the `subtle` crate), so
    // the time an answer takes does not tell an attacker how much of a guess was right.
    let authorized = request.api_key.as_deref() == Some(api_key.as_str());
    Ok(json!({ "authorized": authorized }))
}
// ANCHOR_END: handler

/// The function's code: `load_api_key` once per environment, then `check_api_key` per request.
pub fn code() -> FunctionCode {
    with_init(load_api_key, check_api_key)
}

// ANCHOR: deploy
/// Deploys `partner-api` with `api_key` encrypted under a new KMS key that only its role may use.
pub fn deploy_with_key(lambda: &Lambda, api_key: &str) -> Result<(), ServiceError> {
    // What an operator does once: create a key and encrypt the secret with it. Only the
    // ciphertext goes into the configuration.
    let key_arn = lambda.create_kms_key();
    let encrypted = lambda.kms_encrypt(&key_arn, api_key)?;
    let config = FunctionConfig::new(FUNCTION)
        .description("Lets partners in by API key")
        .env(ENCRYPTED_KEY_VAR, encrypted)
        .role(execution_role(&key_arn));
    lambda.create_function(config, code())?;
    Ok(())
}
// ANCHOR_END: deploy

/// Deploys the exercise with [`DEMO_API_KEY`].
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_with_key(lambda, DEMO_API_KEY)
}
