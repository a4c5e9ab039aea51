//! API Gateway in front of functions: routes, both payload formats, responses, and the errors
//! API Gateway gives instead of the function's.

use crate::kit::failing;
use invoker::aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyResponse, ApiGatewayV2httpRequest,
    ApiGatewayV2httpResponse,
};
use invoker::aws_lambda_events::encodings::Body;
use invoker::aws_lambda_events::http::{HeaderMap, HeaderValue};
use invoker::{
    service_fn, Diagnostic, Error, ErrorCode, FunctionConfig, HttpRequest, HttpResponse, Lambda,
    LambdaEvent, Permission,
};
use serde_json::{json, Value};
use std::time::Duration;

/// A response with a JSON body, in format 1.0, the way a Rust function builds it.
fn rest_json(status: i64, body: Value) -> ApiGatewayProxyResponse {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response.headers = headers;
    response.body = Some(Body::Text(body.to_string()));
    response
}

async fn greet_v1(
    event: LambdaEvent<ApiGatewayProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Diagnostic> {
    let event = event.payload;
    Ok(match event.query_string_parameters.first("name") {
        Some(name) => rest_json(200, json!({ "message": format!("Hello, {name}!") })),
        None => rest_json(400, json!({ "error": "missing query parameter: name" })),
    })
}

async fn greet_v2(
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, Diagnostic> {
    let event = event.payload;
    let name = event
        .path_parameters
        .get("name")
        .cloned()
        .unwrap_or_default();
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = 200;
    response
        .headers
        .insert("content-type", HeaderValue::from_static("text/plain"));
    response.cookies = vec!["visited=yes; Path=/".into(), "theme=dark".into()];
    response.body = Some(Body::Text(format!(
        "Hello, {name}, via {}",
        event.request_context.http.method
    )));
    Ok(response)
}

/// Answers with the event it received, as the body: what API Gateway sent, for the shape tests.
async fn echo(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    Ok(json!({ "statusCode": 200, "body": event.to_string() }))
}

/// Answers whatever the request's body says the answer is: for testing how answers are read.
async fn answer_with(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let event = event.payload;
    let body = event["body"].as_str().unwrap_or("null");
    Ok(serde_json::from_str(body)?)
}

async fn slow(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    invoker::sleep(Duration::from_secs(40)).await;
    Ok(json!({ "statusCode": 200, "body": "finally" }))
}

fn service() -> Lambda {
    let lambda = Lambda::builder().seed(3).build();
    let deploy = |name: &str, code| {
        lambda
            .create_function(FunctionConfig::new(name).timeout_secs(60), code)
            .unwrap();
    };
    deploy("greet-v1", service_fn(greet_v1));
    deploy("greet-v2", service_fn(greet_v2));
    deploy("echo", service_fn(echo));
    deploy("answer", service_fn(answer_with));
    deploy(
        "fails",
        failing("DatabaseDown", "the orders table is unavailable"),
    );
    deploy("slow", service_fn(slow));
    lambda
}

/// A REST API and an HTTP API, each with its routes to `function`, which API Gateway may invoke.
fn rest_api(lambda: &Lambda, routes: &[&str], function: &str) -> String {
    let api = lambda.api_gateway().create_rest_api("rest");
    for route in routes {
        lambda
            .api_gateway()
            .create_route(&api, route, function)
            .unwrap();
    }
    allow_api(lambda, &api, function);
    api
}

fn http_api(lambda: &Lambda, routes: &[&str], function: &str) -> String {
    let api = lambda.api_gateway().create_http_api("http");
    for route in routes {
        lambda
            .api_gateway()
            .create_route(&api, route, function)
            .unwrap();
    }
    allow_api(lambda, &api, function);
    api
}

/// Lets API Gateway invoke `function` for every route of `api`, as the console does when you
/// pick the function for an integration. A function that does not exist gets nothing.
fn allow_api(lambda: &Lambda, api: &str, function: &str) {
    if lambda.function_names().iter().any(|f| f == function) {
        let any_route = format!("arn:aws:execute-api:us-east-1:123456789012:{api}/*");
        let statement = Permission::new(format!("apigateway-{api}"), "apigateway.amazonaws.com")
            .source_arn(any_route);
        lambda.add_permission(function, statement).unwrap();
    }
}

async fn send(lambda: &Lambda, api: &str, request: HttpRequest) -> HttpResponse {
    lambda
        .api_gateway()
        .request(api, request)
        .await
        .expect("the API exists")
}

/// The event the function received, from `echo`'s answer.
fn echoed(response: &HttpResponse) -> Value {
    assert_eq!(response.status, 200, "{}", response.text());
    serde_json::from_slice(&response.body).expect("echo answers with the event")
}

#[tokio::test(start_paused = true)]
async fn a_rest_api_round_trip_in_payload_format_1_0() {
    let lambda = service();
    let api = rest_api(&lambda, &["GET /hello"], "greet-v1");
    let ok = send(
        &lambda,
        &api,
        HttpRequest::get("/hello").query("name", "Ada"),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("Content-Type"), Some("application/json"));
    assert_eq!(ok.json().unwrap(), json!({ "message": "Hello, Ada!" }));
    let refused = send(&lambda, &api, HttpRequest::get("/hello")).await;
    assert_eq!(
        refused.status, 400,
        "the function's own 400 reaches the client"
    );
    assert_eq!(
        refused.json().unwrap(),
        json!({ "error": "missing query parameter: name" })
    );
}

#[tokio::test(start_paused = true)]
async fn an_http_api_round_trip_in_payload_format_2_0_with_cookies() {
    let lambda = service();
    let api = http_api(&lambda, &["ANY /hello/{name}"], "greet-v2");
    let response = send(&lambda, &api, HttpRequest::post("/hello/Grace")).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "Hello, Grace, via POST");
    assert_eq!(response.header("content-type"), Some("text/plain"));
    assert_eq!(
        response.header_values("set-cookie"),
        ["visited=yes; Path=/", "theme=dark"],
        "each cookie becomes a set-cookie header"
    );
}

#[tokio::test(start_paused = true)]
async fn format_2_0_infers_a_200_json_response_from_a_plain_answer() {
    let lambda = service();
    let api = http_api(&lambda, &["POST /answer"], "answer");
    let object = send(
        &lambda,
        &api,
        HttpRequest::post("/answer").body(r#"{"total": 3}"#),
    )
    .await;
    assert_eq!(
        (object.status, object.text()),
        (200, r#"{"total":3}"#.into())
    );
    assert_eq!(object.header("content-type"), Some("application/json"));
    let string = send(
        &lambda,
        &api,
        HttpRequest::post("/answer").body(r#""done""#),
    )
    .await;
    assert_eq!(
        (string.status, string.text()),
        (200, r#""done""#.into()),
        "a string answer is the body as JSON, quotes and all"
    );
}

#[tokio::test(start_paused = true)]
async fn format_1_0_requires_a_proxy_response_and_answers_502_otherwise() {
    let lambda = service();
    let api = rest_api(&lambda, &["POST /answer"], "answer");
    for (answer, why) in [
        (json!({ "total": 3 }), "statusCode is missing"),
        (json!("done"), "the answer is not a JSON object"),
        (
            json!({ "statusCode": 200, "body": { "total": 3 } }),
            "body must be a string",
        ),
        (
            json!({ "statusCode": 200, "body": "x", "extra": 1 }),
            "unexpected field",
        ),
        (
            json!({ "statusCode": 200, "body": "%%%", "isBase64Encoded": true }),
            "not base64",
        ),
    ] {
        let request = HttpRequest::post("/answer").body(answer.to_string());
        let response = send(&lambda, &api, request).await;
        assert_eq!(response.status, 502, "{answer}");
        assert_eq!(response.text(), r#"{"message": "Internal server error"}"#);
        let transcript = lambda.transcript();
        let line = transcript.lines().last().unwrap();
        assert!(line.contains("-> 502") && line.contains(why), "{line}");
    }
}

#[tokio::test(start_paused = true)]
async fn format_2_0_answers_500_for_a_response_it_cannot_read() {
    let lambda = service();
    let api = http_api(&lambda, &["POST /answer"], "answer");
    let answer = json!({ "statusCode": "two hundred", "body": "ok" });
    let response = send(
        &lambda,
        &api,
        HttpRequest::post("/answer").body(answer.to_string()),
    )
    .await;
    assert_eq!(response.status, 500);
    assert_eq!(response.text(), r#"{"message":"Internal Server Error"}"#);
}

#[tokio::test(start_paused = true)]
async fn multi_value_headers_replace_single_ones_of_the_same_name() {
    let lambda = service();
    let api = rest_api(&lambda, &["POST /answer"], "answer");
    let answer = json!({
        "statusCode": 201,
        "headers": { "content-type": "text/plain", "x-trace": "one" },
        "multiValueHeaders": { "X-Trace": ["a", "b"], "vary": ["accept"] },
        "body": "made",
    });
    let response = send(
        &lambda,
        &api,
        HttpRequest::post("/answer").body(answer.to_string()),
    )
    .await;
    assert_eq!((response.status, response.text()), (201, "made".into()));
    assert_eq!(response.header_values("x-trace"), ["a", "b"]);
    assert_eq!(response.header("content-type"), Some("text/plain"));
    assert_eq!(response.header("vary"), Some("accept"));
}

#[tokio::test(start_paused = true)]
async fn base64_bodies_arrive_encoded_and_leave_decoded() {
    let lambda = service();
    let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff];
    for api in [
        rest_api(&lambda, &["POST /answer", "POST /echo"], "answer"),
        http_api(&lambda, &["POST /answer"], "answer"),
    ] {
        let answer = json!({
            "statusCode": 200,
            "headers": { "content-type": "image/png" },
            "body": "iVBORw0KGgoA/w==",
            "isBase64Encoded": true,
        });
        let request = HttpRequest::post("/answer").body(answer.to_string());
        let response = send(&lambda, &api, request).await;
        assert_eq!(response.body, png, "the client gets the bytes, not base64");
        assert_eq!(response.header("content-type"), Some("image/png"));
    }
    let api = http_api(&lambda, &["POST /upload"], "echo");
    let upload = HttpRequest::post("/upload")
        .header("content-type", "image/png")
        .base64_body("iVBORw0KGgoA/w==");
    let event = echoed(&send(&lambda, &api, upload).await);
    assert_eq!(
        (&event["body"], &event["isBase64Encoded"]),
        (&json!("iVBORw0KGgoA/w=="), &json!(true)),
        "a binary request body reaches the function base64-encoded"
    );
}

#[tokio::test(start_paused = true)]
async fn a_function_error_becomes_api_gateways_own_error_not_the_functions() {
    let lambda = service();
    let rest = rest_api(&lambda, &["GET /orders"], "fails");
    let http = http_api(&lambda, &["GET /orders"], "fails");
    let from_rest = send(&lambda, &rest, HttpRequest::get("/orders")).await;
    assert_eq!(from_rest.status, 502);
    assert_eq!(from_rest.text(), r#"{"message": "Internal server error"}"#);
    let from_http = send(&lambda, &http, HttpRequest::get("/orders")).await;
    assert_eq!(from_http.status, 500);
    assert_eq!(from_http.text(), r#"{"message":"Internal Server Error"}"#);
    assert!(
        !from_rest.text().contains("DatabaseDown"),
        "the client never sees the function's error"
    );
    assert_eq!(lambda.usage("fails").invocations, 2, "but the function ran");
}

#[tokio::test(start_paused = true)]
async fn a_throttled_or_missing_function_is_a_500() {
    let lambda = service();
    lambda.put_function_concurrency("echo", 0).unwrap();
    let rest = rest_api(&lambda, &["GET /echo"], "echo");
    let response = send(&lambda, &rest, HttpRequest::get("/echo")).await;
    assert_eq!(
        response.status, 500,
        "a 429 from Lambda is a 500 to the client"
    );
    assert_eq!(response.text(), r#"{"message": "Internal server error"}"#);
    let http = http_api(&lambda, &["GET /gone"], "no-such-function");
    let response = send(&lambda, &http, HttpRequest::get("/gone")).await;
    assert_eq!(response.status, 500);
    let transcript = lambda.transcript();
    assert!(
        transcript.contains("(Lambda refused the invoke: 429 TooManyRequestsException)"),
        "{transcript}"
    );
    assert!(transcript.contains("(Lambda refused the invoke: 404 ResourceNotFoundException)"));
}

#[tokio::test(start_paused = true)]
async fn without_a_permission_for_the_route_api_gateway_answers_500() {
    let lambda = service();
    let gateway = lambda.api_gateway();
    let (rest, http) = (
        gateway.create_rest_api("rest"),
        gateway.create_http_api("http"),
    );
    for api in [&rest, &http] {
        gateway.create_route(api, "GET /hello", "echo").unwrap();
        gateway.create_route(api, "POST /hello", "echo").unwrap();
    }
    // Only GET /hello of the REST API, on any stage.
    let get_hello = format!("arn:aws:execute-api:us-east-1:123456789012:{rest}/*/GET/hello");
    lambda
        .add_permission(
            "echo",
            Permission::new("get-hello", "apigateway.amazonaws.com").source_arn(get_hello),
        )
        .unwrap();
    let allowed = send(&lambda, &rest, HttpRequest::get("/hello")).await;
    assert_eq!(allowed.status, 200);
    let from_rest = send(&lambda, &rest, HttpRequest::post("/hello")).await;
    assert_eq!(
        (from_rest.status, from_rest.text()),
        (500, r#"{"message": "Internal server error"}"#.into())
    );
    let from_http = send(&lambda, &http, HttpRequest::get("/hello")).await;
    assert_eq!(
        (from_http.status, from_http.text()),
        (500, r#"{"message":"Internal Server Error"}"#.into())
    );
    assert_eq!(
        lambda.usage("echo").invocations,
        1,
        "refused calls never ran"
    );
    let transcript = lambda.transcript();
    assert!(transcript.contains(
        "invoke echo: 403 AccessDeniedException: apigateway.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:echo because no resource-based policy allows the lambda:InvokeFunction action"
    ));
    assert!(transcript.contains(
        "REST API rest: POST /hello -> 500 {\"message\": \"Internal server error\"} (Execution failed due to configuration error: Invalid permissions on Lambda function)"
    ), "{transcript}");
}

#[tokio::test(start_paused = true)]
async fn an_unknown_route_never_reaches_the_function() {
    let lambda = service();
    let rest = rest_api(&lambda, &["GET /echo"], "echo");
    let http = http_api(&lambda, &["GET /echo"], "echo");
    let from_rest = send(&lambda, &rest, HttpRequest::get("/nope")).await;
    assert_eq!(
        (from_rest.status, from_rest.text()),
        (403, r#"{"message":"Missing Authentication Token"}"#.into()),
        "a REST API answers 403 for a path it does not have"
    );
    let wrong_method = send(&lambda, &http, HttpRequest::post("/echo")).await;
    assert_eq!(
        (wrong_method.status, wrong_method.text()),
        (404, r#"{"message":"Not Found"}"#.into())
    );
    assert_eq!(lambda.usage("echo").invocations, 0);
}

#[tokio::test(start_paused = true)]
async fn the_most_specific_route_takes_the_request() {
    let lambda = service();
    let api = lambda.api_gateway().create_http_api("routes");
    for route in [
        "GET /items/new",
        "GET /items/{id}",
        "ANY /items/{id}",
        "ANY /{proxy+}",
        "$default",
    ] {
        lambda
            .api_gateway()
            .create_route(&api, route, "echo")
            .unwrap();
    }
    allow_api(&lambda, &api, "echo");
    let route_of = |event: Value| event["routeKey"].as_str().unwrap().to_owned();
    let cases = [
        (HttpRequest::get("/items/new"), "GET /items/new"),
        (HttpRequest::get("/items/7"), "GET /items/{id}"),
        (HttpRequest::delete("/items/7"), "ANY /items/{id}"),
        (HttpRequest::get("/items/7/parts"), "ANY /{proxy+}"),
        (HttpRequest::get("/"), "$default"),
    ];
    for (request, expected) in cases {
        let line = request.request_line();
        let event = echoed(&send(&lambda, &api, request).await);
        assert_eq!(route_of(event), expected, "{line}");
    }
    let event = echoed(&send(&lambda, &api, HttpRequest::get("/a/b/c")).await);
    assert_eq!(event["pathParameters"], json!({ "proxy": "a/b/c" }));
}

#[tokio::test(start_paused = true)]
async fn no_answer_within_the_integration_timeout_is_a_504_or_503_and_the_function_runs_on() {
    let lambda = service();
    let rest = rest_api(&lambda, &["GET /report"], "slow");
    let response = send(&lambda, &rest, HttpRequest::get("/report")).await;
    assert_eq!(
        (response.status, response.text()),
        (504, r#"{"message": "Endpoint request timed out"}"#.into())
    );
    assert_eq!(lambda.elapsed(), Duration::from_secs(29));
    let http = http_api(&lambda, &["GET /report"], "slow");
    let response = send(&lambda, &http, HttpRequest::get("/report")).await;
    assert_eq!(
        (response.status, response.text()),
        (503, r#"{"message":"Service Unavailable"}"#.into())
    );
    lambda.settle().await;
    assert_eq!(
        lambda.usage("slow").invocations,
        2,
        "both invocations ran to the end, after the clients had their errors"
    );
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn the_control_plane_refuses_what_api_gateway_refuses() {
    let lambda = service();
    let gateway = lambda.api_gateway();
    let rest = gateway.create_rest_api("rest");
    let error = gateway.create_route(&rest, "$default", "echo").unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::BadRequestException, 400)
    );
    gateway.create_route(&rest, "GET /x", "echo").unwrap();
    let error = gateway.create_route(&rest, "GET /x", "echo").unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::ConflictException, 409)
    );
    let error = gateway
        .request("nope", HttpRequest::get("/x"))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::NotFoundException, 404)
    );
}

/// The REST API (format 1.0) event, as the function receives it.
#[tokio::test(start_paused = true)]
async fn shape_of_a_rest_api_event() {
    let lambda = service();
    let api = rest_api(&lambda, &["GET /items/{id}"], "echo");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let request = HttpRequest::get("/items/42")
        .query("fields", "name")
        .query("fields", "price")
        .header("Accept", "application/json")
        .header("User-Agent", "curl/8.5.0");
    let event = echoed(&send(&lambda, &api, request).await);
    let typed: ApiGatewayProxyRequest =
        serde_json::from_value(event.clone()).expect("the real ApiGatewayProxyRequest shape");
    assert_eq!(typed.http_method, "GET");
    assert_eq!(typed.resource.as_deref(), Some("/items/{id}"));
    assert_eq!(typed.path_parameters["id"], "42");
    assert_eq!(typed.request_context.request_time_epoch, 1_735_689_601_500);
    insta::assert_json_snapshot!(event);
}

/// The HTTP API (format 2.0) event, as the function receives it.
#[tokio::test(start_paused = true)]
async fn shape_of_an_http_api_event() {
    let lambda = service();
    let api = http_api(&lambda, &["GET /items/{id}"], "echo");
    let request = HttpRequest::get("/items/42")
        .query("fields", "name")
        .query("fields", "price")
        .header("Accept", "application/json")
        .header("Cookie", "session=abc; theme=dark")
        .header("User-Agent", "curl/8.5.0");
    let event = echoed(&send(&lambda, &api, request).await);
    let typed: ApiGatewayV2httpRequest =
        serde_json::from_value(event.clone()).expect("the real ApiGatewayV2httpRequest shape");
    assert_eq!(typed.request_context.http.method, "GET");
    assert_eq!(typed.route_key.as_deref(), Some("GET /items/{id}"));
    assert_eq!(
        typed.raw_query_string.as_deref(),
        Some("fields=name&fields=price")
    );
    assert_eq!(
        event["queryStringParameters"]["fields"], "name,price",
        "format 2.0 joins repeated parameters with commas"
    );
    assert_eq!(
        typed.query_string_parameters.all("fields"),
        Some(vec!["name", "price"]),
        "and the Rust type splits them again"
    );
    assert_eq!(
        typed.cookies,
        Some(vec!["session=abc".to_owned(), "theme=dark".to_owned()])
    );
    insta::assert_json_snapshot!(event);
}

/// Requests through an API as the transcript shows them: each request and its status after the
/// invocation it caused, cold then warm.
#[tokio::test(start_paused = true)]
async fn transcript_of_requests_through_an_api() {
    let lambda = service();
    let api = rest_api(&lambda, &["GET /hello"], "greet-v1");
    send(
        &lambda,
        &api,
        HttpRequest::get("/hello").query("name", "Ada"),
    )
    .await;
    send(&lambda, &api, HttpRequest::get("/hello")).await;
    send(&lambda, &api, HttpRequest::get("/goodbye")).await;
    insta::assert_snapshot!(lambda.transcript());
}
