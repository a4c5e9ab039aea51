//! # Exercise 18 on real AWS: the function `mapper`
//!
//! The exercise's `map`: adds up one part, records its totals with the solution's
//! `record_partial`, and, if `claim_reducer` says this mapper is the one, starts the reducer
//! asynchronously.

use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use map_reduce_aws::{
    claim_reducer, invoke_async, parse_sales, record_partial, setting, totals_of,
};
use map_reduce_aws::{MapTask, ReduceTask};

/// The clients and names the mapper makes at Init.
struct Mapper {
    s3: aws_sdk_s3::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    lambda: aws_sdk_lambda::Client,
    input_bucket: String,
    table: String,
    reducer: String,
}

async fn map(mapper: &Mapper, event: LambdaEvent<MapTask>) -> Result<(), Error> {
    let task = event.payload;
    let object = mapper
        .s3
        .get_object()
        .bucket(&mapper.input_bucket)
        .key(task.key())
        .send()
        .await?;
    let csv = object.body.collect().await?.into_bytes();
    let totals = totals_of(&parse_sales(&csv)?);
    let part = &task.part;
    if record_partial(&mapper.dynamodb, &mapper.table, &task, &totals).await? {
        tracing::info!(%part, ?totals, "recorded");
    } else {
        tracing::info!(%part, "already recorded by an earlier delivery");
    }
    if claim_reducer(&mapper.dynamodb, &mapper.table, &task).await? {
        tracing::info!(%part, "every part is recorded, starting the reducer");
        let reduce = ReduceTask { job: task.job };
        invoke_async(&mapper.lambda, &mapper.reducer, &reduce).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let mapper = Mapper {
        s3: aws_sdk_s3::Client::new(&aws),
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        lambda: aws_sdk_lambda::Client::new(&aws),
        input_bucket: setting("INPUT_BUCKET")?,
        table: setting("TABLE_NAME")?,
        reducer: setting("REDUCER_FUNCTION")?,
    };
    run(service_fn(|event| map(&mapper, event))).await
}
