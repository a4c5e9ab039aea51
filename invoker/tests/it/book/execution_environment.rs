//! The worked examples of chapter 2, "The execution environment: cold and warm": the chapter
//! (`book/src/execution-environment.md`) includes their code and their transcripts.

use invoker::{
    service_fn, with_init, Diagnostic, Error, FunctionConfig, InitContext, InvokeRequest, Lambda,
    LambdaEvent,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

// ANCHOR: lifecycle_code
/// What the Init phase builds, once per execution environment: here, a client for the API of
/// the bank that publishes the rates.
struct BankApi {
    /// How many requests this environment has served. It lives as long as the environment.
    served: AtomicU32,
}

/// Init: the code outside the handler. It runs on a cold start only.
async fn connect_bank(init: InitContext) -> Result<BankApi, Diagnostic> {
    init.logger().info("connecting to the bank's API");
    // Pretend to connect: DNS, TLS, authentication.
    invoker::sleep(Duration::from_millis(250)).await;
    Ok(BankApi {
        served: AtomicU32::new(0),
    })
}

/// The handler: runs on every request, with what Init built.
async fn exchange_rates(bank: Arc<BankApi>, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let ctx = event.context;
    let served = bank.served.fetch_add(1, Ordering::Relaxed) + 1;
    // /tmp as a cache: download the rates table once per environment.
    let source = if ctx.tmp().exists("/tmp/rates.json") {
        "/tmp cache"
    } else {
        invoker::sleep(Duration::from_millis(100)).await; // the download
        ctx.tmp()
            .write("/tmp/rates.json", r#"{"EUR":0.92,"KRW":1380}"#)?;
        "download"
    };
    invoker::sleep(Duration::from_millis(30)).await; // the query
    Ok(json!({ "servedByThisEnvironment": served, "rates": source }))
}
// ANCHOR_END: lifecycle_code

#[tokio::test(start_paused = true)]
async fn lifecycle_cold_warm_and_what_survives() {
    // ANCHOR: lifecycle_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let code = with_init(connect_bank, exchange_rates);
    lambda
        .create_function(FunctionConfig::new("rates"), code)
        .unwrap();
    let call = || lambda.invoke(InvokeRequest::new("rates"));

    call().await.unwrap(); // cold: Init, then the handler
    invoker::sleep(Duration::from_secs(10)).await;
    call().await.unwrap(); // warm: the same environment, Init skipped

    // Two requests at the same moment need two environments.
    invoker::sleep(Duration::from_secs(10)).await;
    let (a, b) = tokio::join!(call(), call());
    a.unwrap();
    b.unwrap();

    // Eleven quiet minutes: Lambda shuts idle environments down.
    invoker::sleep(Duration::from_secs(11 * 60)).await;
    call().await.unwrap();
    // ANCHOR_END: lifecycle_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: lifecycle_background_code
/// Saves an order, then reports it to analytics without waiting for the report.
async fn place_order(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let order = event["order"].as_u64().unwrap_or_default();
    // Awaited: done before the handler returns.
    invoker::sleep(Duration::from_millis(40)).await;
    ctx.logger().info(format!("order {order} saved"));

    // Started, but not awaited: fire and forget. (A bug, as the transcript shows.)
    let logger = ctx.logger().clone();
    ctx.spawn(async move {
        invoker::sleep(Duration::from_millis(200)).await; // the call to analytics
        logger.info(format!("analytics event for order {order} sent"));
    });
    Ok(json!({ "order": order, "saved": true }))
}
// ANCHOR_END: lifecycle_background_code

#[tokio::test(start_paused = true)]
async fn lifecycle_background_work_is_frozen_between_invocations() {
    // ANCHOR: lifecycle_background_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shop"), service_fn(place_order))
        .unwrap();
    let order = |n: u64| InvokeRequest::new("shop").payload(json!({ "order": n }));

    lambda.invoke(order(1)).await.unwrap();
    invoker::sleep(Duration::from_secs(30)).await;
    lambda.invoke(order(2)).await.unwrap();
    // The shop goes quiet for eleven minutes.
    invoker::sleep(Duration::from_secs(11 * 60)).await;
    lambda.invoke(order(3)).await.unwrap();
    // ANCHOR_END: lifecycle_background_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: lifecycle_memory_code
/// Makes a thumbnail: CPU-bound work that takes 400 ms on one full vCPU.
async fn thumbnail(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    ctx.compute(Duration::from_millis(400)).await;
    Ok(json!({ "thumbnail": "done" }))
}
// ANCHOR_END: lifecycle_memory_code

#[tokio::test(start_paused = true)]
async fn lifecycle_memory_buys_cpu() {
    // ANCHOR: lifecycle_memory_scenario
    // `show_cost` adds each invocation's billed GB-seconds to the transcript.
    let lambda = Lambda::builder().seed(2025).show_cost(true).build();
    let sizes = [128, 512, 1024, 1769, 3538];
    for mb in sizes {
        let name = format!("thumbs-{mb}");
        let config = FunctionConfig::new(&name).memory_size(mb).timeout_secs(10);
        lambda
            .create_function(config, service_fn(thumbnail))
            .unwrap();
        for _ in 0..10 {
            lambda.invoke(InvokeRequest::new(&name)).await.unwrap();
        }
    }
    // ANCHOR_END: lifecycle_memory_scenario
    insta::assert_snapshot!(memory_table(&lambda, &sizes));
}

/// One row per memory size, from `Lambda::usage`, and the REPORT and cost lines of the last,
/// warm, call of each function.
fn memory_table(lambda: &Lambda, sizes: &[u32]) -> String {
    let mut out = String::from("memory    vCPUs  slowest call  calls  cold  billed     GB-s\n");
    for mb in sizes {
        let usage = lambda.usage(&format!("thumbs-{mb}"));
        out.push_str(&format!(
            "{:<8}  {:>5.2}  {:>9.0} ms  {:>5}  {:>4}  {:>6} ms  {:.4}\n",
            format!("{mb} MB"),
            invoker::vcpus(*mb),
            usage.max_duration.as_secs_f64() * 1000.0,
            usage.invocations,
            usage.cold_starts,
            usage.billed_ms,
            usage.gb_seconds,
        ));
    }
    out.push_str("\nthe last (warm) call of each, from the transcript:\n");
    let transcript = lambda.transcript();
    let lines: Vec<&str> = transcript.lines().collect();
    for mb in sizes {
        let header = format!("invoke thumbs-{mb} ");
        let last = lines
            .iter()
            .rposition(|line| line.contains(&header))
            .expect("each function was invoked");
        for line in &lines[last..] {
            let line = line.trim();
            if line.starts_with("REPORT") || line.starts_with("cost:") {
                out.push_str(&format!("thumbs-{mb}: {}\n", line.trim_end()));
            }
            if line.starts_with("cost:") {
                break;
            }
        }
    }
    out
}
