//! # invoker: AWS Lambda, simulated in-process, for learning
//!
//! The Lambda Workbook's exercises run against this crate instead of AWS. It plays the part of
//! the Lambda service: it deploys functions, creates execution environments (cold starts) and
//! reuses them (warm starts), enforces timeouts and payload limits, writes the log lines Lambda
//! writes, and answers with the status codes and error payloads Lambda returns. Everything runs
//! on a virtual clock with seeded ids, so a scenario is reproducible byte for byte and an hour of
//! Lambda time passes in milliseconds.
//!
//! It is a teaching model, **not** an emulator to deploy against: it runs Rust handlers in this
//! process, and it simulates only what the lessons need. Where it simplifies, the module that does
//! it says so.
//!
//! ```
//! use invoker::{service_fn, Error, FunctionConfig, InvokeRequest, Lambda, LambdaEvent};
//! use serde_json::{json, Value};
//!
//! async fn hello(event: LambdaEvent<Value>) -> Result<Value, Error> {
//!     event.context.logger().info("saying hello");
//!     Ok(json!({ "hello": event.payload["name"] }))
//! }
//!
//! invoker::run(async {
//!     let lambda = Lambda::new();
//!     lambda.create_function(FunctionConfig::new("hello"), service_fn(hello)).unwrap();
//!     let response = lambda
//!         .invoke(InvokeRequest::new("hello").payload(json!({ "name": "Ada" })))
//!         .await
//!         .unwrap();
//!     assert_eq!(response.payload_json().unwrap(), json!({ "hello": "Ada" }));
//!     println!("{}", lambda.transcript());
//! });
//! ```
//!
//! # Layout
//!
//! Everything a learner uses is re-exported here, at the root; the modules are private, so what
//! is internal stays internal and can move. For readers of the source, the modules come in
//! layers, each a folder that knows nothing of the ones above it (ARCHITECTURE.md states the
//! rules, and a test holds them):
//!
//! 1. `base`: what everything stands on. `clock` and `ids` (virtual time and seeded ids, the
//!    source of determinism), `arn`, `error` (service errors, as opposed to function errors),
//!    `logs` (CloudWatch-style log groups and the platform's log lines), `transcript` (the
//!    readable record of a scenario that tests snapshot), and `platform`, what one simulated
//!    account shares.
//! 2. `lambda`: the service itself.
//!    - The API: `service` ([`Lambda`], `create_function`), `config` (a function's
//!      configuration, with Lambda's defaults and limits), `versions` (versions, aliases,
//!      weighted routing), `env_vars`, `layers` (merged in order into each environment's
//!      `/opt`), `iam` and `permissions` (what a function may do; who may invoke it).
//!    - How a function is invoked: `invoke` (the Invoke API), `execution` (one invocation:
//!      Init, the handler under its timeout, logs, errors), `async_invoke` (the event queue,
//!      retries, destinations, DLQ), `concurrency` (limits, reserved and provisioned
//!      concurrency, throttling), `trace` (request chains, recursive loops) and `calls` (the
//!      calls a function's code makes, authorized and recorded).
//!    - Inside an execution environment: `function` (handlers, init steps, function errors),
//!      `context` (what a handler receives), `environment` (environments and their reuse),
//!      `sandbox` (panics and runaway loops contained), `tmp`, `cpu` (memory buys CPU),
//!      `timeline` (a function's environments over time, as text or SVG).
//!    - `handle`: what the services around Lambda may do with it.
//! 3. `services`: the services around Lambda, each as deep as the lessons need, each with its
//!    own state: `api_gateway`, `s3`, `sns`, `schedule` (EventBridge rules), `sqs`, `kinesis`
//!    and `dynamodb` (their streams are `shard`s), `ses`, `kms`, and `events` (event shapes).
//! 4. `event_source_mapping`: Lambda's pollers, which read SQS queues and Kinesis and DynamoDB
//!    streams and invoke with batches.
//!
//! On top, this file and `cli` (a command line that mirrors `aws lambda invoke`).

// The public face is this file's re-exports: everything public is documented, nothing public is
// left unreachable from here, and every type a public method hands out can be named.
#![warn(missing_docs, unreachable_pub, unnameable_types)]

mod base;
mod cli;
mod event_source_mapping;
mod lambda;
mod services;

// The exercise tests' kit: scaffolding, not part of the simulated Lambda, so not at the root.
pub mod testing;

pub use base::clock::sleep;
pub use base::error::{ErrorCode, ServiceError, ThrottleReason};
pub use base::transcript::TranscriptView;
pub use event_source_mapping::lifecycle::{
    EventSourceMappingConfiguration, EventSourceMappingUpdate, MappingState, StreamSettings,
};
pub use event_source_mapping::{EventSourceMapping, StartingPosition};
pub use lambda::concurrency::AccountLimit;
pub use lambda::config::FunctionConfig;
pub use lambda::context::{
    ClientContext, CognitoIdentity, Config, Context, InitContext, LambdaEvent, Logger,
};
pub use lambda::event_invoke_config::{EventInvokeConfig, EventOutcome, FailureCondition};
pub use lambda::function::{service_fn, with_init, Diagnostic, Error, FunctionCode};
pub use lambda::iam::{ManagedPolicy, Role};
pub use lambda::invoke::{InvocationType, InvokeRequest, InvokeResponse, LambdaClient, LogType};
pub use lambda::layers::store::{LayerContent, LayerPermission, Opt};
pub use lambda::permissions::policy::{Permission, Principal};
pub use lambda::service::{Lambda, LambdaBuilder, Usage, DEFAULT_IDLE_TIMEOUT};
pub use lambda::tmp::Tmp;
pub use lambda::versions::Alias;
pub use services::api_gateway::HttpResponse;
pub use services::events::api_gateway::HttpRequest;
pub use services::kms::KmsClient;

// The services around Lambda: each one's client (`lambda.s3()`, …), and the types a learner
// passes to them or gets back.
pub use services::api_gateway::ApiGateway;
pub use services::dynamodb::DynamoDb;
pub use services::dynamodb::{SortKeyCondition, StreamViewType, MAX_ITEM_BYTES};
pub use services::kinesis::Kinesis;
pub use services::s3::S3;
pub use services::s3::{
    url_decode_key, url_encode_key, LambdaFunctionConfiguration, NotificationConfiguration,
};
pub use services::schedule::expression::next_fire_times;
pub use services::schedule::EventBridge;
pub use services::ses::Email;
pub use services::ses::Ses;
pub use services::sns::Sns;
pub use services::sqs::QueueAttributes;
pub use services::sqs::Sqs;

// What the services answer with.
pub use lambda::layers::store::LayerVersion;
pub use services::kinesis::ShardDescription;
pub use services::ses::SentEmail;
pub use services::sns::DeliveryCounts;
pub use services::sqs::FifoAttributes;
pub use services::sqs::Message;
pub use services::sqs::MessageGroup;
pub use services::sqs::RedrivePolicy;
pub use services::sqs::SentToGroup;

// The simulation's own numbers and clock, for tests that compute what to expect.
pub use base::clock::{rfc3339_seconds, transcript_offset, VirtualClock, DEFAULT_EPOCH_SECS};
pub use base::ids::md5_hex;
pub use base::logs::report_millis;
pub use event_source_mapping::CONCURRENT_BATCHES;
pub use lambda::concurrency::THROTTLE_ROUND_TRIP;
pub use lambda::cpu::{duration_at, gb_seconds, vcpus};
pub use lambda::service::DEFAULT_RUNTIME_STARTUP;
pub use lambda::trace::MAX_RECURSIVE_INVOCATIONS;
pub use services::shard::RecordCounts;

/// An exercise's command line, `aws lambda invoke` and its friends: each exercise's `main`.
pub use cli::main as cli_main;

/// The event types of the official Rust runtime, re-exported so exercises use the same structs
/// as functions on real Lambda.
pub use aws_lambda_events;

/// Runs a future to completion on a single-threaded tokio runtime with the clock paused: the
/// setting every scenario needs (see `clock`). Tests use `#[tokio::test(start_paused = true)]`
/// for the same effect.
///
/// # Panics
/// If the operating system refuses to create the runtime's I/O driver, which does not happen on
/// a working machine.
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime with only a timer cannot fail to start")
        .block_on(future)
}
