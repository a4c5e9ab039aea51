//! # Exercise 20 — Layers: reference solution
//!
//! The exercise, with its instructions, is `exercises/20-layers/src/lib.rs`. What the exercise
//! provides (the layers, the builds, the handler, deploy) is its `src/given.rs`, shared with this
//! crate.

#[path = "../../../exercises/20-layers/src/given.rs"]
mod given;
pub use given::*;

use invoker::FunctionConfig;
use std::collections::BTreeMap;

// ANCHOR: predict
/// Predicts the `/opt` of a function that lists `layers` in this order: each path (`/opt/…`)
/// and the name of the layer whose file is the one the function sees there.
pub fn predict_opt(layers: &[&Layer]) -> BTreeMap<String, &'static str> {
    let mut opt = BTreeMap::new();
    // Lambda extracts the layers one after the other into the same directory, so a file of a
    // later layer overwrites an earlier layer's file at the same path. `insert` does the same.
    for layer in layers {
        for file in layer.files {
            opt.insert(format!("/opt/{}", file.path), layer.name);
        }
    }
    opt
}
// ANCHOR_END: predict

// ANCHOR: config
/// The tagger's configuration: its code size and its layers, in order.
pub fn tagger_config(layers: &PublishedLayers) -> FunctionConfig {
    FunctionConfig::new(FUNCTION)
        .memory_size(2048)
        .timeout_secs(30)
        // Code and layers share one 250 MB budget. The fat build carries its own copies of the
        // libraries that shared-libs already brings: 40 MiB that push the total to 253 MiB.
        .code_size_bytes(SLIM_PACKAGE_BYTES)
        // No cpp-runtime: the Rust build's binary is its own `bootstrap`, in the package, and
        // the runtime's old libstdc++ is exactly what ONNX Runtime cannot use. No debug-tools:
        // debuggers don't belong in production, and they cost 16 MiB of the budget.
        .layer(layers.arn(&SHARED_LIBS))
        // After shared-libs, so that its etc/images.json replaces the unpatched one.
        .layer(layers.arn(&SHARED_LIBS_PATCH))
        .layer(layers.arn(&TAGGER_MODEL))
        .layer(layers.arn(&TELEMETRY_EXTENSION))
}
// ANCHOR_END: config
