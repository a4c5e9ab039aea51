//! Asynchronous-invocation settings read back (`get_function_event_invoke_config`), as
//! recorded in test_lambda_api.snapshot.json, TestLambdaEventInvokeConfig.

use super::*;
use invoker::EventInvokeConfig;

// test_lambda_eventinvokeconfig_lifecycle, get_invokeconfig_postpublish: a version published
// after `$LATEST` was configured does not take its configuration.
#[tokio::test(start_paused = true)]
async fn postpublish() {
    let lambda = service();
    lambda
        .put_function_event_invoke_config(
            "app",
            EventInvokeConfig::default().maximum_retry_attempts(1),
        )
        .unwrap();
    lambda.publish_version("app").unwrap();
    assert_eq!(
        refusal(
            lambda
                .get_function_event_invoke_config("app:1")
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("The function {ARNS}:app:1 doesn't have an EventInvokeConfig")
        )
    );
}
