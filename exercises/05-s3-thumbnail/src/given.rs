//! Provided by the exercise: the bucket and function names, the image processing (a stand-in that
//! reads a photo's size from a one-line header), the first version of the function (which stored
//! each thumbnail next to its photo), and the deployment. Read it, but you don't need to change
//! it: your part is in `lib.rs`.

use invoker::aws_lambda_events::s3::S3Event;
use invoker::{url_decode_key, NotificationConfiguration};
use invoker::{
    with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    Permission, Role, ServiceError, S3,
};
use std::sync::Arc;

use crate::{make_thumbnails, notification};

/// The bucket the app uploads photos to.
pub const BUCKET: &str = "photos";
/// The function this exercise deploys.
pub const FUNCTION: &str = "thumbnail";
/// Where the app uploads photos: `uploads/cat.jpg`, `uploads/2025/01/cat.jpg`.
pub const UPLOADS: &str = "uploads/";
/// Where thumbnails go: `thumbnails/cat.jpg`, `thumbnails/2025/01/cat.jpg`.
pub const THUMBNAILS: &str = "thumbnails/";
/// How wide a thumbnail is, in pixels; its height keeps the photo's proportions.
pub const THUMBNAIL_WIDTH: u32 = 128;

/// A photo as this exercise stores one: a header line with its size, then its pixels (one byte
/// for every hundred, to keep tests small).
pub fn photo(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = format!("PHOTO {width}x{height}\n").into_bytes();
    bytes.resize(bytes.len() + (width as usize * height as usize) / 100, 0x7f);
    bytes
}

/// Resizes a photo to `width` pixels wide. Anything that is not a photo is refused with a
/// `NotAPhoto` error.
pub fn resize(image: &[u8], width: u32) -> Result<Vec<u8>, Diagnostic> {
    let not_a_photo = || Diagnostic {
        error_type: "NotAPhoto".into(),
        error_message: "the object is not a photo".into(),
    };
    let header = image
        .split(|b| *b == b'\n')
        .next()
        .ok_or_else(not_a_photo)?;
    let size = std::str::from_utf8(header)
        .ok()
        .and_then(|h| h.strip_prefix("PHOTO "))
        .and_then(|size| size.split_once('x'))
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .filter(|(w, h)| *w > 0 && *h > 0);
    let (original_width, original_height) = size.ok_or_else(not_a_photo)?;
    let height = (u64::from(original_height) * u64::from(width) / u64::from(original_width)).max(1);
    Ok(photo(width, height as u32))
}

// ANCHOR: thumbnail_code
/// The code of `thumbnail`: its init step makes the S3 client, once per execution environment,
/// and every invocation hands it to your `make_thumbnails`. On AWS the same is `main`:
/// `let s3 = aws_sdk_s3::Client::new(&config);` then
/// `run(service_fn(|event| make_thumbnails(&s3, event)))`.
pub fn thumbnail_code() -> FunctionCode {
    with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>(init.s3()) },
        |s3: Arc<S3>, event: LambdaEvent<S3Event>| async move { make_thumbnails(&s3, event).await },
    )
}
// ANCHOR_END: thumbnail_code

// ANCHOR: next_to_the_upload
/// The first version of the function: it stored each thumbnail next to its photo, as
/// `uploads/cat.thumbnail.jpg`. Do not deploy it: read the test
/// `a_thumbnail_next_to_its_photo_loops_until_lambda_stops_it` to see why.
pub fn next_to_the_upload() -> FunctionCode {
    with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>(init.s3()) },
        |s3: Arc<S3>, event: LambdaEvent<S3Event>| async move {
            for record in event.payload.records {
                let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
                let photo = s3.get_object(BUCKET, &key)?;
                let thumbnail = resize(&photo, THUMBNAIL_WIDTH)?;
                let (name, extension) = key.rsplit_once('.').unwrap_or((&key, "jpg"));
                let next_to_it = format!("{name}.thumbnail.{extension}");
                s3.put_object(BUCKET, &next_to_it, thumbnail).await?;
            }
            Ok::<(), Diagnostic>(())
        },
    )
}
// ANCHOR_END: next_to_the_upload

/// Deploys the exercise: the bucket, `thumbnail` with your code, and the bucket's notification
/// with your [`notification`].
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_code(lambda, thumbnail_code())
}

/// Deploys the bucket, `thumbnail` with `code`, and your [`notification`]. The permissions are
/// what SAM would write for you: a role that may read and write the bucket's objects, and a
/// statement that lets S3 invoke the function for this bucket.
pub fn deploy_code(lambda: &Lambda, code: FunctionCode) -> Result<(), ServiceError> {
    let bucket_arn = lambda.s3().create_bucket(BUCKET)?;
    let role = Role::default()
        .allow("s3:GetObject", format!("{bucket_arn}/*"))
        .allow("s3:PutObject", format!("{bucket_arn}/*"));
    let config = FunctionConfig::new(FUNCTION)
        .timeout_secs(10)
        .description("Makes a thumbnail of each uploaded photo")
        .role(role);
    let function_arn = lambda.create_function(config, code)?;
    let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn(bucket_arn)
        .source_account(lambda.account_id());
    lambda.add_permission(FUNCTION, s3_may_invoke)?;
    let configuration =
        NotificationConfiguration::default().lambda_function(notification(&function_arn));
    lambda
        .s3()
        .put_bucket_notification_configuration(BUCKET, configuration)
}
