//! Provided by the exercise: the bookshop's catalog and covers, a helper for JSON responses, and
//! the deployment (the `books` function behind the `bookshop` HTTP API). Read it, but you don't
//! need to change it: your part is in `lib.rs`.

use invoker::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use invoker::aws_lambda_events::encodings::Body;
use invoker::aws_lambda_events::http::{header::CONTENT_TYPE, HeaderValue};
use invoker::{service_fn, FunctionCode, FunctionConfig, Lambda, Permission, ServiceError};
use serde_json::{json, Value};

use crate::handle;

/// The function this exercise deploys.
pub const FUNCTION: &str = "books";
/// The HTTP API in front of it.
pub const API: &str = "bookshop";
/// The route for one book: any method, so that your function can refuse the wrong ones.
pub const BOOK_ROUTE: &str = "ANY /books/{id}";
/// The route for a book's cover.
pub const COVER_ROUTE: &str = "GET /books/{id}/cover";

/// A book in the catalog.
#[derive(Debug)]
pub struct Book {
    pub id: u32,
    pub title: &'static str,
    pub author: &'static str,
    pub year: u16,
    cover: Option<&'static [u8]>,
}

impl Book {
    /// The book as the API shows it: `{"id", "title", "author", "year"}`.
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "title": self.title, "author": self.author, "year": self.year })
    }

    /// The cover, a PNG image, if the shop has one.
    pub fn cover(&self) -> Option<&'static [u8]> {
        self.cover
    }
}

/// A cover: a 1×1 PNG image, red.
const RED_COVER: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xb8, 0x67, 0x25, 0x0f,
    0x00, 0x03, 0x31, 0x01, 0x38, 0xfc, 0x9e, 0xd8, 0x16, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];
/// Another cover: a 1×1 PNG image, blue.
const BLUE_COVER: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x90, 0xf7, 0xbb, 0x07,
    0x00, 0x01, 0xdb, 0x01, 0x4c, 0xe0, 0x87, 0xeb, 0x88, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The whole catalog.
pub const CATALOG: [Book; 3] = [
    Book {
        id: 1,
        title: "The Rust Programming Language",
        author: "Steve Klabnik and Carol Nichols",
        year: 2018,
        cover: Some(RED_COVER),
    },
    Book {
        id: 2,
        title: "Structure and Interpretation of Computer Programs",
        author: "Harold Abelson and Gerald Jay Sussman",
        year: 1985,
        cover: Some(BLUE_COVER),
    },
    Book {
        id: 3,
        title: "The Mythical Man-Month",
        author: "Frederick P. Brooks Jr.",
        year: 1975,
        cover: None,
    },
];

/// The book with this id, if the shop has it.
pub fn find_book(id: u32) -> Option<&'static Book> {
    CATALOG.iter().find(|book| book.id == id)
}

// ANCHOR: json_response
/// A response with a JSON body and `content-type: application/json`. The body is a *string*:
/// API Gateway copies it into the HTTP response as it is.
pub fn json_response(status: i64, body: Value) -> ApiGatewayV2httpResponse {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = status;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body.to_string()));
    response
}
// ANCHOR_END: json_response

/// Deploys `books` with the given code behind a new `bookshop` HTTP API with the two routes, and
/// lets the API invoke it (as SAM does for an `HttpApi` event); returns the API's id.
pub fn deploy_code(lambda: &Lambda, code: FunctionCode) -> Result<String, ServiceError> {
    let config = FunctionConfig::new(FUNCTION).description("The bookshop's books and covers");
    lambda.create_function(config, code)?;
    let api = lambda.api_gateway().create_http_api(API);
    for route in [BOOK_ROUTE, COVER_ROUTE] {
        lambda.api_gateway().create_route(&api, route, FUNCTION)?;
    }
    let any_route = format!(
        "arn:aws:execute-api:{}:{}:{api}/*",
        lambda.region(),
        lambda.account_id()
    );
    let api_may_invoke =
        Permission::new("bookshop-api", "apigateway.amazonaws.com").source_arn(any_route);
    lambda.add_permission(FUNCTION, api_may_invoke)?;
    Ok(api)
}

/// Deploys the bookshop with your `handle`; returns the API's id.
pub fn deploy_bookshop(lambda: &Lambda) -> Result<String, ServiceError> {
    deploy_code(lambda, service_fn(handle))
}

/// Deploys the bookshop, for the command line.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_bookshop(lambda).map(drop)
}
