//! # Exercise 14 on real AWS: the function `partner-api`
//!
//! The solution's init step and handler (`solutions/14-secret-at-init/src/lib.rs`) on the real
//! runtime. The init step is `main` before `run`: one KMS call per execution environment, with
//! the SDK's client (`aws_sdk_kms`) where the exercise has `init.kms()`. The execution role's
//! credentials come from the variables Lambda sets, so the SDK needs no setup.

use aws_sdk_kms::primitives::Blob;
use base64::Engine;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde::Deserialize;
use serde_json::{json, Value};

/// The variable that holds the API key, encrypted with KMS and base64-encoded.
const ENCRYPTED_KEY_VAR: &str = "API_KEY_ENCRYPTED";

/// A partner's request: `{"apiKey": "…"}`, the exercise's `Request`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    api_key: Option<String>,
}

// ANCHOR: init
/// The init step: decrypts the API key that every request of the environment shares. If the
/// role may not use the key, the error fails Init, and Lambda discards the environment.
async fn load_api_key(kms: &aws_sdk_kms::Client) -> Result<String, Error> {
    let encrypted =
        std::env::var(ENCRYPTED_KEY_VAR).map_err(|_| format!("{ENCRYPTED_KEY_VAR} is not set"))?;
    let ciphertext = base64::engine::general_purpose::STANDARD.decode(encrypted)?;
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(Blob::new(ciphertext))
        .send()
        .await?;
    let plaintext = decrypted.plaintext().ok_or("KMS returned no plaintext")?;
    Ok(String::from_utf8(plaintext.as_ref().to_vec())?)
}
// ANCHOR_END: init

// ANCHOR: handler
/// The handler: runs on every request, with the key the init step decrypted. Never log the key
/// or return it.
async fn check_api_key(event: LambdaEvent<Request>, api_key: &str) -> Result<Value, Error> {
    let request = event.payload;
    let authorized = request.api_key.as_deref() == Some(api_key);
    Ok(json!({ "authorized": authorized }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // Init: the SDK's configuration, the client and the one KMS call of this environment.
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let kms = aws_sdk_kms::Client::new(&aws);
    let api_key = load_api_key(&kms).await?;
    run(service_fn(|event| check_api_key(event, &api_key))).await
}
// ANCHOR_END: handler
