//! Provided by the exercise: the bucket and function names, the indexing code of `index-upload`,
//! and the deployment, which uses your statement and your role. Read it, but you don't need to
//! change it: your part is in `lib.rs`.

use invoker::aws_lambda_events::s3::S3Event;
use invoker::{url_decode_key, LambdaFunctionConfiguration, NotificationConfiguration};
use invoker::{
    with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    ServiceError, S3,
};
use serde_json::json;
use std::sync::Arc;

use crate::{execution_role, s3_may_invoke};

/// The function this exercise deploys.
pub const FUNCTION: &str = "index-upload";
/// The bucket the app uploads documents to. Each new object invokes `index-upload`.
pub const UPLOADS: &str = "uploads";
/// The bucket where `index-upload` writes one index record per document.
pub const INDEXES: &str = "indexes";
/// A name for your role.
pub const ROLE: &str = "index-upload-role";

/// Where the index record of an upload goes, in [`INDEXES`]: `notes/a.txt` → `notes/a.txt.json`.
pub fn index_key(upload_key: &str) -> String {
    format!("{upload_key}.json")
}

// ANCHOR: index_upload
/// The handler of `index-upload`: for each new document in [`UPLOADS`], reads it and writes its
/// index record to [`INDEXES`]: its key, size, word count and title (its first line). `s3` is
/// the S3 client the function made at init: its calls are made as the function's role.
pub async fn index_upload(s3: &S3, event: LambdaEvent<S3Event>) -> Result<(), Diagnostic> {
    let (event, ctx) = event.into_parts();
    for record in event.records {
        let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        let document = s3.get_object(UPLOADS, &key)?;
        let text = String::from_utf8_lossy(&document);
        let words = text.split_whitespace().count();
        let index = json!({
            "key": key,
            "bytes": document.len(),
            "words": words,
            "title": text.lines().next().unwrap_or_default(),
        });
        s3.put_object(INDEXES, &index_key(&key), index.to_string())
            .await?;
        ctx.logger().info(format!("indexed {key}: {words} words"));
    }
    Ok(())
}

/// The code of `index-upload`: its init step makes the S3 client, once per execution
/// environment, and every invocation hands it to [`index_upload`] (on AWS,
/// `aws_sdk_s3::Client::new(&config)` in `main`).
pub fn index_upload_code() -> FunctionCode {
    with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>(init.s3()) },
        |s3: Arc<S3>, event: LambdaEvent<S3Event>| async move { index_upload(&s3, event).await },
    )
}
// ANCHOR_END: index_upload

// ANCHOR: deploy
/// Deploys the exercise: both buckets, `index-upload` running as your [`execution_role`], your
/// [`s3_may_invoke`] statement in its resource-based policy, and the notification that sends
/// every new object of `uploads` to it. S3 refuses the notification unless the statement lets
/// it invoke the function for `uploads`.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    lambda.s3().create_bucket(UPLOADS)?;
    lambda.s3().create_bucket(INDEXES)?;
    let config = FunctionConfig::new(FUNCTION)
        .description("Indexes each uploaded document")
        .role(execution_role());
    let function_arn = lambda.create_function(config, index_upload_code())?;
    lambda.add_permission(FUNCTION, s3_may_invoke(lambda.account_id()))?;
    let every_new_object =
        LambdaFunctionConfiguration::new(function_arn).event("s3:ObjectCreated:*");
    let notification = NotificationConfiguration::default().lambda_function(every_new_object);
    lambda
        .s3()
        .put_bucket_notification_configuration(UPLOADS, notification)
}
// ANCHOR_END: deploy
