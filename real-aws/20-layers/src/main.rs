//! # Exercise 20 on real AWS: the function `tagger`
//!
//! The exercise's tagger (`exercises/20-layers/src/given.rs`, `tag_photo`) on the real runtime.
//! On Lambda, `/opt` is a real directory, where the layers were extracted before the bootstrap
//! started, and Rust reads it with the standard library: the invoker's `ctx.opt()` plays its part
//! only because many simulated functions share one process. What does not change is read at
//! Init, once per environment: the image settings, and whether the model is there.

use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::Path;

/// The image settings, from the layer `shared-libs` (or its patch).
const SETTINGS: &str = "/opt/etc/images.json";
/// The tagging model, from the layer `tagger-model`.
const MODEL: &str = "/opt/model/tagger.onnx";

/// A photo to tag: `{"key": "photos/beach.jpg", "width": 4000, "height": 3000}`.
#[derive(Debug, Deserialize)]
struct Photo {
    key: String,
    width: u64,
    height: u64,
}

// ANCHOR: settings
/// The image settings in `/opt/etc/images.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImageSettings {
    /// The largest image, in pixels, the tagger may decode.
    max_pixels: u64,
}

/// Reads the settings at Init. A missing layer fails the cold start, with a message that says
/// which file, instead of failing every request.
fn read_settings() -> Result<ImageSettings, Error> {
    let text = std::fs::read_to_string(SETTINGS)
        .map_err(|e| format!("{SETTINGS}: {e}: is the layer attached?"))?;
    Ok(serde_json::from_str(&text)?)
}
// ANCHOR_END: settings

// ANCHOR: handler
/// The handler: refuses an image larger than the settings allow.
async fn tag_photo(
    event: LambdaEvent<Photo>,
    settings: &ImageSettings,
) -> Result<Value, Diagnostic> {
    let photo = event.payload;
    let pixels = photo.width * photo.height;
    if pixels > settings.max_pixels {
        return Err(Diagnostic {
            error_type: "ImageTooLarge".into(),
            error_message: format!(
                "{} has {pixels} pixels, more than the {} allowed",
                photo.key, settings.max_pixels
            ),
        });
    }
    Ok(json!({ "photo": photo.key, "pixels": pixels, "maxPixels": settings.max_pixels }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // Init: the layers are already in /opt when the bootstrap starts.
    let settings = read_settings()?;
    if !Path::new(MODEL).is_file() {
        return Err(format!("{MODEL}: No such file or directory: is the layer attached?").into());
    }
    run(service_fn(|event| tag_photo(event, &settings))).await
}
// ANCHOR_END: handler
