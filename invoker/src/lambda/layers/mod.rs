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
//! The messages are AWS's recorded ones. Not modelled: layers of another Region (the invoker's
//! account lives in one Region) and layer permissions for other accounts.

pub(crate) mod store;

use crate::base::error::ServiceError;
use crate::base::transcript::Entry;
use crate::lambda::service::Lambda;
use store::{valid_layer_name, LayerContent, LayerVersion, MAX_UNZIPPED_BYTES};

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
        let code_size = content.unzipped_size();
        if code_size > MAX_UNZIPPED_BYTES {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"
            )));
        }
        let scope = &self.inner.platform.scope;
        let at = self.elapsed();
        let files = content.file_count();
        let version = self.state().layers.publish(layer_name, content);
        let layer_version_arn = format!(
            "arn:aws:lambda:{}:{}:layer:{layer_name}:{version}",
            scope.region, scope.account_id
        );
        self.inner.platform.record(Entry::Api {
            at,
            text: format!(
                "publish-layer-version {layer_version_arn} ({files} files, {code_size} bytes)"
            ),
        });
        Ok(LayerVersion {
            layer_version_arn,
            version,
            code_size,
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
