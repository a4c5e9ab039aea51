//! Events as AWS services send them to functions.
//!
//! A Lambda function never sees "an HTTP request" or "a file upload": it sees a JSON document
//! whose shape depends on the service that sent it. The builders here produce those documents in
//! the exact shape AWS uses, so a handler written against the `aws_lambda_events` types (the
//! event structs Rust functions use on real Lambda) works unchanged; the tests prove each shape by
//! deserializing it into those types.

pub(crate) mod api_gateway;
pub(crate) mod eventbridge;
