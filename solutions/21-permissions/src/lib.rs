//! # Exercise 21 — Permissions: reference solution
//!
//! The exercise, with its instructions, is `exercises/21-permissions/src/lib.rs`. What the
//! exercise provides (names, the indexing code, deploy) is its `src/given.rs`, shared with this
//! crate.

#[path = "../../../exercises/21-permissions/src/given.rs"]
mod given;
pub use given::*;

use invoker::{ManagedPolicy, Permission, Role};

// ANCHOR: s3_may_invoke
/// The statement of `index-upload`'s resource-based policy: S3 may invoke it for the bucket
/// `uploads` of the account `account_id`, and for nothing else.
pub fn s3_may_invoke(account_id: &str) -> Permission {
    Permission::new("s3-uploads", "s3.amazonaws.com")
        // This bucket only: without it, S3 could invoke the function for any bucket.
        .source_arn(format!("arn:aws:s3:::{UPLOADS}"))
        // Of this account only: bucket names are global, and a bucket ARN names no account.
        .source_account(account_id)
}
// ANCHOR_END: s3_may_invoke

// ANCHOR: execution_role
/// The execution role of `index-upload`: its logs, reading the documents of `uploads`, writing
/// to `indexes`, and nothing more.
pub fn execution_role() -> Role {
    Role::new(ROLE)
        // CloudWatch Logs: without it the function runs, but its logs are lost.
        .attach(ManagedPolicy::BasicExecution)
        // Read the documents (objects, hence `/*`), never change them.
        .allow("s3:GetObject", format!("arn:aws:s3:::{UPLOADS}/*"))
        // Write index records, never read them back.
        .allow("s3:PutObject", format!("arn:aws:s3:::{INDEXES}/*"))
}
// ANCHOR_END: execution_role
