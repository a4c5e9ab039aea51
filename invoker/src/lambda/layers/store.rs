//! The layer versions of the account, and the `/opt` a function's layers make: the data of
//! [`crate::lambda::layers`], which the service's state holds.

use crate::base::error::ServiceError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The most layers a function may use.
pub(crate) const MAX_LAYERS: usize = 5;
/// The unzipped size limit of a function's code and all its layers together: 250 MB.
pub(crate) const MAX_UNZIPPED_BYTES: u64 = 262_144_000;
const MAX_LAYER_NAME_LEN: usize = 140;

/// The files of a layer version to publish, by path inside the archive.
///
/// ```
/// use invoker::LayerContent;
/// let content = LayerContent::new()
///     .file("config/settings.json", r#"{"currency": "KRW"}"#)
///     .file_of_size("lib/libvips.so", 40 * 1024 * 1024);
/// ```
#[derive(Clone, Debug, Default)]
pub struct LayerContent {
    files: BTreeMap<String, OptFile>,
}

impl LayerContent {
    /// An empty layer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A file at `path` (relative to `/opt`) with these contents.
    pub fn file(mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        let contents: Arc<[u8]> = contents.into().into();
        let file = OptFile {
            size: contents.len() as u64,
            contents,
            layer: String::new(),
        };
        self.files.insert(normalize(&path.into()), file);
        self
    }

    /// A file whose contents the lesson does not need, only its size: a big native library,
    /// a machine-learning model. Reading it gives no bytes.
    pub fn file_of_size(mut self, path: impl Into<String>, size: u64) -> Self {
        let file = OptFile {
            size,
            contents: Arc::from(Vec::new()),
            layer: String::new(),
        };
        self.files.insert(normalize(&path.into()), file);
        self
    }

    pub(crate) fn unzipped_size(&self) -> u64 {
        self.files.values().map(|f| f.size).sum()
    }

    /// How many files it holds.
    pub(crate) fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// A published layer version, as `publish-layer-version` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerVersion {
    /// `arn:aws:lambda:<region>:<account>:layer:<name>:<version>`.
    pub layer_version_arn: String,
    /// The version number: 1 for a layer's first, then one more for each publish.
    pub version: u32,
    /// The unzipped size of its files, in bytes.
    pub code_size: u64,
}

/// One file in `/opt`, remembering which layer version put it there.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OptFile {
    contents: Arc<[u8]>,
    size: u64,
    layer: String,
}

/// The `/opt` directory of an execution environment: every layer of the function, merged in
/// order. Read-only, as on Lambda (only `/tmp` is writable).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opt {
    files: Arc<BTreeMap<String, OptFile>>,
}

impl Opt {
    /// A file's contents; the path may be given as `/opt/lib/x` or `lib/x`.
    pub fn read(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&normalize(path)).map(|f| &*f.contents)
    }

    /// A file's contents as text, if it exists and is UTF-8.
    pub fn read_to_string(&self, path: &str) -> Option<&str> {
        self.read(path)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
    }

    /// Every path in `/opt`, sorted, as `/opt/...`.
    pub fn paths(&self) -> Vec<String> {
        self.files.keys().map(|p| format!("/opt/{p}")).collect()
    }

    /// The layer version whose copy of a file is the one in `/opt`. Lambda has no such call:
    /// it is the invoker's window onto the merge, for tests and lessons.
    pub fn layer_of(&self, path: &str) -> Option<&str> {
        self.files.get(&normalize(path)).map(|f| f.layer.as_str())
    }
}

/// Every layer and its versions, by layer name.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    layers: BTreeMap<String, LayerHistory>,
}

#[derive(Debug, Default)]
struct LayerHistory {
    last_version: u32,
    /// Versions not deleted. A deleted one lives on in the `Opt` of functions that use it.
    versions: BTreeMap<u32, Arc<LayerContent>>,
}

impl Layers {
    /// Adds the next version of a layer; returns its number. Numbers are never reused.
    pub(crate) fn publish(&mut self, layer_name: &str, content: LayerContent) -> u32 {
        let history = self.layers.entry(layer_name.to_owned()).or_default();
        history.last_version += 1;
        history
            .versions
            .insert(history.last_version, Arc::new(content));
        history.last_version
    }

    /// Deletes a layer version, if there is one.
    pub(crate) fn delete(&mut self, layer_name: &str, version: u32) {
        if let Some(history) = self.layers.get_mut(layer_name) {
            history.versions.remove(&version);
        }
    }

    /// Builds the `/opt` of a function from its layer ARNs and checks the size limit with its
    /// own code: what `create-function` and `update-function-configuration` do.
    pub(crate) fn merge(&self, layer_arns: &[String], code_size: u64) -> Result<Opt, ServiceError> {
        if layer_arns.len() > MAX_LAYERS {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Cannot reference more than {MAX_LAYERS} layers."
            )));
        }
        let parsed = layer_arns
            .iter()
            .map(|arn| parse_layer_version_arn(arn))
            .collect::<Result<Vec<_>, _>>()?;
        refuse_two_versions_of_one_layer(layer_arns, &parsed)?;
        if code_size > MAX_UNZIPPED_BYTES {
            // The code alone is too big, whatever the layers (recorded).
            return Err(ServiceError::invalid_parameter_value(format!(
                "Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"
            )));
        }
        let mut files = BTreeMap::new();
        let mut total = code_size;
        for (arn, (name, version)) in layer_arns.iter().zip(parsed) {
            let content = self.find(arn, name, version)?;
            total += content.unzipped_size();
            for (path, file) in &content.files {
                // A later layer's file replaces an earlier one's at the same path.
                let file = OptFile {
                    layer: arn.clone(),
                    ..file.clone()
                };
                files.insert(path.clone(), file);
            }
        }
        if total > MAX_UNZIPPED_BYTES {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Function code combined with layers exceeds the maximum allowed size of {MAX_UNZIPPED_BYTES} bytes. The actual size is {total} bytes."
            )));
        }
        Ok(Opt {
            files: Arc::new(files),
        })
    }

    fn find(
        &self,
        arn: &str,
        name: &str,
        version: u32,
    ) -> Result<&Arc<LayerContent>, ServiceError> {
        self.layers
            .get(name)
            .and_then(|history| history.versions.get(&version))
            .ok_or_else(|| {
                ServiceError::invalid_parameter_value(format!(
                    "Layer version {arn} does not exist."
                ))
            })
    }
}

/// Lambda refuses a function that lists one layer twice, in two versions or the same one, before
/// it looks any version up; the message names the first such pair in the list.
fn refuse_two_versions_of_one_layer(
    layer_arns: &[String],
    parsed: &[(&str, u32)],
) -> Result<(), ServiceError> {
    for (later, (name, _)) in parsed.iter().enumerate() {
        if let Some(earlier) = parsed[..later].iter().position(|(other, _)| other == name) {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Two different versions of the same layer are not allowed to be referenced in the same function. {} and {} are versions of the same layer.",
                layer_arns[earlier], layer_arns[later]
            )));
        }
    }
    Ok(())
}

/// `(name, version)` of a layer version ARN, or AWS's validation error (recorded in 2025, with
/// the length limit and the Region pattern of today's API).
fn parse_layer_version_arn(arn: &str) -> Result<(&str, u32), ServiceError> {
    let invalid = || {
        ServiceError::validation(format!(
            "1 validation error detected: Value '[{arn}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{{2}}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{{1}}:\\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]"
        ))
    };
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, account, "layer", name, version]
            if account.len() == 12 && valid_layer_name(name) =>
        {
            let version = version.parse().map_err(|_| invalid())?;
            Ok((name, version))
        }
        _ => Err(invalid()),
    }
}

pub(crate) fn valid_layer_name(name: &str) -> bool {
    (1..=MAX_LAYER_NAME_LEN).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `name:version` of a layer version ARN, for the transcript.
pub(crate) fn short_name(arn: &str) -> &str {
    arn.split_once(":layer:").map_or(arn, |(_, rest)| rest)
}

/// Paths are kept relative to `/opt`, without a leading slash.
fn normalize(path: &str) -> String {
    let path = path.strip_prefix("/opt/").unwrap_or(path);
    path.trim_start_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::error::ErrorCode;

    fn layers_with(versions: &[(&str, LayerContent)]) -> Layers {
        let mut layers = Layers::default();
        for (name, content) in versions {
            let history = layers.layers.entry((*name).to_owned()).or_default();
            history.last_version += 1;
            history
                .versions
                .insert(history.last_version, Arc::new(content.clone()));
        }
        layers
    }

    const ACCOUNT: &str = "arn:aws:lambda:us-east-1:123456789012:layer";

    #[test]
    fn a_later_layer_replaces_an_earlier_ones_file() {
        let layers = layers_with(&[
            ("base", LayerContent::new().file("etc/app.conf", "base")),
            (
                "patch",
                LayerContent::new().file("/opt/etc/app.conf", "patch"),
            ),
        ]);
        let arns = [format!("{ACCOUNT}:base:1"), format!("{ACCOUNT}:patch:1")];
        let opt = layers.merge(&arns, 0).unwrap();
        assert_eq!(opt.read_to_string("/opt/etc/app.conf"), Some("patch"));
        assert_eq!(opt.layer_of("etc/app.conf"), Some(arns[1].as_str()));
        let reversed = [arns[1].clone(), arns[0].clone()];
        let opt = layers.merge(&reversed, 0).unwrap();
        assert_eq!(opt.read_to_string("etc/app.conf"), Some("base"));
    }

    #[test]
    fn code_and_layers_share_one_size_limit() {
        let layers = layers_with(&[(
            "big",
            LayerContent::new().file_of_size("lib/x", 200_000_000),
        )]);
        let arns = [format!("{ACCOUNT}:big:1")];
        assert!(layers.merge(&arns, 62_144_000).is_ok());
        let error = layers.merge(&arns, 62_144_001).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidParameterValueException);
        assert_eq!(error.message, "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is 262144001 bytes.");
    }

    #[test]
    fn at_most_five_layers_and_only_existing_versions() {
        let layers = layers_with(&[("a", LayerContent::new())]);
        let six = vec![format!("{ACCOUNT}:a:1"); 6];
        assert_eq!(
            layers.merge(&six, 0).unwrap_err().code,
            ErrorCode::InvalidParameterValueException
        );
        let missing = [format!("{ACCOUNT}:a:2")];
        assert_eq!(
            layers.merge(&missing, 0).unwrap_err().message,
            format!("Layer version {ACCOUNT}:a:2 does not exist.")
        );
        let unversioned = [format!("{ACCOUNT}:a")];
        assert_eq!(
            layers.merge(&unversioned, 0).unwrap_err().code,
            ErrorCode::ValidationException
        );
    }
}
