//! Amazon API Gateway in front of functions: HTTP requests in, synchronous invokes, HTTP
//! responses out. The *push* model at its simplest: a client waits on the line while the function
//! runs.
//!
//! An API is a set of **routes** (`GET /hello`, `ANY /items/{id}`, `ANY /{proxy+}`), each
//! integrated with a function through a **Lambda proxy integration**. For each request API
//! Gateway
//!
//! 1. picks the most specific route that matches (a literal path part beats a `{parameter}`,
//!    which beats a greedy `{proxy+}`; a named method beats `ANY`; an HTTP API's `$default`
//!    route catches what nothing else does). With no match the function never runs: a REST API
//!    answers **403** `{"message":"Missing Authentication Token"}` (yes, for a path that does not
//!    exist), an HTTP API **404** `{"message":"Not Found"}`;
//! 2. builds the event (see [`crate::services::events::api_gateway`]): payload format **1.0** for a REST
//!    API, **2.0** for an HTTP API;
//! 3. invokes the function **synchronously**, through the ordinary Invoke path, so cold starts,
//!    logs and throttles happen as for any other call. API Gateway never retries;
//! 4. turns the answer back into an HTTP response. Format 1.0 requires an object with a
//!    `statusCode`, and allows only `headers`, `multiValueHeaders`, `body` (a string) and
//!    `isBase64Encoded` beside it. Format 2.0 takes the same object (with `cookies` instead of
//!    `multiValueHeaders`), and also infers one: any answer without a `statusCode` becomes a
//!    200 with `content-type: application/json` and the answer, as JSON, for its body. A body
//!    with `isBase64Encoded: true` is decoded, so the client receives the bytes.
//!
//! When something goes wrong the client gets API Gateway's own answer, never the function's
//! error (AWS: "Handling Lambda errors with an API Gateway API", and the API Gateway guides):
//!
//! | what happened                                   | REST API (1.0)                                  | HTTP API (2.0)                          |
//! |-------------------------------------------------|-------------------------------------------------|-----------------------------------------|
//! | Lambda refused the invoke (throttle, no function, no permission) | 500 `{"message": "Internal server error"}` | 500 `{"message":"Internal Server Error"}` |
//! | the function failed (error, panic, timeout)     | 502 `{"message": "Internal server error"}`      | 500 `{"message":"Internal Server Error"}` |
//! | the answer is not a valid proxy response        | 502 `{"message": "Internal server error"}`      | 500 `{"message":"Internal Server Error"}` |
//! | no answer within the integration timeout        | 504 `{"message": "Endpoint request timed out"}` after 29 s | 503 `{"message":"Service Unavailable"}` after 30 s |
//!
//! A function that outlives the integration timeout keeps running after the client got its 504:
//! it is billed, and its side effects happen, though nobody reads its answer.
//!
//! API Gateway invokes as `apigateway.amazonaws.com`, so the function's resource-based policy
//! must allow it (see [`crate::lambda::permissions`]). The source ARN names the API, the stage, the
//! method and the route's path: `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`
//! (`…/<stage>/$default` for an HTTP API's `$default` route), so a statement with the source ARN
//! `arn:aws:execute-api:us-east-1:123456789012:a1b2c/*/GET/items/*` lets this one route in.
//! Without it the client gets a 500, and API Gateway's log says "Execution failed due to
//! configuration error: Invalid permissions on Lambda function".
//!
//! Simplified here: no authorizers, API keys, usage plans, stage variables, custom domains or
//! CORS; a REST API's resources and methods are written as route keys (`GET /items/{id}`) as for
//! an HTTP API; every REST API has one stage, `prod`, and every HTTP API the `$default` stage.

use crate::base::error::{ErrorCode, ServiceError};
use crate::base::platform::lock;
use crate::base::transcript::Entry;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::invoke::{InvokeRequest, InvokeResponse};
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;
use crate::services::events::api_gateway::{self, Arrival, HttpRequest};
use base64::Engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long a REST API waits for a function: 29 seconds (by default; Regional APIs can ask AWS
/// for more).
pub(crate) const REST_API_TIMEOUT: Duration = Duration::from_secs(29);
/// How long an HTTP API waits for a function: 30 seconds, a hard limit.
pub(crate) const HTTP_API_TIMEOUT: Duration = Duration::from_secs(30);

/// The two kinds of API, which send different events and answer errors differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A REST API: payload format 1.0, stage `prod`.
    Rest,
    /// An HTTP API: payload format 2.0, stage `$default`.
    Http,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Rest => "REST API",
            Kind::Http => "HTTP API",
        }
    }

    fn stage(self) -> &'static str {
        match self {
            Kind::Rest => "prod",
            Kind::Http => "$default",
        }
    }

    fn integration_timeout(self) -> Duration {
        match self {
            Kind::Rest => REST_API_TIMEOUT,
            Kind::Http => HTTP_API_TIMEOUT,
        }
    }

    /// API Gateway's own answer for each failure, word for word (note the spacing and case,
    /// which differ between the two kinds of API).
    fn error(self, failure: Failure) -> HttpResponse {
        let (status, body) = match (self, failure) {
            (Kind::Rest, Failure::NoRoute) => {
                (403, r#"{"message":"Missing Authentication Token"}"#)
            }
            (Kind::Rest, Failure::Refused) => (500, r#"{"message": "Internal server error"}"#),
            (Kind::Rest, Failure::BadResponse) => (502, r#"{"message": "Internal server error"}"#),
            (Kind::Rest, Failure::TimedOut) => {
                (504, r#"{"message": "Endpoint request timed out"}"#)
            }
            (Kind::Http, Failure::NoRoute) => (404, r#"{"message":"Not Found"}"#),
            (Kind::Http, Failure::Refused | Failure::BadResponse) => {
                (500, r#"{"message":"Internal Server Error"}"#)
            }
            (Kind::Http, Failure::TimedOut) => (503, r#"{"message":"Service Unavailable"}"#),
        };
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// Why API Gateway answered with an error of its own.
#[derive(Clone, Copy, Debug)]
enum Failure {
    NoRoute,
    Refused,
    BadResponse,
    TimedOut,
}

/// An HTTP response, as the client receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers, in order; a name may repeat (`set-cookie`).
    pub headers: Vec<(String, String)>,
    /// The body's bytes (decoded, if the function sent them base64-encoded).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header, the name compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }

    /// Every value of a header, the name compared without case.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// One API, as API Gateway keeps it.
#[derive(Debug)]
pub(crate) struct Api {
    name: String,
    kind: Kind,
    routes: Vec<Route>,
}

/// A route and the function it is integrated with.
#[derive(Debug)]
struct Route {
    key: RouteKey,
    /// The function as the integration names it: a name or ARN, maybe with an alias.
    function: String,
    /// A REST API's id for the route's resource.
    resource_id: String,
}

/// A route key, parsed: `$default`, or a method (or `ANY`) and a path template.
#[derive(Debug, PartialEq, Eq)]
enum RouteKey {
    Default,
    Path {
        method: String,
        template: String,
        segments: Vec<Segment>,
    },
}

/// One `/`-separated part of a path template.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    /// `items`: this text exactly.
    Literal(String),
    /// `{id}`: any one part, passed to the function as a path parameter.
    Parameter(String),
    /// `{proxy+}`: the rest of the path, one part or more; only last.
    Greedy(String),
}

/// The methods a route can name.
const METHODS: [&str; 8] = [
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

impl RouteKey {
    fn parse(key: &str, kind: Kind) -> Result<RouteKey, ServiceError> {
        let bad = |why: &str| {
            ServiceError::new(
                ErrorCode::BadRequestException,
                400,
                format!("Invalid route key {key:?}: {why}"),
            )
        };
        if key == "$default" {
            return match kind {
                Kind::Http => Ok(RouteKey::Default),
                Kind::Rest => Err(bad("$default routes belong to HTTP APIs; a REST API uses ANY /{proxy+} to catch everything")),
            };
        }
        let (method, template) = key.split_once(' ').ok_or_else(|| {
            bad("write a method, one space and a path, e.g. \"GET /items/{id}\", or \"$default\"")
        })?;
        if !METHODS.contains(&method) {
            return Err(bad(&format!(
                "the method must be one of {}",
                METHODS.join(", ")
            )));
        }
        let Some(parts) = template.strip_prefix('/') else {
            return Err(bad("the path must start with /"));
        };
        let parts: Vec<&str> = match parts {
            "" => Vec::new(),
            parts => parts.split('/').collect(),
        };
        let mut segments = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let segment = match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => match name.strip_suffix('+') {
                    Some(name) if i + 1 == parts.len() => Segment::Greedy(name.to_owned()),
                    Some(_) => return Err(bad("a greedy {name+} part must be the last one")),
                    None => Segment::Parameter(name.to_owned()),
                },
                None if part.is_empty() => return Err(bad("the path has an empty part (//)")),
                None => Segment::Literal((*part).to_owned()),
            };
            segments.push(segment);
        }
        Ok(RouteKey::Path {
            method: method.to_owned(),
            template: template.to_owned(),
            segments,
        })
    }

    /// If this route takes the request: its path parameters, and how specific the match is
    /// (greater is more specific).
    fn matches(&self, method: &str, path: &str) -> Option<(BTreeMap<String, String>, Vec<u8>)> {
        let RouteKey::Path {
            method: route_method,
            segments,
            ..
        } = self
        else {
            // `$default` takes anything, and is the least specific route of all.
            return Some((BTreeMap::new(), Vec::new()));
        };
        if route_method != "ANY" && route_method != method {
            return None;
        }
        let parts: Vec<&str> = match path.trim_start_matches('/') {
            "" => Vec::new(),
            rest => rest.split('/').collect(),
        };
        let mut parameters = BTreeMap::new();
        // Part by part: literal 3, parameter 2, greedy 1; then 1 more for a named method.
        let mut rank = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            match segment {
                Segment::Literal(text) if parts.get(i) == Some(&text.as_str()) => rank.push(3),
                Segment::Literal(_) => return None,
                Segment::Parameter(name) => {
                    let value = parts.get(i).filter(|p| !p.is_empty())?;
                    parameters.insert(name.clone(), (*value).to_owned());
                    rank.push(2);
                }
                Segment::Greedy(name) => {
                    let rest = parts.get(i..).filter(|rest| !rest.is_empty())?;
                    parameters.insert(name.clone(), rest.join("/"));
                    rank.push(1);
                    return Some((parameters, rank_with_method(rank, route_method)));
                }
            }
        }
        (parts.len() == segments.len()).then(|| (parameters, rank_with_method(rank, route_method)))
    }

    /// `GET /items/{id}` or `$default`, as events and transcripts show it.
    fn to_key(&self) -> String {
        match self {
            RouteKey::Default => "$default".to_owned(),
            RouteKey::Path {
                method, template, ..
            } => format!("{method} {template}"),
        }
    }
}

fn rank_with_method(mut rank: Vec<u8>, method: &str) -> Vec<u8> {
    rank.push(u8::from(method != "ANY"));
    rank
}

/// Every API, by id.
pub(crate) type Apis = BTreeMap<String, Api>;

/// The API Gateway part of the simulated account: `lambda.api_gateway().create_http_api("shop")`.
#[derive(Clone)]
pub struct ApiGateway {
    lambda: LambdaHandle,
    apis: Arc<Mutex<Apis>>,
}

impl Lambda {
    /// The account's API Gateway.
    pub fn api_gateway(&self) -> ApiGateway {
        let lambda = self.handle();
        let apis = lambda.platform().state();
        ApiGateway { lambda, apis }
    }
}

/// A request on its way to a function: the route's function, the event for it, and API
/// Gateway as the function's policy sees it.
struct Routed {
    function: String,
    event: Value,
    principal: Principal,
}

impl ApiGateway {
    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Apis> {
        lock(&self.apis)
    }

    /// Creates a REST API (payload format 1.0, stage `prod`), like `aws apigateway
    /// create-rest-api`; returns its id.
    pub fn create_rest_api(&self, name: &str) -> String {
        self.create(name, Kind::Rest)
    }

    /// Creates an HTTP API (payload format 2.0, stage `$default`), like `aws apigatewayv2
    /// create-api --protocol-type HTTP`; returns its id.
    pub fn create_http_api(&self, name: &str) -> String {
        self.create(name, Kind::Http)
    }

    fn create(&self, name: &str, kind: Kind) -> String {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        // API ids are ten lower-case letters and digits; hex is a subset that reads the same.
        let id = self.lambda.platform().ids().hex(5);
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("apigateway: created {} {name} ({id})", kind.label()),
        });
        state.insert(
            id.clone(),
            Api {
                name: name.to_owned(),
                kind,
                routes: Vec::new(),
            },
        );
        id
    }

    /// Adds a route (`GET /hello`, `ANY /items/{id}`, `ANY /{proxy+}`, or `$default` on an HTTP
    /// API) with a Lambda proxy integration to `function` (a name or ARN, maybe with an alias).
    ///
    /// Like API Gateway, it does not check that the function exists: a request to a missing
    /// function fails when it is made, with a 500.
    pub fn create_route(
        &self,
        api_id: &str,
        route_key: &str,
        function: &str,
    ) -> Result<(), ServiceError> {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let api = state.get_mut(api_id).ok_or_else(|| not_found(api_id))?;
        let key = RouteKey::parse(route_key, api.kind)?;
        if api.routes.iter().any(|route| route.key == key) {
            return Err(ServiceError::new(
                ErrorCode::ConflictException,
                409,
                format!("Route with key {route_key} already exists for this API"),
            ));
        }
        let resource_id = self.lambda.platform().ids().hex(3);
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!(
                "apigateway: {} {}: route {route_key} -> Lambda proxy integration with {function}",
                api.kind.label(),
                api.name
            ),
        });
        api.routes.push(Route {
            key,
            function: function.to_owned(),
            resource_id,
        });
        Ok(())
    }

    /// Sends an HTTP request to an API and waits for the response, as a client would.
    ///
    /// Every outcome is an [`HttpResponse`], API Gateway's errors included (see the module
    /// docs); only an unknown API id is an `Err`.
    pub async fn request(
        &self,
        api_id: &str,
        request: HttpRequest,
    ) -> Result<HttpResponse, ServiceError> {
        let request_line = request.request_line();
        let (kind, api_name, routed) = self.route(api_id, &request)?;
        let (response, why) = match routed {
            None => (
                kind.error(Failure::NoRoute),
                Some("no route matches".to_owned()),
            ),
            Some(routed) => self.integrate(kind, routed).await,
        };
        let at = self.lambda.platform().elapsed();
        let mut line = format!(
            "{} {api_name}: {request_line} -> {}",
            kind.label(),
            response.status
        );
        if let Some(why) = why {
            line.push_str(&format!(" {} ({why})", response.text()));
        }
        self.lambda.platform().record(Entry::Api { at, text: line });
        Ok(response)
    }

    /// Finds the route for a request and builds its event, in one short critical section.
    fn route(
        &self,
        api_id: &str,
        request: &HttpRequest,
    ) -> Result<(Kind, String, Option<Routed>), ServiceError> {
        let scope = &self.lambda.platform().scope;
        let time = self.lambda.platform().clock.now();
        let mut state = self.state();
        let state = &mut *state;
        let api = state.get(api_id).ok_or_else(|| not_found(api_id))?;
        let best = api
            .routes
            .iter()
            .filter_map(|route| {
                let (parameters, rank) = route.key.matches(&request.method, &request.path)?;
                Some((rank, route, parameters))
            })
            .max_by(|a, b| a.0.cmp(&b.0));
        let Some((_, route, path_parameters)) = best else {
            return Ok((api.kind, api.name.clone(), None));
        };
        let request_id = self.lambda.platform().ids().request_id();
        let arrival = Arrival {
            account_id: scope.account_id.clone(),
            region: scope.region.clone(),
            api_id: api_id.to_owned(),
            stage: api.kind.stage().to_owned(),
            request_id,
            time,
            route_key: route.key.to_key(),
            resource_id: route.resource_id.clone(),
            path_parameters,
        };
        let event = match api.kind {
            Kind::Rest => api_gateway::rest_event(request, &arrival),
            Kind::Http => api_gateway::http_event(request, &arrival),
        };
        // `<api-id>/<stage>/<METHOD>/<path>`, or `<api-id>/<stage>/$default`.
        let route_part = match &route.key {
            RouteKey::Default => "$default".to_owned(),
            RouteKey::Path { template, .. } => format!("{}{template}", request.method),
        };
        let source_arn = format!(
            "arn:aws:execute-api:{}:{}:{api_id}/{}/{route_part}",
            scope.region,
            scope.account_id,
            api.kind.stage()
        );
        let routed = Routed {
            function: route.function.clone(),
            event,
            principal: Principal::Service {
                service: "apigateway.amazonaws.com".into(),
                source_arn,
                source_account: scope.account_id.clone(),
            },
        };
        Ok((api.kind, api.name.clone(), Some(routed)))
    }

    /// Invokes the route's function synchronously and maps its answer to an HTTP response.
    /// Returns the response and, when API Gateway answered with an error of its own, why.
    async fn integrate(&self, kind: Kind, routed: Routed) -> (HttpResponse, Option<String>) {
        let Routed {
            function,
            event,
            principal,
        } = routed;
        // The invocation runs as a task of its own, so that it can outlive API Gateway's
        // patience: after the integration timeout the client gets its error, and the function
        // carries on to its own timeout, as on AWS.
        let lambda = self.lambda.clone();
        let request = InvokeRequest::new(function)
            .principal(principal)
            .payload(event);
        let mut invocation = tokio::spawn(async move { lambda.invoke(request).await });
        let answer = match tokio::time::timeout(kind.integration_timeout(), &mut invocation).await {
            Ok(joined) => {
                joined.expect("an invocation does not panic: handler code runs in the sandbox")
            }
            Err(_elapsed) => {
                // Still running: count it as pending work, so `settle` waits for its end.
                self.lambda.platform().work_started(1);
                let lambda = self.lambda.clone();
                tokio::spawn(async move {
                    let _ = invocation.await;
                    lambda.platform().work_finished(1);
                });
                let why = format!(
                    "no answer within the {} s integration timeout",
                    kind.integration_timeout().as_secs()
                );
                return (kind.error(Failure::TimedOut), Some(why));
            }
        };
        match answer {
            Err(refused) if refused.code == ErrorCode::AccessDeniedException => (
                kind.error(Failure::Refused),
                Some("Execution failed due to configuration error: Invalid permissions on Lambda function".to_owned()),
            ),
            Err(refused) => (
                kind.error(Failure::Refused),
                Some(format!(
                    "Lambda refused the invoke: {} {}",
                    refused.status, refused.code
                )),
            ),
            Ok(InvokeResponse {
                function_error: Some(error),
                ..
            }) => (
                kind.error(Failure::BadResponse),
                Some(format!("function error: {error}")),
            ),
            Ok(response) => match proxy_response(kind, &response.payload) {
                Ok(http) => (http, None),
                Err(malformed) => (
                    kind.error(Failure::BadResponse),
                    Some(format!("malformed Lambda proxy response: {malformed}")),
                ),
            },
        }
    }
}

fn not_found(api_id: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::NotFoundException,
        404,
        format!("Invalid API identifier specified {api_id}"),
    )
}

/// Reads a function's answer as a proxy response, by the rules of the API's payload format (see
/// the module docs); `Err` says what is wrong with it.
fn proxy_response(kind: Kind, payload: &[u8]) -> Result<HttpResponse, String> {
    let answer: Value =
        serde_json::from_slice(payload).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let object = match (&answer, kind) {
        (Value::Object(object), _) if object.contains_key("statusCode") => object,
        // Format 2.0 infers a response from anything else.
        (_, Kind::Http) => {
            return Ok(HttpResponse {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: payload.to_vec(),
            })
        }
        (Value::Object(_), Kind::Rest) => return Err("statusCode is missing".into()),
        (_, Kind::Rest) => return Err("the answer is not a JSON object".into()),
    };
    // Format 1.0 refuses anything else beside its five fields; format 2.0 ignores extras.
    const REST_FIELDS: [&str; 5] = [
        "statusCode",
        "headers",
        "multiValueHeaders",
        "body",
        "isBase64Encoded",
    ];
    if kind == Kind::Rest {
        if let Some(extra) = object.keys().find(|k| !REST_FIELDS.contains(&k.as_str())) {
            return Err(format!("unexpected field {extra:?}"));
        }
    }
    let status = object["statusCode"]
        .as_u64()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| {
            format!(
                "statusCode must be a number from 100 to 599, not {}",
                object["statusCode"]
            )
        })? as u16;
    let mut headers = single_headers(object)?;
    match kind {
        Kind::Rest => merge_multi_value_headers(object, &mut headers)?,
        Kind::Http => {
            for cookie in strings(object, "cookies")? {
                headers.push(("set-cookie".to_owned(), cookie));
            }
        }
    }
    let body = match object.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(body)) => body.clone(),
        Some(other) => return Err(format!("body must be a string, not {other}")),
    };
    let body = match object.get("isBase64Encoded") {
        None | Some(Value::Null | Value::Bool(false)) => body.into_bytes(),
        Some(Value::Bool(true)) => base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| format!("isBase64Encoded is true but the body is not base64: {e}"))?,
        Some(other) => {
            return Err(format!(
                "isBase64Encoded must be true or false, not {other}"
            ))
        }
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// `headers`: an object of single values.
fn single_headers(object: &Map<String, Value>) -> Result<Vec<(String, String)>, String> {
    match object.get("headers") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(headers)) => headers
            .iter()
            .map(|(name, value)| Ok((name.clone(), scalar(value, "headers")?)))
            .collect(),
        Some(other) => Err(format!("headers must be an object, not {other}")),
    }
}

/// Format 1.0's `multiValueHeaders`: for a name that is in both, these values replace the one in
/// `headers`.
fn merge_multi_value_headers(
    object: &Map<String, Value>,
    headers: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let multi = match object.get("multiValueHeaders") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(multi)) => multi,
        Some(other) => return Err(format!("multiValueHeaders must be an object, not {other}")),
    };
    for (name, values) in multi {
        let Value::Array(values) = values else {
            return Err(format!(
                "multiValueHeaders.{name} must be an array, not {values}"
            ));
        };
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        for value in values {
            headers.push((name.clone(), scalar(value, "multiValueHeaders")?));
        }
    }
    Ok(())
}

/// Format 2.0's `cookies`: an array of strings.
fn strings(object: &Map<String, Value>, field: &str) -> Result<Vec<String>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(values)) => values.iter().map(|v| scalar(v, field)).collect(),
        Some(other) => Err(format!("{field} must be an array, not {other}")),
    }
}

/// A header value: a string, or a number or boolean written as one.
fn scalar(value: &Value, field: &str) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(value.to_string()),
        other => Err(format!("values in {field} must be strings, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> RouteKey {
        RouteKey::parse(text, Kind::Http).unwrap()
    }

    #[test]
    fn route_keys_are_checked() {
        for bad in [
            "GET",
            "FETCH /x",
            "GET x",
            "GET /a//b",
            "ANY /{proxy+}/more",
        ] {
            let error = RouteKey::parse(bad, Kind::Http).unwrap_err();
            assert_eq!(error.code, ErrorCode::BadRequestException, "{bad}");
        }
        assert!(RouteKey::parse("$default", Kind::Rest).is_err());
        assert_eq!(key("$default"), RouteKey::Default);
    }

    #[test]
    fn parameters_take_one_part_and_greedy_ones_the_rest() {
        let (params, _) = key("GET /items/{id}").matches("GET", "/items/42").unwrap();
        assert_eq!(params["id"], "42");
        assert!(key("GET /items/{id}")
            .matches("GET", "/items/42/x")
            .is_none());
        assert!(key("GET /items/{id}")
            .matches("POST", "/items/42")
            .is_none());
        let (params, _) = key("ANY /{proxy+}").matches("PUT", "/a/b/c").unwrap();
        assert_eq!(params["proxy"], "a/b/c");
        assert!(key("ANY /{proxy+}").matches("GET", "/").is_none());
        assert!(key("GET /").matches("GET", "/").is_some());
    }

    #[test]
    fn the_most_specific_route_wins() {
        let rank = |k: &str, method: &str, path: &str| key(k).matches(method, path).unwrap().1;
        assert!(
            rank("GET /items/new", "GET", "/items/new")
                > rank("GET /items/{id}", "GET", "/items/new")
        );
        assert!(
            rank("GET /items/{id}", "GET", "/items/1") > rank("ANY /items/{id}", "GET", "/items/1")
        );
        assert!(
            rank("ANY /items/{id}", "GET", "/items/1") > rank("ANY /{proxy+}", "GET", "/items/1")
        );
        assert!(rank("ANY /{proxy+}", "GET", "/items/1") > rank("$default", "GET", "/items/1"));
    }

    #[test]
    fn format_1_0_is_strict_and_format_2_0_infers() {
        let rest = |v: Value| proxy_response(Kind::Rest, v.to_string().as_bytes());
        let http = |v: Value| proxy_response(Kind::Http, v.to_string().as_bytes());
        assert!(rest(serde_json::json!({ "body": "hi" })).is_err());
        assert!(rest(serde_json::json!("hi")).is_err());
        assert!(rest(serde_json::json!({ "statusCode": 200, "extra": 1 })).is_err());
        assert!(rest(serde_json::json!({ "statusCode": 200, "body": { "a": 1 } })).is_err());
        let inferred = http(serde_json::json!({ "a": 1 })).unwrap();
        assert_eq!(
            (inferred.status, inferred.text()),
            (200, r#"{"a":1}"#.to_owned())
        );
        assert_eq!(http(serde_json::json!("hi")).unwrap().text(), r#""hi""#);
        assert!(http(serde_json::json!({ "statusCode": "200" })).is_err());
    }
}
