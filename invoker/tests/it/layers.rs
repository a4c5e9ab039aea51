//! Layers: published apart from functions, merged in order into `/opt`.

use crate::kit::answer;
use invoker::{
    service_fn, with_init, Diagnostic, ErrorCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    LayerContent, LayerPermission, ServiceError,
};
use serde_json::{json, Value};
use std::sync::Arc;

/// A handler that answers with the text of `/opt/etc/greeting.txt` and the layer it came from.
async fn greet(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    let opt = ctx.opt();
    Ok(json!({
        "greeting": opt.read_to_string("/opt/etc/greeting.txt"),
        "from": opt.layer_of("/opt/etc/greeting.txt"),
    }))
}

#[tokio::test(start_paused = true)]
async fn layers_are_laid_into_opt_in_order_and_the_last_one_wins() {
    let lambda = Lambda::new();
    let base = lambda
        .publish_layer_version(
            "base",
            LayerContent::new()
                .file("etc/greeting.txt", "hello from base")
                .file("lib/common.txt", "shared"),
        )
        .unwrap();
    let overrides = lambda
        .publish_layer_version(
            "overrides",
            LayerContent::new().file("etc/greeting.txt", "hello from overrides"),
        )
        .unwrap();
    assert_eq!(
        base.layer_version_arn,
        "arn:aws:lambda:us-east-1:123456789012:layer:base:1"
    );
    let config = FunctionConfig::new("greeter")
        .layer(&base.layer_version_arn)
        .layer(&overrides.layer_version_arn);
    lambda.create_function(config, service_fn(greet)).unwrap();
    assert_eq!(
        answer(&lambda, "greeter").await,
        json!({ "greeting": "hello from overrides", "from": overrides.layer_version_arn })
    );

    // The other order: base is laid last, so its copy wins.
    lambda
        .update_function_configuration("greeter", |c| {
            let arns = c.layers.to_vec();
            arns.iter()
                .rev()
                .fold(FunctionConfig::new("greeter"), |c, arn| c.layer(arn))
        })
        .unwrap();
    assert_eq!(
        answer(&lambda, "greeter").await["greeting"],
        "hello from base"
    );
}

#[tokio::test(start_paused = true)]
async fn init_code_reads_opt_too_and_a_published_version_keeps_its_layer_versions() {
    let lambda = Lambda::new();
    let v1 = lambda
        .publish_layer_version(
            "settings",
            LayerContent::new().file("etc/greeting.txt", "v1"),
        )
        .unwrap();
    let init = |init: InitContext| async move {
        let greeting = init
            .opt()
            .read_to_string("etc/greeting.txt")
            .unwrap_or("none");
        Ok::<_, Diagnostic>(greeting.to_owned())
    };
    let handler = |greeting: Arc<String>, _: LambdaEvent<Value>| async move {
        Ok::<_, Diagnostic>(json!(*greeting))
    };
    lambda
        .create_function(
            FunctionConfig::new("f").layer(&v1.layer_version_arn),
            with_init(init, handler),
        )
        .unwrap();
    lambda.publish_version("f").unwrap();

    let v2 = lambda
        .publish_layer_version(
            "settings",
            LayerContent::new().file("etc/greeting.txt", "v2"),
        )
        .unwrap();
    assert_eq!(v2.version, 2);
    lambda
        .update_function_configuration("f", |_| {
            FunctionConfig::new("f").layer(&v2.layer_version_arn)
        })
        .unwrap();
    assert_eq!(answer(&lambda, "f").await, json!("v2"));
    assert_eq!(
        answer(&lambda, "f:1").await,
        json!("v1"),
        "version 1 is a snapshot"
    );
}

#[tokio::test(start_paused = true)]
async fn a_deleted_layer_version_keeps_working_where_it_is_used_but_cannot_be_added() {
    let lambda = Lambda::new();
    let layer = lambda
        .publish_layer_version("tools", LayerContent::new().file("etc/greeting.txt", "hi"))
        .unwrap();
    lambda
        .create_function(
            FunctionConfig::new("old").layer(&layer.layer_version_arn),
            service_fn(greet),
        )
        .unwrap();
    lambda.delete_layer_version("tools", 1);
    assert_eq!(answer(&lambda, "old").await["greeting"], "hi");

    let error = lambda
        .create_function(
            FunctionConfig::new("new").layer(&layer.layer_version_arn),
            service_fn(greet),
        )
        .unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "Layer version arn:aws:lambda:us-east-1:123456789012:layer:tools:1 does not exist."
        )
    );
}

#[tokio::test(start_paused = true)]
async fn code_and_layers_together_must_fit_in_250_mb() {
    let lambda = Lambda::new();
    let model = lambda
        .publish_layer_version(
            "model",
            LayerContent::new().file_of_size("model/weights.bin", 200 * 1024 * 1024),
        )
        .unwrap();
    let too_big = FunctionConfig::new("classify")
        .code_size_bytes(60 * 1024 * 1024)
        .layer(&model.layer_version_arn);
    let error = lambda
        .create_function(too_big, service_fn(greet))
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidParameterValueException);
    assert_eq!(
        error.message,
        "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is 272629760 bytes."
    );
    let fits = FunctionConfig::new("classify")
        .code_size_bytes(40 * 1024 * 1024)
        .layer(&model.layer_version_arn);
    lambda.create_function(fits, service_fn(greet)).unwrap();

    let six = (0..6).fold(FunctionConfig::new("many"), |c, _| {
        c.layer(&model.layer_version_arn)
    });
    assert_eq!(
        lambda
            .create_function(six, service_fn(greet))
            .unwrap_err()
            .message,
        "Cannot reference more than 5 layers."
    );
}

#[tokio::test(start_paused = true)]
async fn the_transcript_shows_publishing_and_which_layers_a_function_uses() {
    let lambda = Lambda::new();
    let layer = lambda
        .publish_layer_version("base", LayerContent::new().file("etc/greeting.txt", "hi"))
        .unwrap();
    lambda
        .create_function(
            FunctionConfig::new("greeter").layer(&layer.layer_version_arn),
            service_fn(greet),
        )
        .unwrap();
    let transcript = lambda.transcript();
    assert!(transcript.contains(
        "publish-layer-version arn:aws:lambda:us-east-1:123456789012:layer:base:1 (1 files, 2 bytes)"
    ));
    assert!(transcript.contains("with layers base:1"), "{transcript}");
}

const SHARED_LIBS: &str = "arn:aws:lambda:us-east-1:123456789012:layer:shared-libs";

/// `(code, status, message)` of a refusal, to compare in one line.
fn refusal<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> (ErrorCode, u16, String) {
    let error = result.unwrap_err();
    (error.code, error.status, error.message)
}

#[tokio::test(start_paused = true)]
async fn layers_are_listed_newest_first_and_read_back_with_what_they_were_published_with() {
    let lambda = Lambda::new();
    let first = LayerContent::new()
        .file("lib/a.so", "a")
        .description("ONNX Runtime 1.17")
        .compatible_runtimes(["provided.al2023"])
        .compatible_architectures(["x86_64"])
        .license_info("MIT");
    lambda.publish_layer_version("shared-libs", first).unwrap();
    let second = LayerContent::new()
        .file("lib/a.so", "a2")
        .compatible_architectures(["arm64"])
        .archive("c2hhMjU2", 180);
    let published = lambda.publish_layer_version("shared-libs", second).unwrap();
    assert_eq!(published.layer_arn, SHARED_LIBS);
    assert_eq!(published.layer_version_arn, format!("{SHARED_LIBS}:2"));
    assert_eq!(
        (published.code_sha256.as_deref(), published.archive_size),
        (Some("c2hhMjU2"), Some(180))
    );
    assert_eq!(published.created_date, "2025-01-01T00:00:00.000+0000");

    let versions = lambda.list_layer_versions("shared-libs", None, None);
    let numbers: Vec<u32> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, [2, 1], "newest first");
    let for_x86 = lambda.list_layer_versions("shared-libs", None, Some("x86_64"));
    assert_eq!(for_x86.len(), 1);
    assert_eq!(for_x86[0].description, "ONNX Runtime 1.17");
    assert_eq!(for_x86[0].license_info.as_deref(), Some("MIT"));
    assert!(lambda.list_layer_versions("nope", None, None).is_empty());

    let latest = lambda.list_layers(None, None);
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].version, 2, "the latest version of each layer");
    let for_runtime = lambda.list_layers(Some("provided.al2023"), None);
    assert_eq!(for_runtime[0].version, 1, "the latest one for that runtime");

    let by_arn = lambda.get_layer_version_by_arn(&format!("{SHARED_LIBS}:1"));
    assert_eq!(
        by_arn.unwrap(),
        lambda.get_layer_version("shared-libs", 1).unwrap()
    );
    lambda.delete_layer_version("shared-libs", 1);
    let not_found = (
        ErrorCode::ResourceNotFoundException,
        404,
        "The resource you requested does not exist.".to_owned(),
    );
    assert_eq!(
        refusal(lambda.get_layer_version("shared-libs", 1)),
        not_found
    );
    assert_eq!(
        refusal(lambda.get_layer_version_by_arn(SHARED_LIBS)),
        (
            ErrorCode::ValidationException,
            400,
            format!("1 validation error detected: Value '{SHARED_LIBS}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{{2}}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{{1}}:\\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)")
        )
    );
    lambda.delete_layer_version("shared-libs", 2);
    assert!(lambda.list_layers(None, None).is_empty(), "no version left");
}

#[tokio::test(start_paused = true)]
async fn runtimes_and_architectures_outside_lambdas_lists_are_refused_together() {
    let lambda = Lambda::new();
    let content = LayerContent::new()
        .compatible_runtimes(["invalidruntime", "nodejs20.x"])
        .compatible_architectures(["invalidarch"]);
    let (code, _, message) = refusal(lambda.publish_layer_version("bad", content));
    assert_eq!(code, ErrorCode::ValidationException);
    assert!(message.starts_with("2 validation errors detected: Value '[invalidruntime, nodejs20.x]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: [nodejs20.x, "), "{message}");
    assert!(message.ends_with("; Value '[invalidarch]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]"), "{message}");
}

#[tokio::test(start_paused = true)]
async fn a_layer_versions_policy_shares_it_with_accounts_as_aws_shows_it() {
    let lambda = Lambda::new();
    lambda
        .publish_layer_version("shared-libs", LayerContent::new())
        .unwrap();
    let no_policy = (
        ErrorCode::ResourceNotFoundException,
        404,
        "No policy is associated with the given resource.".to_owned(),
    );
    assert_eq!(
        refusal(lambda.get_layer_version_policy("shared-libs", 1)),
        no_policy
    );

    let team_b = LayerPermission::new("team-b", "210987654321");
    let statement = lambda
        .add_layer_version_permission("shared-libs", 1, team_b.clone())
        .unwrap();
    let resource = format!("{SHARED_LIBS}:1");
    assert_eq!(
        statement,
        json!({
            "Sid": "team-b", "Effect": "Allow",
            "Principal": { "AWS": "arn:aws:iam::210987654321:root" },
            "Action": "lambda:GetLayerVersion", "Resource": resource,
        })
    );
    let org = LayerPermission::new("org", "*").organization_id("o-a1b2c3d4e5");
    lambda
        .add_layer_version_permission("shared-libs", 1, org)
        .unwrap();
    let policy = lambda.get_layer_version_policy("shared-libs", 1).unwrap();
    assert_eq!(policy["Id"], "default");
    assert_eq!(policy["Statement"][0], statement);
    assert_eq!(
        policy["Statement"][1]["Condition"],
        json!({ "StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } })
    );

    assert_eq!(
        refusal(lambda.add_layer_version_permission("shared-libs", 1, team_b.clone())),
        (
            ErrorCode::ResourceConflictException,
            409,
            "The statement id (team-b) provided already exists. Please provide a new statement id, or remove the existing statement.".to_owned()
        )
    );
    let any_action = LayerPermission::new("s2", "*").action("*");
    assert_eq!(
        refusal(lambda.add_layer_version_permission("shared-libs", 1, any_action)).2,
        "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion"
    );
    assert_eq!(
        refusal(lambda.add_layer_version_permission("shared-libs", 2, team_b)),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Layer version {SHARED_LIBS}:2 does not exist.")
        )
    );
    assert_eq!(
        refusal(lambda.remove_layer_version_permission("shared-libs", 1, "nope")).2,
        "Statement nope is not found in resource policy."
    );
    lambda
        .remove_layer_version_permission("shared-libs", 1, "team-b")
        .unwrap();
    lambda
        .remove_layer_version_permission("shared-libs", 1, "org")
        .unwrap();
    assert_eq!(
        refusal(lambda.get_layer_version_policy("shared-libs", 1)),
        no_policy
    );
}
