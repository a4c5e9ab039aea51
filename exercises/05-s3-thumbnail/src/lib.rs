//! # Exercise 5 — Thumbnails from S3 uploads, without a loop
//!
//! Read first: `book/src/event-models.md` (`cargo xtask book --serve`).
//!
//! The app uploads photos to the bucket `photos`, under `uploads/` (`uploads/cat.jpg`,
//! `uploads/2025/01/cat.jpg`). For each one, the `thumbnail` function must store a small copy,
//! [`THUMBNAIL_WIDTH`] pixels wide, under `thumbnails/`, at the same path:
//! `thumbnails/cat.jpg`, `thumbnails/2025/01/cat.jpg`.
//!
//! S3 *pushes* events: when a write matches the bucket's notification configuration, S3 invokes
//! the function asynchronously with an `S3Event` and moves on. Three pieces:
//!
//! 1. **`notification`**: which writes invoke `thumbnail`. Every new object under `uploads/`
//!    (event type `s3:ObjectCreated:*`, a `prefix` filter), and nothing else: other folders of the
//!    bucket hold other things.
//! 2. **`thumbnail_key`**: where the thumbnail of an upload goes: `uploads/` replaced by
//!    `thumbnails/`, the rest of the key unchanged.
//! 3. **`make_thumbnails`**, the handler. For each record of the event: the object's key (S3
//!    sends it URL-encoded, `my cat.jpg` arrives as `my+cat.jpg`: decode it with
//!    `invoker::url_decode_key`), the photo (`s3.get_object(BUCKET, &key)`), its thumbnail
//!    (`resize(&photo, THUMBNAIL_WIDTH)`), stored with
//!    `s3.put_object(BUCKET, &thumbnail_key(&key), thumbnail).await`. `s3` is the S3 client the
//!    function makes once, at init (`thumbnail_code` in `src/given.rs`), as a function on AWS
//!    makes its `aws_sdk_s3::Client` in `main`.
//!
//! The trap: the function writes into the bucket that triggers it. If its own writes match its
//! notification, each thumbnail invokes it again, for a thumbnail of the thumbnail, and so on: a
//! recursive loop that bills every round. (A `.jpg` suffix filter does not help: thumbnails are
//! `.jpg` too.) Lambda notices such a loop and stops it after 16 invocations in one request chain,
//! but that is a safety net, not a design: one of the tests shows the first version of this
//! function (`next_to_the_upload`, in `src/given.rs`) caught in it. Choose the filter and the keys
//! so that one upload is one invocation.
//!
//! The names, the image processing and the deployment are in `src/given.rs`: read it, you don't
//! need to change it.
//!
//! Check your work: `cargo xtask verify s3-thumbnail`.
//! Stuck? `cargo xtask hint s3-thumbnail` shows the next hint.

mod given;
pub use given::*;

use invoker::aws_lambda_events::s3::S3Event;
use invoker::LambdaFunctionConfiguration;
use invoker::{Diagnostic, LambdaEvent, S3};

// ANCHOR: notification
/// The bucket's notification for `thumbnail`: which writes invoke it.
pub fn notification(function_arn: &str) -> LambdaFunctionConfiguration {
    // TODO: the notification of point 1 above: new objects under UPLOADS invoke the function,
    // nothing else does. `LambdaFunctionConfiguration`'s methods set the event type and filters.
    let _ = function_arn;
    todo!("invoke the function for new objects under uploads/ only")
}
// ANCHOR_END: notification

// ANCHOR: thumbnail_key
/// Where the thumbnail of an upload goes: `uploads/2025/cat.jpg` → `thumbnails/2025/cat.jpg`.
pub fn thumbnail_key(upload_key: &str) -> String {
    // TODO: the key with its leading UPLOADS replaced by THUMBNAILS.
    let _ = upload_key;
    todo!("mirror the upload's path under thumbnails/")
}
// ANCHOR_END: thumbnail_key

// ANCHOR: make_thumbnails
/// The handler of `thumbnail`: a thumbnail for each photo in the event. `s3` is the S3 client
/// the function made at init: its calls are made as the function's role.
pub async fn make_thumbnails(s3: &S3, event: LambdaEvent<S3Event>) -> Result<(), Diagnostic> {
    let (event, ctx) = event.into_parts();
    // TODO: a thumbnail for each record of the event, as point 3 above says (mind how S3 sends
    // the key); the chapter's "Events have shapes" says where an S3 event keeps it. S3's errors
    // may become function errors. Log what you like with `ctx.logger()`: the tests leave your
    // own log lines out of the transcript they compare.
    let _ = (s3, event, ctx);
    todo!("store a thumbnail of each uploaded photo")
}
// ANCHOR_END: make_thumbnails
