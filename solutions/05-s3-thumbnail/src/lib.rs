//! # Exercise 5 — Thumbnails from S3 uploads, without a loop: reference solution
//!
//! The exercise, with its instructions, is `exercises/05-s3-thumbnail/src/lib.rs`. What the
//! exercise provides (names, image processing, the first version, deploy) is its `src/given.rs`,
//! shared with this crate.

#[path = "../../../exercises/05-s3-thumbnail/src/given.rs"]
mod given;
pub use given::*;

use invoker::aws_lambda_events::s3::S3Event;
use invoker::{url_decode_key, LambdaFunctionConfiguration};
use invoker::{Diagnostic, LambdaEvent, S3};

// ANCHOR: notification
/// The bucket's notification for `thumbnail`: which writes invoke it.
pub fn notification(function_arn: &str) -> LambdaFunctionConfiguration {
    // Only the app's uploads: the function's own writes, under thumbnails/, do not match, so
    // they cannot invoke it again.
    LambdaFunctionConfiguration::new(function_arn)
        .event("s3:ObjectCreated:*")
        .prefix(UPLOADS)
}
// ANCHOR_END: notification

// ANCHOR: thumbnail_key
/// Where the thumbnail of an upload goes: `uploads/2025/cat.jpg` → `thumbnails/2025/cat.jpg`.
pub fn thumbnail_key(upload_key: &str) -> String {
    let path = upload_key.strip_prefix(UPLOADS).unwrap_or(upload_key);
    format!("{THUMBNAILS}{path}")
}
// ANCHOR_END: thumbnail_key

// ANCHOR: make_thumbnails
/// The handler of `thumbnail`: a thumbnail for each photo in the event. `s3` is the S3 client
/// the function made at init: its calls are made as the function's role.
pub async fn make_thumbnails(s3: &S3, event: LambdaEvent<S3Event>) -> Result<(), Diagnostic> {
    let (event, ctx) = event.into_parts();
    for record in event.records {
        // S3 sends keys URL-encoded: `my cat.jpg` arrives as `my+cat.jpg`.
        let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        let photo = s3.get_object(BUCKET, &key)?;
        let thumbnail = resize(&photo, THUMBNAIL_WIDTH)?;
        let destination = thumbnail_key(&key);
        s3.put_object(BUCKET, &destination, thumbnail).await?;
        ctx.logger().info(format!("{key} -> {destination}"));
    }
    Ok(())
}
// ANCHOR_END: make_thumbnails
