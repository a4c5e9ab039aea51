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
use crate::lambda::iam::Denied;
use crate::lambda::invoke::{InvokeRequest, InvokeResponse};
use crate::lambda::message_targets::Deliver;
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;

/// What a service may do with Lambda; see the module docs.
#[derive(Clone)]
pub(crate) struct LambdaHandle {
    lambda: Lambda,
}

impl Lambda {
    /// The handle a service around Lambda holds.
    pub(crate) fn handle(&self) -> LambdaHandle {
        LambdaHandle {
            lambda: self.clone(),
        }
    }
}

impl LambdaHandle {
    /// The clock, ids, logs and transcript Lambda shares with the services.
    pub(crate) fn platform(&self) -> &Platform {
        &self.lambda.inner.platform
    }

    /// Invokes a function, as the `Invoke` API does.
    pub(crate) async fn invoke(
        &self,
        request: InvokeRequest,
    ) -> Result<InvokeResponse, ServiceError> {
        self.lambda.invoke(request).await
    }

    /// Whether `target` exists and `principal` may invoke it, checked when a service is set up
    /// to invoke it later (an S3 notification, an SNS subscription), as AWS checks then.
    pub(crate) fn may_invoke_later(
        &self,
        principal: &Principal,
        target: &FunctionRef,
    ) -> Result<(), ServiceError> {
        self.lambda.check_target(target)?;
        self.lambda.may_invoke(principal, target)
    }

    /// Whether the code that is running (if any) may call `action` on `resource`; see
    /// [`crate::lambda::iam`].
    pub(crate) fn authorize(&self, action: &str, resource: &str) -> Result<(), Denied> {
        self.lambda.authorize(action, resource)
    }

    /// Registers how the service whose ARNs start `arn:aws:<service>:` takes the messages Lambda
    /// sends (destination records, dead letters); see [`crate::lambda::message_targets`].
    pub(crate) fn accept_messages(&self, service: &'static str, deliver: Deliver) {
        self.lambda.accept_messages(service, deliver)
    }

    /// Writes a call to a service in the transcript, inside the block of the invocation that
    /// made it; see [`crate::lambda::trace`].
    pub(crate) fn record_call(&self, text: String) {
        self.lambda.record_call(text)
    }
}
