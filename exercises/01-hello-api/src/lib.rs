//! # Exercise 1 — Handler, event and context
//!
//! Read first: `book/src/ch01-handler-event-context.md` (`cargo xtask book --serve`).
//!
//! API Gateway turns `GET /hello?name=Ada` into a *proxy event* and calls the `hello` function
//! with it. Your handler reads the name from the event and answers with a *proxy response*, which
//! API Gateway turns back into the HTTP response.
//!
//! Make `greet` behave like this:
//!
//! | request                | status | body (JSON)                                              |
//! |------------------------|--------|----------------------------------------------------------|
//! | `GET /hello?name=Ada`  | 200    | `{"message":"Hello, Ada!","requestId":"<request id>"}`   |
//! | `GET /hello`, or `name=` empty | 400 | `{"error":"missing query parameter: name"}`          |
//!
//! - Every response has the header `content-type: application/json`. More headers are up to you.
//! - The body is compared as JSON values, so its keys may come in any order.
//! - `requestId` is the invocation's request id, from the context.
//! - Log one line per request with `ctx.logger()`: `info("greeting Ada")` when you greet,
//!   `warn("missing name")` when you refuse.
//!
//! Check your work: `cargo xtask verify hello-api`.
//! Stuck? `cargo xtask hint hello-api` shows the next hint.

use invoker::aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use invoker::{service_fn, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ServiceError};

// ANCHOR: handler
/// The handler: a proxy event in, a proxy response out.
pub async fn greet(
    event: LambdaEvent<ApiGatewayProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Diagnostic> {
    let (event, ctx) = event.into_parts();
    // TODO: read `name` from the query string, log, and answer 200 or 400 as the table above says.
    let _ = (event, ctx);
    todo!("answer the greeting request")
}
// ANCHOR_END: handler

// ANCHOR: deploy
/// Deploys the exercise's one function, `hello`, with Lambda's default settings.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config =
        FunctionConfig::new("hello").description("Greets the caller named in the query string");
    lambda.create_function(config, service_fn(greet))?;
    Ok(())
}
// ANCHOR_END: deploy
