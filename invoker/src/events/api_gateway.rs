//! API Gateway REST API proxy events (payload format 1.0), the event behind most HTTP functions.
//!
//! With a *proxy integration* API Gateway passes the whole HTTP request to the function as one
//! event and expects back `{"statusCode", "headers", "body", "isBase64Encoded"}`, where `body` is a
//! **string**: JSON bodies are serialized twice, once into the body string and once as the
//! response document. Query parameters come twice as well: `queryStringParameters` keeps the last
//! value of each name, `multiValueQueryStringParameters` keeps them all; both are `null`, not
//! `{}`, when the request has none.

use serde_json::{json, Map, Value};

/// Builds a proxy event for one HTTP request.
///
/// ```
/// use invoker::events::api_gateway::ProxyRequest;
/// let event = ProxyRequest::get("/hello").query("name", "Ada").into_event();
/// assert_eq!(event["queryStringParameters"]["name"], "Ada");
/// ```
#[derive(Clone, Debug)]
pub struct ProxyRequest {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    is_base64_encoded: bool,
    stage: String,
}

impl ProxyRequest {
    /// A request with any method.
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            is_base64_encoded: false,
            stage: "prod".into(),
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

    /// Adds a query-string parameter; a name may repeat.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header.
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

    /// A binary body, which API Gateway delivers base64-encoded.
    pub fn base64_body(mut self, base64: impl Into<String>) -> Self {
        self.body = Some(base64.into());
        self.is_base64_encoded = true;
        self
    }

    /// The event, as API Gateway would send it.
    pub fn into_event(self) -> Value {
        let (single, multi) = (pairs_single(&self.query), pairs_multi(&self.query));
        let (headers, multi_headers) = (pairs_single(&self.headers), pairs_multi(&self.headers));
        json!({
            "resource": self.path,
            "path": self.path,
            "httpMethod": self.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": single,
            "multiValueQueryStringParameters": multi,
            "pathParameters": null,
            "stageVariables": null,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "1234567890",
                "domainName": "1234567890.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "1234567890",
                "extendedRequestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "httpMethod": self.method,
                "identity": {
                    "sourceIp": "192.0.2.1",
                    "userAgent": "workbook-invoker"
                },
                "path": format!("/{}{}", self.stage, self.path),
                "protocol": "HTTP/1.1",
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "requestTime": "01/Jan/2025:00:00:00 +0000",
                "requestTimeEpoch": 1_735_689_600_000u64,
                "resourceId": "123456",
                "resourcePath": self.path,
                "stage": self.stage
            },
            "body": self.body,
            "isBase64Encoded": self.is_base64_encoded
        })
    }
}

/// `{"name": "last value"}`, or `null` when there are none, as API Gateway sends it.
fn pairs_single(pairs: &[(String, String)]) -> Value {
    if pairs.is_empty() {
        return Value::Null;
    }
    let map: Map<String, Value> = pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    Value::Object(map)
}

/// `{"name": ["first", "second"]}`, or `null` when there are none.
fn pairs_multi(pairs: &[(String, String)]) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::apigw::ApiGatewayProxyRequest;

    #[test]
    fn deserializes_as_the_real_event_type() {
        let event = ProxyRequest::get("/hello")
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
    }

    #[test]
    fn no_query_string_is_null_not_empty() {
        let event = ProxyRequest::post("/orders").body("{}").into_event();
        assert!(event["queryStringParameters"].is_null());
        let typed: ApiGatewayProxyRequest = serde_json::from_value(event).expect("real shape");
        assert!(typed.query_string_parameters.is_empty());
        assert_eq!(typed.body.as_deref(), Some("{}"));
    }
}
