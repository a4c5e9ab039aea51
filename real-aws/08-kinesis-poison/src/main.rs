//! # Exercise 8 on real AWS: the function `record-orders`
//!
//! The exercise's `record_orders` (`exercises/08-kinesis-poison/src/given.rs`): it reads every
//! order of the batch first and records them only if all of them are orders, so a record that
//! is not fails the whole batch. The solution's part is the event source mapping
//! (`BisectBatchOnFunctionError`, `MaximumRetryAttempts`, an on-failure destination), which is
//! configuration on AWS: the chapter's template and CLI commands. The exercise's ledger is a
//! stand-in; here `record` logs the batch where your code would write it.

use aws_lambda_events::event::kinesis::KinesisEvent;
use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use serde_json::Value;

/// Records a batch's orders: where your code writes them to the ledger.
fn record(shard_id: &str, order_ids: &[String]) {
    tracing::info!(shard_id, orders = %order_ids.join(", "), "recorded");
}

async fn record_orders(event: LambdaEvent<KinesisEvent>) -> Result<(), Diagnostic> {
    let records = event.payload.records;
    let mut order_ids = Vec::new();
    for record in &records {
        // Kinesis data arrives base64-encoded; `aws_lambda_events` decodes it into bytes.
        let order: Value =
            serde_json::from_slice(&record.kinesis.data).map_err(|e| Diagnostic {
                error_type: "InvalidOrder".into(),
                error_message: format!(
                    "record {} is not an order: {e}",
                    record.kinesis.sequence_number
                ),
            })?;
        order_ids.push(order["orderId"].as_str().unwrap_or_default().to_owned());
    }
    // eventID is `<shard id>:<sequence number>`.
    let event_id = records.first().and_then(|r| r.event_id.as_deref());
    let shard_id = event_id
        .and_then(|id| id.split(':').next())
        .unwrap_or_default();
    record(shard_id, &order_ids);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(record_orders)).await
}
