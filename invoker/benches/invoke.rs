//! How fast the invoker runs scenarios: `cargo bench -p invoker`.
//!
//! The figure that matters for a learner is how long a test scenario takes.
//! - `sync`: back-to-back warm invocations of a trivial handler that logs a line (target: 200,000
//!   invocations per second);
//! - `async`: 100,000 events arriving at 1,000 per second of virtual time, 10% of attempts
//!   failing, through retries and a dead-letter queue (target: under a second);
//! - `burst`: 10,000 simultaneous synchronous calls to a function with reserved concurrency 50,
//!   then the same as asynchronous events, which Lambda keeps retrying until all are processed.
//! - `kinesis`: 100,000 records put across a 4-shard stream, read by an event source mapping in
//!   batches of 100 and processed by a trivial handler (target: under half a second).
//!
//! `cargo bench -p invoker -- async kinesis` runs only the scenarios named.

use invoker::{
    service_fn, Diagnostic, EventOutcome, EventSourceMapping, FunctionConfig, InvocationType,
    InvokeRequest, Lambda, LambdaEvent, ManagedPolicy, Role, StartingPosition,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

async fn trivial(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    ctx.logger().info("handled");
    Ok(event)
}

/// A stream consumer that does nothing with its batch: it logs and answers nothing, as most do.
async fn consume(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    ctx.logger().info("consumed");
    Ok(Value::Null)
}

/// Runs every scenario, or only those named on the command line:
/// `cargo bench -p invoker -- async kinesis`.
fn main() {
    let scenarios: [(&str, fn()); 4] = [
        ("sync", sync_invocations),
        ("async", async_events_with_failures),
        ("burst", burst_against_reserved_concurrency),
        ("kinesis", kinesis_stream),
    ];
    // Cargo passes `--bench` to bench targets; everything else names a scenario.
    let chosen: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    for (name, scenario) in scenarios {
        if chosen.is_empty() || chosen.iter().any(|c| c == name) {
            scenario();
        }
    }
}

fn sync_invocations() {
    const INVOCATIONS: u32 = 200_000;
    let elapsed = invoker::run(async {
        let lambda = Lambda::new();
        lambda
            .create_function(FunctionConfig::new("trivial"), service_fn(trivial))
            .expect("valid function");
        let payload = json!({ "n": 1 });
        let started = Instant::now();
        for _ in 0..INVOCATIONS {
            let request = InvokeRequest::new("trivial").payload(payload.clone());
            let response = lambda.invoke(request).await.expect("invoke succeeds");
            assert_eq!(response.status_code, 200);
        }
        let elapsed = started.elapsed();
        assert_eq!(
            lambda.log_lines("trivial").len(),
            1 + 4 * INVOCATIONS as usize
        );
        elapsed
    });
    let per_second = f64::from(INVOCATIONS) / elapsed.as_secs_f64();
    println!(
        "sync: {INVOCATIONS} invocations in {:.3} s = {per_second:.0} invocations/s",
        elapsed.as_secs_f64()
    );
}

fn async_events_with_failures() {
    const EVENTS: u64 = 100_000;
    const ARRIVALS_PER_TICK: u64 = 100;
    let (elapsed, dead) = invoker::run(async {
        let lambda = Lambda::new();
        let dlq = lambda.sqs().create_queue("dlq");
        let attempts = Arc::new(AtomicU64::new(0));
        // Every tenth attempt fails.
        let flaky = service_fn(move |event: LambdaEvent<Value>| {
            let event = event.payload;
            let attempt = attempts.fetch_add(1, Ordering::Relaxed);
            async move {
                if attempt.is_multiple_of(10) {
                    return Err(Diagnostic {
                        error_type: "Injected".into(),
                        error_message: "injected failure".into(),
                    });
                }
                Ok(event)
            }
        });
        lambda
            .create_function(FunctionConfig::new("flaky").dead_letter_queue(&dlq), flaky)
            .expect("valid function");
        let started = Instant::now();
        for n in 0..EVENTS {
            // A busy producer: 1,000 events per second of virtual time, 100 every 100 ms.
            // (All at one instant, most would be throttled first: `burst` measures that.)
            if n > 0 && n.is_multiple_of(ARRIVALS_PER_TICK) {
                invoker::sleep(std::time::Duration::from_millis(100)).await;
            }
            let request = InvokeRequest::new("flaky")
                .invocation_type(InvocationType::Event)
                .payload(json!({ "n": n }));
            lambda.invoke(request).await.expect("accepted");
        }
        lambda.settle().await;
        let elapsed = started.elapsed();
        let outcomes = lambda.event_outcomes();
        assert_eq!(outcomes.len() as u64, EVENTS, "every event has an outcome");
        let dead = outcomes
            .values()
            .filter(|o| matches!(o, EventOutcome::Failed { .. }))
            .count();
        assert_eq!(lambda.sqs().messages(&dlq).len(), dead);
        (elapsed, dead)
    });
    println!(
        "async: {EVENTS} events, 10% of attempts failing, {dead} dead-lettered, in {:.3} s",
        elapsed.as_secs_f64()
    );
}

fn burst_against_reserved_concurrency() {
    const REQUESTS: usize = 10_000;
    let (elapsed, throttled, virtual_time) = invoker::run(async {
        let lambda = Lambda::new();
        let work = service_fn(|event: LambdaEvent<Value>| async move {
            let event = event.payload;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            Ok::<_, Diagnostic>(event)
        });
        lambda
            .create_function(FunctionConfig::new("db-writer"), work)
            .expect("valid function");
        lambda
            .put_function_concurrency("db-writer", 50)
            .expect("room to reserve");
        let started = Instant::now();
        let calls: Vec<_> = (0..REQUESTS)
            .map(|n| {
                let lambda = lambda.clone();
                tokio::spawn(async move {
                    let request = InvokeRequest::new("db-writer").payload(json!({ "n": n }));
                    lambda.invoke(request).await
                })
            })
            .collect();
        let mut throttled = 0;
        for call in calls {
            if call.await.expect("task ran").is_err() {
                throttled += 1;
            }
        }
        for n in 0..REQUESTS {
            let request = InvokeRequest::new("db-writer")
                .invocation_type(InvocationType::Event)
                .payload(json!({ "n": n }));
            lambda.invoke(request).await.expect("accepted");
        }
        lambda.settle().await;
        let processed = lambda
            .event_outcomes()
            .values()
            .filter(|o| matches!(o, EventOutcome::Succeeded { .. }))
            .count();
        assert_eq!(
            processed, REQUESTS,
            "every throttled event is processed in the end"
        );
        (started.elapsed(), throttled, lambda.elapsed())
    });
    println!(
        "burst: {REQUESTS} sync calls at reserved concurrency 50: {throttled} throttled; then {REQUESTS} events all processed by +{} s virtual; {:.3} s wall",
        virtual_time.as_secs(),
        elapsed.as_secs_f64()
    );
}

fn kinesis_stream() {
    const RECORDS: u64 = 100_000;
    let (elapsed, invocations) = invoker::run(async {
        let lambda = Lambda::new();
        let stream = lambda
            .kinesis()
            .create_stream("clicks", 4)
            .expect("valid stream");
        lambda
            .create_function(
                FunctionConfig::new("count")
                    .role(Role::new("count-role").attach(ManagedPolicy::KinesisExecution)),
                service_fn(consume),
            )
            .expect("valid function");
        let mapping = EventSourceMapping::new(&stream, "count")
            .starting_position(StartingPosition::Latest)
            .batch_size(100);
        let uuid = lambda
            .create_event_source_mapping(mapping)
            .expect("valid mapping");
        let started = Instant::now();
        for n in 0..RECORDS {
            let data = format!("{{\"click\":{n}}}");
            lambda
                .kinesis()
                .put_record("clicks", &format!("user-{}", n % 1_000), data.as_bytes())
                .expect("record accepted");
        }
        lambda.settle().await;
        let elapsed = started.elapsed();
        let counts = lambda
            .stream_record_counts(&uuid)
            .expect("a stream mapping");
        assert_eq!(counts.processed, RECORDS, "every record is processed");
        (elapsed, lambda.usage("count").invocations)
    });
    println!(
        "kinesis: {RECORDS} records across 4 shards in {invocations} batches in {:.3} s",
        elapsed.as_secs_f64()
    );
}
