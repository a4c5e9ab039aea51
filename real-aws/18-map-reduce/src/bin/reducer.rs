//! # Exercise 18 on real AWS: the function `reducer`
//!
//! The exercise's `reduce`: adds up the parts' totals with the solution's `sum_partials` and
//! writes `{"job": …, "totals": {…}}` to `results/<job>.json` in the output bucket.

use aws_sdk_s3::primitives::ByteStream;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use map_reduce_aws::{setting, sum_partials, ReduceTask, RESULTS};
use serde_json::json;

/// The clients and names the reducer makes at Init.
struct Reducer {
    s3: aws_sdk_s3::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    output_bucket: String,
    table: String,
}

async fn reduce(reducer: &Reducer, event: LambdaEvent<ReduceTask>) -> Result<(), Error> {
    let task = event.payload;
    let totals = sum_partials(&reducer.dynamodb, &reducer.table, &task.job).await?;
    let result = json!({ "job": task.job, "totals": totals });
    tracing::info!(job = %task.job, totals = %result["totals"], "reduced");
    reducer
        .s3
        .put_object()
        .bucket(&reducer.output_bucket)
        .key(format!("{RESULTS}{}.json", task.job))
        .body(ByteStream::from(result.to_string().into_bytes()))
        .send()
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let reducer = Reducer {
        s3: aws_sdk_s3::Client::new(&aws),
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        output_bucket: setting("OUTPUT_BUCKET")?,
        table: setting("TABLE_NAME")?,
    };
    run(service_fn(|event| reduce(&reducer, event))).await
}
