//! Layers: `PublishLayerVersion` (from a zip archive), `ListLayers`, `ListLayerVersions`,
//! `GetLayerVersion`, `GetLayerVersionByArn`, `DeleteLayerVersion`, and a layer version's policy
//! (`AddLayerVersionPermission`, `GetLayerVersionPolicy`, `RemoveLayerVersionPermission`).
//!
//! A layer published here is the invoker's own: its files are in `/opt` of every function that
//! lists it (`update-function-configuration --layers …`). What differs from AWS:
//! - the archive travels in the request (`--zip-file fileb://layer.zip`, up to Lambda's 50 MB);
//!   `Content.S3Bucket`/`S3Key` is refused, since the server has no S3 endpoint
//!   a learner could have uploaded the archive to;
//! - `Content.Location`, where AWS answers a link to download the archive, is empty;
//! - a policy has no `RevisionId`, so `--revision-id` is not checked; the filters of
//!   `list-layers` are not checked against Lambda's list of runtimes (an unknown one matches
//!   nothing); and there is no paging (`Marker`): every layer is in one answer.

use crate::archive::Archive;
use crate::versions::required;
use invoker::{Lambda, LayerPermission, LayerVersion, ServiceError};
use serde_json::{json, Map, Value};

/// `PublishLayerVersion`: the archive's files become the new version's content.
pub fn publish(lambda: &Lambda, layer: &str, body: &Value) -> Result<Value, ServiceError> {
    let code = &body["Content"];
    if code.get("S3Bucket").is_some() || code.get("S3Key").is_some() {
        return Err(ServiceError::invalid_parameter_value(
            "The invoker cannot read a layer's archive from S3; send the archive itself (--zip-file fileb://layer.zip).",
        ));
    }
    let zip_file = code["ZipFile"].as_str().ok_or_else(|| {
        ServiceError::invalid_parameter_value(
            "The layer's Content needs its ZipFile (--zip-file fileb://layer.zip).",
        )
    })?;
    let strings = |member: &str| -> Vec<String> {
        let items = body[member].as_array().into_iter().flatten();
        items.filter_map(Value::as_str).map(str::to_owned).collect()
    };
    let mut content = Archive::from_base64(zip_file)?
        .layer_content()?
        .compatible_runtimes(strings("CompatibleRuntimes"))
        .compatible_architectures(strings("CompatibleArchitectures"));
    if let Some(description) = body["Description"].as_str() {
        content = content.description(description);
    }
    if let Some(license) = body["LicenseInfo"].as_str() {
        content = content.license_info(license);
    }
    let published = lambda.publish_layer_version(name_of(layer), content)?;
    Ok(layer_version(&published))
}

/// `ListLayers`: each layer with its latest version (for the runtime and architecture asked).
pub fn list(lambda: &Lambda, runtime: Option<&str>, architecture: Option<&str>) -> Value {
    let layers: Vec<Value> = lambda
        .list_layers(runtime, architecture)
        .iter()
        .map(|latest| {
            json!({
                "LayerName": latest.layer_name,
                "LayerArn": latest.layer_arn,
                "LatestMatchingVersion": version_summary(latest),
            })
        })
        .collect();
    json!({ "Layers": layers })
}

/// `ListLayerVersions`: newest first.
pub fn list_versions(
    lambda: &Lambda,
    layer: &str,
    runtime: Option<&str>,
    architecture: Option<&str>,
) -> Value {
    let versions: Vec<Value> = lambda
        .list_layer_versions(name_of(layer), runtime, architecture)
        .iter()
        .map(version_summary)
        .collect();
    json!({ "LayerVersions": versions })
}

/// `GetLayerVersion`.
pub fn get(lambda: &Lambda, layer: &str, version: &str) -> Result<Value, ServiceError> {
    let published = lambda.get_layer_version(name_of(layer), version_number(version)?)?;
    Ok(layer_version(&published))
}

/// `GetLayerVersionByArn`.
pub fn get_by_arn(lambda: &Lambda, arn: &str) -> Result<Value, ServiceError> {
    Ok(layer_version(&lambda.get_layer_version_by_arn(arn)?))
}

/// `DeleteLayerVersion`: deleting one that does not exist succeeds, as on AWS.
pub fn delete(lambda: &Lambda, layer: &str, version: &str) -> Result<(), ServiceError> {
    lambda.delete_layer_version(name_of(layer), version_number(version)?);
    Ok(())
}

/// `AddLayerVersionPermission`: `StatementId`, `Action`, `Principal`, and the optional
/// `OrganizationId`. The statement is answered as JSON inside a string, as the API does.
pub fn add_permission(
    lambda: &Lambda,
    layer: &str,
    version: &str,
    body: &Value,
) -> Result<Value, ServiceError> {
    let mut permission =
        LayerPermission::new(required(body, "StatementId")?, required(body, "Principal")?)
            .action(required(body, "Action")?);
    if let Some(organization) = body["OrganizationId"].as_str() {
        permission = permission.organization_id(organization);
    }
    let statement = lambda.add_layer_version_permission(
        name_of(layer),
        version_number(version)?,
        permission,
    )?;
    Ok(json!({ "Statement": statement.to_string() }))
}

/// `GetLayerVersionPolicy`: the policy as a string.
pub fn get_policy(lambda: &Lambda, layer: &str, version: &str) -> Result<Value, ServiceError> {
    let policy = lambda.get_layer_version_policy(name_of(layer), version_number(version)?)?;
    Ok(json!({ "Policy": policy.to_string() }))
}

/// `RemoveLayerVersionPermission`.
pub fn remove_permission(
    lambda: &Lambda,
    layer: &str,
    version: &str,
    statement_id: &str,
) -> Result<(), ServiceError> {
    lambda.remove_layer_version_permission(name_of(layer), version_number(version)?, statement_id)
}

/// The API's `LayerName` may be the layer's ARN (`arn:aws:lambda:…:layer:shared-libs`).
fn name_of(layer: &str) -> &str {
    layer.split_once(":layer:").map_or(layer, |(_, name)| name)
}

/// The path's `VersionNumber` (a `Long` in the API) as the invoker's version number, refused as
/// Lambda refuses one below 1 (recorded). A number no layer can reach is simply not found.
fn version_number(label: &str) -> Result<u32, ServiceError> {
    match label.parse::<i64>() {
        Ok(number) if number < 1 => Err(ServiceError::invalid_parameter_value(
            "Layer Version Cannot be less than 1",
        )),
        Ok(number) => Ok(u32::try_from(number).unwrap_or(u32::MAX)),
        Err(_) => Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{label}' at 'versionNumber' failed to satisfy constraint: Member must be a number"
        ))),
    }
}

/// A layer version's `CodeSize`, as `Content` and a function's `Layers` show it: the size of
/// the zip archive it was published from.
pub(crate) fn code_size(published: &LayerVersion) -> u64 {
    published.archive_size.unwrap_or(published.code_size)
}

/// The whole `GetLayerVersion` answer (and `PublishLayerVersion`'s).
fn layer_version(published: &LayerVersion) -> Value {
    let mut answer = version_summary(published);
    let mut code = Map::new();
    code.insert("Location".into(), json!(""));
    if let Some(sha256) = &published.code_sha256 {
        code.insert("CodeSha256".into(), json!(sha256));
    }
    code.insert("CodeSize".into(), json!(code_size(published)));
    answer["Content"] = Value::Object(code);
    answer["LayerArn"] = json!(published.layer_arn);
    answer
}

/// A version as `ListLayerVersions` and `ListLayers` show it (`LayerVersionsListItem`).
fn version_summary(published: &LayerVersion) -> Value {
    let mut summary = json!({
        "LayerVersionArn": published.layer_version_arn,
        "Version": published.version,
        "Description": published.description,
        "CreatedDate": published.created_date,
        "CompatibleRuntimes": published.compatible_runtimes,
        "CompatibleArchitectures": published.compatible_architectures,
    });
    if let Some(license) = &published.license_info {
        summary["LicenseInfo"] = json!(license);
    }
    summary
}
