//! Functions calling functions: a handler invokes another function through the same service,
//! synchronously (it waits) or asynchronously (it does not), as the patterns chapter needs.

use invoker::{
    handler_fn, Context, FunctionConfig, HandlerError, InvocationType, InvokeRequest, Lambda,
};
use serde_json::{json, Value};
use std::time::Duration;

async fn double(event: Value, _: Context) -> Result<Value, HandlerError> {
    invoker::sleep(Duration::from_millis(100)).await;
    let n = event["n"].as_i64().unwrap_or_default();
    Ok(json!({ "n": n * 2 }))
}

async fn refuse(_: Value, _: Context) -> Result<Value, HandlerError> {
    Err(HandlerError::new("Refused", "not today"))
}

/// A function that calls `double` and waits, then tells `audit` without waiting.
fn caller(lambda: &Lambda) -> invoker::FunctionCode {
    let lambda = lambda.clone();
    handler_fn(move |event: Value, ctx: Context| {
        let lambda = lambda.clone();
        async move {
            let doubled = lambda
                .invoke(InvokeRequest::new("double").payload(event))
                .await
                .map_err(|e| HandlerError::new(e.code, e.message))?;
            let answer = doubled.payload_json().unwrap_or(Value::Null);
            ctx.logger().info(format!("double answered {answer}"));
            lambda
                .invoke(
                    InvokeRequest::new("audit")
                        .invocation_type(InvocationType::Event)
                        .payload(answer.clone()),
                )
                .await
                .map_err(|e| HandlerError::new(e.code, e.message))?;
            Ok::<_, HandlerError>(answer)
        }
    })
}

#[tokio::test(start_paused = true)]
async fn a_handler_invokes_another_function_and_waits_for_its_answer() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("double"), handler_fn(double))
        .unwrap();
    lambda
        .create_function(FunctionConfig::new("audit"), handler_fn(double))
        .unwrap();
    lambda
        .create_function(FunctionConfig::new("caller"), caller(&lambda))
        .unwrap();
    let response = lambda
        .invoke(InvokeRequest::new("caller").payload(json!({ "n": 21 })))
        .await
        .unwrap();
    assert_eq!(response.payload_json().unwrap(), json!({ "n": 42 }));
    lambda.settle().await;
    // Each function ran once, in its own environment, with its own cold start and logs.
    for function in ["caller", "double", "audit"] {
        let usage = lambda.usage(function);
        assert_eq!((usage.invocations, usage.cold_starts), (1, 1), "{function}");
    }
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn the_callees_error_reaches_the_caller_as_a_function_error_in_the_response() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("double"), handler_fn(refuse))
        .unwrap();
    lambda
        .create_function(FunctionConfig::new("audit"), handler_fn(double))
        .unwrap();
    let inner = lambda.clone();
    let checks = handler_fn(move |event: Value, _: Context| {
        let lambda = inner.clone();
        async move {
            let response = lambda
                .invoke(InvokeRequest::new("double").payload(event))
                .await
                .map_err(|e| HandlerError::new(e.code, e.message))?;
            // A function error is not a failed call: the response says Unhandled.
            Ok::<_, HandlerError>(json!({
                "functionError": response.function_error,
                "payload": response.payload_json().unwrap_or(Value::Null),
            }))
        }
    });
    lambda
        .create_function(FunctionConfig::new("checks"), checks)
        .unwrap();
    let response = lambda
        .invoke(InvokeRequest::new("checks").payload(json!({ "n": 1 })))
        .await
        .unwrap();
    assert_eq!(
        response.payload_json().unwrap(),
        json!({
            "functionError": "Unhandled",
            "payload": { "errorType": "Refused", "errorMessage": "not today" },
        })
    );
}
