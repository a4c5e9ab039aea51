//! The worked examples of chapter 1, "Handler, event and context": the chapter
//! (`book/src/ch01-handler-event-context.md`) includes their code and their transcripts.

use invoker::{service_fn, Diagnostic, FunctionConfig, InvokeRequest, Lambda, LambdaEvent};
use serde_json::{json, Value};
use std::time::Duration;

// ANCHOR: ch01_handler
/// Answers with what the context says about this invocation.
async fn whoami(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    ctx.logger().info(format!("event: {event}"));
    // Pretend to do 120 ms of work, so the remaining time visibly shrinks.
    invoker::sleep(Duration::from_millis(120)).await;
    Ok(json!({
        "requestId": ctx.request_id,
        "functionName": ctx.env_config.function_name,
        "functionVersion": ctx.env_config.version,
        "invokedFunctionArn": ctx.invoked_function_arn,
        "memoryLimitInMB": ctx.env_config.memory,
        "logStreamName": ctx.env_config.log_stream,
        "remainingTimeInMillis": ctx.remaining_time().as_millis(),
    }))
}
// ANCHOR_END: ch01_handler

#[tokio::test(start_paused = true)]
async fn ch01_handler_event_and_context() {
    // ANCHOR: ch01_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("whoami")
        .memory_size(256)
        .timeout_secs(5);
    lambda.create_function(config, service_fn(whoami)).unwrap();

    // The first call finds no environment: a cold start.
    let first = InvokeRequest::new("whoami").payload(json!({ "call": 1 }));
    lambda.invoke(first).await.unwrap();

    // A minute later the environment is still warm; this time the caller names `$LATEST`.
    invoker::sleep(Duration::from_secs(60)).await;
    let second = InvokeRequest::new("whoami")
        .qualifier("$LATEST")
        .payload(json!({ "call": 2 }));
    lambda.invoke(second).await.unwrap();
    // ANCHOR_END: ch01_scenario
    insta::assert_snapshot!(lambda.transcript());
}
