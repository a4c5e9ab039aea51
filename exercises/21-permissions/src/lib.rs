//! # Exercise 21 — Permissions: who may invoke, what the function may do
//!
//! Read first: `book/src/permissions.md` (`cargo xtask book --serve`).
//!
//! The app uploads documents to the bucket `uploads`. For each new object, S3 invokes the
//! function `index-upload`, which reads the document and writes an index record for it (its size,
//! word count and title) to the bucket `indexes`, as `<key>.json`. The code is written and in
//! `src/given.rs`. What is missing is the permissions, and there are two kinds:
//!
//! 1. **`s3_may_invoke`**: the statement to add to the function's *resource-based policy*, like
//!    `aws lambda add-permission`. It answers "who may invoke this function?": S3
//!    (`s3.amazonaws.com`), for events of the bucket `uploads` (its ARN,
//!    `arn:aws:s3:::uploads`: a bucket ARN names no region and no account), and only that bucket
//!    of this account (`account_id`). Bucket names are global and can change hands: without the
//!    account, S3 could invoke your function for somebody else's bucket called `uploads`.
//! 2. **`execution_role`**: the function's *execution role*. It answers "what may this function
//!    do?". Every call the code makes to S3 is checked against it, and Lambda uses it too, to
//!    write the function's logs to CloudWatch. The function must be able to read the documents
//!    of `uploads` (`s3:GetObject`), write objects to `indexes` (`s3:PutObject`), and write its
//!    logs. **And nothing more**: not write or delete in `uploads`, not read `indexes` or any
//!    other bucket, no other action, no other service. A role that allows only what the function
//!    needs is *least privilege*: if the code has a bug, or someone takes it over, that is all
//!    it can do.
//!
//! In a role, a resource is an ARN, and `*` in it matches anything: the objects of a bucket are
//! `arn:aws:s3:::<bucket>/*`, the bucket itself is `arn:aws:s3:::<bucket>`. For the logs, AWS
//! offers a managed policy that every function can use: `ManagedPolicy::BasicExecution`.
//!
//! The tests check both halves from the outside, as an attacker would: other buckets, other
//! accounts and other services try to invoke the function, and a probe function running as your
//! role tries what `index-upload` must not do. Every attempt must be refused.
//!
//! Check your work: `cargo xtask verify permissions`.
//! Stuck? `cargo xtask hint permissions` shows the next hint.

mod given;
pub use given::*;

use invoker::{Permission, Role};

// ANCHOR: s3_may_invoke
/// The statement of `index-upload`'s resource-based policy: S3 may invoke it for the bucket
/// `uploads` of the account `account_id`, and for nothing else.
pub fn s3_may_invoke(account_id: &str) -> Permission {
    // TODO: point 1 above: a statement that lets S3 invoke the function for this account's
    // bucket UPLOADS and no other. The chapter's "Who may invoke: the resource-based policy" and
    // "The confused deputy" say what narrows it; `invoker::Permission` builds it.
    let _ = account_id;
    todo!("let S3 invoke the function for this account's uploads bucket only")
}
// ANCHOR_END: s3_may_invoke

// ANCHOR: execution_role
/// The execution role of `index-upload`: its logs, reading the documents of `uploads`, writing
/// to `indexes`, and nothing more.
pub fn execution_role() -> Role {
    // TODO: point 2 above: the role ROLE, with what the code does and what its logs need, each
    // on the narrowest resource (the chapter's "Least privilege"). `invoker::Role` builds it.
    todo!("allow the logs, s3:GetObject on the uploads and s3:PutObject on the indexes")
}
// ANCHOR_END: execution_role
