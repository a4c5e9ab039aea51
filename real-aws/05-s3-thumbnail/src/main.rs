//! # Exercise 5 on real AWS: the function `thumbnail`
//!
//! The solution's `make_thumbnails` (`solutions/05-s3-thumbnail/src/lib.rs`) on the real runtime,
//! with the SDK's S3 client (`aws_sdk_s3`) where the exercise has `init.s3()`, made once in
//! `main`. The bucket is the one the event names. The bucket's notification must match only
//! `uploads/`, as the solution's `notification` does, or the function's own writes invoke it
//! again.
//!
//! The exercise's photos are a one-line header (`PHOTO 1200x800`) and filler bytes, and its
//! `resize` reads the header; that `resize` is restated here, where a real function would decode
//! and scale the image with a crate such as `image` (left out to keep the build cheap).

use aws_lambda_events::event::s3::S3Event;
use aws_sdk_s3::primitives::ByteStream;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};

/// Where the app uploads photos: `uploads/cat.jpg`.
const UPLOADS: &str = "uploads/";
/// Where thumbnails go: `thumbnails/cat.jpg`.
const THUMBNAILS: &str = "thumbnails/";
/// How wide a thumbnail is, in pixels; its height keeps the photo's proportions.
const THUMBNAIL_WIDTH: u32 = 128;

/// Where the thumbnail of an upload goes: `uploads/2025/cat.jpg` → `thumbnails/2025/cat.jpg`.
fn thumbnail_key(upload_key: &str) -> String {
    let path = upload_key.strip_prefix(UPLOADS).unwrap_or(upload_key);
    format!("{THUMBNAILS}{path}")
}

/// An object key as S3 sends it in events, decoded: `my+cat%21.jpg` → `my cat!.jpg`.
fn url_decode_key(key: &str) -> String {
    let spaces = key.replace('+', " ");
    percent_encoding::percent_decode_str(&spaces)
        .decode_utf8_lossy()
        .into_owned()
}

/// The exercise's `resize`: reads the size in the photo's header, and answers a photo of
/// `width` pixels with the same proportions. Anything else is refused.
fn resize(image: &[u8], width: u32) -> Result<Vec<u8>, Error> {
    let header = image.split(|b| *b == b'\n').next().unwrap_or_default();
    let (original_width, original_height) = std::str::from_utf8(header)
        .ok()
        .and_then(|h| h.strip_prefix("PHOTO "))
        .and_then(|size| size.split_once('x'))
        .and_then(|(w, h)| Some((w.parse::<u64>().ok()?, h.parse::<u64>().ok()?)))
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or("the object is not a photo")?;
    let height = (original_height * u64::from(width) / original_width).max(1);
    let mut thumbnail = format!("PHOTO {width}x{height}\n").into_bytes();
    thumbnail.resize(
        thumbnail.len() + (u64::from(width) * height / 100) as usize,
        0x7f,
    );
    Ok(thumbnail)
}

/// The handler: a thumbnail for each photo in the event, written with the environment's client.
async fn make_thumbnails(
    s3: &aws_sdk_s3::Client,
    event: LambdaEvent<S3Event>,
) -> Result<(), Error> {
    for record in event.payload.records {
        let bucket = record.s3.bucket.name.unwrap_or_default();
        // S3 sends keys URL-encoded: `my cat.jpg` arrives as `my+cat.jpg`.
        let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        let object = s3.get_object().bucket(&bucket).key(&key).send().await?;
        let photo = object.body.collect().await?.into_bytes();
        let thumbnail = resize(&photo, THUMBNAIL_WIDTH)?;
        let destination = thumbnail_key(&key);
        s3.put_object()
            .bucket(&bucket)
            .key(&destination)
            .body(ByteStream::from(thumbnail))
            .send()
            .await?;
        tracing::info!(%key, %destination, "thumbnail written");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    // Init: the S3 client, once per environment; its calls are made as the function's role.
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let s3 = aws_sdk_s3::Client::new(&aws);
    run(service_fn(|event| make_thumbnails(&s3, event))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_decoded_and_thumbnails_go_under_their_own_prefix() {
        assert_eq!(
            url_decode_key("uploads/my+cat%21.jpg"),
            "uploads/my cat!.jpg"
        );
        assert_eq!(
            thumbnail_key("uploads/2025/cat.jpg"),
            "thumbnails/2025/cat.jpg"
        );
    }
}
