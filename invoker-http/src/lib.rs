//! The invoker behind Lambda's own REST API, so that the tools a learner uses on AWS (the AWS
//! CLI, boto3, the SDKs) work against the workbook's functions unchanged:
//!
//! ```text
//! cargo xtask serve                      # every exercise's functions, on 127.0.0.1:9001
//! aws lambda invoke --endpoint-url http://127.0.0.1:9001 --function-name hello out.json
//! ```
//!
//! One layer, on top of the invoker: [`router`] turns an HTTP request into a call of the
//! invoker's public face and its answer into the response AWS would send. It knows the API's
//! paths, headers and JSON; the invoker knows nothing of HTTP. The modules:
//!
//! - [`operations`]: every operation of the API (from AWS's own service model), so a request is
//!   recognised by its method and path, and one the invoker does not serve is named;
//! - [`invoke`]: `Invoke`, its headers both ways;
//! - [`functions`]: `GetFunction`, `GetFunctionConfiguration`, `ListFunctions`,
//!   `UpdateFunctionConfiguration`; `create` (on Unix): `CreateFunction` from a zip archive whose
//!   `bootstrap` runs through the Runtime API, and `DeleteFunction`, which takes its code away;
//! - [`versions`]: versions and aliases; [`concurrency`]: reserved and provisioned concurrency;
//! - [`permissions`]: the resource-based policy; [`event_invoke`]: retries and destinations of
//!   asynchronous events; [`mappings`]: event source mappings (created, listed, read, changed,
//!   disabled and enabled, deleted); [`tags`]: a function's tags; [`account`]: the account's
//!   limits;
//! - [`layers`]: layer versions published from a zip archive ([`archive`] reads it), listed,
//!   read, deleted, and shared through their policies;
//! - [`answer`]: JSON bodies, and errors as every AWS client parses them;
//! - `runtime_api` (on Unix): the other API, the one a function's own process talks to, so that
//!   a real `bootstrap` built with `lambda_runtime` runs as a function under the invoker.
//!
//! What differs from AWS, on purpose:
//! - Requests are not authenticated: a signed request is accepted whatever its credentials,
//!   and an unsigned one too. (There is one account, the invoker's.)
//! - The clock is the real one: an asynchronous event's retries wait their real minutes.
//! - Request bodies above 70 MiB (a 50 MB zip archive in base64, and its JSON) are refused by
//!   the server before the invoker sees them; up to that, the invoker applies Lambda's own
//!   payload limits and errors.

pub mod account;
pub mod answer;
pub mod archive;
pub mod concurrency;
#[cfg(unix)]
pub mod create;
pub mod event_invoke;
pub mod functions;
pub mod invoke;
pub mod layers;
pub mod mappings;
pub mod operations;
pub mod permissions;
#[cfg(unix)]
pub mod runtime_api;
pub mod tags;
pub mod versions;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use invoker::{Lambda, ServiceError};
use serde_json::Value;

/// The operations [`router`] answers; every other one of the API is named as not served.
pub const SERVED: [&str; 43] = [
    "Invoke",
    "CreateFunction",
    "GetFunction",
    "GetFunctionConfiguration",
    "ListFunctions",
    "UpdateFunctionConfiguration",
    "DeleteFunction",
    "PublishVersion",
    "ListVersionsByFunction",
    "CreateAlias",
    "GetAlias",
    "UpdateAlias",
    "DeleteAlias",
    "PutFunctionConcurrency",
    "GetFunctionConcurrency",
    "DeleteFunctionConcurrency",
    "PutProvisionedConcurrencyConfig",
    "GetProvisionedConcurrencyConfig",
    "DeleteProvisionedConcurrencyConfig",
    "AddPermission",
    "GetPolicy",
    "RemovePermission",
    "PutFunctionEventInvokeConfig",
    "GetFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
    "CreateEventSourceMapping",
    "ListEventSourceMappings",
    "GetEventSourceMapping",
    "UpdateEventSourceMapping",
    "DeleteEventSourceMapping",
    "TagResource",
    "ListTags",
    "UntagResource",
    "PublishLayerVersion",
    "ListLayers",
    "ListLayerVersions",
    "GetLayerVersion",
    "GetLayerVersionByArn",
    "DeleteLayerVersion",
    "AddLayerVersionPermission",
    "GetLayerVersionPolicy",
    "RemoveLayerVersionPermission",
    "GetAccountSettings",
];

/// The largest request Lambda takes is a zip archive uploaded with the request, up to 50 MB,
/// which travels in base64 (a third larger) inside JSON: the server reads that much, so that
/// the invoker, not the HTTP layer, answers an oversize payload (over 6 MB for a synchronous
/// invocation) or archive with Lambda's own error.
const BODY_LIMIT_BYTES: usize = 70 * 1024 * 1024;

/// Lambda's REST API over `lambda`'s functions.
pub fn router(lambda: Lambda) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(lambda)
}

/// Recognises the operation and runs it. Every request goes through here, since the operation
/// table, not a list of routes, decides what a path means.
async fn dispatch(
    State(lambda): State<Lambda>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body_bytes: Bytes,
) -> Response {
    let query = uri.query().unwrap_or("");
    let Some(recognised) = operations::recognise(method.as_str(), uri.path(), query) else {
        return answer::unknown_operation(method.as_str(), uri.path());
    };
    let function = recognised.label("FunctionName");
    let qualifier = query_parameter(query, "Qualifier");
    let qualifier = qualifier.as_deref();
    let alias = recognised.label("Name");
    let uuid = recognised.label("UUID");
    let (layer, layer_version) = (
        recognised.label("LayerName"),
        recognised.label("VersionNumber"),
    );
    let runtime = query_parameter(query, "CompatibleRuntime");
    let architecture = query_parameter(query, "CompatibleArchitecture");
    let body = || request_body(&body_bytes);
    match recognised.operation {
        "Invoke" => invoke::invoke(&lambda, function, qualifier, &headers, body_bytes).await,
        "GetFunction" => with_status(
            StatusCode::OK,
            functions::get_function(&lambda, function, qualifier),
        ),
        "GetFunctionConfiguration" => with_status(
            StatusCode::OK,
            functions::get_configuration(&lambda, function, qualifier),
        ),
        "ListFunctions" => answer::json_body(StatusCode::OK, &functions::list_functions(&lambda)),
        "UpdateFunctionConfiguration" => with_status(
            StatusCode::OK,
            body().and_then(|body| functions::update_configuration(&lambda, function, &body)),
        ),
        #[cfg(unix)]
        "CreateFunction" => with_status(
            StatusCode::CREATED,
            body().and_then(|body| create::create(&lambda, &body)),
        ),
        "DeleteFunction" => match qualifier {
            Some(version) => no_content(lambda.delete_version(function, version)),
            #[cfg(unix)]
            None => no_content(create::delete(&lambda, function)),
            #[cfg(not(unix))]
            None => no_content(lambda.delete_function(function)),
        },
        "PublishVersion" => with_status(StatusCode::CREATED, versions::publish(&lambda, function)),
        "ListVersionsByFunction" => with_status(StatusCode::OK, versions::list(&lambda, function)),
        "CreateAlias" => with_status(
            StatusCode::CREATED,
            body().and_then(|body| versions::create(&lambda, function, &body)),
        ),
        "GetAlias" => with_status(StatusCode::OK, versions::get(&lambda, function, alias)),
        "UpdateAlias" => with_status(
            StatusCode::OK,
            body().and_then(|body| versions::update(&lambda, function, alias, &body)),
        ),
        "DeleteAlias" => no_content(lambda.delete_alias(function, alias)),
        "PutFunctionConcurrency" => with_status(
            StatusCode::OK,
            body().and_then(|body| concurrency::put(&lambda, function, &body)),
        ),
        "GetFunctionConcurrency" => {
            with_status(StatusCode::OK, concurrency::get(&lambda, function))
        }
        "DeleteFunctionConcurrency" => no_content(lambda.delete_function_concurrency(function)),
        "PutProvisionedConcurrencyConfig" => match body() {
            Ok(body) => with_status(
                StatusCode::ACCEPTED,
                concurrency::put_provisioned(&lambda, function, qualifier, &body).await,
            ),
            Err(error) => answer::service_error(&error),
        },
        "GetProvisionedConcurrencyConfig" => with_status(
            StatusCode::OK,
            concurrency::get_provisioned(&lambda, function, qualifier),
        ),
        "DeleteProvisionedConcurrencyConfig" => no_content(concurrency::delete_provisioned(
            &lambda, function, qualifier,
        )),
        "AddPermission" => with_status(
            StatusCode::CREATED,
            body().and_then(|body| permissions::add(&lambda, function, qualifier, &body)),
        ),
        "GetPolicy" => with_status(
            StatusCode::OK,
            permissions::get(&lambda, function, qualifier),
        ),
        "RemovePermission" => no_content(permissions::remove(
            &lambda,
            function,
            qualifier,
            recognised.label("StatementId"),
        )),
        "PutFunctionEventInvokeConfig" => with_status(
            StatusCode::OK,
            body().and_then(|body| event_invoke::put(&lambda, function, qualifier, &body)),
        ),
        "GetFunctionEventInvokeConfig" => with_status(
            StatusCode::OK,
            event_invoke::get(&lambda, function, qualifier),
        ),
        "DeleteFunctionEventInvokeConfig" => {
            no_content(event_invoke::delete(&lambda, function, qualifier))
        }
        "CreateEventSourceMapping" => with_status(
            StatusCode::ACCEPTED,
            body().and_then(|body| mappings::create(&lambda, &body)),
        ),
        "ListEventSourceMappings" => {
            let function = query_parameter(query, "FunctionName").unwrap_or_default();
            with_status(StatusCode::OK, mappings::list(&lambda, &function))
        }
        "GetEventSourceMapping" => with_status(StatusCode::OK, mappings::get(&lambda, uuid)),
        "UpdateEventSourceMapping" => with_status(
            StatusCode::ACCEPTED,
            body().and_then(|body| mappings::update(&lambda, uuid, &body)),
        ),
        "DeleteEventSourceMapping" => {
            with_status(StatusCode::ACCEPTED, mappings::delete(&lambda, uuid))
        }
        "TagResource" => no_content(
            body().and_then(|body| tags::tag(&lambda, recognised.label("Resource"), &body)),
        ),
        "ListTags" => with_status(
            StatusCode::OK,
            tags::list(&lambda, recognised.label("Resource")),
        ),
        "UntagResource" => no_content(tags::untag(&lambda, recognised.label("Resource"), query)),
        "PublishLayerVersion" => with_status(
            StatusCode::CREATED,
            body().and_then(|body| layers::publish(&lambda, layer, &body)),
        ),
        "ListLayers" => answer::json_body(
            StatusCode::OK,
            &layers::list(&lambda, runtime.as_deref(), architecture.as_deref()),
        ),
        "ListLayerVersions" => answer::json_body(
            StatusCode::OK,
            &layers::list_versions(&lambda, layer, runtime.as_deref(), architecture.as_deref()),
        ),
        "GetLayerVersion" => {
            with_status(StatusCode::OK, layers::get(&lambda, layer, layer_version))
        }
        "GetLayerVersionByArn" => {
            let arn = query_parameter(query, "Arn").unwrap_or_default();
            with_status(StatusCode::OK, layers::get_by_arn(&lambda, &arn))
        }
        "DeleteLayerVersion" => no_content(layers::delete(&lambda, layer, layer_version)),
        "AddLayerVersionPermission" => with_status(
            StatusCode::CREATED,
            body().and_then(|body| layers::add_permission(&lambda, layer, layer_version, &body)),
        ),
        "GetLayerVersionPolicy" => with_status(
            StatusCode::OK,
            layers::get_policy(&lambda, layer, layer_version),
        ),
        "RemoveLayerVersionPermission" => no_content(layers::remove_permission(
            &lambda,
            layer,
            layer_version,
            recognised.label("StatementId"),
        )),
        "GetAccountSettings" => answer::json_body(StatusCode::OK, &account::settings(&lambda)),
        other => answer::not_served(other, &SERVED),
    }
}

/// The JSON with `status` (200, or 201 for a creation, 202 for work that goes on after the
/// answer), or the error.
fn with_status(status: StatusCode, result: Result<Value, ServiceError>) -> Response {
    match result {
        Ok(body) => answer::json_body(status, &body),
        Err(error) => answer::service_error(&error),
    }
}

/// A 204 with no body, as the API answers a deletion.
fn no_content(result: Result<(), ServiceError>) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => answer::service_error(&error),
    }
}

/// The request's JSON body (an empty body is an empty object).
fn request_body(bytes: &[u8]) -> Result<Value, ServiceError> {
    if bytes.is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ServiceError::validation(format!("Could not parse request body into json: {e}"))
    })
}

/// `name:qualifier` when a request names a version or alias in its `Qualifier`, else the name.
pub(crate) fn qualified(function: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(qualifier) => format!("{function}:{qualifier}"),
        None => function.to_owned(),
    }
}

/// The ARN of a function (or of `name:qualifier`) in `lambda`'s account and Region; an ARN
/// given stays as it is.
pub(crate) fn function_arn(lambda: &Lambda, function: &str) -> String {
    match function.starts_with("arn:") {
        true => function.to_owned(),
        false => format!(
            "arn:aws:lambda:{}:{}:function:{function}",
            lambda.region(),
            lambda.account_id()
        ),
    }
}

/// One parameter of a query string, percent-decoded.
fn query_parameter(query: &str, name: &str) -> Option<String> {
    query_parameters(query, name).into_iter().next()
}

/// Every value of a parameter a query string repeats (`?tagKeys=a&tagKeys=b`), percent-decoded.
pub(crate) fn query_parameters(query: &str, name: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| operations::decode(value))
        .collect()
}
