//! A function's tags: `TagResource`, `ListTags`, `UntagResource`, and the `Tags` of
//! `GetFunction`.
//!
//! The resource is in the path as a function ARN (`/2017-03-31/tags/arn:aws:lambda:…`); the
//! tags travel as a JSON object, and the keys to remove as a repeated query parameter
//! (`?tagKeys=team&tagKeys=stage`). Only functions are taggable here: the invoker has no
//! code-signing configurations, and a mapping's ARN is refused as a function that is not there.

use crate::query_parameters;
use invoker::{Lambda, ServiceError};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// `TagResource`: `{"Tags": {"team": "payments"}}`.
pub fn tag(lambda: &Lambda, resource: &str, body: &Value) -> Result<(), ServiceError> {
    let tags = body["Tags"]
        .as_object()
        .map(|tags| {
            tags.iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    lambda.tag_resource(resource, tags)
}

/// `ListTags`: `{"Tags": {…}}`, empty when there are none.
pub fn list(lambda: &Lambda, resource: &str) -> Result<Value, ServiceError> {
    Ok(json!({ "Tags": lambda.list_tags(resource)? }))
}

/// `UntagResource`: the keys in `tagKeys`, as many times as there are keys.
pub fn untag(lambda: &Lambda, resource: &str, query: &str) -> Result<(), ServiceError> {
    lambda.untag_resource(resource, &query_parameters(query, "tagKeys"))
}

/// The tags `GetFunction` shows beside the configuration: none is no `Tags` at all, as in AWS.
pub(crate) fn of_function(lambda: &Lambda, name: &str) -> Option<BTreeMap<String, String>> {
    lambda.list_tags(name).ok().filter(|tags| !tags.is_empty())
}
