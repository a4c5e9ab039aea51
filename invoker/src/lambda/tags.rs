//! A function's tags: `TagResource`, `ListTags`, `UntagResource`.
//!
//! Tags are key–value labels on the function itself (cost reports and IAM conditions read them);
//! they change nothing in how it runs. As in Lambda they belong to the whole function: a version
//! or alias ARN is refused, tagging again overwrites a key's value, and untagging a key that is
//! not there is no error. The wording of each refusal is Lambda's own.

use crate::base::error::ServiceError;
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

    /// The function a tag call names; a version or alias is refused as Lambda refuses it.
    fn taggable_name(&self, resource: &str) -> Result<String, ServiceError> {
        self.name_without_qualifier(
            resource,
            "Tags on function aliases and versions are not supported. Please specify a function ARN.",
        )
    }
}
