//! A tiny stand-in for AWS KMS, for the "encrypted environment variable" lesson.
//!
//! Environment variables are visible to anyone who can read the function's configuration, so a
//! secret goes in encrypted: you encrypt it with a KMS key when you deploy, and the function
//! decrypts it at run time, which works only if its execution role may `kms:Decrypt` with that
//! key. Decrypting is a network call that costs time (and money), so the lesson is to decrypt
//! **once per environment, in the init step**, not on every invocation.
//!
//! This is not cryptography: the "ciphertext" only hides the text from a casual glance. What is
//! faithful is the workflow: key ARNs, the role check with AWS's `AccessDeniedException`
//! message, the latency of a call, and a transcript entry for every decrypt.

use crate::base::error::{ErrorCode, ServiceError};
use crate::base::platform::lock;
use crate::lambda::calls::record_call_of;
use crate::lambda::context::{Context, EnvironmentResources, InitContext};
use crate::lambda::handle::LambdaHandle;
use crate::lambda::service::Lambda;
use crate::lambda::trace::Identity;
use base64::Engine;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one KMS call takes on the virtual clock: a round trip within a region.
pub(crate) const KMS_CALL_LATENCY: Duration = Duration::from_millis(15);
const BLOB_PREFIX: &str = "kms-standin:";

/// KMS's state: the ARNs of the account's keys.
type KmsKeys = Mutex<BTreeSet<String>>;

impl Lambda {
    /// Creates a symmetric KMS key and returns its ARN, like `aws kms create-key`.
    pub fn create_kms_key(&self) -> String {
        let handle = self.handle();
        let platform = handle.platform();
        let id = platform.ids().request_id();
        let arn = format!(
            "arn:aws:kms:{}:{}:key/{id}",
            platform.scope.region, platform.scope.account_id
        );
        lock(&platform.state::<KmsKeys>()).insert(arn.clone());
        arn
    }

    /// Encrypts `plaintext` with a key, like `aws kms encrypt`, and returns the base64
    /// `CiphertextBlob` to put in an environment variable.
    pub fn kms_encrypt(&self, key_arn: &str, plaintext: &str) -> Result<String, ServiceError> {
        if !lock(&self.handle().platform().state::<KmsKeys>()).contains(key_arn) {
            return Err(kms_not_found(key_arn));
        }
        let hidden: String = plaintext
            .bytes()
            .map(|b| format!("{:02x}", b ^ 0x5a))
            .collect();
        let blob = format!("{BLOB_PREFIX}{key_arn}:{hidden}");
        Ok(base64::engine::general_purpose::STANDARD.encode(blob))
    }
}

impl InitContext {
    /// A KMS client that calls as the function's execution role.
    pub fn kms(&self) -> KmsClient {
        KmsClient::for_environment(&self.resources)
    }
}

impl Context {
    /// A KMS client that calls as the function's execution role.
    pub fn kms(&self) -> KmsClient {
        KmsClient::for_environment(&self.resources)
    }
}

/// A KMS client as a function's code holds it: calls are made as the function's execution role.
#[derive(Clone, Debug)]
pub struct KmsClient {
    services: LambdaHandle,
    /// The environment's code that holds the client: its function, role, transcript name and
    /// log stream (to place a call among its log lines).
    identity: Arc<Identity>,
}

impl KmsClient {
    fn for_environment(resources: &EnvironmentResources) -> Self {
        Self {
            services: resources.services.clone(),
            identity: Arc::clone(&resources.identity),
        }
    }

    /// Decrypts a `CiphertextBlob` made by [`Lambda::kms_encrypt`]; takes
    /// `KMS_CALL_LATENCY` of virtual time.
    pub async fn decrypt(&self, ciphertext_blob: &str) -> Result<String, ServiceError> {
        tokio::time::sleep(KMS_CALL_LATENCY).await;
        let platform = self.services.platform();
        let blob = base64::engine::general_purpose::STANDARD
            .decode(ciphertext_blob.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(invalid_ciphertext)?;
        let (key_arn, hidden) = blob
            .strip_prefix(BLOB_PREFIX)
            .and_then(|rest| rest.rsplit_once(':'))
            .ok_or_else(invalid_ciphertext)?;
        // Checked against the role the client was made with, not through the current caller:
        // the client belongs to its environment, wherever the code that holds it runs.
        let account_id = &platform.scope.account_id;
        let Identity { function, role, .. } = &*self.identity;
        if let Err(denied) = role.check(account_id, function, "kms:Decrypt", key_arn) {
            record_call_of(platform, &self.identity, denied.note());
            return Err(kms_error(
                ErrorCode::AccessDeniedException,
                denied.message(),
            ));
        }
        if !lock(&platform.state::<KmsKeys>()).contains(key_arn) {
            return Err(kms_not_found(key_arn));
        }
        let plaintext = (0..hidden.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hidden.get(i..i + 2).unwrap_or("zz"), 16).map(|b| b ^ 0x5a))
            .collect::<Result<Vec<u8>, _>>()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(invalid_ciphertext)?;
        record_call_of(
            platform,
            &self.identity,
            format!("kms:Decrypt with {key_arn}"),
        );
        Ok(plaintext)
    }
}

/// KMS reports every client error with HTTP 400, access denied included.
fn kms_error(code: ErrorCode, message: impl Into<String>) -> ServiceError {
    ServiceError::new(code, 400, message)
}

fn invalid_ciphertext() -> ServiceError {
    kms_error(
        ErrorCode::InvalidCiphertextException,
        "The ciphertext is not a valid KMS ciphertext blob.",
    )
}

fn kms_not_found(key_arn: &str) -> ServiceError {
    kms_error(
        ErrorCode::NotFoundException,
        format!("Key '{key_arn}' does not exist"),
    )
}
