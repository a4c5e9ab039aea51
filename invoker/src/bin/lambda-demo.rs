//! A few sample functions behind the `aws lambda invoke`-style command line, to try the invoker
//! before writing any code:
//!
//! ```text
//! cargo run -p invoker --bin lambda-demo -- invoke --function-name echo --payload '{"hi":1}' out.json
//! ```
//!
//! - `echo` answers with the event it received;
//! - `fail` always returns a function error;
//! - `sleepy` sleeps longer than its 1-second timeout.

use invoker::{service_fn, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::Value;
use std::time::Duration;

async fn echo(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    ctx.logger().info(format!("echoing {event}"));
    Ok(event)
}

async fn fail(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    Err(Diagnostic {
        error_type: "DemoError".into(),
        error_message: "this function always fails".into(),
    })
}

async fn sleepy(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok(Value::Null)
}

fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    lambda.create_function(FunctionConfig::new("echo"), service_fn(echo))?;
    lambda.create_function(FunctionConfig::new("fail"), service_fn(fail))?;
    lambda.create_function(
        FunctionConfig::new("sleepy").timeout_secs(1),
        service_fn(sleepy),
    )?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    invoker::cli_main(deploy)
}
