//! Tests for exercise 4. They send HTTP requests to the `bookshop` HTTP API, as a browser or
//! `curl` would, and read the HTTP responses that come back through API Gateway.

use api_gateway::{deploy_bookshop, deploy_code, find_book, handle, FUNCTION};
use assert_json_diff::assert_json_eq;
use invoker::aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use invoker::testing::deployed_returning;
use invoker::{service_fn, Diagnostic, Error, HttpRequest, HttpResponse, Lambda, LambdaEvent};
use serde_json::{json, Map, Value};

async fn send(lambda: &Lambda, api: &str, request: HttpRequest) -> HttpResponse {
    lambda
        .api_gateway()
        .request(api, request)
        .await
        .expect("the bookshop API exists")
}

/// The status and the JSON body of a response that must be JSON.
fn status_and_json(response: &HttpResponse) -> (u16, Value) {
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "a JSON answer says so: {} {}",
        response.status,
        response.text()
    );
    let body = response
        .json()
        .unwrap_or_else(|e| panic!("the body is JSON ({e}): {}", response.text()));
    (response.status, body)
}

/// The answers to GET requests for `paths`, keyed by request: `"GET /books/1": [200, {...}]`.
/// Compared as JSON, a difference names the request and the field.
async fn answers_to_gets(lambda: &Lambda, api: &str, paths: &[&str]) -> Map<String, Value> {
    let mut answers = Map::new();
    for path in paths {
        let response = send(lambda, api, HttpRequest::get(*path)).await;
        answers.insert(format!("GET {path}"), json!(status_and_json(&response)));
    }
    answers
}

#[tokio::test(start_paused = true)]
async fn a_book_is_a_200_with_the_book_as_json() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    let answers = answers_to_gets(&lambda, &api, &["/books/1", "/books/2", "/books/3"]).await;
    let books = (1..=3).map(|id| {
        let book = find_book(id).unwrap().to_json();
        (format!("GET /books/{id}"), json!([200, book]))
    });
    assert_json_eq!(answers, books.collect::<Map<String, Value>>());
}

#[tokio::test(start_paused = true)]
async fn an_id_that_is_not_a_non_negative_integer_is_a_400() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    let answers = answers_to_gets(
        &lambda,
        &api,
        &["/books/abc", "/books/-1", "/books/abc/cover"],
    )
    .await;
    let refusal = |id: &str| json!([400, { "error": format!("book id must be a non-negative integer: {id}") }]);
    assert_json_eq!(
        answers,
        json!({
            "GET /books/abc": refusal("abc"),
            "GET /books/-1": refusal("-1"),
            "GET /books/abc/cover": refusal("abc"),
        })
    );
}

#[tokio::test(start_paused = true)]
async fn a_book_the_shop_does_not_have_is_a_404() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    let answers = answers_to_gets(&lambda, &api, &["/books/99", "/books/99/cover"]).await;
    let missing = json!([404, { "error": "no book with id 99" }]);
    assert_json_eq!(
        answers,
        json!({ "GET /books/99": missing, "GET /books/99/cover": missing })
    );
}

#[tokio::test(start_paused = true)]
async fn another_method_than_get_is_a_405_that_says_which_one_is_allowed() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    for request in [
        HttpRequest::delete("/books/1"),
        HttpRequest::put("/books/2").body(r#"{"title":"New"}"#),
    ] {
        let method = request.method().to_owned();
        let response = send(&lambda, &api, request).await;
        assert_eq!(response.header("allow"), Some("GET"), "{method}");
        assert_json_eq!(
            status_and_json(&response),
            (
                405,
                json!({ "error": format!("method {method} is not allowed: use GET") })
            )
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_cover_arrives_as_png_bytes() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    for id in [1, 2] {
        let response = send(
            &lambda,
            &api,
            HttpRequest::get(format!("/books/{id}/cover")),
        )
        .await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.header("content-type"), Some("image/png"));
        assert_eq!(
            response.body,
            find_book(id).unwrap().cover().unwrap(),
            "the client gets the PNG's bytes: the body was base64 with isBase64Encoded true"
        );
    }
    assert!(
        lambda.transcript().contains(r#""body":"iVBORw0KGgo"#),
        "between the function and API Gateway, the PNG travels as base64 text"
    );
}

#[tokio::test(start_paused = true)]
async fn a_book_without_a_cover_is_a_404() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    let response = send(&lambda, &api, HttpRequest::get("/books/3/cover")).await;
    assert_json_eq!(
        status_and_json(&response),
        (404, json!({ "error": "book 3 has no cover" }))
    );
}

#[tokio::test(start_paused = true)]
async fn a_path_with_no_route_never_reaches_the_function() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    let book = send(&lambda, &api, HttpRequest::get("/books/1")).await;
    assert_eq!(book.status, 200, "{}", book.text());
    for path in ["/books", "/authors/1", "/books/1/cover/large"] {
        let response = send(&lambda, &api, HttpRequest::get(path)).await;
        assert_eq!(
            (response.status, response.text()),
            (404, r#"{"message":"Not Found"}"#.to_owned()),
            "API Gateway's own 404 for GET {path}"
        );
    }
    assert_eq!(
        lambda.usage(FUNCTION).invocations,
        1,
        "only the request that matched a route invoked the function"
    );
}

/// A handler that builds the right response, then makes a classic mistake on the way out: the
/// body goes back as a JSON object instead of a string.
async fn forgets_to_serialize_the_body(
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<Value, Diagnostic> {
    let mut response = serde_json::to_value(handle(event).await?).map_err(Error::from)?;
    let body: Value =
        serde_json::from_str(response["body"].as_str().unwrap_or("null")).map_err(Error::from)?;
    response["body"] = body;
    Ok(response)
}

#[tokio::test(start_paused = true)]
async fn an_answer_api_gateway_cannot_read_is_a_500_though_the_function_succeeded() {
    let (lambda, api) = deployed_returning(4, |lambda| {
        deploy_code(lambda, service_fn(forgets_to_serialize_the_body))
    });
    let response = send(&lambda, &api, HttpRequest::get("/books/1")).await;
    assert_eq!(
        (response.status, response.text()),
        (500, r#"{"message":"Internal Server Error"}"#.to_owned())
    );
    let transcript = lambda.transcript();
    assert!(
        transcript.contains("malformed Lambda proxy response: body must be a string"),
        "the function answered, but not in a shape API Gateway accepts:\n{transcript}"
    );
}

/// A response as the table fixes it: of its headers only `content-type` and `allow`. Others
/// are up to you, and so are the lines your own code logs: the snapshot leaves them out.
fn as_specified(mut response: Value) -> Value {
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        headers.retain(|name, _| ["content-type", "allow"].contains(&name.as_str()));
    }
    response
}

/// A visit to the bookshop as the transcript tells it, readable in `tests/snapshots/`: each
/// request, the invocation it caused, and the status the client got.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_visit_to_the_bookshop() {
    let (lambda, api) = deployed_returning(4, deploy_bookshop);
    for request in [
        HttpRequest::get("/books/1"),
        HttpRequest::get("/books/1/cover"),
        HttpRequest::get("/books/abc"),
        HttpRequest::delete("/books/2"),
        HttpRequest::get("/books/3/cover"),
        HttpRequest::get("/authors"),
    ] {
        send(&lambda, &api, request).await;
    }
    let transcript = lambda
        .transcript_view()
        .without_application_logs()
        .answers_as(as_specified);
    insta::assert_snapshot!(transcript.to_string());
}
