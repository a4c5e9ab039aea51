//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::FunctionConfig;
use layers::*;
use std::collections::BTreeMap;

/// Hint 2: `predict_opt`.
pub fn predict_opt(layers: &[&Layer]) -> BTreeMap<String, &'static str> {
    let mut opt = BTreeMap::new();
    for layer in layers {
        for file in layer.files {
            opt.insert(format!("/opt/{}", file.path), layer.name);
        }
    }
    opt
}

/// Hint 3: `tagger_config`.
pub fn tagger_config(layers: &PublishedLayers) -> FunctionConfig {
    FunctionConfig::new(FUNCTION)
        .memory_size(2048)
        .timeout_secs(30)
        .code_size_bytes(SLIM_PACKAGE_BYTES)
        .layer(layers.arn(&SHARED_LIBS))
        .layer(layers.arn(&SHARED_LIBS_PATCH))
        .layer(layers.arn(&TAGGER_MODEL))
        .layer(layers.arn(&TELEMETRY_EXTENSION))
}
