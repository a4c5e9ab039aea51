//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{Diagnostic, InitContext, LambdaEvent, Role};
use secret_at_init::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// Hint 3: the role.
pub fn execution_role(key_arn: &str) -> Role {
    Role::default().allow("kms:Decrypt", key_arn)
}

/// Hint 2: the init step.
pub async fn load_api_key(init: InitContext) -> Result<String, Diagnostic> {
    let Some(encrypted) = init.env(ENCRYPTED_KEY_VAR) else {
        return Err(Diagnostic {
            error_type: "ConfigError".into(),
            error_message: "API_KEY_ENCRYPTED is not set".into(),
        });
    };
    let api_key = init.kms().decrypt(encrypted).await?;
    Ok(api_key)
}

/// Hint 3: the handler.
pub async fn check_api_key(
    api_key: Arc<String>,
    event: LambdaEvent<Request>,
) -> Result<Value, Diagnostic> {
    let request = event.payload;
    Ok(json!({ "authorized": request.api_key.as_deref() == Some(api_key.as_str()) }))
}
