//! # Exercise 4 — A bookshop behind an HTTP API: routes, statuses, headers and a binary body
//!
//! Read first: `book/src/event-models.md` (`cargo xtask book --serve`).
//!
//! The `books` function sits behind `bookshop`, an API Gateway **HTTP API**. API Gateway matches
//! each request against the API's two routes, `ANY /books/{id}` and `GET /books/{id}/cover`,
//! and invokes `books` with an event in **payload format 2.0** (`ApiGatewayV2httpRequest`): the
//! route that matched is in `event.route_key`, the method in `event.request_context.http.method`,
//! and the `{id}` part of the path in `event.path_parameters`. A request that matches no route
//! never reaches your function: API Gateway answers `404 {"message":"Not Found"}` itself.
//!
//! Make `handle` answer like this (`json_response` in `src/given.rs` builds the JSON ones):
//!
//! | request                         | status | body                                                |
//! |---------------------------------|--------|-----------------------------------------------------|
//! | `GET /books/1`                  | 200    | the book: `find_book(1)`'s `to_json()`              |
//! | `GET /books/abc`, `/books/-1`   | 400    | `{"error":"book id must be a non-negative integer: abc"}` |
//! | `GET /books/99`                 | 404    | `{"error":"no book with id 99"}`                    |
//! | `DELETE /books/1` (not GET)     | 405    | `{"error":"method DELETE is not allowed: use GET"}`, and the header `allow: GET` |
//! | `GET /books/1/cover`            | 200    | the cover's PNG bytes, from `png_response`          |
//! | `GET /books/3/cover` (no cover) | 404    | `{"error":"book 3 has no cover"}`                   |
//!
//! A book id is a non-negative integer (`0`, `1`, `42`): what `id.parse::<u32>()` accepts.
//! (The cover route checks its id the same way: 400 for `abc`, 404 for `99`.) Headers beyond
//! those the table names are up to you.
//!
//! A response body is a *string*, so a PNG cannot go in as it is. Write `png_response` to send it
//! the way API Gateway expects binary data: **base64-encoded**, with `isBase64Encoded: true`.
//! API Gateway decodes it, and the client receives the bytes, with `content-type: image/png`. In
//! Rust, `Body::Binary(bytes)` serializes as base64 for you; the flag is yours to set.
//!
//! Log what you like with `ctx.logger()`: the tests leave your own log lines out of the
//! transcript they compare.
//!
//! Your function's errors never reach the client: whatever goes wrong in `books` (an error, a
//! panic, an answer API Gateway cannot read), the client only gets API Gateway's
//! `500 {"message":"Internal Server Error"}`. That is why every answer above, the failures
//! included, is a proper response with a status of its own.
//!
//! Check your work: `cargo xtask verify api-gateway`.
//! Stuck? `cargo xtask hint api-gateway` shows the next hint.

mod given;
pub use given::*;

use invoker::aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use invoker::{Diagnostic, LambdaEvent};

// ANCHOR: handle
/// The handler: an HTTP API event in, a response out, for both routes.
pub async fn handle(
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, Diagnostic> {
    let event = event.payload;
    // TODO: answer as the table above says. Which route matched: `event.route_key` (compare it
    // with BOOK_ROUTE and COVER_ROUTE); the method: `event.request_context.http.method`; the id:
    // `event.path_parameters.get("id")`, a string to parse into a `u32`. Build JSON answers with
    // `json_response(status, json!({...}))` and the cover with `png_response`.
    let _ = event;
    todo!("route the request and answer with the right status")
}
// ANCHOR_END: handle

// ANCHOR: png_response
/// A 200 response whose body is a PNG image: base64-encoded, flagged so, and labelled
/// `content-type: image/png`.
pub fn png_response(png: &[u8]) -> ApiGatewayV2httpResponse {
    // TODO: a 200 response that carries the PNG the way API Gateway expects binary data (the
    // paragraph on binary bodies above). The response's fields are public; the body type is in
    // `invoker::aws_lambda_events::encodings`.
    let _ = png;
    todo!("answer with the PNG's bytes")
}
// ANCHOR_END: png_response
