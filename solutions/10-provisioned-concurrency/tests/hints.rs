//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{Lambda, ServiceError};
use provisioned_concurrency::*;

/// Hints 2 and 3: `go_live`.
#[rustfmt::skip]
pub async fn go_live(lambda: &Lambda) -> Result<String, ServiceError> {
    let version = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, ALIAS, &version)?;
    lambda.put_provisioned_concurrency_config(&format!("{FUNCTION}:{ALIAS}"), PROVISIONED).await?;
    Ok(version)
}
