//! # Exercise 4 — A bookshop behind an HTTP API: reference solution
//!
//! The exercise, with its instructions, is `exercises/04-api-gateway/src/lib.rs`. What the
//! exercise provides (the catalog, `json_response`, the deployment) is its `src/given.rs`, shared
//! with this crate.

#[path = "../../../exercises/04-api-gateway/src/given.rs"]
mod given;
pub use given::*;

use invoker::aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use invoker::aws_lambda_events::encodings::Body;
use invoker::aws_lambda_events::http::header::{ALLOW, CONTENT_TYPE};
use invoker::aws_lambda_events::http::HeaderValue;
use invoker::{Diagnostic, LambdaEvent};
use serde_json::json;

// ANCHOR: handle
/// The handler: an HTTP API event in, a response out, for both routes.
pub async fn handle(
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, Diagnostic> {
    let event = event.payload;
    let cover = event.route_key.as_deref() == Some(COVER_ROUTE);
    let method = event.request_context.http.method.as_str();
    // `ANY /books/{id}` lets every method through, so refusing the others is our job. A 405
    // says the resource exists; `allow` says what would work.
    if !cover && method != "GET" {
        let error = format!("method {method} is not allowed: use GET");
        let mut response = json_response(405, json!({ "error": error }));
        response
            .headers
            .insert(ALLOW, HeaderValue::from_static("GET"));
        return Ok(response);
    }
    // The route guarantees an `id`, but only as text: whether it is a book id, a non-negative
    // integer, is ours to check. `u32` refuses `abc`, `1.5` and `-1` alike.
    let id = event.path_parameters.get("id").map_or("", String::as_str);
    let Ok(number) = id.parse::<u32>() else {
        let error = format!("book id must be a non-negative integer: {id}");
        return Ok(json_response(400, json!({ "error": error })));
    };
    let Some(book) = find_book(number) else {
        let error = format!("no book with id {number}");
        return Ok(json_response(404, json!({ "error": error })));
    };
    Ok(match (cover, book.cover()) {
        (false, _) => json_response(200, book.to_json()),
        (true, Some(png)) => png_response(png),
        (true, None) => {
            let error = format!("book {number} has no cover");
            json_response(404, json!({ "error": error }))
        }
    })
}
// ANCHOR_END: handle

// ANCHOR: png_response
/// A 200 response whose body is a PNG image: base64-encoded, flagged so, and labelled
/// `content-type: image/png`.
pub fn png_response(png: &[u8]) -> ApiGatewayV2httpResponse {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = 200;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
    // `Body::Binary` travels as base64 text; the flag tells API Gateway to decode it, so the
    // client gets the bytes and not sixty-odd characters of base64.
    response.body = Some(Body::Binary(png.to_vec()));
    response.is_base64_encoded = true;
    response
}
// ANCHOR_END: png_response
