//! What a function sees and answers when it is invoked synchronously. Most scenarios were
//! recorded from a `provided.al2023` function (LocalStack's `test_lambda_common.snapshot.json`,
//! TestLambdaRuntimesCommon, 2026).

use super::*;
use invoker::{Error, InvokeRequest};

// test_uncaught_exception_invoke[provided.al2023]: a Rust handler's boxed error is named
// after a reference to the box.
#[tokio::test(start_paused = true)]
async fn uncaught_exception() {
    let lambda = Lambda::new();
    let code = service_fn(|_event: LambdaEvent<Value>| async move {
        Err::<Value, Error>(format!("Error: {:?}", "some_error_msg").into())
    });
    lambda
        .create_function(FunctionConfig::new("app").runtime("provided.al2023"), code)
        .unwrap();
    let response = lambda.invoke(InvokeRequest::new("app")).await.unwrap();
    assert_eq!(response.status_code, 200);
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        response.payload_json().unwrap(),
        json!({
            "errorType": "&alloc::boxed::Box<dyn core::error::Error + core::marker::Send + core::marker::Sync>",
            "errorMessage": "Error: \"some_error_msg\"",
        })
    );
}
