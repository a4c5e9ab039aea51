//! Provided by the exercise: the function's name and alias, the [`Release`] your code returns,
//! the checkout code to release, and the deployment of the starting point. Read it, but you don't
//! need to change it: your part is `release`, in `lib.rs`.

use invoker::{
    service_fn, Diagnostic, FunctionCode, FunctionConfig, Lambda, LambdaEvent, ServiceError,
};
use serde_json::{json, Value};

/// The function this exercise releases.
pub const FUNCTION: &str = "checkout";
/// The alias every customer calls. A release moves it; nobody calls a version number.
pub const ALIAS: &str = "prod";

/// How a release ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Release {
    /// The smoke test passed: prod now serves `version`.
    Live { version: String },
    /// The smoke test failed: prod is back on `restored`, and `bad` stays published, unused.
    RolledBack { bad: String, restored: String },
}

/// The event of a smoke test, `{"healthCheck": true}`. The checkout code answers it without
/// charging anyone, so it is safe to send to production.
pub fn health_check_event() -> Value {
    json!({ "healthCheck": true })
}

/// Checkout code that works. Every answer names its `release`, so you can see which code served a
/// call; a health check is logged as `health check passed (<release>)`.
pub fn working_checkout(release: &'static str) -> FunctionCode {
    service_fn(move |event: LambdaEvent<Value>| async move {
        let (event, ctx) = event.into_parts();
        if event["healthCheck"] == true {
            ctx.logger()
                .info(format!("health check passed ({release})"));
            return Ok::<_, Diagnostic>(json!({ "healthy": true, "release": release }));
        }
        Ok(json!({ "orderAccepted": true, "release": release }))
    })
}

/// Checkout code with a bug: every call, health checks included, fails with a
/// `PaymentsUnavailable` function error.
pub fn broken_checkout(release: &'static str) -> FunctionCode {
    service_fn(move |_event: LambdaEvent<Value>| async move {
        Err::<Value, _>(Diagnostic {
            error_type: "PaymentsUnavailable".into(),
            error_message: format!("{release} cannot reach the payments service"),
        })
    })
}

/// Deploys the starting point: `checkout` running `working_checkout("v1")`, published as
/// version 1, with `prod` pointing at it.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config =
        FunctionConfig::new(FUNCTION).description("Takes orders; customers call checkout:prod");
    lambda.create_function(config, working_checkout("v1"))?;
    let version = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, ALIAS, &version)?;
    Ok(())
}
