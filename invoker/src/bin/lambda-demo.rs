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

use invoker::{handler_fn, Context, FunctionConfig, HandlerError, Lambda, ServiceError};
use serde_json::Value;
use std::time::Duration;

async fn echo(event: Value, ctx: Context) -> Result<Value, HandlerError> {
    ctx.logger().info(format!("echoing {event}"));
    Ok(event)
}

async fn fail(_event: Value, _ctx: Context) -> Result<Value, HandlerError> {
    Err(HandlerError::new("DemoError", "this function always fails"))
}

async fn sleepy(_event: Value, _ctx: Context) -> Result<Value, HandlerError> {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok(Value::Null)
}

fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    lambda.create_function(FunctionConfig::new("echo"), handler_fn(echo))?;
    lambda.create_function(FunctionConfig::new("fail"), handler_fn(fail))?;
    lambda.create_function(
        FunctionConfig::new("sleepy").timeout_secs(1),
        handler_fn(sleepy),
    )?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    invoker::cli::main(deploy)
}
