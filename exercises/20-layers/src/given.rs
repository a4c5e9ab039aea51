//! Provided by the exercise: the six layers the teams have published, the two builds of the
//! tagger's code, the tagger's handler, and `deploy`, which publishes the layers and creates the
//! function with your `tagger_config`. Read it, but you don't need to change it: your part is in
//! `lib.rs`.

use invoker::{service_fn, Diagnostic, Lambda, LambdaEvent, LayerContent, ServiceError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use crate::tagger_config;

/// The function this exercise deploys.
pub const FUNCTION: &str = "tagger";

const MIB: u64 = 1024 * 1024;

// ANCHOR: builds
/// The deployment package the old build script makes: the tagger's binary *plus* its own copies
/// of ONNX Runtime and libvips, unzipped.
pub const FAT_PACKAGE_BYTES: u64 = 40 * MIB;
/// The deployment package `cargo lambda build` makes: the binary alone (its `bootstrap`). The
/// native libraries it loads come from the `shared-libs` layer instead.
pub const SLIM_PACKAGE_BYTES: u64 = 7 * MIB;
// ANCHOR_END: builds

/// What one file of a layer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    /// A small text file: a script, settings, or the version strings a stand-in library holds.
    Text(&'static str),
    /// A big binary (a library, a model) of this many bytes, whose bytes the lesson doesn't need.
    Binary(u64),
}

/// One file of a layer, at a path relative to `/opt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerFile {
    /// Where the file lands: `lib/libvips.so.42` becomes `/opt/lib/libvips.so.42`.
    pub path: &'static str,
    /// What it holds.
    pub contents: Contents,
}

/// A layer as its team describes it: a name and the files of its zip archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// The layer's name, as in its ARN (`…:layer:shared-libs:1`).
    pub name: &'static str,
    /// What it is for, in its team's words.
    pub description: &'static str,
    /// The files of its archive.
    pub files: &'static [LayerFile],
}

const fn text(path: &'static str, text: &'static str) -> LayerFile {
    LayerFile {
        path,
        contents: Contents::Text(text),
    }
}

const fn binary(path: &'static str, bytes: u64) -> LayerFile {
    LayerFile {
        path,
        contents: Contents::Binary(bytes),
    }
}

// ANCHOR: layers
/// The custom runtime of the tagger's old C++ version: the `bootstrap` script that started the
/// C++ program, and the libstdc++ it was built with (GCC 8).
pub const CPP_RUNTIME: Layer = Layer {
    name: "cpp-runtime",
    description: "custom runtime of the old C++ tagger: bootstrap and GCC 8's libstdc++",
    files: &[
        text("bootstrap", "#!/bin/sh\nexec /opt/bin/tagger-cpp\n"),
        text("lib/libstdc++.so.6", "GLIBCXX_3.4.24 GLIBCXX_3.4.25"),
    ],
};

/// The image team's native libraries, shared by all their functions: ONNX Runtime, libvips,
/// the newer libstdc++ they need, and the team's settings.
pub const SHARED_LIBS: Layer = Layer {
    name: "shared-libs",
    description: "ONNX Runtime, libvips, a newer libstdc++, and etc/images.json",
    files: &[
        text("etc/images.json", r#"{"maxPixels": 268402689}"#),
        binary("lib/libonnxruntime.so.1", 21 * MIB),
        text(
            "lib/libstdc++.so.6",
            "GLIBCXX_3.4.24 GLIBCXX_3.4.25 GLIBCXX_3.4.28 GLIBCXX_3.4.29 GLIBCXX_3.4.30",
        ),
        binary("lib/libvips.so.42", 12 * MIB),
    ],
};

/// A security fix for `shared-libs`: the same settings file with `maxPixels` lowered, so that a
/// small file claiming to be a huge image (a "decompression bomb") is refused before it is
/// decoded. It must be laid over `shared-libs`.
pub const SHARED_LIBS_PATCH: Layer = Layer {
    name: "shared-libs-patch",
    description: "fix for shared-libs: etc/images.json with maxPixels 40000000",
    files: &[text("etc/images.json", r#"{"maxPixels": 40000000}"#)],
};

/// The tagger's machine-learning model.
pub const TAGGER_MODEL: Layer = Layer {
    name: "tagger-model",
    description: "the tagger's ONNX model",
    files: &[binary("model/tagger.onnx", 180 * MIB)],
};

/// Debuggers, for a debugging session. Not for production.
pub const DEBUG_TOOLS: Layer = Layer {
    name: "debug-tools",
    description: "gdb and strace, for debugging sessions",
    files: &[binary("bin/gdb", 14 * MIB), binary("bin/strace", 2 * MIB)],
};

/// The platform team's telemetry extension. Lambda starts every executable in
/// `/opt/extensions` next to the function; the platform team requires it on every production
/// function.
pub const TELEMETRY_EXTENSION: Layer = Layer {
    name: "telemetry-extension",
    description: "the platform team's telemetry extension, required in production",
    files: &[binary("extensions/telemetry", 6 * MIB)],
};
// ANCHOR_END: layers

/// Every layer of the exercise, in the order `publish_layers` publishes them.
pub const LAYERS: [&Layer; 6] = [
    &CPP_RUNTIME,
    &SHARED_LIBS,
    &SHARED_LIBS_PATCH,
    &TAGGER_MODEL,
    &DEBUG_TOOLS,
    &TELEMETRY_EXTENSION,
];

impl Layer {
    /// The layer's files, ready for `publish_layer_version`.
    pub fn content(&self) -> LayerContent {
        self.files
            .iter()
            .fold(LayerContent::new(), |content, file| match file.contents {
                Contents::Text(text) => content.file(file.path, text),
                Contents::Binary(bytes) => content.file_of_size(file.path, bytes),
            })
    }

    /// The layer's unzipped size in bytes: what it takes of a function's 250 MB.
    pub fn size(&self) -> u64 {
        self.files
            .iter()
            .map(|file| match file.contents {
                Contents::Text(text) => text.len() as u64,
                Contents::Binary(bytes) => bytes,
            })
            .sum()
    }
}

/// The ARNs of the published layer versions, by layer.
#[derive(Clone, Debug)]
pub struct PublishedLayers {
    arns: BTreeMap<&'static str, String>,
}

impl PublishedLayers {
    /// The version ARN of `layer`, e.g.
    /// `arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:1`.
    ///
    /// # Panics
    /// If `layer` is not one of [`LAYERS`]: `publish_layers` publishes all of them.
    pub fn arn(&self, layer: &Layer) -> &str {
        self.arns
            .get(layer.name)
            .expect("publish_layers publishes every layer of LAYERS")
    }
}

/// Publishes every layer of [`LAYERS`], as the teams did before you arrived.
pub fn publish_layers(lambda: &Lambda) -> Result<PublishedLayers, ServiceError> {
    let mut arns = BTreeMap::new();
    for layer in LAYERS {
        let published = lambda.publish_layer_version(layer.name, layer.content())?;
        arns.insert(layer.name, published.layer_version_arn);
    }
    Ok(PublishedLayers { arns })
}

/// An uploaded photo to tag, as the upload service sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct Photo {
    /// The photo's key in the bucket, e.g. `photos/beach.jpg`.
    pub key: String,
    /// Its width in pixels, from the image header.
    pub width: u64,
    /// Its height in pixels, from the image header.
    pub height: u64,
}

/// The image settings in `/opt/etc/images.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImageSettings {
    /// The largest image, in pixels, the tagger may decode.
    max_pixels: u64,
}

const SETTINGS: &str = "/opt/etc/images.json";
const ONNX_RUNTIME: &str = "/opt/lib/libonnxruntime.so.1";
const LIBSTDCXX: &str = "/opt/lib/libstdc++.so.6";
/// The libstdc++ version ONNX Runtime was built against.
const NEEDED_GLIBCXX: &str = "GLIBCXX_3.4.29";
const MODEL: &str = "/opt/model/tagger.onnx";

// ANCHOR: handler
/// The tagger: loads ONNX Runtime and the model from `/opt`, refuses an image larger than the
/// settings allow, and answers with what it found in `/opt` and which layer each file came from.
pub async fn tag_photo(event: LambdaEvent<Photo>) -> Result<Value, Diagnostic> {
    let (photo, ctx) = event.into_parts();
    let opt = ctx.opt();
    // What the dynamic linker would check when the binary loads ONNX Runtime: the library is
    // there, and so is a libstdc++ new enough for it.
    if opt.read(ONNX_RUNTIME).is_none() {
        return Err(Diagnostic {
            error_type: "LibraryError".into(),
            error_message:
                "libonnxruntime.so.1: cannot open shared object file: No such file or directory"
                    .into(),
        });
    }
    let libstdcxx = opt.read_to_string(LIBSTDCXX).unwrap_or_default();
    if !libstdcxx.split_whitespace().any(|v| v == NEEDED_GLIBCXX) {
        return Err(Diagnostic {
            error_type: "LibraryError".into(),
            error_message: format!(
                "{LIBSTDCXX}: version `{NEEDED_GLIBCXX}' not found (required by {ONNX_RUNTIME})"
            ),
        });
    }
    if opt.read(MODEL).is_none() {
        return Err(Diagnostic {
            error_type: "ModelNotFound".into(),
            error_message: format!("{MODEL}: No such file or directory"),
        });
    }
    let settings: ImageSettings = opt
        .read_to_string(SETTINGS)
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or_else(|| Diagnostic {
            error_type: "ConfigError".into(),
            error_message: format!("{SETTINGS} is missing"),
        })?;

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
    // Each file of /opt, and the layer (name:version) whose copy it is.
    let listing: BTreeMap<String, &str> = opt
        .paths()
        .into_iter()
        .map(|path| {
            let layer = opt.layer_of(&path).unwrap_or_default();
            let short = layer.split_once(":layer:").map_or(layer, |(_, name)| name);
            (path, short)
        })
        .collect();
    Ok(json!({
        "photo": photo.key,
        "pixels": pixels,
        "maxPixels": settings.max_pixels,
        "opt": listing,
    }))
}
// ANCHOR_END: handler

/// Publishes the layers and creates the tagger with your [`tagger_config`].
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let layers = publish_layers(lambda)?;
    lambda.create_function(tagger_config(&layers), service_fn(tag_photo))?;
    Ok(())
}
