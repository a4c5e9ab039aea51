//! Provided by the exercise: the `OrderPlaced` event, the payments API (a stand-in that keeps a
//! ledger of every charge it makes, and can be made to fail), the function's name and settings,
//! and how the shop publishes an order. Read it, but you don't need to change it: your part is
//! in `lib.rs`.

use invoker::aws_lambda_events::eventbridge::EventBridgeEvent;
use invoker::VirtualClock;
use invoker::{
    service_fn, Diagnostic, FunctionCode, FunctionConfig, InvocationType, InvokeRequest,
    InvokeResponse, Lambda, LambdaEvent, ServiceError,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::{charge_order, handle_failures};

/// The function this exercise deploys.
pub const FUNCTION: &str = "charge-order";
/// The SQS queue that keeps the orders Lambda gave up on, so that someone can look at them and
/// charge them later.
pub const FAILURE_QUEUE: &str = "charge-order-failures";
/// How many times Lambda retries an order after a failed attempt: two, Lambda's default and its
/// maximum. The payments API is rarely down for longer than the three minutes they cover.
pub const RETRIES: u32 = 2;
/// The function's timeout, in seconds.
pub const TIMEOUT_SECS: u32 = 10;
/// How long the payments API takes to answer a charge.
pub const CALL_TIME: Duration = Duration::from_millis(100);
/// How late the payments API answers while it is losing answers: long after the function's
/// timeout, so the function never sees the answer, although the card was charged.
pub const LATE_ANSWER: Duration = Duration::from_secs(30);

/// The `detail` of the shop's `OrderPlaced` event: what to charge, and to whom.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OrderPlaced {
    /// The shop's id of the order: one order, one payment.
    pub order_id: String,
    /// The customer whose card is charged. A customer places many orders.
    pub customer_id: String,
    /// The amount, in cents.
    pub amount_cents: u64,
}

impl OrderPlaced {
    /// An order of `amount_cents` for a customer.
    pub fn new(order_id: &str, customer_id: &str, amount_cents: u64) -> Self {
        Self {
            order_id: order_id.to_owned(),
            customer_id: customer_id.to_owned(),
            amount_cents,
        }
    }
}

/// The event the function receives: an EventBridge event whose `detail` is the order.
pub type OrderEvent = EventBridgeEvent<OrderPlaced>;

/// A request to charge a customer's card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeRequest {
    /// Whose card to charge.
    pub customer_id: String,
    /// How much, in cents.
    pub amount_cents: u64,
    /// What the charge is for; it is printed on the customer's statement.
    pub order_id: String,
    /// The `Idempotency-Key` header, as payment APIs such as Stripe's accept it. The first
    /// request with a key makes a charge; a later request with the same key makes none and gets
    /// the first one's receipt back (with `replayed: true`). Without a key, every request is a
    /// new charge.
    pub idempotency_key: Option<String>,
}

/// What the payments API answers: the charge that was made, or replayed.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The id of the charge: `ch_1`, `ch_2`, …
    pub charge_id: String,
    /// What the charge was for.
    pub order_id: String,
    /// The amount charged, in cents.
    pub amount_cents: u64,
    /// Whether this answer repeats an earlier charge made with the same idempotency key,
    /// instead of making a new one.
    pub replayed: bool,
}

/// One charge the payments API made: money taken from a customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    /// `ch_1`, `ch_2`, … in the order the charges were made.
    pub charge_id: String,
    /// The request that made it.
    pub request: ChargeRequest,
    /// When it was made, from the moment the API was created.
    pub at: Duration,
}

/// A stretch of time during which the payments API misbehaves.
#[derive(Clone, Copy, Debug)]
enum Trouble {
    /// Every request fails with a 503, and nothing is charged.
    Down,
    /// The card is charged, but the answer comes [`LATE_ANSWER`] later: too late for the caller.
    LosesAnswers,
}

/// What the payments API has done so far.
#[derive(Debug, Default)]
struct Ledger {
    charges: Vec<Charge>,
    /// Idempotency key → index in `charges`.
    by_key: BTreeMap<String, usize>,
    requests: usize,
}

/// The payments API that `charge-order` calls. Clones share one API, so a test keeps one and
/// reads its ledger: [`PaymentsApi::charges`] is every charge made, the side effect that must
/// happen exactly once per order.
#[derive(Clone, Debug)]
pub struct PaymentsApi {
    ledger: Arc<Mutex<Ledger>>,
    troubles: Arc<Vec<(Trouble, Duration, Duration)>>,
    /// The virtual clock, started when the API was created: troubles are scheduled from then.
    clock: VirtualClock,
}

impl Default for PaymentsApi {
    fn default() -> Self {
        Self::new()
    }
}

impl PaymentsApi {
    /// A healthy payments API. Create it at the start of a scenario: the times given to
    /// [`PaymentsApi::down_between`] and [`PaymentsApi::loses_answers_between`] count from now.
    pub fn new() -> Self {
        Self {
            ledger: Arc::default(),
            troubles: Arc::default(),
            clock: VirtualClock::starting_at(SystemTime::UNIX_EPOCH),
        }
    }

    /// The API is down from `from` to `to`: it answers every request with a 503 (the error
    /// `PaymentsUnavailable`) and charges nothing.
    pub fn down_between(self, from: Duration, to: Duration) -> Self {
        self.with_trouble(Trouble::Down, from, to)
    }

    /// From `from` to `to`, the API charges the card but its answer arrives [`LATE_ANSWER`]
    /// later, after the function has timed out: the caller never learns that it was charged.
    pub fn loses_answers_between(self, from: Duration, to: Duration) -> Self {
        self.with_trouble(Trouble::LosesAnswers, from, to)
    }

    fn with_trouble(self, trouble: Trouble, from: Duration, to: Duration) -> Self {
        let mut troubles = self.troubles.as_ref().clone();
        troubles.push((trouble, from, to));
        Self {
            troubles: Arc::new(troubles),
            ..self
        }
    }

    /// Charges a customer: `POST /v1/charges`. It takes [`CALL_TIME`]; see [`ChargeRequest`]
    /// for what the idempotency key does.
    pub fn charge(
        &self,
        request: ChargeRequest,
    ) -> impl Future<Output = Result<Receipt, Diagnostic>> + Send + 'static {
        let api = self.clone();
        async move {
            let now = api.clock.elapsed();
            let trouble = api
                .troubles
                .iter()
                .find(|(_, from, to)| (*from..*to).contains(&now))
                .map(|(trouble, _, _)| *trouble);
            if let Some(Trouble::Down) = trouble {
                api.ledger().requests += 1;
                invoker::sleep(CALL_TIME).await;
                return Err(Diagnostic {
                    error_type: "PaymentsUnavailable".into(),
                    error_message: "the payments API answered 503 Service Unavailable".into(),
                });
            }
            let receipt = api.record(request, now);
            match trouble {
                Some(Trouble::LosesAnswers) => invoker::sleep(CALL_TIME + LATE_ANSWER).await,
                _ => invoker::sleep(CALL_TIME).await,
            }
            Ok(receipt)
        }
    }

    /// Makes the charge, or finds the one made earlier with the same idempotency key.
    fn record(&self, request: ChargeRequest, at: Duration) -> Receipt {
        let mut ledger = self.ledger();
        ledger.requests += 1;
        let earlier = request
            .idempotency_key
            .as_ref()
            .and_then(|key| ledger.by_key.get(key).copied());
        if let Some(index) = earlier {
            return ledger.charges[index].receipt(true);
        }
        let charge = Charge {
            charge_id: format!("ch_{}", ledger.charges.len() + 1),
            request,
            at,
        };
        if let Some(key) = &charge.request.idempotency_key {
            let index = ledger.charges.len();
            ledger.by_key.insert(key.clone(), index);
        }
        let receipt = charge.receipt(false);
        ledger.charges.push(charge);
        receipt
    }

    /// Every charge made so far, oldest first.
    pub fn charges(&self) -> Vec<Charge> {
        self.ledger().charges.clone()
    }

    /// How many charges were made for an order.
    pub fn charges_for(&self, order_id: &str) -> usize {
        self.ledger()
            .charges
            .iter()
            .filter(|c| c.request.order_id == order_id)
            .count()
    }

    /// How many requests the API received, failed and replayed ones included.
    pub fn requests(&self) -> usize {
        self.ledger().requests
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Charge {
    fn receipt(&self, replayed: bool) -> Receipt {
        Receipt {
            charge_id: self.charge_id.clone(),
            order_id: self.request.order_id.clone(),
            amount_cents: self.request.amount_cents,
            replayed,
        }
    }
}

// ANCHOR: deploy
/// The code of `charge-order`: your `charge_order`, with the payments API it calls.
pub fn code(payments: &PaymentsApi) -> FunctionCode {
    let payments = payments.clone();
    service_fn(move |event: LambdaEvent<OrderEvent>| charge_order(payments.clone(), event))
}

/// Deploys `charge-order` in front of `payments`, with the failure handling your
/// `handle_failures` configures.
pub fn deploy_to(lambda: &Lambda, payments: &PaymentsApi) -> Result<(), ServiceError> {
    let config = FunctionConfig::new(FUNCTION)
        .timeout_secs(TIMEOUT_SECS)
        .description("Charges the customer for each OrderPlaced event");
    lambda.create_function(config, code(payments))?;
    handle_failures(lambda)?;
    Ok(())
}
// ANCHOR_END: deploy

/// Deploys the exercise with a healthy payments API of its own.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_to(lambda, &PaymentsApi::new())
}

/// The `OrderPlaced` event as EventBridge delivers it to a target, with the event's own `id`.
pub fn order_placed_event(lambda: &Lambda, event_id: &str, order: &OrderPlaced) -> Value {
    json!({
        "version": "0",
        "id": event_id,
        "detail-type": "OrderPlaced",
        "source": "shop.orders",
        "account": "123456789012",
        "time": lambda.now_rfc3339(),
        "region": "us-east-1",
        "resources": [],
        "detail": order,
    })
}

/// What the shop's EventBridge rule does with an `OrderPlaced` event: an asynchronous invoke of
/// `charge-order`. Lambda answers 202 at once and runs the function later.
pub async fn publish(
    lambda: &Lambda,
    event_id: &str,
    order: &OrderPlaced,
) -> Result<InvokeResponse, ServiceError> {
    let event = order_placed_event(lambda, event_id, order);
    let request = InvokeRequest::new(FUNCTION)
        .invocation_type(InvocationType::Event)
        .payload(event);
    lambda.invoke(request).await
}
