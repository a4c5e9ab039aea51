//! # Exercise 1 on real AWS: the function `hello`
//!
//! The solution's handler (`solutions/01-hello-api/src/lib.rs`) on the real runtime,
//! `lambda_runtime`: the same event and response types and the same logic. What changes: the
//! imports (`aws_lambda_events` directly, not through `invoker`), the logger (`tracing`'s macros
//! instead of `ctx.logger()`), and `main`, which the invoker does not need.

// ANCHOR: imports
use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::{header::CONTENT_TYPE, HeaderValue};
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::json;
// ANCHOR_END: imports

// ANCHOR: handler
/// The handler: a proxy event in, a proxy response out.
async fn greet(
    event: LambdaEvent<ApiGatewayProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    let (request, context) = event.into_parts();
    let name = request
        .query_string_parameters
        .first("name")
        .filter(|name| !name.is_empty());
    let (status, body) = match name {
        Some(name) => {
            // A structured field, not only text: CloudWatch Logs Insights can filter on it.
            tracing::info!(name, "greeting");
            let message = format!("Hello, {name}!");
            let body = json!({ "message": message, "requestId": context.request_id });
            (200, body)
        }
        None => {
            tracing::warn!("missing name");
            (400, json!({ "error": "missing query parameter: name" }))
        }
    };
    Ok(json_response(status, body.to_string()))
}

/// A proxy response with a JSON body, serialized: API Gateway copies the body as it is.
fn json_response(status: i64, body: String) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body));
    response
}
// ANCHOR_END: handler

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<(), Error> {
    // Everything before `run` is Init: it runs once per execution environment.
    tracing::init_default_subscriber();
    // `run` loops for the life of the environment: next event, handler, answer.
    run(service_fn(greet)).await
}
// ANCHOR_END: main
