//! Layers: code and data shared between functions, laid into `/opt`.
//!
//! A **layer** is a zip archive of files (libraries, a custom runtime, configuration, a model)
//! published apart from any function. Each `publish-layer-version` makes a new, numbered,
//! immutable **layer version** with an ARN of its own
//! (`arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:3`). A function lists up to five
//! layer versions, and when an execution environment starts, Lambda extracts them into `/opt`
//! **in the order listed**: where two layers hold the same path, the later one's file is the one
//! the code sees. That is why a custom runtime layer goes first and the libraries that patch it
//! after.
//!
//! Layers keep deployment packages small and share dependencies, but they do not make anything
//! bigger fit: the function's own unzipped code plus all its layers must stay within 250 MB
//! (262,144,000 bytes), the same limit as a package without layers.
//!
//! Rules kept as on AWS:
//! - a function references layer *versions* (the ARN ends in a number), never "the latest";
//! - a deleted layer version keeps working for the functions that already use it, but a new
//!   function (or configuration) cannot reference it;
//! - a function's layers are part of its configuration, so a published version keeps the layer
//!   versions it was published with;
//! - a function lists each layer once: two versions of one layer (or one version twice) are
//!   refused.
//!
//! A layer version has a policy of its own, apart from any function's: `add-layer-version-permission`
//! lets another account (or everyone, or an organization) use it in their functions. The
//! invoker keeps and shows those statements with AWS's shapes and refusals; since it holds one
//! account, no other account is there to use them.
//!
//! The messages are AWS's recorded ones. Not modelled: layers of another Region (the invoker's
//! account lives in one Region), and a policy's `RevisionId` (so no `--revision-id` check).

pub(crate) mod store;

use crate::base::error::ServiceError;
use crate::base::transcript::Entry;
use crate::lambda::service::Lambda;
use serde_json::{json, Value};
use store::{
    parse_arn_to_get, valid_layer_name, LayerContent, LayerPermission, LayerVersion, Published,
    LAYER_ACTION, MAX_UNZIPPED_BYTES,
};

impl Lambda {
    /// Publishes a new version of a layer, like `aws lambda publish-layer-version`.
    pub fn publish_layer_version(
        &self,
        layer_name: &str,
        content: LayerContent,
    ) -> Result<LayerVersion, ServiceError> {
        if !valid_layer_name(layer_name) {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{layer_name}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{{12}}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+"
            )));
        }
        content.check_compatibility()?;
        let code_size = content.unzipped_size();
        if code_size > MAX_UNZIPPED_BYTES {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"
            )));
        }
        let at = self.elapsed();
        let files = content.file_count();
        let created = self.inner.platform.clock.now();
        let layer_arn = self.layer_arn(layer_name);
        let published = {
            let mut state = self.state();
            let version = state.layers.publish(layer_name, content, created);
            let published = state
                .layers
                .get(layer_name, version)
                .expect("just published");
            published.describe(layer_name, &layer_arn, version)
        };
        self.inner.platform.record(Entry::Api {
            at,
            text: format!(
                "publish-layer-version {} ({files} files, {code_size} bytes)",
                published.layer_version_arn
            ),
        });
        Ok(published)
    }

    /// The latest version of each layer, like `aws lambda list-layers`; with a runtime or an
    /// architecture, the latest version published for it. A layer whose versions are all
    /// deleted is not listed.
    pub fn list_layers(
        &self,
        compatible_runtime: Option<&str>,
        compatible_architecture: Option<&str>,
    ) -> Vec<LayerVersion> {
        let state = self.state();
        state
            .layers
            .all()
            .filter_map(|(name, versions)| {
                let (version, latest) = versions.into_iter().find(|(_, published)| {
                    published.matches(compatible_runtime, compatible_architecture)
                })?;
                Some(latest.describe(name, &self.layer_arn(name), version))
            })
            .collect()
    }

    /// A layer's versions not deleted, newest first, like `aws lambda list-layer-versions`
    /// (with the same filters as [`Lambda::list_layers`]). A layer that does not exist has none.
    pub fn list_layer_versions(
        &self,
        layer_name: &str,
        compatible_runtime: Option<&str>,
        compatible_architecture: Option<&str>,
    ) -> Vec<LayerVersion> {
        let layer_arn = self.layer_arn(layer_name);
        let state = self.state();
        let Some((_, versions)) = state.layers.all().find(|(name, _)| *name == layer_name) else {
            return Vec::new();
        };
        versions
            .into_iter()
            .filter(|(_, published)| published.matches(compatible_runtime, compatible_architecture))
            .map(|(version, published)| published.describe(layer_name, &layer_arn, version))
            .collect()
    }

    /// One layer version, like `aws lambda get-layer-version`; a deleted one is not found.
    pub fn get_layer_version(
        &self,
        layer_name: &str,
        version: u32,
    ) -> Result<LayerVersion, ServiceError> {
        let state = self.state();
        let published = state.layers.get(layer_name, version).ok_or_else(|| {
            ServiceError::resource_not_found("The resource you requested does not exist.")
        })?;
        Ok(published.describe(layer_name, &self.layer_arn(layer_name), version))
    }

    /// One layer version by its ARN, like `aws lambda get-layer-version-by-arn`.
    pub fn get_layer_version_by_arn(&self, arn: &str) -> Result<LayerVersion, ServiceError> {
        let (layer_name, version) = parse_arn_to_get(arn)?;
        self.get_layer_version(layer_name, version)
    }

    /// Adds a statement to a layer version's policy, like `aws lambda
    /// add-layer-version-permission`; returns the statement as AWS does.
    pub fn add_layer_version_permission(
        &self,
        layer_name: &str,
        version: u32,
        permission: LayerPermission,
    ) -> Result<Value, ServiceError> {
        if permission.action != LAYER_ACTION {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: {LAYER_ACTION}",
                permission.action
            )));
        }
        if !permission.valid_principal() {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{}' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{{12}}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{{12}}:root",
                permission.principal
            )));
        }
        let layer_version_arn = format!("{}:{version}", self.layer_arn(layer_name));
        let at = self.elapsed();
        let statement = {
            let mut state = self.state();
            let published = self.published_mut(&mut state.layers, layer_name, version)?;
            if (published.statements.iter()).any(|s| s.statement_id == permission.statement_id) {
                return Err(ServiceError::resource_conflict(format!(
                    "The statement id ({}) provided already exists. Please provide a new statement id, or remove the existing statement.",
                    permission.statement_id
                )));
            }
            let statement = permission.to_json(&layer_version_arn);
            published.statements.push(permission);
            statement
        };
        self.inner.platform.record(Entry::Api {
            at,
            text: format!(
                "add-layer-version-permission {layer_version_arn}: {} may {}",
                statement["Principal"], LAYER_ACTION
            ),
        });
        Ok(statement)
    }

    /// A layer version's policy, like `aws lambda get-layer-version-policy`:
    /// `{"Version": "2012-10-17", "Id": "default", "Statement": [...]}`.
    pub fn get_layer_version_policy(
        &self,
        layer_name: &str,
        version: u32,
    ) -> Result<Value, ServiceError> {
        let layer_version_arn = format!("{}:{version}", self.layer_arn(layer_name));
        let mut state = self.state();
        let published = self.published_mut(&mut state.layers, layer_name, version)?;
        if published.statements.is_empty() {
            return Err(no_policy());
        }
        Ok(json!({
            "Version": "2012-10-17",
            "Id": "default",
            "Statement": (published.statements.iter())
                .map(|s| s.to_json(&layer_version_arn))
                .collect::<Vec<_>>(),
        }))
    }

    /// Removes a statement from a layer version's policy, like `aws lambda
    /// remove-layer-version-permission`.
    pub fn remove_layer_version_permission(
        &self,
        layer_name: &str,
        version: u32,
        statement_id: &str,
    ) -> Result<(), ServiceError> {
        let at = self.elapsed();
        {
            let mut state = self.state();
            let published = self.published_mut(&mut state.layers, layer_name, version)?;
            if published.statements.is_empty() {
                return Err(no_policy());
            }
            let before = published.statements.len();
            published
                .statements
                .retain(|s| s.statement_id != statement_id);
            if published.statements.len() == before {
                return Err(ServiceError::resource_not_found(format!(
                    "Statement {statement_id} is not found in resource policy."
                )));
            }
        }
        self.inner.platform.record(Entry::Api {
            at,
            text: format!(
                "remove-layer-version-permission {}:{version}: {statement_id}",
                self.layer_arn(layer_name)
            ),
        });
        Ok(())
    }

    /// `arn:aws:lambda:<region>:<account>:layer:<name>`.
    fn layer_arn(&self, layer_name: &str) -> String {
        let scope = &self.inner.platform.scope;
        format!(
            "arn:aws:lambda:{}:{}:layer:{layer_name}",
            scope.region, scope.account_id
        )
    }

    /// A layer version whose policy a call reads or changes, or the refusal AWS gives for a
    /// layer or version that does not exist (recorded: the same 404 for either).
    fn published_mut<'a>(
        &self,
        layers: &'a mut store::Layers,
        layer_name: &str,
        version: u32,
    ) -> Result<&'a mut Published, ServiceError> {
        let arn = format!("{}:{version}", self.layer_arn(layer_name));
        layers.get_mut(layer_name, version).ok_or_else(|| {
            ServiceError::resource_not_found(format!("Layer version {arn} does not exist."))
        })
    }

    /// Deletes a layer version, like `aws lambda delete-layer-version`. Functions that already
    /// use it keep it; new configurations can no longer reference it. Deleting a version that
    /// does not exist succeeds, as on AWS.
    pub fn delete_layer_version(&self, layer_name: &str, version: u32) {
        let at = self.elapsed();
        self.state().layers.delete(layer_name, version);
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("delete-layer-version {layer_name}:{version}"),
        });
    }
}

/// A layer version's policy without a statement (recorded).
fn no_policy() -> ServiceError {
    ServiceError::resource_not_found("No policy is associated with the given resource.")
}
