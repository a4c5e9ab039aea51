//! Layers: published apart from functions, merged in order into `/opt`.

use crate::kit::answer;
use invoker::{
    service_fn, with_init, Diagnostic, ErrorCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    LayerContent,
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
