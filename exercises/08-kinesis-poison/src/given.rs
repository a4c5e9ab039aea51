//! Provided by the exercise: the `orders` stream and what is already in it, the `record-orders`
//! function and the ledger it writes to, the `failed-orders` queue, and the deployment. Read it,
//! but you don't need to change it: your part is in `lib.rs`.

use invoker::aws_lambda_events::kinesis::KinesisEvent;
use invoker::{
    service_fn, Diagnostic, FunctionCode, FunctionConfig, Lambda, LambdaEvent, ManagedPolicy, Role,
    ServiceError,
};
use serde_json::Value;
use std::sync::{Arc, Mutex};

use crate::configure_mapping;

/// The Kinesis stream the shop's checkout writes orders to.
pub const STREAM: &str = "orders";
/// How many shards it has.
pub const SHARDS: u32 = 4;
/// The function that reads the stream and records each order in the ledger.
pub const FUNCTION: &str = "record-orders";
/// The SQS queue where the team wants to find the orders Lambda gave up on.
pub const FAILED_ORDERS: &str = "failed-orders";
/// How many times a failed batch may be retried before Lambda gives up on it.
pub const MAX_RETRIES: u32 = 2;

/// The customers, and so the partition keys. The MD5 hash of each name falls in a different
/// shard: grace in shard 0, linus in 1, ada in 2, ken in 3.
pub const CUSTOMERS: [&str; 4] = ["grace", "linus", "ada", "ken"];
/// What a checkout that crashed half-way through writing an order left in the stream.
pub const BROKEN_ORDER: &str = r#"{"orderId":"a-?","customer":"ada","totalCen"#;

// ANCHOR: record_orders
/// The code of `record-orders`. It reads every order of the batch first, and records them only
/// if all of them are orders: a record that is not fails the whole batch, as a strict parser
/// does. So a batch is recorded completely or not at all, and a retried batch is never recorded
/// twice.
pub fn record_orders(ledger: Ledger) -> FunctionCode {
    service_fn(move |event: LambdaEvent<KinesisEvent>| {
        let (event, ctx) = event.into_parts();
        let ledger = ledger.clone();
        async move {
            let mut order_ids = Vec::new();
            for record in &event.records {
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
            let event_id = event.records.first().and_then(|r| r.event_id.as_deref());
            let shard_id = event_id
                .and_then(|id| id.split(':').next())
                .unwrap_or_default()
                .to_owned();
            ctx.logger()
                .info(format!("recorded {} from {shard_id}", order_ids.join(", ")));
            ledger.record(RecordedBatch {
                shard_id,
                order_ids,
            });
            Ok::<(), Diagnostic>(())
        }
    })
}
// ANCHOR_END: record_orders

/// One batch the function recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedBatch {
    /// The shard the batch came from.
    pub shard_id: String,
    /// Its orders, in the order the function got them.
    pub order_ids: Vec<String>,
}

/// The shop's ledger of recorded orders. Clones share one ledger, so a test can hold one and read
/// what the function recorded.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    batches: Arc<Mutex<Vec<RecordedBatch>>>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every batch recorded so far, in the order they were recorded.
    pub fn batches(&self) -> Vec<RecordedBatch> {
        self.lock().clone()
    }

    fn record(&self, batch: RecordedBatch) {
        self.lock().push(batch);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedBatch>> {
        self.batches.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A record put into the stream: which order, and where it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutOrder {
    /// The order id (`g-1`, `a-2`, …), or `broken` for the broken record.
    pub order_id: String,
    /// The shard Kinesis put it in.
    pub shard_id: String,
    /// Its sequence number in that shard.
    pub sequence_number: String,
}

/// Three orders of each customer, in rounds, as the checkouts wrote them; between ada's first
/// and second order, the broken record.
pub fn put_orders(lambda: &Lambda) -> Result<Vec<PutOrder>, ServiceError> {
    let mut puts = Vec::new();
    for round in 1..=3 {
        for customer in CUSTOMERS {
            let order_id = format!("{}-{round}", &customer[..1]);
            let data = format!(
                r#"{{"orderId":"{order_id}","customer":"{customer}","totalCents":{}}}"#,
                1000 + round * 250
            );
            puts.push(put(lambda, customer, &order_id, &data)?);
            if customer == "ada" && round == 1 {
                puts.push(put(lambda, customer, "broken", BROKEN_ORDER)?);
            }
        }
    }
    Ok(puts)
}

fn put(
    lambda: &Lambda,
    customer: &str,
    order_id: &str,
    data: &str,
) -> Result<PutOrder, ServiceError> {
    let (shard_id, sequence_number) =
        lambda
            .kinesis()
            .put_record(STREAM, customer, data.as_bytes())?;
    Ok(PutOrder {
        order_id: order_id.to_owned(),
        shard_id,
        sequence_number,
    })
}

/// Deploys the shop: the stream, with the orders already in it; `record-orders` writing to
/// `ledger`; the `failed-orders` queue; and the event source mapping your `configure_mapping`
/// creates. Returns the records put, in order.
pub fn deploy_to(lambda: &Lambda, ledger: &Ledger) -> Result<Vec<PutOrder>, ServiceError> {
    let stream_arn = lambda.kinesis().create_stream(STREAM, SHARDS)?;
    let queue_arn = lambda.sqs().create_queue(FAILED_ORDERS);
    // The pull model: Lambda reads the stream as the function's role (the managed policy for
    // Kinesis mappings), and sends what it gives up on to the queue as that role too.
    let role = Role::new("record-orders-role")
        .attach(ManagedPolicy::KinesisExecution)
        .allow("sqs:SendMessage", &queue_arn);
    let config = FunctionConfig::new(FUNCTION)
        .description("Records orders in the ledger")
        .role(role);
    lambda.create_function(config, record_orders(ledger.clone()))?;
    let puts = put_orders(lambda)?;
    configure_mapping(lambda, &stream_arn, &queue_arn)?;
    Ok(puts)
}

/// Deploys the shop with a ledger of its own.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_to(lambda, &Ledger::new()).map(|_| ())
}
