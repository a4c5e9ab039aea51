//! # Exercise 20 — Layers: which file wins in `/opt`, and what fits in 250 MB
//!
//! Read first: `book/src/layers-and-packaging.md` (`cargo xtask book --serve`).
//!
//! The `tagger` function tags uploaded photos with a machine-learning model. It is a Rust binary,
//! but it loads native libraries (ONNX Runtime, libvips) and the model from `/opt`, where Lambda
//! lays the function's layers: **in the order the configuration lists them, a later layer's file
//! replacing an earlier one's at the same path.** Six layers are published (`src/given.rs`):
//!
//! | layer                 | files in `/opt`                                                 | what it is |
//! |-----------------------|-----------------------------------------------------------------|------------|
//! | `cpp-runtime`         | `bootstrap`, `lib/libstdc++.so.6` (old)                         | the runtime of the tagger's old C++ version |
//! | `shared-libs`         | `etc/images.json`, `lib/libonnxruntime.so.1`, `lib/libstdc++.so.6` (new), `lib/libvips.so.42` | the image team's libraries and settings |
//! | `shared-libs-patch`   | `etc/images.json` (`maxPixels` lowered)                         | a security fix for `shared-libs` |
//! | `tagger-model`        | `model/tagger.onnx` (180 MiB)                                   | the tagger's model |
//! | `debug-tools`         | `bin/gdb`, `bin/strace`                                         | for debugging sessions |
//! | `telemetry-extension` | `extensions/telemetry`                                          | required on every production function |
//!
//! **1. Predict `/opt`: `predict_opt`.** Given layers in the order a function lists them, return
//! every path the function will see (as `/opt/…`) and the name of the layer whose copy it gets.
//! For `[&SHARED_LIBS, &SHARED_LIBS_PATCH]`, `/opt/etc/images.json` comes from
//! `shared-libs-patch` and `/opt/lib/libvips.so.42` from `shared-libs`. The tests compare your
//! prediction with what the invoker actually lays into `/opt`, for many orders.
//!
//! **2. Fix the configuration: `tagger_config`.** It is written as the previous engineer left it,
//! and Lambda refuses it. Fix it so that Lambda accepts it and the tagger works:
//!
//! - at most **5 layers**, and the function's unzipped code plus all its layers within
//!   **250 MB** (262,144,000 bytes). The two builds of the code are `FAT_PACKAGE_BYTES` and
//!   `SLIM_PACKAGE_BYTES`; each layer's size is `layer.size()`;
//! - ship what the tagger uses in production **and nothing else**. A Rust binary is its own
//!   `bootstrap`, in the deployment package;
//! - the tagger must see the **patched** `etc/images.json`, and the new libstdc++ that ONNX
//!   Runtime needs;
//! - list the layers in the platform team's order: a runtime (if any) first, then libraries,
//!   then the patches of those libraries, then data such as models, then extensions.
//!
//! A working tagger answers `{"key":"photos/beach.jpg","width":4000,"height":3000}` with the
//! photo, its pixels, its `maxPixels` (40000000) and the listing of its `/opt`, and refuses a
//! 10,000 × 10,000 image with `ImageTooLarge`.
//!
//! The layers, the builds, the handler and `deploy` (which publishes the layers and creates the
//! function with your `tagger_config`) are in `src/given.rs`: read it, you don't need to change
//! it.
//!
//! Check your work: `cargo xtask verify layers`.
//! Stuck? `cargo xtask hint layers` shows the next hint.

mod given;
pub use given::*;

use invoker::FunctionConfig;
use std::collections::BTreeMap;

// ANCHOR: predict
/// Predicts the `/opt` of a function that lists `layers` in this order: each path (`/opt/…`)
/// and the name of the layer whose file is the one the function sees there.
pub fn predict_opt(layers: &[&Layer]) -> BTreeMap<String, &'static str> {
    // TODO: go through the layers in order, and through each layer's `files`. Which layer's file
    // ends up at a path that two layers both have?
    let _ = layers;
    todo!("predict which layer each file of /opt comes from")
}
// ANCHOR_END: predict

// ANCHOR: config
/// The tagger's configuration: its code size and its layers, in order.
pub fn tagger_config(layers: &PublishedLayers) -> FunctionConfig {
    // TODO: Lambda refuses this configuration, and even if it didn't, the tagger would not see
    // the patched settings. Fix it: see the rules at the top of this file.
    FunctionConfig::new(FUNCTION)
        .memory_size(2048)
        .timeout_secs(30)
        .code_size_bytes(FAT_PACKAGE_BYTES)
        .layer(layers.arn(&SHARED_LIBS_PATCH))
        .layer(layers.arn(&SHARED_LIBS))
        .layer(layers.arn(&TAGGER_MODEL))
        .layer(layers.arn(&DEBUG_TOOLS))
        .layer(layers.arn(&TELEMETRY_EXTENSION))
        .layer(layers.arn(&CPP_RUNTIME))
}
// ANCHOR_END: config
