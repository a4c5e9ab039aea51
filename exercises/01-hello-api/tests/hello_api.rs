//! Tests for exercise 1. They call your function through the invoker, the way API Gateway calls
//! it on AWS: a proxy event in, a proxy response out.

use assert_json_diff::assert_json_eq;
use hello_api::deploy;
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::{HttpRequest, InvokeRequest};
use serde_json::{json, Value};

/// `request`, for `hello`, as API Gateway sends it: a proxy event. The tests send it with
/// `invoker::testing`'s `invoke`, and read the proxy response with `.answer()`, which first
/// checks that the handler did not fail.
fn to_hello(request: HttpRequest) -> InvokeRequest {
    InvokeRequest::new("hello").payload(request.into_event())
}

/// The body of a proxy response, which must be a string holding JSON.
fn json_body(proxy: &Value) -> Value {
    let body = proxy["body"].as_str().expect("`body` is a string");
    serde_json::from_str(body).expect("`body` holds JSON")
}

#[tokio::test(start_paused = true)]
async fn greets_by_name_from_the_query_string() {
    let lambda = deployed(1, deploy);
    let request = to_hello(HttpRequest::get("/hello").query("name", "Ada"));
    let proxy = invoke(&lambda, request).await.answer();
    assert_eq!(proxy["statusCode"], 200);
    assert_eq!(json_body(&proxy)["message"], "Hello, Ada!");
}

#[tokio::test(start_paused = true)]
async fn uses_whatever_name_it_is_given() {
    let lambda = deployed(1, deploy);
    let request = to_hello(HttpRequest::get("/hello").query("name", "Grace Hopper"));
    let proxy = invoke(&lambda, request).await.answer();
    assert_eq!(json_body(&proxy)["message"], "Hello, Grace Hopper!");
}

#[tokio::test(start_paused = true)]
async fn returns_the_request_id_from_the_context() {
    let lambda = deployed(1, deploy);
    let request = to_hello(HttpRequest::get("/hello").query("name", "Ada"));
    let response = invoke(&lambda, request).await;
    let body = json_body(&response.answer());
    assert_eq!(body["requestId"], response.request_id.as_str());
}

#[tokio::test(start_paused = true)]
async fn answers_400_with_a_json_error_when_the_name_is_missing() {
    let lambda = deployed(1, deploy);
    let request = to_hello(HttpRequest::get("/hello"));
    let proxy = invoke(&lambda, request).await.answer();
    assert_eq!(proxy["statusCode"], 400);
    assert_json_eq!(
        json_body(&proxy),
        json!({ "error": "missing query parameter: name" })
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_name_is_missing_too() {
    let lambda = deployed(1, deploy);
    let request = to_hello(HttpRequest::get("/hello").query("name", ""));
    let proxy = invoke(&lambda, request).await.answer();
    assert_eq!(proxy["statusCode"], 400);
}

#[tokio::test(start_paused = true)]
async fn every_response_says_it_is_json() {
    let lambda = deployed(1, deploy);
    for request in [
        HttpRequest::get("/hello").query("name", "Ada"),
        HttpRequest::get("/hello"),
    ] {
        let proxy = invoke(&lambda, to_hello(request)).await.answer();
        assert_eq!(proxy["headers"]["content-type"], "application/json");
    }
}

#[tokio::test(start_paused = true)]
async fn logs_one_line_per_request_with_its_request_id() {
    let lambda = deployed(1, deploy);
    let request = to_hello(HttpRequest::get("/hello").query("name", "Ada"));
    let greeted = invoke(&lambda, request).await;
    let refused = invoke(&lambda, to_hello(HttpRequest::get("/hello"))).await;
    let logs = lambda.log_lines("hello");
    let app_lines: Vec<&String> = logs.iter().filter(|l| l.starts_with("2025-")).collect();
    assert_eq!(
        app_lines.len(),
        2,
        "one log line per request: {app_lines:#?}"
    );
    assert!(app_lines[0].ends_with(&format!("{}\tINFO\tgreeting Ada", greeted.request_id)));
    assert!(app_lines[1].ends_with(&format!("{}\tWARN\tmissing name", refused.request_id)));
}

/// A proxy response as the specification fixes it: other headers than `content-type` are left
/// out, and a JSON body is written with its keys in order. The table says what the body holds,
/// not in which order, and asks for one header without forbidding more: those are yours.
fn as_specified(mut proxy: Value) -> Value {
    for headers in ["headers", "multiValueHeaders"] {
        if let Some(headers) = proxy.get_mut(headers).and_then(Value::as_object_mut) {
            headers.retain(|name, _| name == "content-type");
        }
    }
    if let Some(body) = proxy.get_mut("body") {
        let json = body
            .as_str()
            .and_then(|text| serde_json::from_str::<Value>(text).ok());
        if let Some(json) = json {
            *body = Value::String(json.to_string());
        }
    }
    proxy
}

/// The whole story, cold start then warm starts, as a transcript you can read in
/// `tests/snapshots/`, each answer as the specification fixes it. If it differs, the test
/// prints the difference line by line.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_cold_then_warm_scenario() {
    let lambda = deployed(1, deploy);
    let ada = to_hello(HttpRequest::get("/hello").query("name", "Ada"));
    invoke(&lambda, ada).await;
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    let grace = to_hello(HttpRequest::get("/hello").query("name", "Grace"));
    invoke(&lambda, grace).await;
    invoke(&lambda, to_hello(HttpRequest::get("/hello"))).await;
    let transcript = lambda.transcript_view().answers_as(as_specified);
    insta::assert_snapshot!(transcript.to_string());
}
