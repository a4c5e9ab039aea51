//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::aws_lambda_events::s3::S3Event;
use invoker::{url_decode_key, LambdaFunctionConfiguration};
use invoker::{Diagnostic, LambdaEvent, S3};
use s3_thumbnail::*;

/// Hint 2: `notification`.
pub fn notification(function_arn: &str) -> LambdaFunctionConfiguration {
    LambdaFunctionConfiguration::new(function_arn)
        .event("s3:ObjectCreated:*")
        .prefix(UPLOADS)
}

/// Hint 2: `thumbnail_key`.
pub fn thumbnail_key(key: &str) -> String {
    let path = key.strip_prefix(UPLOADS).unwrap_or(key);
    format!("{THUMBNAILS}{path}")
}

/// Hint 3: the handler.
#[rustfmt::skip]
pub async fn make_thumbnails(s3: &S3, event: LambdaEvent<S3Event>) -> Result<(), Diagnostic> {
    let event = event.payload;
    for record in event.records { let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default()); let photo = s3.get_object(BUCKET, &key)?; let thumbnail = resize(&photo, THUMBNAIL_WIDTH)?; s3.put_object(BUCKET, &thumbnail_key(&key), thumbnail).await?; } Ok(())
}
