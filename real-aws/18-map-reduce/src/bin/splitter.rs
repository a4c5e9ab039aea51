//! # Exercise 18 on real AWS: the function `splitter`
//!
//! The exercise's `split`: invoked by S3 when a job's marker `jobs/<job>` is written, it lists the
//! job's parts and invokes `mapper` once per part, asynchronously: each `invoke` returns as soon
//! as Lambda has queued the event (202), and Lambda runs the mappers side by side.

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use map_reduce_aws::{invoke_async, setting, url_decode_key, MapTask, JOBS, SALES};

/// What the splitter makes at Init and every invocation borrows.
struct Splitter {
    s3: aws_sdk_s3::Client,
    lambda: aws_sdk_lambda::Client,
    input_bucket: String,
    mapper: String,
}

async fn split(splitter: &Splitter, event: LambdaEvent<S3Event>) -> Result<(), Error> {
    for record in event.payload.records {
        let marker = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        // The job is named by its marker, not by this invocation: a second delivery of the
        // event fans out the same job, whose parts the table then records once.
        let job = marker.strip_prefix(JOBS).unwrap_or(&marker).to_owned();
        let folder = format!("{SALES}{job}/");
        let listing = splitter
            .s3
            .list_objects_v2()
            .bucket(&splitter.input_bucket)
            .prefix(&folder)
            .send()
            .await?;
        let keys: Vec<&str> = listing.contents().iter().filter_map(|o| o.key()).collect();
        tracing::info!(%job, parts = keys.len(), %folder, "splitting");
        for key in &keys {
            let task = MapTask {
                job: job.clone(),
                part: key.strip_prefix(&folder).unwrap_or(key).to_owned(),
                parts: keys.len(),
            };
            // Fire and forget: an asynchronous invocation.
            invoke_async(&splitter.lambda, &splitter.mapper, &task).await?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let splitter = Splitter {
        s3: aws_sdk_s3::Client::new(&aws),
        lambda: aws_sdk_lambda::Client::new(&aws),
        input_bucket: setting("INPUT_BUCKET")?,
        mapper: setting("MAPPER_FUNCTION")?,
    };
    run(service_fn(|event| split(&splitter, event))).await
}
