//! The layer versions of the account, and the `/opt` a function's layers make: the data of
//! [`crate::lambda::layers`], which the service's state holds.

use crate::base::arn::is_plain_name;
use crate::base::clock::rfc3339_millis;
use crate::base::error::ServiceError;
use crate::lambda::config::RUNTIMES;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

/// The most layers a function may use.
pub(crate) const MAX_LAYERS: usize = 5;
/// The unzipped size limit of a function's code and all its layers together: 250 MB.
pub(crate) const MAX_UNZIPPED_BYTES: u64 = 262_144_000;
const MAX_LAYER_NAME_LEN: usize = 140;
/// The architectures a layer may be published for.
const ARCHITECTURES: [&str; 2] = ["x86_64", "arm64"];
/// Retired runtimes no new function may use, which a layer may still name among its compatible
/// runtimes (recorded: AWS published a layer for each), though Lambda's refusal of an unknown
/// runtime lists only the runtimes of today.
const RETIRED_RUNTIMES_FOR_LAYERS: [&str; 8] = [
    "nodejs14.x",
    "nodejs12.x",
    "python3.7",
    "java8",
    "dotnetcore3.1",
    "go1.x",
    "ruby2.7",
    "provided",
];

/// The files of a layer version to publish, by path inside the archive.
///
/// ```
/// use invoker::LayerContent;
/// let content = LayerContent::new()
///     .file("config/settings.json", r#"{"currency": "KRW"}"#)
///     .file_of_size("lib/libvips.so", 40 * 1024 * 1024);
/// ```
///
/// Besides the files, what `publish-layer-version` takes about them: a description, the
/// runtimes and architectures the layer is meant for (checked against Lambda's lists, which for
/// a layer still hold a few retired runtimes, then only shown and used to filter `list-layers`:
/// Lambda does not refuse a function whose runtime a layer does not list), a license, and the
/// archive they came from.
#[derive(Clone, Debug, Default)]
pub struct LayerContent {
    files: BTreeMap<String, OptFile>,
    description: String,
    compatible_runtimes: Vec<String>,
    compatible_architectures: Vec<String>,
    license_info: Option<String>,
    archive: Option<Archive>,
}

/// The zip archive a layer version was published from: Lambda answers its SHA-256 and its size.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Archive {
    sha256_base64: String,
    size: u64,
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

    /// `--description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// `--compatible-runtimes`: the runtimes the layer is meant for (at most 15).
    pub fn compatible_runtimes<S: Into<String>>(
        mut self,
        runtimes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.compatible_runtimes = runtimes.into_iter().map(Into::into).collect();
        self
    }

    /// `--compatible-architectures`: `x86_64`, `arm64` or both.
    pub fn compatible_architectures<S: Into<String>>(
        mut self,
        architectures: impl IntoIterator<Item = S>,
    ) -> Self {
        self.compatible_architectures = architectures.into_iter().map(Into::into).collect();
        self
    }

    /// `--license-info`: an SPDX identifier, a URL or any short text.
    pub fn license_info(mut self, license: impl Into<String>) -> Self {
        self.license_info = Some(license.into());
        self
    }

    /// The zip archive the files were unpacked from: its SHA-256 (base64, as Lambda shows
    /// `CodeSha256`) and its size in bytes. Without it, a layer version has no `CodeSha256` and
    /// its `CodeSize` is the size of its files.
    pub fn archive(mut self, sha256_base64: impl Into<String>, size: u64) -> Self {
        self.archive = Some(Archive {
            sha256_base64: sha256_base64.into(),
            size,
        });
        self
    }

    /// Lambda's refusal of runtimes or architectures outside its lists: one message that names
    /// each list with a bad value, as recorded. A retired runtime is not refused.
    pub(crate) fn check_compatibility(&self) -> Result<(), ServiceError> {
        let mut problems = Vec::new();
        let known = |runtime: &str| {
            RUNTIMES.contains(&runtime) || RETIRED_RUNTIMES_FOR_LAYERS.contains(&runtime)
        };
        if !self.compatible_runtimes.iter().all(|r| known(r)) {
            problems.push(format!(
                "Value '[{}]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                self.compatible_runtimes.join(", "),
                RUNTIMES.join(", ")
            ));
        }
        if (self.compatible_architectures.iter()).any(|a| !ARCHITECTURES.contains(&a.as_str())) {
            problems.push(format!(
                "Value '[{}]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{}], Member must not be null]",
                self.compatible_architectures.join(", "),
                ARCHITECTURES.join(", ")
            ));
        }
        ServiceError::check_all(&problems)
    }

    pub(crate) fn unzipped_size(&self) -> u64 {
        self.files.values().map(|f| f.size).sum()
    }

    /// How many files it holds.
    pub(crate) fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// A published layer version, as `publish-layer-version` and `get-layer-version` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerVersion {
    /// The layer's name.
    pub layer_name: String,
    /// `arn:aws:lambda:<region>:<account>:layer:<name>`: the layer, without a version.
    pub layer_arn: String,
    /// `arn:aws:lambda:<region>:<account>:layer:<name>:<version>`.
    pub layer_version_arn: String,
    /// The version number: 1 for a layer's first, then one more for each publish.
    pub version: u32,
    /// The unzipped size of its files, in bytes.
    pub code_size: u64,
    /// The size of the zip archive it was published from, if it came from one.
    pub archive_size: Option<u64>,
    /// The archive's SHA-256, base64-encoded, if it came from one.
    pub code_sha256: Option<String>,
    /// Its description (empty if none was given).
    pub description: String,
    /// The runtimes it was published for.
    pub compatible_runtimes: Vec<String>,
    /// The architectures it was published for.
    pub compatible_architectures: Vec<String>,
    /// Its license, if one was given.
    pub license_info: Option<String>,
    /// When it was published, in Lambda's format: `2025-01-01T00:00:00.000+0000`.
    pub created_date: String,
}

/// A statement of a layer version's policy, as `add-layer-version-permission` takes it: which
/// account (or `*`, everyone, or everyone in an organization) may use the layer version.
///
/// ```
/// use invoker::LayerPermission;
/// let team_b = LayerPermission::new("team-b", "210987654321");
/// let org = LayerPermission::new("org", "*").organization_id("o-a1b2c3d4e5");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerPermission {
    pub(crate) statement_id: String,
    pub(crate) principal: String,
    pub(crate) action: String,
    pub(crate) organization_id: Option<String>,
}

impl LayerPermission {
    /// A statement that lets `principal` (an account id or `*`) get the layer version, the
    /// one action a layer's policy grants.
    pub fn new(statement_id: impl Into<String>, principal: impl Into<String>) -> Self {
        Self {
            statement_id: statement_id.into(),
            principal: principal.into(),
            action: LAYER_ACTION.to_owned(),
            organization_id: None,
        }
    }

    /// `--action`: Lambda accepts only `lambda:GetLayerVersion`, and refuses anything else.
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = action.into();
        self
    }

    /// `--organization-id`: with the principal `*`, only the accounts of this organization.
    pub fn organization_id(mut self, organization: impl Into<String>) -> Self {
        self.organization_id = Some(organization.into());
        self
    }

    /// `*`, an account id, or an account's root user's ARN: who a layer can be shared with.
    pub(crate) fn valid_principal(&self) -> bool {
        let account = |id: &str| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit());
        let root_user = |arn: &str| {
            arn.strip_prefix("arn:aws:iam::")
                .and_then(|rest| rest.strip_suffix(":root"))
                .is_some_and(account)
        };
        self.principal == "*" || account(&self.principal) || root_user(&self.principal)
    }

    /// The statement as the policy shows it: an account id becomes its root user's ARN, and an
    /// organization a condition on `aws:PrincipalOrgID`.
    pub(crate) fn to_json(&self, layer_version_arn: &str) -> Value {
        let principal = match self.principal.as_str() {
            "*" => json!("*"),
            arn if arn.starts_with("arn:") => json!({ "AWS": arn }),
            account => json!({ "AWS": format!("arn:aws:iam::{account}:root") }),
        };
        let mut statement = json!({
            "Sid": self.statement_id,
            "Effect": "Allow",
            "Principal": principal,
            "Action": self.action,
            "Resource": layer_version_arn,
        });
        if let Some(organization) = &self.organization_id {
            statement["Condition"] =
                json!({ "StringEquals": { "aws:PrincipalOrgID": organization } });
        }
        statement
    }
}

/// The one action a layer version's policy may grant.
pub(crate) const LAYER_ACTION: &str = "lambda:GetLayerVersion";

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
    versions: BTreeMap<u32, Published>,
}

/// One version of a layer as the account keeps it.
#[derive(Debug)]
pub(crate) struct Published {
    pub(crate) content: Arc<LayerContent>,
    pub(crate) created: SystemTime,
    /// Its policy's statements, in the order they were added.
    pub(crate) statements: Vec<LayerPermission>,
}

impl Published {
    /// The version as Lambda describes it; `arn` is the layer's, without the version.
    pub(crate) fn describe(&self, name: &str, layer_arn: &str, version: u32) -> LayerVersion {
        let content = &self.content;
        LayerVersion {
            layer_name: name.to_owned(),
            layer_arn: layer_arn.to_owned(),
            layer_version_arn: format!("{layer_arn}:{version}"),
            version,
            code_size: content.unzipped_size(),
            archive_size: content.archive.as_ref().map(|a| a.size),
            code_sha256: content.archive.as_ref().map(|a| a.sha256_base64.clone()),
            description: content.description.clone(),
            compatible_runtimes: content.compatible_runtimes.clone(),
            compatible_architectures: content.compatible_architectures.clone(),
            license_info: content.license_info.clone(),
            // Lambda's timestamps end in an offset, not `Z`.
            created_date: rfc3339_millis(self.created).replace('Z', "+0000"),
        }
    }

    /// Whether `list-layers` and `list-layer-versions` show it for these filters.
    pub(crate) fn matches(&self, runtime: Option<&str>, architecture: Option<&str>) -> bool {
        let lists = |list: &[String], wanted: Option<&str>| {
            wanted.is_none_or(|wanted| list.iter().any(|item| item == wanted))
        };
        lists(&self.content.compatible_runtimes, runtime)
            && lists(&self.content.compatible_architectures, architecture)
    }
}

impl Layers {
    /// Adds the next version of a layer; returns its number. Numbers are never reused.
    pub(crate) fn publish(
        &mut self,
        layer_name: &str,
        content: LayerContent,
        created: SystemTime,
    ) -> u32 {
        let history = self.layers.entry(layer_name.to_owned()).or_default();
        history.last_version += 1;
        let published = Published {
            content: Arc::new(content),
            created,
            statements: Vec::new(),
        };
        history.versions.insert(history.last_version, published);
        history.last_version
    }

    /// A version not deleted.
    pub(crate) fn get(&self, layer_name: &str, version: u32) -> Option<&Published> {
        self.layers.get(layer_name)?.versions.get(&version)
    }

    /// The same, to change its policy.
    pub(crate) fn get_mut(&mut self, layer_name: &str, version: u32) -> Option<&mut Published> {
        self.layers.get_mut(layer_name)?.versions.get_mut(&version)
    }

    /// Every layer's name with its versions not deleted, newest first; a layer whose versions
    /// are all deleted has none.
    pub(crate) fn all(&self) -> impl Iterator<Item = (&str, Vec<(u32, &Published)>)> {
        self.layers.iter().map(|(name, history)| {
            let newest_first = history.versions.iter().rev();
            (name.as_str(), newest_first.map(|(v, p)| (*v, p)).collect())
        })
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
        self.get(name, version)
            .map(|published| &published.content)
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

/// The pattern of a layer version ARN in Lambda's validation messages.
const LAYER_VERSION_ARN_PATTERN: &str = "(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";

/// `(name, version)` of a layer version ARN in a function's `Layers`, or AWS's validation error
/// (recorded in 2025, with the length limit and the Region pattern of today's API).
fn parse_layer_version_arn(arn: &str) -> Result<(&str, u32), ServiceError> {
    split_layer_version_arn(arn).ok_or_else(|| {
        ServiceError::validation(format!(
            "1 validation error detected: Value '[{arn}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {LAYER_VERSION_ARN_PATTERN}, Member must not be null]"
        ))
    })
}

/// `(name, version)` of the ARN `get-layer-version-by-arn` takes, or its validation error
/// (recorded).
pub(crate) fn parse_arn_to_get(arn: &str) -> Result<(&str, u32), ServiceError> {
    split_layer_version_arn(arn).ok_or_else(|| {
        ServiceError::validation(format!(
            "1 validation error detected: Value '{arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: {LAYER_VERSION_ARN_PATTERN}"
        ))
    })
}

fn split_layer_version_arn(arn: &str) -> Option<(&str, u32)> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, account, "layer", name, version]
            if account.len() == 12 && valid_layer_name(name) =>
        {
            Some((name, version.parse().ok()?))
        }
        _ => None,
    }
}

pub(crate) fn valid_layer_name(name: &str) -> bool {
    name.len() <= MAX_LAYER_NAME_LEN && is_plain_name(name)
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
            layers.publish(name, content.clone(), SystemTime::UNIX_EPOCH);
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
