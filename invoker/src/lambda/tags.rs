//! A function's tags: `TagResource`, `ListTags`, `UntagResource`.
//!
//! Tags are key–value labels on the function itself (cost reports and IAM conditions read them);
//! they change nothing in how it runs. As in Lambda they belong to the whole function: a version
//! or alias ARN is refused, tagging again overwrites a key's value, and untagging a key that is
//! not there is no error; what is neither a function's name nor its ARN is refused with the pattern
//! of the ARNs Lambda tags. The wording of each refusal is Lambda's own.

use crate::base::error::{ErrorCode, ServiceError};
use crate::base::transcript::Entry;
use crate::lambda::service::Lambda;
use std::collections::BTreeMap;

/// Lambda's limit on a function's tags.
const MAX_TAGS: usize = 50;

impl Lambda {
    /// Adds tags to a function (a value given for a key it already has replaces the old one),
    /// like `aws lambda tag-resource --resource <function ARN> --tags k=v`.
    pub fn tag_resource(
        &self,
        resource: &str,
        tags: BTreeMap<String, String>,
    ) -> Result<(), ServiceError> {
        let name = self.taggable_name(resource)?;
        if tags.is_empty() {
            // Lambda's words for an empty `Tags`: it says nothing more precise.
            return Err(ServiceError::invalid_parameter_value(
                "An error occurred and the request cannot be processed.",
            ));
        }
        let at = self.elapsed();
        let mut state = self.state();
        let function = self.function_mut(&mut state.functions, &name)?;
        let mut merged = function.tags.clone();
        merged.extend(tags.clone());
        if merged.len() > MAX_TAGS {
            return Err(ServiceError::invalid_parameter_value(
                "Number of tags exceeds resource tag limit.",
            ));
        }
        function.tags = merged;
        let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("tag-resource {name} ({})", keys.join(", ")),
        });
        Ok(())
    }

    /// A function's tags, like `aws lambda list-tags --resource <function ARN>`.
    pub fn list_tags(&self, resource: &str) -> Result<BTreeMap<String, String>, ServiceError> {
        let name = self.taggable_name(resource)?;
        let mut state = self.state();
        Ok(self.function_mut(&mut state.functions, &name)?.tags.clone())
    }

    /// Removes tags by key, like `aws lambda untag-resource --tag-keys k`.
    pub fn untag_resource(&self, resource: &str, keys: &[String]) -> Result<(), ServiceError> {
        let name = self.taggable_name(resource)?;
        if keys.is_empty() {
            return Err(ServiceError::validation(
                "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
            ));
        }
        let at = self.elapsed();
        let mut state = self.state();
        let function = self.function_mut(&mut state.functions, &name)?;
        for key in keys {
            function.tags.remove(key);
        }
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("untag-resource {name} ({})", keys.join(", ")),
        });
        Ok(())
    }

    /// The function a tag call names; a version or alias is refused as Lambda refuses it, and
    /// what names no function is refused with the pattern of the resources Lambda tags.
    fn taggable_name(&self, resource: &str) -> Result<String, ServiceError> {
        self.name_without_qualifier(
            resource,
            "Tags on function aliases and versions are not supported. Please specify a function ARN.",
        )
        .map_err(|refusal| match refusal.code {
            ErrorCode::ValidationException => ServiceError::validation(format!(
                "1 validation error detected: Value '{resource}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: {TAGGABLE_ARN_PATTERN}"
            )),
            _ => refusal,
        })
    }
}

/// The ARNs Lambda's tag calls take (recorded): functions, layers, code-signing configs, event
/// source mappings and capacity providers. The invoker tags functions only.
const TAGGABLE_ARN_PATTERN: &str = "arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)";
