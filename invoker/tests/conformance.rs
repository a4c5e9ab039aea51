//! Conformance: the invoker answers as real Lambda did in the recorded scenarios.
//!
//! Each test reproduces one scenario of the AWS recordings (`../shared/aws-recorded/`, named in
//! its comment): the same call on the same kind of resource, and the exception name, HTTP status
//! and message AWS answered with. Grouped by API operation.

use invoker::{handler_fn, Context, FunctionConfig, HandlerError, Lambda, ServiceError};
use serde_json::{json, Value};

/// The ARN prefix of the default account and Region.
const ARNS: &str = "arn:aws:lambda:us-east-1:123456789012:function";

/// A service with one function, `app`, whose code answers `"ok"`.
fn service() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("app"), code())
        .unwrap();
    lambda
}

fn code() -> invoker::FunctionCode {
    handler_fn(|_event: Value, _ctx: Context| async move { Ok::<_, HandlerError>(json!("ok")) })
}

/// The exception name, HTTP status and message of a refusal.
fn refusal(error: ServiceError) -> (&'static str, u16, String) {
    (error.code, error.status, error.message)
}

mod put_function_concurrency {
    use super::*;

    // test_lambda_api.snapshot.json, TestLambdaReservedConcurrency::
    // test_function_concurrency_exceptions, put_function_concurrency_with_function_name_doesnotexist
    #[tokio::test(start_paused = true)]
    async fn with_function_name_doesnotexist() {
        let lambda = service();
        assert_eq!(
            refusal(
                lambda
                    .put_function_concurrency("doesnotexist", 1)
                    .unwrap_err()
            ),
            (
                "ResourceNotFoundException",
                404,
                format!("Function not found: {ARNS}:doesnotexist:$LATEST")
            )
        );
    }

    // Same recording and test, put_function_concurrency_with_function_name_doesnotexist_and_
    // invalid_concurrency: the missing function is named before the number is weighed.
    #[tokio::test(start_paused = true)]
    async fn with_function_name_doesnotexist_and_invalid_concurrency() {
        let lambda = service();
        assert_eq!(
            refusal(
                lambda
                    .put_function_concurrency("doesnotexist", 100_000)
                    .unwrap_err()
            ),
            (
                "ResourceNotFoundException",
                404,
                format!("Function not found: {ARNS}:doesnotexist:$LATEST")
            )
        );
    }
}
