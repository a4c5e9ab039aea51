//! What the tests share, so that each module says only what its tests are about.
//!
//! - A service with one function to call: [`deployed`] (with [`RUNAWAY_AFTER`]), [`invoke`] to
//!   call it, and [`function_error`] to read a failed call.
//! - Calls and their answers: [`answer`] (the handler must not fail) and [`event`] (an
//!   asynchronous invocation).
//! - Function code that plays a part: [`capturing`] keeps every event it gets in [`Events`];
//!   [`failing`] always fails, with the error a test names.
//! - A function an event source mapping may poll for: [`reader`], and one reading a queue
//!   through a mapping: [`queue_mapping`].
//! - What a test reads afterwards: [`log_lines_starting`] (a function's log) and [`records_in`]
//!   (the JSON a destination queue received).

use invoker::{
    service_fn, Diagnostic, EventSourceMapping, FunctionCode, FunctionConfig, InvocationType,
    InvokeRequest, InvokeResponse, Lambda, LambdaEvent, ManagedPolicy, Role,
};
use serde_json::Value;
use std::time::Duration;

/// The real time after which a poll of function code that has not returned is a runaway (a
/// blocking call, a busy loop): short, so the tests that provoke one end quickly.
pub const RUNAWAY_AFTER: Duration = Duration::from_millis(300);

/// A service (seed 3, runaways after [`RUNAWAY_AFTER`]) with one function, `f`, running `code`.
pub fn deployed(config: FunctionConfig, code: FunctionCode) -> Lambda {
    let lambda = Lambda::builder()
        .seed(3)
        .runaway_after(RUNAWAY_AFTER)
        .build();
    lambda
        .create_function(config, code)
        .expect("valid function");
    lambda
}

/// Invokes `f` synchronously with `payload`. The call itself must succeed: a function error is
/// still a response.
pub async fn invoke(lambda: &Lambda, payload: Value) -> InvokeResponse {
    lambda
        .invoke(InvokeRequest::new("f").payload(payload))
        .await
        .expect("invoke succeeds")
}

/// The `errorType` and `errorMessage` of a failed invocation, which is still HTTP 200.
pub fn function_error(response: &InvokeResponse) -> (String, String) {
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        response.status_code, 200,
        "function errors are still HTTP 200"
    );
    let payload = response.payload_json().expect("error payload is JSON");
    let field = |name: &str| payload[name].as_str().unwrap_or_default().to_owned();
    (field("errorType"), field("errorMessage"))
}

/// What `function` answers to an empty event, as JSON; the handler must not fail.
pub async fn answer(lambda: &Lambda, function: &str) -> Value {
    let response = lambda
        .invoke(InvokeRequest::new(function))
        .await
        .expect("invoke succeeds");
    response.result().unwrap_or_else(|e| panic!("{e}"))
}

/// An asynchronous invocation of `function`, as S3, SNS or EventBridge make them.
pub fn event(function: &str) -> InvokeRequest {
    InvokeRequest::new(function).invocation_type(InvocationType::Event)
}

pub use invoker::testing::{capturing, Events};

/// Code that always fails with a function error of `error_type` and `message`.
pub fn failing(error_type: &'static str, message: &'static str) -> FunctionCode {
    service_fn(move |_event: LambdaEvent<Value>| async move {
        Err::<Value, _>(Diagnostic {
            error_type: error_type.to_string(),
            error_message: message.to_string(),
        })
    })
}

/// A function whose role (`<name>-role`) attaches `policy`: the managed policy an event source
/// mapping needs to poll its source for the function.
pub fn reader(name: &str, policy: ManagedPolicy) -> FunctionConfig {
    FunctionConfig::new(name).role(Role::new(format!("{name}-role")).attach(policy))
}

/// A service whose function `reader` captures its events into `events`, and a queue `orders`
/// it reads through a mapping `configure` finishes; returns the service, the mapping's UUID and
/// the queue's ARN.
pub fn queue_mapping(
    events: &Events,
    configure: impl FnOnce(EventSourceMapping) -> EventSourceMapping,
) -> (Lambda, String, String) {
    let lambda = Lambda::new();
    lambda
        .create_function(
            reader("reader", ManagedPolicy::SqsQueueExecution),
            capturing(events),
        )
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    let uuid = lambda
        .create_event_source_mapping(configure(EventSourceMapping::new(&queue, "reader")))
        .unwrap();
    (lambda, uuid, queue)
}

/// The log lines of `function` that start with `prefix` (`START`, `INIT_START`, …), in order.
pub fn log_lines_starting(lambda: &Lambda, function: &str, prefix: &str) -> Vec<String> {
    lambda
        .log_lines(function)
        .into_iter()
        .filter(|line| line.starts_with(prefix))
        .collect()
}

/// The bodies of the messages in `queue`, in order, read as JSON: the invocation records a
/// destination queue received.
pub fn records_in(lambda: &Lambda, queue: &str) -> Vec<Value> {
    lambda
        .sqs()
        .messages(queue)
        .iter()
        .map(|message| serde_json::from_str(&message.body).expect("a JSON record"))
        .collect()
}
