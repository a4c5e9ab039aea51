//! # Exercise 10 — No cold starts for checkout: reference solution
//!
//! The exercise, with its instructions, is `exercises/10-provisioned-concurrency/src/lib.rs`.
//! What the exercise provides (constants, the `checkout` code, deploy) is its `src/given.rs`,
//! shared with this crate.

#[path = "../../../exercises/10-provisioned-concurrency/src/given.rs"]
mod given;
pub use given::*;

use invoker::{Lambda, ServiceError};

// ANCHOR: go_live
/// Publishes `checkout`, points `prod` at the new version, and keeps `PROVISIONED` environments
/// of `prod` initialised. Returns the version `prod` points at.
pub async fn go_live(lambda: &Lambda) -> Result<String, ServiceError> {
    // Provisioned environments run a fixed piece of code, so they need a version: `$LATEST` can
    // change under them at any moment, and Lambda refuses to provision it.
    let version = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, ALIAS, &version)?;
    // On the alias the shop calls, not on the version: the setting belongs to `prod`, whatever
    // version it points at. The environments' Init runs now, before any customer arrives.
    lambda
        .put_provisioned_concurrency_config(&format!("{FUNCTION}:{ALIAS}"), PROVISIONED)
        .await?;
    Ok(version)
}
// ANCHOR_END: go_live
