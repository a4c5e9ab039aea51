//! `Invoke`: `POST /2015-03-31/functions/{FunctionName}/invocations`.
//!
//! The call's options travel in headers, both ways, exactly as the Lambda API defines them:
//!
//! | request header          | what it sets                                   |
//! |-------------------------|------------------------------------------------|
//! | `X-Amz-Invocation-Type` | `RequestResponse` (default), `Event`, `DryRun` |
//! | `X-Amz-Log-Type`        | `Tail`: send back the last 4 KB of the log     |
//! | `X-Amz-Client-Context`  | base64 JSON the handler sees in its context    |
//!
//! The answer is the function's payload as the body, with `X-Amz-Function-Error: Unhandled` when
//! it failed, `X-Amz-Log-Result` (the base64 log tail) and `X-Amz-Executed-Version`; its status is
//! 200 for a synchronous call, 202 for an event, 204 for a dry run. A function error is still a
//! 200: the call worked, the function did not.

use crate::answer;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use invoker::{ClientContext, InvocationType, InvokeRequest, Lambda, LogType, ServiceError};

/// Runs the invocation the request describes and answers as Lambda does.
pub async fn invoke(
    lambda: &Lambda,
    function: &str,
    qualifier: Option<&str>,
    headers: &HeaderMap,
    payload: Bytes,
) -> Response {
    let request = match request(function, qualifier, headers, payload) {
        Ok(request) => request,
        Err(error) => return answer::service_error(&error),
    };
    let response = match lambda.invoke(request).await {
        Ok(response) => response,
        Err(error) => return answer::service_error(&error),
    };
    let status = StatusCode::from_u16(response.status_code).unwrap_or(StatusCode::OK);
    let mut answer = (status, response.payload).into_response();
    let mut set = |name: &'static str, value: Option<String>| {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            answer
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    };
    set("x-amz-function-error", response.function_error);
    set("x-amz-log-result", response.log_result);
    set("x-amz-executed-version", response.executed_version);
    set("x-amzn-requestid", Some(response.request_id));
    answer
}

/// The invoker's request, from the API's path, query and headers.
fn request(
    function: &str,
    qualifier: Option<&str>,
    headers: &HeaderMap,
    payload: Bytes,
) -> Result<InvokeRequest, ServiceError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut request = InvokeRequest::new(function).raw_payload(payload.to_vec());
    if let Some(qualifier) = qualifier {
        request = request.qualifier(qualifier);
    }
    if let Some(kind) = header("x-amz-invocation-type") {
        request = request.invocation_type(match kind {
            "RequestResponse" => InvocationType::RequestResponse,
            "Event" => InvocationType::Event,
            "DryRun" => InvocationType::DryRun,
            other => {
                return Err(invalid(
                    "InvocationType",
                    other,
                    "RequestResponse, Event, DryRun",
                ))
            }
        });
    }
    if let Some(log_type) = header("x-amz-log-type") {
        request = request.log_type(match log_type {
            "None" => LogType::None,
            "Tail" => LogType::Tail,
            other => return Err(invalid("LogType", other, "None, Tail")),
        });
    }
    if let Some(encoded) = header("x-amz-client-context") {
        request = request.client_context(client_context(encoded)?);
    }
    Ok(request)
}

/// `X-Amz-Client-Context`: base64 of a JSON object with `client`, `custom` and `env`.
fn client_context(encoded: &str) -> Result<ClientContext, ServiceError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| {
            ServiceError::invalid_request_content(
                "Client context must be a valid Base64-encoded JSON object.",
            )
        })?;
    serde_json::from_slice(&bytes).map_err(|_| {
        ServiceError::invalid_request_content(
            "Client context must be a valid Base64-encoded JSON object.",
        )
    })
}

/// A header whose value is none of the API's choices: the model's enum constraint, in AWS's
/// words.
fn invalid(member: &str, value: &str, choices: &str) -> ServiceError {
    ServiceError::validation(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: Member must satisfy enum value set: [{choices}]",
        member[..1].to_lowercase() + &member[1..]
    ))
}
