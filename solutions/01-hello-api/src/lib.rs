//! # Exercise 1 — Handler, event and context: reference solution
//!
//! The exercise, with its instructions, is `exercises/01-hello-api/src/lib.rs`.

use invoker::aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use invoker::aws_lambda_events::encodings::Body;
use invoker::aws_lambda_events::http::{header::CONTENT_TYPE, HeaderValue};
use invoker::{service_fn, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::json;

// ANCHOR: handler
/// The handler: a proxy event in, a proxy response out.
pub async fn greet(
    event: LambdaEvent<ApiGatewayProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Diagnostic> {
    let (event, ctx) = event.into_parts();
    // API Gateway sends `queryStringParameters: null` when there is no query string; the event
    // type turns that into an empty map, so one lookup covers "absent" and "not given".
    let name = event
        .query_string_parameters
        .first("name")
        .filter(|name| !name.is_empty());
    let (status, body) = match name {
        Some(name) => {
            ctx.logger().info(format!("greeting {name}"));
            let message = format!("Hello, {name}!");
            (
                200,
                json!({ "message": message, "requestId": ctx.request_id }),
            )
        }
        None => {
            ctx.logger().warn("missing name");
            (400, json!({ "error": "missing query parameter: name" }))
        }
    };
    Ok(json_response(status, body.to_string()))
}
// ANCHOR_END: handler

// ANCHOR: response
/// A proxy response with a JSON body. The body is a *string*: API Gateway copies it into the
/// HTTP response as it is, so JSON must be serialized before it goes in.
fn json_response(status: i64, body: String) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body));
    response
}
// ANCHOR_END: response

/// Deploys the exercise's one function, `hello`, with Lambda's default settings.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config =
        FunctionConfig::new("hello").description("Greets the caller named in the query string");
    lambda.create_function(config, service_fn(greet))?;
    Ok(())
}
