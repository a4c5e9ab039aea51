//! Functions calling functions: a handler invokes another function through the same service,
//! synchronously (it waits) or asynchronously (it does not), as the patterns chapter needs. The
//! caller's execution role must allow `lambda:InvokeFunction` on each function it calls.

use crate::kit::failing;
use invoker::{
    service_fn, Diagnostic, FunctionConfig, InvocationType, InvokeRequest, Lambda, LambdaEvent,
    Role,
};
use serde_json::{json, Value};
use std::time::Duration;

async fn double(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    invoker::sleep(Duration::from_millis(100)).await;
    let n = event["n"].as_i64().unwrap_or_default();
    Ok(json!({ "n": n * 2 }))
}

/// A role that may write its logs and invoke each of `functions`, and nothing else.
fn may_invoke(functions: &[&str]) -> Role {
    functions.iter().fold(Role::default(), |role, f| {
        role.allow(
            "lambda:InvokeFunction",
            format!("arn:aws:lambda:us-east-1:123456789012:function:{f}"),
        )
    })
}

/// A function that calls `double` and waits, then tells `audit` without waiting, through the
/// Lambda client its context gives it.
fn caller() -> invoker::FunctionCode {
    service_fn(move |event: LambdaEvent<Value>| {
        let (event, ctx) = event.into_parts();
        let lambda = ctx.lambda();
        async move {
            let doubled = lambda
                .invoke(InvokeRequest::new("double").payload(event))
                .await
                .map_err(|e| Diagnostic {
                    error_type: e.code.as_str().to_string(),
                    error_message: e.message.to_string(),
                })?;
            let answer = doubled.payload_json().unwrap_or(Value::Null);
            ctx.logger().info(format!("double answered {answer}"));
            lambda
                .invoke(
                    InvokeRequest::new("audit")
                        .invocation_type(InvocationType::Event)
                        .payload(answer.clone()),
                )
                .await
                .map_err(|e| Diagnostic {
                    error_type: e.code.as_str().to_string(),
                    error_message: e.message.to_string(),
                })?;
            Ok::<_, Diagnostic>(answer)
        }
    })
}

#[tokio::test(start_paused = true)]
async fn a_handler_invokes_another_function_and_waits_for_its_answer() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("double"), service_fn(double))
        .unwrap();
    lambda
        .create_function(FunctionConfig::new("audit"), service_fn(double))
        .unwrap();
    let role = may_invoke(&["double", "audit"]);
    lambda
        .create_function(FunctionConfig::new("caller").role(role), caller())
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
        .create_function(
            FunctionConfig::new("double"),
            failing("Refused", "not today"),
        )
        .unwrap();
    lambda
        .create_function(FunctionConfig::new("audit"), service_fn(double))
        .unwrap();
    let inner = lambda.clone();
    let checks = service_fn(move |event: LambdaEvent<Value>| {
        let event = event.payload;
        let lambda = inner.clone();
        async move {
            let response = lambda
                .invoke(InvokeRequest::new("double").payload(event))
                .await
                .map_err(|e| Diagnostic {
                    error_type: e.code.as_str().to_string(),
                    error_message: e.message.to_string(),
                })?;
            // A function error is not a failed call: the response says Unhandled.
            Ok::<_, Diagnostic>(json!({
                "functionError": response.function_error,
                "payload": response.payload_json().unwrap_or(Value::Null),
            }))
        }
    });
    lambda
        .create_function(
            FunctionConfig::new("checks").role(may_invoke(&["double"])),
            checks,
        )
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

/// Without `lambda:InvokeFunction` in its role, the caller's invoke is refused before anything
/// runs: a service error in the caller, which fails with it here.
#[tokio::test(start_paused = true)]
async fn a_caller_whose_role_does_not_allow_the_invoke_is_refused() {
    let lambda = Lambda::new();
    for name in ["double", "audit"] {
        lambda
            .create_function(FunctionConfig::new(name), service_fn(double))
            .unwrap();
    }
    // At first a role that allows only its logs.
    let logs_only = Role::new("caller-role").allow("logs:*", "*");
    lambda
        .create_function(FunctionConfig::new("caller").role(logs_only), caller())
        .unwrap();
    let denied = lambda
        .invoke(InvokeRequest::new("caller").payload(json!({ "n": 1 })))
        .await
        .unwrap();
    assert_eq!(
        denied.payload_json().unwrap()["errorMessage"],
        "User: arn:aws:sts::123456789012:assumed-role/caller-role/caller is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:double because no identity-based policy allows the lambda:InvokeFunction action"
    );
    assert_eq!(lambda.usage("double").invocations, 0);

    // Then one that may call `double`, but not `audit`.
    lambda
        .update_function_configuration("caller", |c| c.role(may_invoke(&["double"])))
        .unwrap();
    let half = lambda
        .invoke(InvokeRequest::new("caller").payload(json!({ "n": 1 })))
        .await
        .unwrap();
    assert_eq!(half.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        half.payload_json().unwrap()["errorType"],
        "AccessDeniedException",
        "double ran, audit was refused"
    );
    assert_eq!(lambda.usage("double").invocations, 1);
    assert_eq!(lambda.usage("audit").invocations, 0);
}

/// A function that makes its S3 client once, at init, as a real function makes its SDK clients,
/// and uses it in every invocation: it copies the object named in the event into `copies/`.
fn copier() -> invoker::FunctionCode {
    invoker::with_init(
        |init: invoker::InitContext| async move { Ok::<_, Diagnostic>(init.s3()) },
        |s3: std::sync::Arc<invoker::S3>, event: LambdaEvent<Value>| async move {
            let key = event.payload["key"].as_str().unwrap_or_default().to_owned();
            let body = s3.get_object("docs", &key)?;
            s3.put_object("docs", &format!("copies/{key}"), body)
                .await?;
            Ok::<_, Diagnostic>(json!({ "copied": key }))
        },
    )
}

#[tokio::test(start_paused = true)]
async fn a_client_made_at_init_calls_as_the_functions_role_inside_each_invocation() {
    let lambda = Lambda::builder().seed(7).build();
    let s3 = lambda.s3();
    s3.create_bucket("docs").unwrap();
    s3.put_object("docs", "public/a.txt", b"hello".to_vec())
        .await
        .unwrap();
    s3.put_object("docs", "private/b.txt", b"secret".to_vec())
        .await
        .unwrap();
    let role = Role::new("copier")
        .attach(invoker::ManagedPolicy::BasicExecution)
        .allow("s3:GetObject", "arn:aws:s3:::docs/public/*")
        .allow("s3:PutObject", "arn:aws:s3:::docs/copies/*");
    lambda
        .create_function(FunctionConfig::new("copier").role(role), copier())
        .unwrap();
    let copy = |key: &str| InvokeRequest::new("copier").payload(json!({ "key": key }));
    let first = lambda.invoke(copy("public/a.txt")).await.unwrap();
    assert_eq!(
        first.payload_json().unwrap(),
        json!({ "copied": "public/a.txt" })
    );
    assert_eq!(
        s3.get_object("docs", "copies/public/a.txt").unwrap(),
        b"hello".to_vec()
    );
    // The second invocation is warm: the client made at init serves it too, and its refused
    // call is the function's, checked against its role and written inside its block.
    let second = lambda.invoke(copy("private/b.txt")).await.unwrap();
    assert_eq!(second.function_error.as_deref(), Some("Unhandled"));
    let transcript = lambda.transcript();
    let block = transcript
        .split("invoke copier")
        .nth(2)
        .expect("a second invocation block");
    assert!(block.contains("warm start"), "{transcript}");
    assert!(
        block.contains("» s3:GetObject on arn:aws:s3:::docs/private/b.txt denied"),
        "{transcript}"
    );
}
