//! Tests for exercise 20. The first two compare your `predict_opt` with what the invoker really
//! lays into `/opt`, for many orders of the layers. The others deploy the tagger with your
//! `tagger_config` and send it photos.

use assert_json_diff::assert_json_eq;
use invoker::testing::{deployed, invoke};
use invoker::{service_fn, Diagnostic, FunctionConfig, InvokeRequest, Lambda, LambdaEvent};
use layers::{
    deploy, predict_opt, publish_layers, Layer, CPP_RUNTIME, DEBUG_TOOLS, FUNCTION, SHARED_LIBS,
    SHARED_LIBS_PATCH, SLIM_PACKAGE_BYTES, TAGGER_MODEL, TELEMETRY_EXTENSION,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Lists `/opt` as a function sees it: each path, and the name of the layer its file came from.
async fn list_opt(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    let opt = ctx.opt();
    let listing: BTreeMap<String, String> = opt
        .paths()
        .into_iter()
        .map(|path| {
            // arn:aws:lambda:us-east-1:123456789012:layer:<name>:<version>
            let arn = opt.layer_of(&path).unwrap_or_default();
            let name = arn.rsplit(':').nth(1).unwrap_or_default().to_owned();
            (path, name)
        })
        .collect();
    Ok(json!(listing))
}

/// What the invoker really lays into `/opt` for a function with `layers`, in this order.
async fn actual_opt(layers: &[&Layer]) -> BTreeMap<String, String> {
    let lambda = Lambda::builder().seed(20).build();
    let published = publish_layers(&lambda).unwrap();
    let config = layers.iter().fold(
        FunctionConfig::new("probe").code_size_bytes(SLIM_PACKAGE_BYTES),
        |config, layer| config.layer(published.arn(layer)),
    );
    lambda
        .create_function(config, service_fn(list_opt))
        .unwrap();
    let response = invoke(&lambda, InvokeRequest::new("probe")).await;
    serde_json::from_value(response.payload_json().unwrap()).unwrap()
}

/// Checks `predict_opt` against the invoker for each order.
async fn check_predictions(orders: &[Vec<&Layer>]) {
    for order in orders {
        let names: Vec<&str> = order.iter().map(|layer| layer.name).collect();
        let predicted: BTreeMap<String, String> = predict_opt(order)
            .into_iter()
            .map(|(path, layer)| (path, layer.to_owned()))
            .collect();
        assert_eq!(
            predicted,
            actual_opt(order).await,
            "for the layers {names:?}, in this order: your prediction (left), the real /opt (right)"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn predict_opt_is_right_for_every_order_of_runtime_libs_and_patch() {
    let (runtime, libs, patch) = (&CPP_RUNTIME, &SHARED_LIBS, &SHARED_LIBS_PATCH);
    check_predictions(&[
        vec![runtime, libs, patch],
        vec![runtime, patch, libs],
        vec![libs, runtime, patch],
        vec![libs, patch, runtime],
        vec![patch, runtime, libs],
        vec![patch, libs, runtime],
    ])
    .await;
}

#[tokio::test(start_paused = true)]
async fn predict_opt_is_right_for_other_sets_of_layers() {
    check_predictions(&[
        vec![],
        vec![&TAGGER_MODEL],
        vec![&SHARED_LIBS_PATCH, &TELEMETRY_EXTENSION, &SHARED_LIBS],
        vec![
            &DEBUG_TOOLS,
            &SHARED_LIBS,
            &CPP_RUNTIME,
            &SHARED_LIBS_PATCH,
            &TELEMETRY_EXTENSION,
        ],
    ])
    .await;
}

/// Sends `photo` to the tagger; returns the error type (if it failed) and the payload.
async fn tag(lambda: &Lambda, photo: Value) -> (Option<String>, Value) {
    let response = invoke(lambda, InvokeRequest::new(FUNCTION).payload(photo)).await;
    let payload = response.payload_json().expect("the answer is JSON");
    (response.function_error, payload)
}

fn beach() -> Value {
    json!({ "key": "photos/beach.jpg", "width": 4000, "height": 3000 })
}

fn huge() -> Value {
    json!({ "key": "uploads/huge.png", "width": 10000, "height": 10000 })
}

#[tokio::test(start_paused = true)]
async fn lambda_accepts_the_configuration_within_five_layers_and_250_mb() {
    // create-function checks both limits, and answers with Lambda's message when one is passed.
    let lambda = Lambda::builder().seed(20).build();
    if let Err(error) = deploy(&lambda) {
        panic!("Lambda refused the tagger's configuration: {error}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_tagger_finds_the_patched_settings_the_new_libstdcxx_and_only_what_it_uses() {
    let lambda = deployed(20, deploy);
    let (error, answer) = tag(&lambda, beach()).await;
    assert_eq!(error, None, "the tagger failed: {answer}");
    assert_eq!(
        answer["maxPixels"], 40_000_000,
        "the settings must be shared-libs-patch's: {answer}"
    );
    // The tagger's /opt (lhs) holds what it uses in production, and nothing else (rhs).
    assert_json_eq!(
        answer["opt"],
        json!({
            "/opt/etc/images.json": "shared-libs-patch:1",
            "/opt/extensions/telemetry": "telemetry-extension:1",
            "/opt/lib/libonnxruntime.so.1": "shared-libs:1",
            "/opt/lib/libstdc++.so.6": "shared-libs:1",
            "/opt/lib/libvips.so.42": "shared-libs:1",
            "/opt/model/tagger.onnx": "tagger-model:1",
        })
    );
    assert_eq!(answer["photo"], "photos/beach.jpg");
    assert_eq!(answer["pixels"], 12_000_000);
}

#[tokio::test(start_paused = true)]
async fn a_100_megapixel_image_is_refused_by_the_patched_settings() {
    let lambda = deployed(20, deploy);
    let (error, answer) = tag(&lambda, huge()).await;
    // Only the patched settings (maxPixels 40000000) refuse this image.
    assert_json_eq!(
        (error.as_deref(), &answer),
        (
            Some("Unhandled"),
            &json!({
                "errorType": "ImageTooLarge",
                "errorMessage": "uploads/huge.png has 100000000 pixels, more than the 40000000 allowed",
            })
        )
    );
}

/// Publishing, creating the tagger with its layers, and two photos, as a transcript you can read
/// in `tests/snapshots/`.
#[tokio::test(start_paused = true)]
async fn transcript_of_publishing_deploying_and_tagging() {
    let lambda = deployed(20, deploy);
    tag(&lambda, beach()).await;
    tag(&lambda, huge()).await;
    insta::assert_snapshot!(lambda.transcript());
}
