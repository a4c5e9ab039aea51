//! Provided by the exercise: the function's name, its variable and demo key, the [`Request`] your
//! handler receives, and the code that wires your three pieces together: [`code`] and
//! [`deploy_with_key`]. Read it, but you don't need to change it: your part is in `lib.rs`.

use invoker::{with_init, FunctionCode, FunctionConfig, Lambda, ServiceError};
use serde::Deserialize;

use crate::{check_api_key, execution_role, load_api_key};

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
