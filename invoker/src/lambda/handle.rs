//! The narrow handle through which the services around Lambda reach it.
//!
//! S3 invokes a function when an object arrives, SNS when a message is published, EventBridge
//! when a rule fires, API Gateway when a request comes in. None of them needs Lambda's functions,
//! environments or settings; they need to *invoke*, to know whether a function exists and whether
//! they may invoke it, and to check and record the calls that a function's code makes to them.
//! [`LambdaHandle`] offers exactly that, and the compiler keeps the services to it: code in
//! `crate::services` holds a handle, never a [`Lambda`](crate::Lambda).
//!
//! On AWS the line is the same: a service reaches Lambda through its public API (`Invoke`,
//! `GetFunction`, the resource-based policy), and IAM and CloudTrail see every call a function
//! makes.

use crate::base::platform::Platform;
use crate::lambda::calls;
use crate::lambda::iam::Denied;
use crate::lambda::message_targets::{self, Deliver};
use std::any::Any;
use std::sync::{Arc, Weak};

/// What a service may do with Lambda; see the module docs.
///
/// It holds the account's platform, and Lambda itself only weakly: a function's code keeps the
/// clients it made at init (an S3 client in its init state), Lambda keeps the function's
/// environments, and a strong handle would make the two keep each other alive for ever.
///
/// The reference to Lambda is type-erased (`dyn Any`), and the operations that need Lambda
/// (`invoke`, `may_invoke_later`) are written next to what they call, in
/// [`crate::lambda::invoke`]. That keeps this module free of the service: an environment's
/// context holds a handle (for `init.s3()`), and the service holds its environments, so a handle
/// that named the service would tie the two modules, and everything between them, in one cycle.
#[derive(Clone)]
pub(crate) struct LambdaHandle {
    pub(crate) platform: Arc<Platform>,
    /// The service's `Inner`, as [`crate::lambda::service::Lambda::handle`] erased it.
    pub(crate) lambda: Weak<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for LambdaHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LambdaHandle")
            .field("account", &self.platform.scope.account_id)
            .field("region", &self.platform.scope.region)
            .finish_non_exhaustive()
    }
}

impl LambdaHandle {
    /// The clock, ids, logs and transcript Lambda shares with the services.
    pub(crate) fn platform(&self) -> &Platform {
        &self.platform
    }

    /// Whether the code that is running (if any) may call `action` on `resource`; see
    /// [`crate::lambda::calls`].
    pub(crate) fn authorize(&self, action: &str, resource: &str) -> Result<(), Denied> {
        calls::authorize(&self.platform, action, resource)
    }

    /// Registers how the service whose ARNs start `arn:aws:<service>:` takes the messages Lambda
    /// sends (destination records, dead letters); see [`crate::lambda::message_targets`].
    pub(crate) fn accept_messages(&self, service: &'static str, deliver: Deliver) {
        message_targets::accept_messages(&self.platform, service, deliver);
    }

    /// Writes a call to a service in the transcript, inside the block of the invocation that
    /// made it; see [`crate::lambda::calls`].
    pub(crate) fn record_call(&self, text: String) {
        calls::record_call(&self.platform, text);
    }
}
