//! The narrow handle through which the services around Lambda reach it.
//!
//! S3 invokes a function when an object arrives, SNS when a message is published, EventBridge
//! when a rule fires, API Gateway when a request comes in. None of them needs Lambda's functions,
//! environments or settings; they need to *invoke*, to know whether a function exists and whether
//! they may invoke it, and to check and record the calls that a function's code makes to them.
//! [`LambdaHandle`] offers exactly that, and the compiler keeps the services to it: code in
//! `crate::services` holds a handle, never a [`Lambda`].
//!
//! On AWS the line is the same: a service reaches Lambda through its public API (`Invoke`,
//! `GetFunction`, the resource-based policy), and IAM and CloudTrail see every call a function
//! makes.

use crate::base::arn::FunctionRef;
use crate::base::error::ServiceError;
use crate::base::platform::Platform;
use crate::lambda::calls;
use crate::lambda::iam::Denied;
use crate::lambda::invoke::{InvokeRequest, InvokeResponse};
use crate::lambda::message_targets::{self, Deliver};
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::{Inner, Lambda};
use std::sync::{Arc, Weak};

/// What a service may do with Lambda; see the module docs.
///
/// It holds the account's platform, and Lambda itself only weakly: a function's code keeps the
/// clients it made at init (an S3 client in its init state), Lambda keeps the function's
/// environments, and a strong handle would make the two keep each other alive for ever.
#[derive(Clone)]
pub(crate) struct LambdaHandle {
    platform: Arc<Platform>,
    lambda: Weak<Inner>,
}

impl Lambda {
    /// The handle a service around Lambda holds.
    pub(crate) fn handle(&self) -> LambdaHandle {
        LambdaHandle {
            platform: Arc::clone(&self.inner.platform),
            lambda: Arc::downgrade(&self.inner),
        }
    }
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

    /// The service, unless it was dropped while a client of its account lived on.
    fn lambda(&self) -> Result<Lambda, ServiceError> {
        self.lambda
            .upgrade()
            .map(|inner| Lambda { inner })
            .ok_or_else(|| {
                ServiceError::resource_not_found(
                    "The Lambda service of this account no longer exists: the client outlived it.",
                )
            })
    }

    /// Invokes a function, as the `Invoke` API does.
    pub(crate) async fn invoke(
        &self,
        request: InvokeRequest,
    ) -> Result<InvokeResponse, ServiceError> {
        self.lambda()?.invoke(request).await
    }

    /// Whether `target` exists and `principal` may invoke it, checked when a service is set up
    /// to invoke it later (an S3 notification, an SNS subscription), as AWS checks then.
    pub(crate) fn may_invoke_later(
        &self,
        principal: &Principal,
        target: &FunctionRef,
    ) -> Result<(), ServiceError> {
        let lambda = self.lambda()?;
        lambda.check_target(target)?;
        lambda.may_invoke(principal, target)
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
