//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use api_gateway::*;
use invoker::aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use invoker::aws_lambda_events::encodings::Body;
use invoker::aws_lambda_events::http::header::CONTENT_TYPE;
use invoker::aws_lambda_events::http::{header::ALLOW, HeaderValue};
use invoker::{Diagnostic, LambdaEvent};
use serde_json::json;

/// Hints 2 and 3: `handle`.
pub async fn handle(
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, Diagnostic> {
    let event = event.payload;
    let cover = event.route_key.as_deref() == Some(COVER_ROUTE);
    let method = event.request_context.http.method.as_str();
    if !cover && method != "GET" {
        let error = format!("method {method} is not allowed: use GET");
        let mut response = json_response(405, json!({ "error": error }));
        response
            .headers
            .insert(ALLOW, HeaderValue::from_static("GET"));
        return Ok(response);
    }
    let text = event.path_parameters.get("id").map_or("", String::as_str);
    let Ok(id) = text.parse::<u32>() else {
        let error = format!("book id must be a non-negative integer: {text}");
        return Ok(json_response(400, json!({ "error": error })));
    };
    let Some(book) = find_book(id) else {
        return Ok(json_response(
            404,
            json!({ "error": format!("no book with id {id}") }),
        ));
    };
    #[rustfmt::skip]
    let response = match (cover, book.cover()) { (false, _) => json_response(200, book.to_json()), (true, Some(png)) => png_response(png), (true, None) => json_response(404, json!({ "error": format!("book {id} has no cover") })) };
    Ok(response)
}

/// Hints 2 and 3: `png_response`.
#[rustfmt::skip]
pub fn png_response(png: &[u8]) -> ApiGatewayV2httpResponse {
    let mut r = ApiGatewayV2httpResponse::default(); r.status_code = 200; r.headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/png")); r.body = Some(Body::Binary(png.to_vec())); r.is_base64_encoded = true;
    r
}
