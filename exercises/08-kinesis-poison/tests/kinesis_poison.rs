//! Tests for exercise 8. Each deploys the shop (the stream with its orders and the broken
//! record, `record-orders`, the `failed-orders` queue, and your mapping), lets Lambda work
//! through the stream, then reads the ledger and the queue.

use assert_json_diff::assert_json_include;
use invoker::testing::deployed_returning;
use invoker::Lambda;
use kinesis_poison::{deploy_to, Ledger, PutOrder, CUSTOMERS, FAILED_ORDERS, MAX_RETRIES};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What became of the orders: the stream's records, the ledger, and the queue's messages.
struct Outcome {
    lambda: Lambda,
    puts: Vec<PutOrder>,
    ledger: Ledger,
    failed: Vec<Value>,
}

/// Deploys the shop and waits (in virtual time) until Lambda is done with every record: it is
/// recorded, given up on, or expired.
async fn run() -> Outcome {
    let ledger = Ledger::new();
    let (lambda, puts) = deployed_returning(0, |lambda| deploy_to(lambda, &ledger));
    lambda.settle().await;
    let queue = lambda.sqs().create_queue(FAILED_ORDERS);
    let failed = lambda
        .sqs()
        .messages(&queue)
        .iter()
        .map(|m| serde_json::from_str(&m.body).expect("Lambda's failure records are JSON"))
        .collect();
    Outcome {
        lambda,
        puts,
        ledger,
        failed,
    }
}

impl Outcome {
    /// The orders put in a shard, in order, without the broken record.
    fn orders_put_in(&self, shard_id: &str) -> Vec<String> {
        self.puts
            .iter()
            .filter(|p| p.shard_id == shard_id && p.order_id != "broken")
            .map(|p| p.order_id.clone())
            .collect()
    }

    /// The orders recorded from a shard, in the order they were recorded.
    fn orders_recorded_from(&self, shard_id: &str) -> Vec<String> {
        self.ledger
            .batches()
            .into_iter()
            .filter(|b| b.shard_id == shard_id)
            .flat_map(|b| b.order_ids)
            .collect()
    }

    fn broken(&self) -> &PutOrder {
        self.puts.iter().find(|p| p.order_id == "broken").unwrap()
    }

    /// The order put with a sequence number, for readable messages.
    fn order_at(&self, sequence_number: &Value) -> String {
        self.puts
            .iter()
            .find(|p| sequence_number == p.sequence_number.as_str())
            .map_or_else(|| format!("{sequence_number}"), |p| p.order_id.clone())
    }

    /// A readable account of the outcome: what each shard recorded, and what the queue got.
    fn summary(&self) -> String {
        let mut text = String::new();
        let shards: BTreeSet<&str> = self.puts.iter().map(|p| p.shard_id.as_str()).collect();
        for shard in shards {
            let batches: Vec<String> = self
                .ledger
                .batches()
                .into_iter()
                .filter(|b| b.shard_id == shard)
                .map(|b| format!("[{}]", b.order_ids.join(" ")))
                .collect();
            text += &format!("{shard} recorded in batches: {}\n", batches.join(" "));
        }
        text += &format!("{FAILED_ORDERS}: {} message(s)\n", self.failed.len());
        for record in &self.failed {
            let info = &record["KinesisBatchInfo"];
            text += &format!(
                "  {} from {} to {} ({} record(s)): {} after {} invocation(s)\n",
                info["shardId"].as_str().unwrap_or("?"),
                self.order_at(&info["startSequenceNumber"]),
                self.order_at(&info["endSequenceNumber"]),
                info["batchSize"],
                record["requestContext"]["condition"]
                    .as_str()
                    .unwrap_or("?"),
                record["requestContext"]["approximateInvokeCount"],
            );
        }
        text += &format!("done at +{} s", self.lambda.elapsed().as_secs());
        text
    }
}

#[tokio::test(start_paused = true)]
async fn the_broken_record_lands_in_the_failed_orders_queue_alone() {
    let outcome = run().await;
    let broken = outcome.broken();
    assert_eq!(
        outcome.failed.len(),
        1,
        "one message in {FAILED_ORDERS}, for the broken record (none: is the queue your on-failure destination, and does Lambda ever give up?):\n{}",
        outcome.summary()
    );
    let info = &outcome.failed[0]["KinesisBatchInfo"];
    // The batch given up on holds the broken record and nothing else.
    assert_json_include!(
        actual: info,
        expected: json!({
            "shardId": broken.shard_id,
            "startSequenceNumber": broken.sequence_number,
            "endSequenceNumber": broken.sequence_number,
            "batchSize": 1,
        })
    );
}

#[tokio::test(start_paused = true)]
async fn every_good_order_is_recorded_once_in_order_on_every_shard() {
    let outcome = run().await;
    for customer in CUSTOMERS {
        let shard = &outcome
            .puts
            .iter()
            .find(|p| p.order_id.starts_with(&customer[..1]))
            .unwrap()
            .shard_id;
        assert_eq!(
            outcome.orders_recorded_from(shard),
            outcome.orders_put_in(shard),
            "{customer}'s orders ({shard}), each once and in order:\n{}",
            outcome.summary()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn lambda_gives_up_after_max_retries_retries() {
    let outcome = run().await;
    let record = outcome
        .failed
        .first()
        .unwrap_or_else(|| panic!("nothing was given up on:\n{}", outcome.summary()));
    assert_eq!(
        record["requestContext"]["condition"],
        "RetryAttemptsExhausted",
        "given up on because its retries ran out:\n{}",
        outcome.summary()
    );
    assert_eq!(
        record["requestContext"]["approximateInvokeCount"],
        MAX_RETRIES + 1,
        "the first try and MAX_RETRIES ({MAX_RETRIES}) retries:\n{}",
        outcome.summary()
    );
}

#[tokio::test(start_paused = true)]
async fn shards_without_a_broken_record_are_recorded_in_one_batch_each() {
    let outcome = run().await;
    let broken_shard = &outcome.broken().shard_id;
    let batches = outcome.ledger.batches();
    for healthy in outcome.puts.iter().map(|p| &p.shard_id) {
        if healthy == broken_shard {
            continue;
        }
        let count = batches.iter().filter(|b| &b.shard_id == healthy).count();
        assert_eq!(
            count,
            1,
            "{healthy} holds three orders: one batch of the default size takes them all:\n{}",
            outcome.summary()
        );
    }
}

#[tokio::test(start_paused = true)]
async fn what_became_of_the_orders() {
    let outcome = run().await;
    insta::assert_snapshot!(outcome.summary());
}

/// The transcript without the log lines and the records put: how Lambda worked through the
/// shards, batch by batch.
#[tokio::test(start_paused = true)]
async fn how_lambda_worked_through_the_stream() {
    let outcome = run().await;
    let transcript = outcome.lambda.transcript();
    let story: Vec<&str> = transcript
        .lines()
        .filter(|line| !line.starts_with(' ') && !line.contains("kinesis:PutRecord"))
        .collect();
    insta::assert_snapshot!(story.join("\n"));
}
