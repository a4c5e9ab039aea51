//! # Exercise 21 on real AWS: the function `index-upload`
//!
//! The exercise's `index_upload` (`exercises/21-permissions/src/given.rs`) on the real runtime,
//! with the SDK's S3 client made once in `main`. The exercise's part, the permissions, is
//! configuration on AWS: the execution role of the solution's `execution_role`
//! (`AWSLambdaBasicExecutionRole`, `s3:GetObject` on `arn:aws:s3:::<uploads>/*`, `s3:PutObject`
//! on `arn:aws:s3:::<indexes>/*`) and the resource-based statement of its `s3_may_invoke`
//! (`aws lambda add-permission --principal s3.amazonaws.com --source-arn … --source-account …`),
//! as chapter 9's "On real AWS" shows. Bucket names are global on AWS, so the index bucket is a
//! setting, `INDEX_BUCKET`; the upload bucket is the one the event names.

use aws_lambda_events::event::s3::S3Event;
use aws_sdk_s3::primitives::ByteStream;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::json;

/// Where the index record of an upload goes: `notes/a.txt` → `notes/a.txt.json`.
fn index_key(upload_key: &str) -> String {
    format!("{upload_key}.json")
}

/// An object key as S3 sends it in events, decoded: `my+notes%21.txt` → `my notes!.txt`.
fn url_decode_key(key: &str) -> String {
    let spaces = key.replace('+', " ");
    percent_encoding::percent_decode_str(&spaces)
        .decode_utf8_lossy()
        .into_owned()
}

/// The handler: for each new document, reads it and writes its index record (its key, size,
/// word count and title, its first line) to `index_bucket`. An `AccessDenied` here means the
/// role lacks a permission: the error names the action.
async fn index_upload(
    s3: &aws_sdk_s3::Client,
    index_bucket: &str,
    event: LambdaEvent<S3Event>,
) -> Result<(), Error> {
    for record in event.payload.records {
        let bucket = record.s3.bucket.name.unwrap_or_default();
        let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        let object = s3.get_object().bucket(&bucket).key(&key).send().await?;
        let document = object.body.collect().await?.into_bytes();
        let text = String::from_utf8_lossy(&document);
        let words = text.split_whitespace().count();
        let index = json!({
            "key": key,
            "bytes": document.len(),
            "words": words,
            "title": text.lines().next().unwrap_or_default(),
        });
        s3.put_object()
            .bucket(index_bucket)
            .key(index_key(&key))
            .body(ByteStream::from(index.to_string().into_bytes()))
            .send()
            .await?;
        tracing::info!(%key, words, "indexed");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let s3 = aws_sdk_s3::Client::new(&aws);
    let index_bucket = std::env::var("INDEX_BUCKET").map_err(|_| "INDEX_BUCKET is not set")?;
    run(service_fn(|event| index_upload(&s3, &index_bucket, event))).await
}
