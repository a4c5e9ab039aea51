//! Provided by the exercise: the names, the [`Order`] a message carries and how to read one, the
//! warehouse that ships orders (a stand-in that counts each order's shipments), and the
//! deployment: the queue with its dead-letter queue, the function, and your mapping. Read it,
//! but you don't need to change it: your part is in `lib.rs`.

use invoker::aws_lambda_events::sqs::SqsEvent;
use invoker::QueueAttributes;
use invoker::{
    service_fn, Diagnostic, FunctionCode, FunctionConfig, Lambda, LambdaEvent, ManagedPolicy, Role,
    ServiceError,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::{mapping, process_orders};

/// The queue the shop sends orders to.
pub const QUEUE: &str = "orders";
/// Where orders that keep failing end up, for a person to look at.
pub const DEAD_LETTER_QUEUE: &str = "orders-dlq";
/// The function this exercise deploys.
pub const FUNCTION: &str = "process-orders";
/// How many times a message is received before the queue moves it to the dead-letter queue.
pub const MAX_RECEIVES: u32 = 3;
/// The function's timeout.
pub const TIMEOUT_SECS: u32 = 5;
/// The queue's visibility timeout: 6 × the function's timeout, as AWS recommends.
pub const VISIBILITY_TIMEOUT_SECS: u64 = 6 * TIMEOUT_SECS as u64;
/// How long shipping one order takes.
pub const SHIP_TIME: Duration = Duration::from_millis(50);

/// An order, as the shop sends it: `{"orderId": "o-1", "quantity": 2}`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The shop's id for the order.
    pub order_id: String,
    /// How many items: at least 1.
    pub quantity: u32,
}

/// Reads an order from a message body. A body that is not an order, or an order of nothing, is
/// an `InvalidOrder` error: sending it again will not fix it.
pub fn parse_order(body: &str) -> Result<Order, Diagnostic> {
    let order: Order = serde_json::from_str(body).map_err(|e| Diagnostic {
        error_type: "InvalidOrder".into(),
        error_message: format!("not an order: {e}"),
    })?;
    if order.quantity == 0 {
        return Err(Diagnostic {
            error_type: "InvalidOrder".into(),
            error_message: format!("order {} has no items", order.order_id),
        });
    }
    Ok(order)
}

/// The warehouse. Clones share one warehouse, so a test can hold one and count what it shipped.
#[derive(Clone, Debug, Default)]
pub struct Warehouse {
    shipments: Arc<Mutex<BTreeMap<String, u32>>>,
}

impl Warehouse {
    /// A warehouse that has shipped nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Ships an order; it takes [`SHIP_TIME`]. Shipping the same order twice sends the customer
    /// two parcels: the warehouse counts them.
    pub async fn ship(&self, order: &Order) {
        invoker::sleep(SHIP_TIME).await;
        *self.lock().entry(order.order_id.clone()).or_default() += 1;
    }

    /// How many times each order was shipped.
    pub fn shipments(&self) -> BTreeMap<String, u32> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, u32>> {
        self.shipments.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The code of `process-orders`: your `process_orders`, shipping to `warehouse`.
pub fn process_orders_code(warehouse: &Warehouse) -> FunctionCode {
    let warehouse = warehouse.clone();
    service_fn(move |event: LambdaEvent<SqsEvent>| process_orders(warehouse.clone(), event))
}

/// The ARNs of the two queues.
#[derive(Clone, Debug)]
pub struct Queues {
    /// `orders`, read by the function.
    pub orders: String,
    /// `orders-dlq`, where the redrive policy of `orders` moves what keeps failing.
    pub dead_letters: String,
}

/// Deploys the exercise in front of `warehouse`: the dead-letter queue, the `orders` queue with
/// its redrive policy, the function, and the event source mapping from your [`mapping`].
pub fn deploy_to(lambda: &Lambda, warehouse: &Warehouse) -> Result<Queues, ServiceError> {
    let dead_letters = lambda.sqs().create_queue(DEAD_LETTER_QUEUE);
    let attributes = QueueAttributes::default()
        .visibility_timeout_secs(VISIBILITY_TIMEOUT_SECS)
        .redrive_policy(&dead_letters, MAX_RECEIVES);
    let orders = lambda.sqs().create_queue_with(QUEUE, attributes)?;
    // The pull model: Lambda reads the queue as the function's role, which the managed policy
    // for SQS mappings allows.
    let role = Role::new("process-orders-role").attach(ManagedPolicy::SqsQueueExecution);
    let config = FunctionConfig::new(FUNCTION)
        .timeout_secs(TIMEOUT_SECS)
        .description("Ships the orders of the orders queue")
        .role(role);
    lambda.create_function(config, process_orders_code(warehouse))?;
    lambda.create_event_source_mapping(mapping(&orders))?;
    Ok(Queues {
        orders,
        dead_letters,
    })
}

/// Deploys the exercise with a warehouse of its own.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_to(lambda, &Warehouse::new()).map(|_| ())
}
