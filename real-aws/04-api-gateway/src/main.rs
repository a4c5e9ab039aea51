//! # Exercise 4 on real AWS: the function `books`
//!
//! The solution's `handle` (`solutions/04-api-gateway/src/lib.rs`) on the real runtime, behind
//! an HTTP API with the routes `ANY /books/{id}` and `GET /books/{id}/cover`. The exercise's
//! catalog is a constant; here it is where a shop keeps it: the books in a DynamoDB table
//! (`BOOKS_TABLE`, key `id`, a number; attributes `title`, `author`, `year` and, if the book has
//! a cover, `cover`, the cover's key) and the covers, PNG images, in an S3 bucket
//! (`COVERS_BUCKET`). The routing, the checks and the responses are the solution's.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::header::{ALLOW, CONTENT_TYPE};
use aws_lambda_events::http::HeaderValue;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The route for a book's cover.
const COVER_ROUTE: &str = "GET /books/{id}/cover";

/// The clients and names the function makes at Init.
struct Shop {
    dynamodb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    books_table: String,
    covers_bucket: String,
}

/// A response with a JSON body and `content-type: application/json`.
fn json_response(status: i64, body: Value) -> ApiGatewayV2httpResponse {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = status;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body.to_string()));
    response
}

/// A 200 response whose body is a PNG image: base64-encoded, flagged so, and labelled.
fn png_response(png: Vec<u8>) -> ApiGatewayV2httpResponse {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = 200;
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
    // `Body::Binary` travels as base64 text; the flag tells API Gateway to decode it.
    response.body = Some(Body::Binary(png));
    response.is_base64_encoded = true;
    response
}

/// The book `id` as the table has it, if the shop has it.
async fn find_book(shop: &Shop, id: u32) -> Result<Option<HashMap<String, AttributeValue>>, Error> {
    let found = shop
        .dynamodb
        .get_item()
        .table_name(&shop.books_table)
        .key("id", AttributeValue::N(id.to_string()))
        .send()
        .await?;
    Ok(found.item)
}

/// The book as the API shows it: `{"id", "title", "author", "year"}`.
fn book_json(id: u32, book: &HashMap<String, AttributeValue>) -> Value {
    let text = |name: &str| book.get(name).and_then(|v| v.as_s().ok()).cloned();
    let year = book
        .get("year")
        .and_then(|v| v.as_n().ok()?.parse::<u16>().ok());
    json!({ "id": id, "title": text("title"), "author": text("author"), "year": year })
}

/// The handler: an HTTP API event in, a response out, for both routes.
async fn handle(
    shop: &Shop,
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, Error> {
    let event = event.payload;
    let cover = event.route_key.as_deref() == Some(COVER_ROUTE);
    let method = event.request_context.http.method.as_str();
    // `ANY /books/{id}` lets every method through, so refusing the others is ours to do.
    if !cover && method != "GET" {
        let error = format!("method {method} is not allowed: use GET");
        let mut response = json_response(405, json!({ "error": error }));
        response
            .headers
            .insert(ALLOW, HeaderValue::from_static("GET"));
        return Ok(response);
    }
    let id = event.path_parameters.get("id").map_or("", String::as_str);
    let Ok(number) = id.parse::<u32>() else {
        let error = format!("book id must be a non-negative integer: {id}");
        return Ok(json_response(400, json!({ "error": error })));
    };
    let Some(book) = find_book(shop, number).await? else {
        let error = format!("no book with id {number}");
        return Ok(json_response(404, json!({ "error": error })));
    };
    let cover_key = book.get("cover").and_then(|v| v.as_s().ok());
    Ok(match (cover, cover_key) {
        (false, _) => json_response(200, book_json(number, &book)),
        (true, Some(key)) => {
            let object = shop
                .s3
                .get_object()
                .bucket(&shop.covers_bucket)
                .key(key)
                .send()
                .await?;
            png_response(object.body.collect().await?.to_vec())
        }
        (true, None) => {
            let error = format!("book {number} has no cover");
            json_response(404, json!({ "error": error }))
        }
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let setting = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let shop = Shop {
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        s3: aws_sdk_s3::Client::new(&aws),
        books_table: setting("BOOKS_TABLE")?,
        covers_bucket: setting("COVERS_BUCKET")?,
    };
    run(service_fn(|event| handle(&shop, event))).await
}
