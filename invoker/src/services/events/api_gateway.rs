//! API Gateway proxy events, the events behind most HTTP functions, in both payload formats.
//!
//! With a *Lambda proxy integration* API Gateway passes the whole HTTP request to the function as
//! one event, and turns the function's answer back into the HTTP response (see
//! [`crate::services::api_gateway`] for that half). What the event looks like depends on the API:
//!
//! - a **REST API** sends payload format **1.0** (`ApiGatewayProxyRequest` in Rust): the method
//!   in `httpMethod`, headers and query parameters twice, once with the last value of each name
//!   (`headers`, `queryStringParameters`) and once with all of them (`multiValueHeaders`,
//!   `multiValueQueryStringParameters`); all four, and `pathParameters`, are `null`, not `{}`,
//!   when the request has none;
//! - an **HTTP API** sends payload format **2.0** (`ApiGatewayV2httpRequest`): the method in
//!   `requestContext.http.method`, the path in `rawPath`, the query string as sent in
//!   `rawQueryString`, header names in lower case with repeated values joined by commas (and so
//!   are repeated query parameters), cookies in a `cookies` array, and fields with nothing in them
//!   left out.
//!
//! Either way `body` is a **string** (or absent): a JSON body arrives serialized, and a binary
//! body arrives base64-encoded with `isBase64Encoded: true`.
//!
//! Simplified here: the event carries the client's headers only (API Gateway adds `Host`,
//! `X-Forwarded-For` and a few more), the caller's address is always `192.0.2.1` (an address
//! reserved for documentation), and there are no authorizers or stage variables.

use crate::base::clock::{self, DEFAULT_EPOCH_SECS};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// The caller's IP address in every event: TEST-NET-1, reserved for examples (RFC 5737).
const SOURCE_IP: &str = "192.0.2.1";

/// An HTTP request as a client sends it to an API: method, path, query string, headers and body.
///
/// ```
/// use invoker::HttpRequest;
/// let request = HttpRequest::get("/hello").query("name", "Grace Hopper");
/// assert_eq!(request.request_line(), "GET /hello?name=Grace%20Hopper");
/// let event = request.into_event();
/// assert_eq!(event["queryStringParameters"]["name"], "Grace Hopper");
/// ```
#[derive(Clone, Debug)]
pub struct HttpRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<String>,
    pub(crate) is_base64_encoded: bool,
}

impl HttpRequest {
    /// A request with any method (`PATCH`, `OPTIONS`, …) to a path such as `/items/42`.
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            method: method.into().to_ascii_uppercase(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            is_base64_encoded: false,
        }
    }

    /// A GET request.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new("GET", path)
    }

    /// A POST request.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new("POST", path)
    }

    /// A PUT request.
    pub fn put(path: impl Into<String>) -> Self {
        Self::new("PUT", path)
    }

    /// A DELETE request.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new("DELETE", path)
    }

    /// Adds a query-string parameter (not encoded: `"Grace Hopper"`, not `"Grace%20Hopper"`); a
    /// name may repeat.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header; a name may repeat.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A text body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self.is_base64_encoded = false;
        self
    }

    /// A binary body, already base64-encoded, as API Gateway delivers one.
    pub fn base64_body(mut self, base64: impl Into<String>) -> Self {
        self.body = Some(base64.into());
        self.is_base64_encoded = true;
        self
    }

    /// The method, in capitals.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `GET /hello?name=Ada`: the method and the path with its query string, as the client sent
    /// them (percent-encoded).
    pub fn request_line(&self) -> String {
        match self.raw_query_string() {
            query if query.is_empty() => format!("{} {}", self.method, self.path),
            query => format!("{} {}?{query}", self.method, self.path),
        }
    }

    /// The event a REST API (payload format 1.0) sends for this request, as if a route with
    /// exactly this path received it on a `prod` stage: what a test needs to invoke an HTTP
    /// function directly. `crate::services::api_gateway` builds the same shape with the real route, ids
    /// and time.
    pub fn into_event(self) -> Value {
        let arrival = Arrival {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            api_id: "1234567890".into(),
            stage: "prod".into(),
            request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".into(),
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS),
            route_key: format!("{} {}", self.method, self.path),
            resource_id: "123456".into(),
            path_parameters: BTreeMap::new(),
        };
        rest_event(&self, &arrival)
    }

    /// `name=Grace%20Hopper&x=1`: the query string as it travels in a URL.
    fn raw_query_string(&self) -> String {
        self.query
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What API Gateway knows about a request besides the request itself: the API, stage and route
/// that received it, when, and under which request id.
pub(crate) struct Arrival {
    pub account_id: String,
    pub region: String,
    pub api_id: String,
    pub stage: String,
    pub request_id: String,
    pub time: SystemTime,
    /// `GET /items/{id}`, `ANY /{proxy+}` or `$default`.
    pub route_key: String,
    /// A REST API's id for the resource (the path) of the route.
    pub resource_id: String,
    /// The values of the route's `{name}` and `{name+}` parts.
    pub path_parameters: BTreeMap<String, String>,
}

impl Arrival {
    /// The route's path template, `/items/{id}`: a REST API's `resource`.
    fn resource(&self) -> &str {
        self.route_key
            .split_once(' ')
            .map_or(self.route_key.as_str(), |(_, path)| path)
    }

    fn domain_name(&self) -> String {
        format!("{}.execute-api.{}.amazonaws.com", self.api_id, self.region)
    }

    fn path_parameters(&self) -> Map<String, Value> {
        self.path_parameters
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect()
    }
}

/// The payload format 1.0 event a REST API sends.
pub(crate) fn rest_event(request: &HttpRequest, arrival: &Arrival) -> Value {
    let path_parameters = match arrival.path_parameters.is_empty() {
        true => Value::Null,
        false => Value::Object(arrival.path_parameters()),
    };
    json!({
        "resource": arrival.resource(),
        "path": request.path,
        "httpMethod": request.method,
        "headers": last_values(&request.headers),
        "multiValueHeaders": all_values(&request.headers),
        "queryStringParameters": last_values(&request.query),
        "multiValueQueryStringParameters": all_values(&request.query),
        "pathParameters": path_parameters,
        "stageVariables": null,
        "requestContext": {
            "accountId": arrival.account_id,
            "apiId": arrival.api_id,
            "domainName": arrival.domain_name(),
            "domainPrefix": arrival.api_id,
            "httpMethod": request.method,
            "identity": {
                "sourceIp": SOURCE_IP,
                "userAgent": header_value(&request.headers, "user-agent"),
            },
            "path": format!("/{}{}", arrival.stage, request.path),
            "protocol": "HTTP/1.1",
            "requestId": arrival.request_id,
            "requestTime": request_time(arrival.time),
            "requestTimeEpoch": clock::epoch_millis(arrival.time),
            "resourceId": arrival.resource_id,
            "resourcePath": arrival.resource(),
            "stage": arrival.stage,
        },
        "body": request.body,
        "isBase64Encoded": request.is_base64_encoded,
    })
}

/// The payload format 2.0 event an HTTP API sends.
pub(crate) fn http_event(request: &HttpRequest, arrival: &Arrival) -> Value {
    // Cookies travel in their own field; the other headers lower-cased, repeats comma-joined.
    let (cookies, headers): (Vec<_>, Vec<_>) = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
        .partition(|(name, _)| name == "cookie");
    let mut event = json!({
        "version": "2.0",
        "routeKey": arrival.route_key,
        "rawPath": request.path,
        "rawQueryString": request.raw_query_string(),
        "headers": comma_joined(&headers),
        "requestContext": {
            "accountId": arrival.account_id,
            "apiId": arrival.api_id,
            "domainName": arrival.domain_name(),
            "domainPrefix": arrival.api_id,
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": header_value(&request.headers, "user-agent").unwrap_or_default(),
            },
            "requestId": arrival.request_id,
            "routeKey": arrival.route_key,
            "stage": arrival.stage,
            "time": request_time(arrival.time),
            "timeEpoch": clock::epoch_millis(arrival.time),
        },
        "isBase64Encoded": request.is_base64_encoded,
    });
    let cookies: Vec<&str> = cookies
        .iter()
        .flat_map(|(_, value)| value.split(';').map(str::trim))
        .filter(|cookie| !cookie.is_empty())
        .collect();
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !request.query.is_empty() {
        event["queryStringParameters"] = Value::Object(comma_joined(&request.query));
    }
    if !arrival.path_parameters.is_empty() {
        event["pathParameters"] = Value::Object(arrival.path_parameters());
    }
    if let Some(body) = &request.body {
        event["body"] = json!(body);
    }
    event
}

/// `01/Jan/2025:00:00:00 +0000`: the CLF timestamp of `requestTime` and `time`.
fn request_time(time: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // `2025-01-01T00:00:00.000Z`, cut apart and put back together in CLF order.
    let iso = clock::rfc3339_millis(time);
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{}/{}/{}:{} +0000",
        &iso[8..10],
        MONTHS[month - 1],
        &iso[..4],
        &iso[11..19]
    )
}

/// The last value of a header, names compared without case.
fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// `{"name": "last value"}`, or `null` when there are none (format 1.0).
fn last_values(pairs: &[(String, String)]) -> Value {
    if pairs.is_empty() {
        return Value::Null;
    }
    let map: Map<String, Value> = pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    Value::Object(map)
}

/// `{"name": ["first", "second"]}`, or `null` when there are none (format 1.0).
fn all_values(pairs: &[(String, String)]) -> Value {
    if pairs.is_empty() {
        return Value::Null;
    }
    let mut map = Map::new();
    for (k, v) in pairs {
        let values = map.entry(k.clone()).or_insert_with(|| json!([]));
        if let Value::Array(values) = values {
            values.push(json!(v));
        }
    }
    Value::Object(map)
}

/// `{"name": "first,second"}` (format 2.0).
fn comma_joined(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut joined: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in pairs {
        joined.entry(k).or_default().push(v);
    }
    joined
        .into_iter()
        .map(|(k, values)| (k.to_owned(), json!(values.join(","))))
        .collect()
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::apigw::ApiGatewayProxyRequest;

    #[test]
    fn deserializes_as_the_real_event_type() {
        let event = HttpRequest::get("/hello")
            .query("name", "Ada")
            .query("name", "Grace")
            .header("Accept", "application/json")
            .into_event();
        let typed: ApiGatewayProxyRequest =
            serde_json::from_value(event).expect("the real event shape");
        assert_eq!(typed.http_method, "GET");
        assert_eq!(typed.path.as_deref(), Some("/hello"));
        assert_eq!(typed.query_string_parameters.first("name"), Some("Grace"));
        assert_eq!(
            typed.multi_value_query_string_parameters.all("name"),
            Some(vec!["Ada", "Grace"])
        );
        assert_eq!(typed.request_context.stage.as_deref(), Some("prod"));
        assert_eq!(
            typed.request_context.request_time.as_deref(),
            Some("01/Jan/2025:00:00:00 +0000")
        );
    }

    #[test]
    fn no_query_string_is_null_not_empty() {
        let event = HttpRequest::post("/orders").body("{}").into_event();
        assert!(event["queryStringParameters"].is_null());
        let typed: ApiGatewayProxyRequest = serde_json::from_value(event).expect("real shape");
        assert!(typed.query_string_parameters.is_empty());
        assert_eq!(typed.body.as_deref(), Some("{}"));
    }

    #[test]
    fn the_request_line_is_percent_encoded() {
        let request = HttpRequest::new("get", "/search")
            .query("q", "a&b c")
            .query("page", "2");
        assert_eq!(request.request_line(), "GET /search?q=a%26b%20c&page=2");
    }
}
