//! Responses as Lambda's API sends them: JSON bodies, and errors in the shape every AWS client
//! parses.
//!
//! An error is its HTTP status, the exception's name in the `x-amzn-ErrorType` header, and a
//! JSON body with `Type` (`User`: the caller's mistake) and `message`; a throttle adds the
//! `Reason`. boto3 and the AWS CLI read the name from the header and the text from the body, so
//! `aws lambda invoke` against the invoker prints the same `An error occurred
//! (ResourceNotFoundException) when calling the Invoke operation: …` line as against AWS.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use invoker::ServiceError;
use serde_json::{json, Value};

/// The header that names the exception.
pub const ERROR_TYPE: &str = "x-amzn-ErrorType";

/// A successful answer with a JSON body.
pub fn json_body(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A service error, as Lambda sends it.
pub fn service_error(error: &ServiceError) -> Response {
    let mut body = json!({ "Type": "User", "message": error.message });
    if let Some(reason) = error.reason {
        body["Reason"] = json!(reason.as_str());
    }
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    named_error(status, error.code.as_str(), &body)
}

/// An operation of Lambda's API that the invoker does not serve: the learner reads its name and
/// what is served. (A 400, not a 5xx: clients retry a 5xx, and this answer will not change.)
pub fn not_served(operation: &str, served: &[&str]) -> Response {
    let body = json!({
        "Type": "User",
        "message": format!(
            "The invoker does not serve {operation}; it serves {}.",
            served.join(", ")
        ),
    });
    named_error(
        StatusCode::BAD_REQUEST,
        "OperationNotServedException",
        &body,
    )
}

/// A request that is none of Lambda's operations.
pub fn unknown_operation(method: &str, path: &str) -> Response {
    let body = json!({
        "Type": "User",
        "message": format!("No operation of Lambda's API is {method} {path}."),
    });
    named_error(StatusCode::NOT_FOUND, "UnknownOperationException", &body)
}

fn named_error(status: StatusCode, name: &'static str, body: &Value) -> Response {
    let mut response = json_body(status, body);
    response
        .headers_mut()
        .insert(ERROR_TYPE, HeaderValue::from_static(name));
    response
}
