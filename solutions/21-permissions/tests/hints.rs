//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{ManagedPolicy, Permission, Role};
use permissions::*;

/// Hints 2 and 3: `s3_may_invoke`.
#[rustfmt::skip]
pub fn s3_may_invoke(account_id: &str) -> Permission {
    Permission::new("s3-uploads", "s3.amazonaws.com").source_arn(format!("arn:aws:s3:::{UPLOADS}")).source_account(account_id)
}

/// Hints 2 and 3: `execution_role`.
#[rustfmt::skip]
pub fn execution_role() -> Role {
    Role::new(ROLE).attach(ManagedPolicy::BasicExecution).allow("s3:GetObject", format!("arn:aws:s3:::{UPLOADS}/*")).allow("s3:PutObject", format!("arn:aws:s3:::{INDEXES}/*"))
}
