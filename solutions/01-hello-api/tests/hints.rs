//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use invoker::aws_lambda_events::encodings::Body;
use invoker::aws_lambda_events::http::{header::CONTENT_TYPE, HeaderValue};
use invoker::{Diagnostic, LambdaEvent};
use serde_json::json;

/// Hints 1 to 3: `greet`, from the query string to the response.
pub async fn greet_as_hinted(
    event: LambdaEvent<ApiGatewayProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let (status, body) = match event.query_string_parameters.first("name") {
        Some(name) if !name.is_empty() => {
            ctx.logger().info(format!("greeting {name}"));
            let message = format!("Hello, {name}!");
            (
                200,
                json!({ "message": message, "requestId": ctx.request_id }),
            )
        }
        _ => {
            ctx.logger().warn("missing name");
            (400, json!({ "error": "missing query parameter: name" }))
        }
    };
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body.to_string()));
    Ok(response)
}
