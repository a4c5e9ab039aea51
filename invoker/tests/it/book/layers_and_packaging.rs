//! The worked examples of chapter 9, "Layers and packaging": the chapter
//! (`book/src/layers-and-packaging.md`) includes their code and their transcripts.

use invoker::{
    service_fn, Diagnostic, FunctionConfig, InvokeRequest, Lambda, LambdaEvent, LayerContent,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

// ANCHOR: layers_handler
/// Answers with every file in `/opt` and the layer version it came from, and with the contents
/// of the two files that more than one layer holds.
async fn show_opt(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    let opt = ctx.opt();
    let files: BTreeMap<String, &str> = opt
        .paths()
        .into_iter()
        .map(|path| {
            let arn = opt.layer_of(&path).unwrap_or_default();
            // arn:aws:lambda:us-east-1:123456789012:layer:pdf-libs:1 → pdf-libs:1
            let layer = arn.split_once(":layer:").map_or(arn, |(_, name)| name);
            (path, layer)
        })
        .collect();
    Ok(json!({
        "files": files,
        "libssl": opt.read_to_string("/opt/lib/libssl.so.3"),
        "settings": opt
            .read_to_string("/opt/etc/settings.json")
            .and_then(|text| serde_json::from_str::<Value>(text).ok()),
    }))
}
// ANCHOR_END: layers_handler

#[tokio::test(start_paused = true)]
async fn layers_in_order_the_last_one_wins() {
    // ANCHOR: layers_scenario
    let lambda = Lambda::builder().seed(2025).build();
    // A custom runtime, a layer of libraries, and the shop's own settings.
    let runtime = lambda
        .publish_layer_version(
            "base-runtime",
            LayerContent::new()
                .file("bootstrap", "#!/bin/sh\nexec /opt/bin/invoice\n")
                .file("lib/libssl.so.3", "OpenSSL 3.0.8"),
        )
        .unwrap();
    let libs = lambda
        .publish_layer_version(
            "pdf-libs",
            LayerContent::new()
                .file("lib/libssl.so.3", "OpenSSL 3.2.1")
                .file_of_size("lib/libpdfium.so", 6 * 1024 * 1024)
                .file("etc/settings.json", r#"{"currency":"USD"}"#),
        )
        .unwrap();
    let shop = lambda
        .publish_layer_version(
            "shop-settings",
            LayerContent::new().file("etc/settings.json", r#"{"currency":"KRW"}"#),
        )
        .unwrap();

    // The runtime first, the libraries after it, the shop's settings last.
    let config = FunctionConfig::new("invoice")
        .layer(&runtime.layer_version_arn)
        .layer(&libs.layer_version_arn)
        .layer(&shop.layer_version_arn);
    lambda
        .create_function(config, service_fn(show_opt))
        .unwrap();
    lambda.invoke(InvokeRequest::new("invoice")).await.unwrap();

    // The same three layers the other way round.
    lambda
        .update_function_configuration("invoice", |_| {
            FunctionConfig::new("invoice")
                .layer(&shop.layer_version_arn)
                .layer(&libs.layer_version_arn)
                .layer(&runtime.layer_version_arn)
        })
        .unwrap();
    lambda.invoke(InvokeRequest::new("invoice")).await.unwrap();

    // New settings are a new layer version; the function gets them when its configuration
    // names that version. The old version can then go.
    let shop_v2 = lambda
        .publish_layer_version(
            "shop-settings",
            LayerContent::new().file("etc/settings.json", r#"{"currency":"EUR"}"#),
        )
        .unwrap();
    lambda
        .update_function_configuration("invoice", |_| {
            FunctionConfig::new("invoice")
                .layer(&runtime.layer_version_arn)
                .layer(&libs.layer_version_arn)
                .layer(&shop_v2.layer_version_arn)
        })
        .unwrap();
    lambda.delete_layer_version("shop-settings", 1);
    lambda.invoke(InvokeRequest::new("invoice")).await.unwrap();
    // ANCHOR_END: layers_scenario
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn layers_limits() {
    // ANCHOR: layers_limits
    let lambda = Lambda::builder().seed(2025).build();
    const MIB: u64 = 1024 * 1024;
    let model = lambda
        .publish_layer_version(
            "model",
            LayerContent::new().file_of_size("model/weights.bin", 200 * MIB),
        )
        .unwrap();
    let old = lambda
        .publish_layer_version("old-tools", LayerContent::new().file("bin/tool", "v1"))
        .unwrap();
    lambda.delete_layer_version("old-tools", old.version);

    let attempts = [
        // Six layers: one more than a function may have.
        (0..6).fold(FunctionConfig::new("classify"), |config, _| {
            config.layer(&model.layer_version_arn)
        }),
        // 60 MiB of code and a 200 MiB layer: 260 MiB, over the 250 MB budget.
        FunctionConfig::new("classify")
            .code_size_bytes(60 * MIB)
            .layer(&model.layer_version_arn),
        // A deleted layer version.
        FunctionConfig::new("classify").layer(&old.layer_version_arn),
        // 40 MiB of code and the model: 240 MiB, which fits.
        FunctionConfig::new("classify")
            .code_size_bytes(40 * MIB)
            .layer(&model.layer_version_arn),
    ];
    let mut answers = Vec::new();
    for config in attempts {
        answers.push(match lambda.create_function(config, service_fn(show_opt)) {
            Ok(arn) => format!("created {arn}"),
            Err(e) => format!("{} ({}): {}", e.code, e.status, e.message),
        });
    }
    // ANCHOR_END: layers_limits
    insta::assert_snapshot!(answers.join("\n"));
}
