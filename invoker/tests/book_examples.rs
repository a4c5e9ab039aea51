//! The worked examples of the book, run as tests. The book includes their code (between the
//! ANCHOR lines) and their transcripts (the snapshots in `snapshots/`), so what a reader sees is
//! exactly what the invoker does.

use invoker::aws_lambda_events::kinesis::KinesisEvent;
use invoker::aws_lambda_events::s3::S3Event;
use invoker::aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use invoker::clock::{rfc3339_seconds, DEFAULT_EPOCH_SECS};
use invoker::s3::{url_decode_key, LambdaFunctionConfiguration, NotificationConfiguration};
use invoker::schedule::next_fire_times;
use invoker::sqs::QueueAttributes;
use invoker::{
    handler_fn, with_init, Context, EventInvokeConfig, EventSourceMapping, FunctionConfig,
    HandlerError, InitContext, InvocationType, InvokeRequest, Lambda, LayerContent, ManagedPolicy,
    Permission, Principal, Role, ServiceError, StartingPosition,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

// ANCHOR: ch01_handler
/// Answers with what the context says about this invocation.
async fn whoami(event: Value, ctx: Context) -> Result<Value, HandlerError> {
    ctx.logger().info(format!("event: {event}"));
    // Pretend to do 120 ms of work, so the remaining time visibly shrinks.
    invoker::sleep(Duration::from_millis(120)).await;
    Ok(json!({
        "requestId": ctx.aws_request_id,
        "functionName": ctx.function_name,
        "functionVersion": ctx.function_version,
        "invokedFunctionArn": ctx.invoked_function_arn,
        "memoryLimitInMB": ctx.memory_limit_in_mb,
        "logStreamName": ctx.log_stream_name,
        "remainingTimeInMillis": ctx.remaining_time_in_millis(),
    }))
}
// ANCHOR_END: ch01_handler

#[tokio::test(start_paused = true)]
async fn ch01_handler_event_and_context() {
    // ANCHOR: ch01_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("whoami")
        .memory_size(256)
        .timeout_secs(5);
    lambda.create_function(config, handler_fn(whoami)).unwrap();

    // The first call finds no environment: a cold start.
    let first = InvokeRequest::new("whoami").payload(json!({ "call": 1 }));
    lambda.invoke(first).await.unwrap();

    // A minute later the environment is still warm; this time the caller names `$LATEST`.
    invoker::sleep(Duration::from_secs(60)).await;
    let second = InvokeRequest::new("whoami")
        .qualifier("$LATEST")
        .payload(json!({ "call": 2 }));
    lambda.invoke(second).await.unwrap();
    // ANCHOR_END: ch01_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ---------------------------------------------------------------------------------------------
// Versions and aliases

// ANCHOR: versions_code
/// The first release of the greeter.
async fn greet_v1(_event: Value, ctx: Context) -> Result<Value, HandlerError> {
    Ok(json!({
        "message": "Hello!",
        "functionVersion": ctx.function_version,
        "invokedFunctionArn": ctx.invoked_function_arn,
    }))
}

/// The second release: a warmer greeting.
async fn greet_v2(_event: Value, ctx: Context) -> Result<Value, HandlerError> {
    Ok(json!({
        "message": "Hello, and welcome back!",
        "functionVersion": ctx.function_version,
        "invokedFunctionArn": ctx.invoked_function_arn,
    }))
}
// ANCHOR_END: versions_code

#[tokio::test(start_paused = true)]
async fn versions_release_and_roll_back_with_an_alias() {
    // ANCHOR: versions_release
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("greeter"), handler_fn(greet_v1))
        .unwrap();

    // Freeze $LATEST as version 1, and point the alias `prod` at it.
    let v1 = lambda.publish_version("greeter").unwrap();
    lambda.create_alias("greeter", "prod", &v1).unwrap();
    let via_prod = || InvokeRequest::new("greeter").qualifier("prod");
    lambda.invoke(via_prod()).await.unwrap();

    // New code lands in $LATEST only. Callers of `prod` don't see it.
    lambda
        .update_function_code("greeter", handler_fn(greet_v2))
        .unwrap();
    lambda.invoke(InvokeRequest::new("greeter")).await.unwrap();

    // Publish it as version 2. Publishing again without a change gives version 2 back.
    let v2 = lambda.publish_version("greeter").unwrap();
    assert_eq!(lambda.publish_version("greeter").unwrap(), v2);
    // Try version 2 by its number before any customer sees it.
    let v2_request = InvokeRequest::new("greeter").qualifier(&v2);
    lambda.invoke(v2_request).await.unwrap();

    // Release: move `prod` to version 2. Roll back: move it back to version 1.
    lambda.update_alias("greeter", "prod", &v2, None).unwrap();
    lambda.invoke(via_prod()).await.unwrap();
    lambda.update_alias("greeter", "prod", &v1, None).unwrap();
    lambda.invoke(via_prod()).await.unwrap();

    // A version an alias points to can't be deleted. One that nothing uses can.
    let in_use = lambda.delete_version("greeter", &v1).unwrap_err();
    assert_eq!(
        in_use.message,
        "Unable to delete version because the following aliases reference it: [prod]"
    );
    lambda.delete_version("greeter", &v2).unwrap();
    let gone = InvokeRequest::new("greeter").qualifier(&v2);
    assert_eq!(lambda.invoke(gone).await.unwrap_err().status, 404);
    // ANCHOR_END: versions_release
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn versions_canary_with_a_weighted_alias() {
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("greeter"), handler_fn(greet_v1))
        .unwrap();
    lambda.publish_version("greeter").unwrap();
    lambda
        .update_function_code("greeter", handler_fn(greet_v2))
        .unwrap();
    lambda.publish_version("greeter").unwrap();
    lambda.create_alias("greeter", "prod", "1").unwrap();

    // ANCHOR: versions_canary
    // Canary: `prod` keeps version 1 as its main version and sends 10% of calls to version 2.
    lambda
        .update_alias("greeter", "prod", "1", Some(("2", 0.1)))
        .unwrap();
    let mut executed = Vec::new();
    for _ in 0..100 {
        let request = InvokeRequest::new("greeter").qualifier("prod");
        let response = lambda.invoke(request).await.unwrap();
        // The X-Amz-Executed-Version header: the version this call ran on.
        executed.push(response.executed_version.unwrap());
    }
    // The canary looks healthy: promote version 2 to all of `prod`'s traffic.
    lambda.update_alias("greeter", "prod", "2", None).unwrap();
    // ANCHOR_END: versions_canary

    insta::assert_snapshot!(canary_summary(&lambda, &executed));
}

/// The control-plane lines of the transcript, which versions served the calls in order, a count
/// per version, and the log streams (one per execution environment).
fn canary_summary(lambda: &Lambda, executed: &[String]) -> String {
    let transcript = lambda.transcript();
    let control_plane = transcript.lines().filter(|line| {
        let verb = line.split(' ').nth(1).unwrap_or_default();
        ["publish-version", "create-alias", "update-alias"].contains(&verb)
    });
    let mut out: String = control_plane.map(|line| format!("{line}\n")).collect();
    out.push_str(&format!(
        "\n{} calls through greeter:prod; the version each one ran on, in order:\n",
        executed.len()
    ));
    for row in executed.chunks(50) {
        out.push_str(&row.concat());
        out.push('\n');
    }
    for version in ["1", "2"] {
        let calls = executed.iter().filter(|v| *v == version).count();
        out.push_str(&format!("version {version}: {calls} calls\n"));
    }
    out.push_str("\nlog streams (one per execution environment):\n");
    for stream in lambda.log_streams("greeter") {
        out.push_str(&format!("{stream}\n"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Environment variables and configuration

// ANCHOR: env_vars_handler
/// Reads its settings from environment variables, and reports what the runtime set as well.
async fn catalog(_event: Value, ctx: Context) -> Result<Value, HandlerError> {
    // The function's own settings. A missing one is a deployment mistake: say which.
    let table = ctx
        .env("TABLE_NAME")
        .ok_or_else(|| HandlerError::new("ConfigError", "TABLE_NAME is not set"))?;
    let discounts = ctx.env("DISCOUNTS") == Some("on");
    ctx.logger()
        .info(format!("table {table}, discounts {discounts}"));
    Ok(json!({
        "table": table,
        "discounts": discounts,
        // Set by the runtime, in every execution environment.
        "AWS_REGION": ctx.env("AWS_REGION"),
        "AWS_LAMBDA_FUNCTION_NAME": ctx.env("AWS_LAMBDA_FUNCTION_NAME"),
        "AWS_LAMBDA_FUNCTION_VERSION": ctx.env("AWS_LAMBDA_FUNCTION_VERSION"),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": ctx.env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
        "TZ": ctx.env("TZ"),
    }))
}
// ANCHOR_END: env_vars_handler

#[tokio::test(start_paused = true)]
async fn env_vars_configuration_outside_the_code() {
    // ANCHOR: env_vars_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("catalog")
        .memory_size(256)
        .env("TABLE_NAME", "products-test")
        .env("DISCOUNTS", "off");
    lambda.create_function(config, handler_fn(catalog)).unwrap();
    lambda.invoke(InvokeRequest::new("catalog")).await.unwrap();

    // Turn the feature flag on: a configuration change, no new build.
    lambda
        .update_function_configuration("catalog", |c| c.env("DISCOUNTS", "on"))
        .unwrap();
    lambda.invoke(InvokeRequest::new("catalog")).await.unwrap();

    // Freeze this configuration, with the code, as version 1 behind `prod`.
    let v1 = lambda.publish_version("catalog").unwrap();
    lambda.create_alias("catalog", "prod", &v1).unwrap();
    // $LATEST moves on to another table; version 1 keeps the settings it was published with.
    lambda
        .update_function_configuration("catalog", |c| c.env("TABLE_NAME", "products-next"))
        .unwrap();
    let via_prod = InvokeRequest::new("catalog").qualifier("prod");
    lambda.invoke(via_prod).await.unwrap();
    lambda.invoke(InvokeRequest::new("catalog")).await.unwrap();
    // ANCHOR_END: env_vars_scenario
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn env_vars_follow_lambdas_rules() {
    // ANCHOR: env_vars_rules
    let lambda = Lambda::new();
    let attempts = [
        // A key Lambda sets itself is reserved.
        FunctionConfig::new("rules").env("AWS_REGION", "eu-west-1"),
        // Keys start with a letter and use only letters, digits and `_`.
        FunctionConfig::new("rules").env("2FA-SECRET", "x"),
        // All the variables together take at most 4 KB.
        FunctionConfig::new("rules").env("BIG", "x".repeat(4096)),
        // TZ is set by Lambda too, but it is not reserved: you may override it.
        FunctionConfig::new("rules").env("TZ", "Asia/Seoul"),
    ];
    let mut outcomes = Vec::new();
    for config in attempts {
        let outcome = match lambda.create_function(config, handler_fn(catalog)) {
            Ok(arn) => format!("created {arn}"),
            Err(e) => format!("{} ({}): {}", e.code, e.status, e.message),
        };
        outcomes.push(outcome);
    }
    // ANCHOR_END: env_vars_rules
    // The 4 KB message quotes every byte it measured; the book needs only the start of it.
    let shortened: Vec<String> = outcomes
        .iter()
        .map(|line| match line.find("String measured: ") {
            Some(at) => format!("{}…", &line[..at + "String measured: ".len() + 16]),
            None => line.clone(),
        })
        .collect();
    insta::assert_snapshot!(shortened.join("\n"));
}

// ANCHOR: env_vars_secret_code
/// Decrypts the API key on every invocation. It works, but every call pays for a KMS round trip.
async fn charge(_event: Value, ctx: Context) -> Result<Value, HandlerError> {
    let blob = ctx
        .env("API_KEY")
        .ok_or_else(|| HandlerError::new("ConfigError", "API_KEY is not set"))?;
    // A call to KMS, made as the function's execution role.
    let api_key = ctx.kms().decrypt(blob).await?;
    // Use the secret; never log it or return it.
    ctx.logger().info("charging the card");
    Ok(json!({ "charged": true, "keyLength": api_key.len() }))
}
// ANCHOR_END: env_vars_secret_code

#[tokio::test(start_paused = true)]
async fn env_vars_an_encrypted_secret_decrypted_with_kms() {
    // ANCHOR: env_vars_secret_scenario
    let lambda = Lambda::builder().seed(2025).build();
    // At deploy time: a KMS key, and the secret encrypted with it (`aws kms encrypt`).
    let key = lambda.create_kms_key();
    let blob = lambda.kms_encrypt(&key, "sk_live_51Hx9Qa2").unwrap();

    // The execution role may write its logs (the managed basic execution policy) and decrypt
    // with this key, and do nothing else.
    let role = Role::new("payments-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("kms:Decrypt", &key);
    let config = FunctionConfig::new("payments")
        .env("API_KEY", &blob)
        .role(role);
    lambda.create_function(config, handler_fn(charge)).unwrap();
    for _ in 0..3 {
        lambda.invoke(InvokeRequest::new("payments")).await.unwrap();
    }

    // The same code with the default role, which allows only logging.
    let config = FunctionConfig::new("payments-no-key").env("API_KEY", &blob);
    lambda.create_function(config, handler_fn(charge)).unwrap();
    let request = InvokeRequest::new("payments-no-key");
    lambda.invoke(request).await.unwrap();
    // ANCHOR_END: env_vars_secret_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ---------------------------------------------------------------------------------------------
// The execution environment: cold and warm

// ANCHOR: lifecycle_code
/// What the Init phase builds, once per execution environment: here, a client for the API of
/// the bank that publishes the rates.
struct BankApi {
    /// How many requests this environment has served. It lives as long as the environment.
    served: AtomicU32,
}

/// Init: the code outside the handler. It runs on a cold start only.
async fn connect_bank(init: InitContext) -> Result<BankApi, HandlerError> {
    init.logger().info("connecting to the bank's API");
    // Pretend to connect: DNS, TLS, authentication.
    invoker::sleep(Duration::from_millis(250)).await;
    Ok(BankApi {
        served: AtomicU32::new(0),
    })
}

/// The handler: runs on every request, with what Init built.
async fn exchange_rates(
    bank: Arc<BankApi>,
    _event: Value,
    ctx: Context,
) -> Result<Value, HandlerError> {
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
async fn place_order(event: Value, ctx: Context) -> Result<Value, HandlerError> {
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
        .create_function(FunctionConfig::new("shop"), handler_fn(place_order))
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
async fn thumbnail(_event: Value, ctx: Context) -> Result<Value, HandlerError> {
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
            .create_function(config, handler_fn(thumbnail))
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
            invoker::cpu::vcpus(*mb),
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

// ---------------------------------------------------------------------------------------------
// Concurrency and scaling

// ANCHOR: concurrency_code
/// Looks up a price: 200 ms, most of it waiting for a database.
async fn quote(_event: Value, _ctx: Context) -> Result<Value, HandlerError> {
    invoker::sleep(Duration::from_millis(200)).await;
    Ok(json!({ "price": 42 }))
}
// ANCHOR_END: concurrency_code

#[tokio::test(start_paused = true)]
async fn concurrency_is_requests_per_second_times_duration() {
    // ANCHOR: concurrency_load
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("quotes"), handler_fn(quote))
        .unwrap();

    // One second at 10 requests per second, then one second at 20 per second.
    let gaps = [100; 10].into_iter().chain([50; 20]);
    let mut calls = Vec::new();
    for gap_ms in gaps {
        let lambda = lambda.clone();
        let call = async move { lambda.invoke(InvokeRequest::new("quotes")).await };
        calls.push(tokio::spawn(call));
        invoker::sleep(Duration::from_millis(gap_ms)).await;
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let timeline = lambda.timeline("quotes", Duration::from_millis(50));
    // ANCHOR_END: concurrency_load
    insta::assert_snapshot!(timeline);
    // The same picture for the book: `cargo xtask timelines` turns this snapshot into
    // book/src/images/generated/concurrency_load_timeline.svg.
    let svg = lambda.timeline_svg("quotes", Duration::from_millis(50));
    insta::assert_snapshot!("concurrency_load_timeline_svg", svg);
}

// ANCHOR: concurrency_reserved_code
/// Sends an email through a mail server that takes only a few connections: 1 s per email.
async fn send_email(event: Value, _ctx: Context) -> Result<Value, HandlerError> {
    invoker::sleep(Duration::from_secs(1)).await;
    Ok(json!({ "sent": event["email"] }))
}
// ANCHOR_END: concurrency_reserved_code

#[tokio::test(start_paused = true)]
async fn concurrency_reserved_concurrency_caps_a_function() {
    // ANCHOR: concurrency_reserved_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("mailer"), handler_fn(send_email))
        .unwrap();
    // Never more than 2 at once, and 2 always kept for this function.
    lambda.put_function_concurrency("mailer", 2).unwrap();

    // Three synchronous calls at the same moment: the third is throttled.
    let email = |n: u64| InvokeRequest::new("mailer").payload(json!({ "email": n }));
    let (a, b, c) = tokio::join!(
        lambda.invoke(email(1)),
        lambda.invoke(email(2)),
        lambda.invoke(email(3)),
    );
    assert!(a.is_ok() && b.is_ok());
    let throttled = c.unwrap_err();
    assert_eq!(
        (throttled.status, throttled.reason),
        (
            429,
            Some("ReservedFunctionConcurrentInvocationLimitExceeded")
        )
    );
    // Once the first two have finished, the same request goes through.
    lambda.invoke(email(3)).await.unwrap();

    // Three asynchronous events at once: Lambda queues and retries the throttled one itself.
    invoker::sleep(Duration::from_secs(5)).await;
    for n in 4..=6 {
        let event = email(n).invocation_type(InvocationType::Event);
        lambda.invoke(event).await.unwrap();
    }
    lambda.settle().await;

    // The account keeps at least 100 unreserved: of 1,000, at most 900 can be reserved.
    let too_much = lambda.put_function_concurrency("mailer", 901).unwrap_err();
    assert_eq!(
        too_much.message,
        "Specified ReservedConcurrentExecutions for function decreases account's \
         UnreservedConcurrentExecution below its minimum value of [100]."
    );
    // ANCHOR_END: concurrency_reserved_scenario
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn concurrency_reserved_zero_switches_a_function_off() {
    // ANCHOR: concurrency_off_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("mailer"), handler_fn(send_email))
        .unwrap();
    let failures = lambda.sqs().create_queue("mailer-failed");
    let config = EventInvokeConfig::default().on_failure(&failures);
    lambda
        .put_function_event_invoke_config("mailer", config)
        .unwrap();

    // The emergency stop: reserved concurrency 0.
    lambda.put_function_concurrency("mailer", 0).unwrap();
    let email = InvokeRequest::new("mailer").payload(json!({ "email": 7 }));
    let refused = lambda.invoke(email.clone()).await.unwrap_err();
    assert_eq!(refused.status, 429);
    let event = email.invocation_type(InvocationType::Event);
    lambda.invoke(event).await.unwrap();
    lambda.settle().await;

    // Back on: remove the reservation, and the function shares the account's pool again.
    lambda.delete_function_concurrency("mailer").unwrap();
    let email = InvokeRequest::new("mailer").payload(json!({ "email": 8 }));
    lambda.invoke(email).await.unwrap();
    // ANCHOR_END: concurrency_off_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: concurrency_provisioned_code
/// Init loads a search index: slow, so a cold start is slow.
async fn load_index(init: InitContext) -> Result<Vec<&'static str>, HandlerError> {
    init.logger().info("loading the search index");
    invoker::sleep(Duration::from_millis(800)).await;
    Ok(vec!["lambda", "rust", "serverless"])
}

/// The handler answers from the index: fast.
async fn search(
    index: Arc<Vec<&'static str>>,
    event: Value,
    _ctx: Context,
) -> Result<Value, HandlerError> {
    invoker::sleep(Duration::from_millis(100)).await;
    let term = event["q"].as_str().unwrap_or_default();
    Ok(json!({ "q": term, "found": index.contains(&term) }))
}
// ANCHOR_END: concurrency_provisioned_code

#[tokio::test(start_paused = true)]
async fn concurrency_provisioned_environments_start_warm() {
    // ANCHOR: concurrency_provisioned_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let code = with_init(load_index, search);
    lambda
        .create_function(FunctionConfig::new("search"), code)
        .unwrap();
    let v1 = lambda.publish_version("search").unwrap();

    // Provisioned concurrency is for a version or an alias, never $LATEST.
    let refused = lambda.put_provisioned_concurrency_config("search", 2).await;
    assert_eq!(
        refused.unwrap_err().message,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
    );
    // Two environments of version 1, initialised now, before any request comes.
    let qualified = format!("search:{v1}");
    lambda
        .put_provisioned_concurrency_config(&qualified, 2)
        .await
        .unwrap();

    // Three requests at once: two find a provisioned environment, the third spills over.
    invoker::sleep(Duration::from_millis(400)).await;
    let query = || {
        let request = InvokeRequest::new("search").qualifier(&v1);
        lambda.invoke(request.payload(json!({ "q": "rust" })))
    };
    let (a, b, c) = tokio::join!(query(), query(), query());
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    let timeline = lambda.timeline("search", Duration::from_millis(100));
    // ANCHOR_END: concurrency_provisioned_scenario
    insta::assert_snapshot!(lambda.transcript());
    insta::assert_snapshot!("concurrency_provisioned_timeline", timeline);
}

// ---------------------------------------------------------------------------------------------
// Event models: push and pull

// ANCHOR: event_models_code
/// Makes a thumbnail of an uploaded image: 300 ms of work. A file that is not an image is a
/// function error.
async fn make_thumbnail(event: Value, ctx: Context) -> Result<Value, HandlerError> {
    let key = event["key"].as_str().unwrap_or_default().to_owned();
    invoker::sleep(Duration::from_millis(300)).await;
    if !key.ends_with(".jpg") {
        return Err(HandlerError::new(
            "UnsupportedImage",
            format!("{key} is not a JPEG image"),
        ));
    }
    ctx.logger().info(format!("thumbnail of {key} written"));
    Ok(json!({ "thumbnail": format!("thumbnails/{key}") }))
}
// ANCHOR_END: event_models_code

#[tokio::test(start_paused = true)]
async fn event_models_the_caller_waits_or_lambda_queues() {
    // ANCHOR: event_models_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("thumbnails");
    lambda
        .create_function(config, handler_fn(make_thumbnail))
        .unwrap();
    let upload = |key: &str| InvokeRequest::new("thumbnails").payload(json!({ "key": key }));

    // Synchronous push (API Gateway, the CLI, an SDK): the caller waits for the answer and
    // sees a failure itself. Nobody retries it, unless the caller does.
    lambda.invoke(upload("cat.jpg")).await.unwrap();
    let failed = lambda.invoke(upload("notes.txt")).await.unwrap();
    assert_eq!(failed.function_error.as_deref(), Some("Unhandled"));

    // Asynchronous push (S3, SNS, EventBridge): Lambda queues the event and answers 202 at
    // once. The function's answer goes nowhere, and a failure is Lambda's to retry.
    invoker::sleep(Duration::from_secs(1)).await;
    let event = |key: &str| upload(key).invocation_type(InvocationType::Event);
    lambda.invoke(event("dog.jpg")).await.unwrap();
    lambda.invoke(event("todo.txt")).await.unwrap();
    lambda.settle().await;

    // The payload limits differ: 6 MB for a synchronous request, 1 MB for an event.
    let big = json!({ "key": "big.jpg", "pixels": "x".repeat(2 * 1024 * 1024) });
    let sync_big = InvokeRequest::new("thumbnails").payload(big);
    lambda.invoke(sync_big.clone()).await.unwrap();
    let async_big = sync_big.invocation_type(InvocationType::Event);
    let refused = lambda.invoke(async_big).await.unwrap_err();
    assert_eq!(refused.status, 413);
    // ANCHOR_END: event_models_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ---------------------------------------------------------------------------------------------
// Errors, retries and failure destinations

// ANCHOR: errors_risky_code
/// Does what the event asks, to show the ways an invocation can fail.
async fn risky(event: Value, _ctx: Context) -> Result<Value, HandlerError> {
    match event["do"].as_str().unwrap_or_default() {
        "fail" => Err(HandlerError::new("CardDeclined", "the card was declined")),
        "panic" => panic!("no price for product p-9"),
        "hang" => {
            // Waits for a service that never answers, past the 1 s timeout.
            invoker::sleep(Duration::from_secs(60)).await;
            Ok(json!("too late"))
        }
        "huge" => Ok(json!({ "report": "x".repeat(7 * 1024 * 1024) })),
        _ => Ok(json!({ "ok": true })),
    }
}
// ANCHOR_END: errors_risky_code

#[tokio::test(start_paused = true)]
async fn errors_what_a_synchronous_caller_sees() {
    // ANCHOR: errors_catalogue
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("risky").timeout_secs(1);
    lambda.create_function(config, handler_fn(risky)).unwrap();
    // A second copy, switched off with reserved concurrency 0: every call is throttled.
    let config = FunctionConfig::new("switched-off");
    lambda.create_function(config, handler_fn(risky)).unwrap();
    lambda.put_function_concurrency("switched-off", 0).unwrap();

    let call = |function: &str, payload: String| InvokeRequest::new(function).raw_payload(payload);
    let ask = |what: &str| call("risky", json!({ "do": what }).to_string());
    let seven_mb = format!(r#"{{"pad":"{}"}}"#, "x".repeat(7 * 1024 * 1024));
    let calls = [
        ("the function succeeds", ask("nothing")),
        ("the handler returns an error", ask("fail")),
        ("the handler panics", ask("panic")),
        ("the handler runs past its timeout", ask("hang")),
        ("the answer is over 6 MB", ask("huge")),
        ("no such function", call("no-such-function", "{}".into())),
        (
            "the payload is not JSON",
            call("risky", "{do: fail}".into()),
        ),
        ("the payload is over 6 MB", call("risky", seven_mb)),
        ("throttled", call("switched-off", "{}".into())),
    ];
    let mut seen = Vec::new();
    for (what, request) in calls {
        let outcome = lambda.invoke(request).await;
        seen.push((what, outcome));
    }
    // ANCHOR_END: errors_catalogue
    let mut out = String::new();
    for (what, outcome) in seen {
        out.push_str(&format!("{what}:\n  "));
        match outcome {
            Ok(response) => {
                out.push_str(&format!("{}", response.status_code));
                match &response.function_error {
                    None => out.push_str(&format!(", payload: {}\n", response.payload_text())),
                    Some(error) => {
                        let payload = response.payload_json().unwrap();
                        out.push_str(&format!(
                            ", FunctionError: {error}\n  errorType: {}\n  errorMessage: {}\n",
                            payload["errorType"].as_str().unwrap(),
                            payload["errorMessage"].as_str().unwrap()
                        ));
                    }
                }
            }
            Err(e) => {
                let reason = e
                    .reason
                    .map(|r| format!(" (Reason: {r})"))
                    .unwrap_or_default();
                out.push_str(&format!("{} {}: {}{reason}\n", e.status, e.code, e.message));
            }
        }
    }
    insta::assert_snapshot!(out);
}

// ANCHOR: errors_async_code
/// Emails an invoice. The mail provider rejects mailboxes that do not exist, and it is busy
/// for the first request it gets (`provider_busy` starts `true`).
async fn send_invoice(
    provider_busy: Arc<AtomicBool>,
    event: Value,
    ctx: Context,
) -> Result<Value, HandlerError> {
    let to = event["to"].as_str().unwrap_or_default();
    invoker::sleep(Duration::from_millis(200)).await; // the call to the provider
    if to.ends_with(".invalid") {
        let message = format!("550 5.1.1 <{to}>: mailbox unavailable");
        return Err(HandlerError::new("MailboxUnavailable", message));
    }
    if provider_busy.swap(false, Ordering::SeqCst) {
        return Err(HandlerError::new(
            "ProviderBusy",
            "421 4.3.2 try again later",
        ));
    }
    ctx.logger()
        .info(format!("invoice {} sent to {to}", event["invoice"]));
    Ok(json!({ "sent": event["invoice"] }))
}
// ANCHOR_END: errors_async_code

#[tokio::test(start_paused = true)]
async fn errors_async_retries_then_a_destination() {
    // ANCHOR: errors_async_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let failures = lambda.sqs().create_queue("invoices-failed");
    let dead_letters = lambda.sqs().create_queue("invoices-dlq");
    let busy = Arc::new(AtomicBool::new(true));
    let code =
        handler_fn(move |event: Value, ctx: Context| send_invoice(Arc::clone(&busy), event, ctx));
    // The dead-letter queue is part of the function's configuration...
    let config = FunctionConfig::new("send-invoice").dead_letter_queue(&dead_letters);
    lambda.create_function(config, code).unwrap();
    // ...the retries and destinations are the asynchronous invocation settings.
    let settings = EventInvokeConfig::default()
        .maximum_retry_attempts(2)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("send-invoice", settings)
        .unwrap();

    // Two invoices at the same moment, as S3 or EventBridge would send them.
    for (invoice, to) in [(1, "ada@example.com"), (2, "nobody@example.invalid")] {
        let event = InvokeRequest::new("send-invoice")
            .invocation_type(InvocationType::Event)
            .payload(json!({ "invoice": invoice, "to": to }));
        lambda.invoke(event).await.unwrap();
    }
    lambda.settle().await;
    // ANCHOR_END: errors_async_scenario
    let mut out = lambda.transcript();
    for message in lambda.sqs().messages(&failures) {
        let record: Value = serde_json::from_str(&message.body).unwrap();
        out.push_str(&format!(
            "\nthe on-failure destination, invoices-failed:\n{record:#}\n"
        ));
    }
    for message in lambda.sqs().messages(&dead_letters) {
        out.push_str(&format!(
            "\nthe dead-letter queue, invoices-dlq:\nbody: {}\n",
            message.body
        ));
        for (name, (data_type, value)) in &message.attributes {
            out.push_str(&format!("attribute {name} ({data_type}): {value}\n"));
        }
    }
    insta::assert_snapshot!(out);
    // The same run as a picture: `cargo xtask pictures` turns this snapshot into
    // book/src/images/generated/errors_async_retry_timeline.svg.
    let svg = lambda.timeline_svg("send-invoice", Duration::from_secs(2));
    insta::assert_snapshot!("errors_async_retry_timeline_svg", svg);
}

// ANCHOR: errors_idempotency_code
/// Loyalty points by order id: a stand-in for a DynamoDB table, whose conditional `PutItem`
/// (`ConditionExpression: attribute_not_exists(orderId)`) writes an item only if its key is new.
#[derive(Default)]
struct PointsTable {
    items: Mutex<BTreeMap<String, u64>>,
}

impl PointsTable {
    /// Writes the item unless its key exists, in one step; `false`: it was there already.
    fn put_if_absent(&self, order_id: &str, points: u64) -> bool {
        let mut items = self.items.lock().unwrap();
        if items.contains_key(order_id) {
            return false;
        }
        items.insert(order_id.to_owned(), points);
        true
    }
}

/// Adds loyalty points for an order, once: the order id is the idempotency key.
async fn add_points(
    table: Arc<PointsTable>,
    event: Value,
    ctx: Context,
) -> Result<Value, HandlerError> {
    let order = &event["detail"];
    let order_id = order["orderId"]
        .as_str()
        .ok_or_else(|| HandlerError::new("BadEvent", "the event has no orderId"))?;
    let points = order["points"].as_u64().unwrap_or_default();
    invoker::sleep(Duration::from_millis(10)).await; // the round trip to the table
                                                     // The write is the side effect and the duplicate check at once: no window between them.
    if table.put_if_absent(order_id, points) {
        ctx.logger()
            .info(format!("{points} points added for {order_id}"));
        Ok(json!({ "added": points }))
    } else {
        ctx.logger()
            .info(format!("{order_id} was counted already: nothing to do"));
        Ok(json!({ "added": 0 }))
    }
}
// ANCHOR_END: errors_idempotency_code

#[tokio::test(start_paused = true)]
async fn errors_an_idempotent_handler_counts_a_duplicate_once() {
    // ANCHOR: errors_idempotency_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let table = Arc::new(PointsTable::default());
    let shared = Arc::clone(&table);
    let code =
        handler_fn(move |event: Value, ctx: Context| add_points(Arc::clone(&shared), event, ctx));
    lambda
        .create_function(FunctionConfig::new("loyalty"), code)
        .unwrap();

    // EventBridge delivers the same event twice: at least once means sometimes twice.
    let event = json!({
        "id": "4f1d6c2e-7c57-4b43-9d55-0e1a2b3c4d5e",
        "detail-type": "OrderPlaced",
        "source": "shop.orders",
        "detail": { "orderId": "o-1", "points": 42 },
    });
    for _ in 0..2 {
        let delivery = InvokeRequest::new("loyalty")
            .invocation_type(InvocationType::Event)
            .payload(event.clone());
        lambda.invoke(delivery).await.unwrap();
        invoker::sleep(Duration::from_secs(5)).await;
    }
    lambda.settle().await;
    assert_eq!(table.items.lock().unwrap().values().sum::<u64>(), 42);
    // ANCHOR_END: errors_idempotency_scenario
    insta::assert_snapshot!(lambda.transcript());
}
// Layers and packaging

// ANCHOR: layers_handler
/// Answers with every file in `/opt` and the layer version it came from, and with the contents
/// of the two files that more than one layer holds.
async fn show_opt(_event: Value, ctx: Context) -> Result<Value, HandlerError> {
    let opt = ctx.opt();
    let files: BTreeMap<String, &str> = opt
        .paths()
        .into_iter()
        .map(|path| {
            let arn = opt.layer_of(&path).unwrap_or_default();
            // arn:aws:lambda:us-east-1:123456789012:layer:pdf-libs:1 → pdf-libs:1
            let layer = arn.split_once(":layer:").map_or(arn, |(_, name)| name);
            (path, layer)
        })
        .collect();
    Ok(json!({
        "files": files,
        "libssl": opt.read_to_string("/opt/lib/libssl.so.3"),
        "settings": opt
            .read_to_string("/opt/etc/settings.json")
            .and_then(|text| serde_json::from_str::<Value>(text).ok()),
    }))
}
// ANCHOR_END: layers_handler

#[tokio::test(start_paused = true)]
async fn layers_in_order_the_last_one_wins() {
    // ANCHOR: layers_scenario
    let lambda = Lambda::builder().seed(2025).build();
    // A custom runtime, a layer of libraries, and the shop's own settings.
    let runtime = lambda
        .publish_layer_version(
            "base-runtime",
            LayerContent::new()
                .file("bootstrap", "#!/bin/sh\nexec /opt/bin/invoice\n")
                .file("lib/libssl.so.3", "OpenSSL 3.0.8"),
        )
        .unwrap();
    let libs = lambda
        .publish_layer_version(
            "pdf-libs",
            LayerContent::new()
                .file("lib/libssl.so.3", "OpenSSL 3.2.1")
                .file_of_size("lib/libpdfium.so", 6 * 1024 * 1024)
                .file("etc/settings.json", r#"{"currency":"USD"}"#),
        )
        .unwrap();
    let shop = lambda
        .publish_layer_version(
            "shop-settings",
            LayerContent::new().file("etc/settings.json", r#"{"currency":"KRW"}"#),
        )
        .unwrap();

    // The runtime first, the libraries after it, the shop's settings last.
    let config = FunctionConfig::new("invoice")
        .layer(&runtime.layer_version_arn)
        .layer(&libs.layer_version_arn)
        .layer(&shop.layer_version_arn);
    lambda
        .create_function(config, handler_fn(show_opt))
        .unwrap();
    lambda.invoke(InvokeRequest::new("invoice")).await.unwrap();

    // The same three layers the other way round.
    lambda
        .update_function_configuration("invoice", |_| {
            FunctionConfig::new("invoice")
                .layer(&shop.layer_version_arn)
                .layer(&libs.layer_version_arn)
                .layer(&runtime.layer_version_arn)
        })
        .unwrap();
    lambda.invoke(InvokeRequest::new("invoice")).await.unwrap();

    // New settings are a new layer version; the function gets them when its configuration
    // names that version. The old version can then go.
    let shop_v2 = lambda
        .publish_layer_version(
            "shop-settings",
            LayerContent::new().file("etc/settings.json", r#"{"currency":"EUR"}"#),
        )
        .unwrap();
    lambda
        .update_function_configuration("invoice", |_| {
            FunctionConfig::new("invoice")
                .layer(&runtime.layer_version_arn)
                .layer(&libs.layer_version_arn)
                .layer(&shop_v2.layer_version_arn)
        })
        .unwrap();
    lambda.delete_layer_version("shop-settings", 1);
    lambda.invoke(InvokeRequest::new("invoice")).await.unwrap();
    // ANCHOR_END: layers_scenario
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn layers_limits() {
    // ANCHOR: layers_limits
    let lambda = Lambda::builder().seed(2025).build();
    const MIB: u64 = 1024 * 1024;
    let model = lambda
        .publish_layer_version(
            "model",
            LayerContent::new().file_of_size("model/weights.bin", 200 * MIB),
        )
        .unwrap();
    let old = lambda
        .publish_layer_version("old-tools", LayerContent::new().file("bin/tool", "v1"))
        .unwrap();
    lambda.delete_layer_version("old-tools", old.version);

    let attempts = [
        // Six layers: one more than a function may have.
        (0..6).fold(FunctionConfig::new("classify"), |config, _| {
            config.layer(&model.layer_version_arn)
        }),
        // 60 MiB of code and a 200 MiB layer: 260 MiB, over the 250 MB budget.
        FunctionConfig::new("classify")
            .code_size_bytes(60 * MIB)
            .layer(&model.layer_version_arn),
        // A deleted layer version.
        FunctionConfig::new("classify").layer(&old.layer_version_arn),
        // 40 MiB of code and the model: 240 MiB, which fits.
        FunctionConfig::new("classify")
            .code_size_bytes(40 * MIB)
            .layer(&model.layer_version_arn),
    ];
    let mut answers = Vec::new();
    for config in attempts {
        answers.push(match lambda.create_function(config, handler_fn(show_opt)) {
            Ok(arn) => format!("created {arn}"),
            Err(e) => format!("{} ({}): {}", e.code, e.status, e.message),
        });
    }
    // ANCHOR_END: layers_limits
    insta::assert_snapshot!(answers.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Event models: the pull model

// ANCHOR: event_models_pull_code
/// What the warehouse has on its shelves. The scenario shares it, and restocks it.
type Shelves = Arc<Mutex<BTreeSet<&'static str>>>;

/// Ships the orders of a batch of SQS messages, 50 ms each. An item that is not on the shelves
/// can't be shipped yet: its message is reported in `batchItemFailures`, so that it alone comes
/// back later, and the batch still succeeds.
async fn ship_orders(
    shelves: Shelves,
    event: SqsEvent,
    ctx: Context,
) -> Result<SqsBatchResponse, HandlerError> {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let item = message.body.unwrap_or_default();
        let receives = message.attributes.get("ApproximateReceiveCount");
        invoker::sleep(Duration::from_millis(50)).await;
        if shelves.lock().unwrap().contains(item.as_str()) {
            let receives = receives.map_or("?", String::as_str);
            ctx.logger()
                .info(format!("shipped a {item} (receive {receives})"));
        } else {
            ctx.logger()
                .warn(format!("no {item} on the shelves: message {id} stays"));
            response.add_failure(id);
        }
    }
    Ok(response)
}
// ANCHOR_END: event_models_pull_code

#[tokio::test(start_paused = true)]
async fn event_models_an_sqs_queue_read_in_batches() {
    // ANCHOR: event_models_pull_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let shelves: Shelves = Arc::new(Mutex::new(BTreeSet::from(["book", "mug", "pen"])));
    let stock = Arc::clone(&shelves);
    let code = handler_fn(move |event: SqsEvent, ctx: Context| {
        ship_orders(Arc::clone(&stock), event, ctx)
    });
    // The mapping polls with the function's role: SAM's SQSPollerPolicy, or this managed policy.
    let role = Role::new("ship-orders-role").attach(ManagedPolicy::SqsQueueExecution);
    let config = FunctionConfig::new("ship-orders")
        .timeout_secs(5)
        .role(role);
    lambda.create_function(config, code).unwrap();

    // Four orders wait in the queue. Nobody is told: SQS invokes nothing.
    let attributes = QueueAttributes::default().visibility_timeout_secs(30);
    let queue = lambda
        .sqs()
        .create_queue_with("orders", attributes)
        .unwrap();
    for item in ["book", "lamp", "mug", "pen"] {
        let body = item.to_owned();
        lambda
            .sqs()
            .send_message(&queue, body, BTreeMap::new())
            .unwrap();
    }

    // The mapping is the reader: Lambda polls the queue and invokes with batches (10 at most).
    let mapping = EventSourceMapping::new(&queue, "ship-orders").report_batch_item_failures(true);
    lambda.create_event_source_mapping(mapping).unwrap();

    // Ten seconds later, while the lamp's message is hidden, the lamps arrive.
    invoker::sleep(Duration::from_secs(10)).await;
    shelves.lock().unwrap().insert("lamp");
    lambda.settle().await;
    assert!(lambda.sqs().messages(&queue).is_empty());
    // ANCHOR_END: event_models_pull_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: event_models_stream_code
/// Counts page views from a stream of clicks: 100 ms a batch. It logs the clicks it got, in the
/// order it got them.
async fn count_clicks(event: KinesisEvent, ctx: Context) -> Result<(), HandlerError> {
    let clicks: Vec<String> = event
        .records
        .iter()
        .map(|record| {
            let page = String::from_utf8_lossy(&record.kinesis.data);
            format!("{} {page}", record.kinesis.partition_key)
        })
        .collect();
    invoker::sleep(Duration::from_millis(100)).await;
    ctx.logger().info(clicks.join(", "));
    Ok(())
}
// ANCHOR_END: event_models_stream_code

#[tokio::test(start_paused = true)]
async fn event_models_a_kinesis_stream_read_shard_by_shard() {
    // ANCHOR: event_models_stream_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let stream = lambda.kinesis().create_stream("clicks", 2).unwrap();
    let code = handler_fn(count_clicks);
    lambda
        .create_function(
            FunctionConfig::new("count-clicks")
                .role(Role::new("count-clicks-role").attach(ManagedPolicy::KinesisExecution)),
            code,
        )
        .unwrap();
    // The user is the partition key: Kinesis hashes it to choose the shard.
    let click = |user: &str, page: &str| {
        let (_shard, _sequence_number) = lambda
            .kinesis()
            .put_record("clicks", user, page.as_bytes())
            .unwrap();
    };
    click("ada", "/home");
    click("grace", "/home");
    click("ada", "/cart");
    click("linus", "/docs");

    // A stream mapping must say where to start: TRIM_HORIZON reads what is there already.
    let mapping = EventSourceMapping::new(&stream, "count-clicks")
        .starting_position(StartingPosition::TrimHorizon);
    lambda.create_event_source_mapping(mapping).unwrap();

    // More clicks, while the first batches are being processed.
    invoker::sleep(Duration::from_millis(50)).await;
    click("ada", "/pay");
    click("grace", "/docs");
    lambda.settle().await;
    // ANCHOR_END: event_models_stream_scenario
    let transcript = lambda.transcript();
    let without_puts: Vec<&str> = transcript
        .lines()
        .filter(|line| !line.contains("kinesis:PutRecord"))
        .collect();
    insta::assert_snapshot!(without_puts.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Concurrency: a stream's concurrency is its shards × the parallelization factor

// ANCHOR: concurrency_stream_code
/// Stores a batch of clicks: 1 s, whatever the batch's size.
async fn store_clicks(_event: KinesisEvent, _ctx: Context) -> Result<(), HandlerError> {
    invoker::sleep(Duration::from_secs(1)).await;
    Ok(())
}
// ANCHOR_END: concurrency_stream_code

#[tokio::test(start_paused = true)]
async fn concurrency_a_stream_runs_shards_times_parallelization_factor() {
    // ANCHOR: concurrency_stream_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let stream = lambda.kinesis().create_stream("clicks", 4).unwrap();
    lambda
        .create_function(
            FunctionConfig::new("store-clicks")
                .role(Role::new("store-clicks-role").attach(ManagedPolicy::KinesisExecution)),
            handler_fn(store_clicks),
        )
        .unwrap();

    // A backlog: 200 clicks of 40 users, spread over the 4 shards by their partition keys.
    for n in 0..200 {
        let user = format!("user-{}", n % 40);
        let click = format!("click {n}");
        lambda
            .kinesis()
            .put_record("clicks", &user, click.as_bytes())
            .unwrap();
    }

    // Two batches of each shard at a time: 4 shards × 2 = 8.
    let mapping = EventSourceMapping::new(&stream, "store-clicks")
        .starting_position(StartingPosition::TrimHorizon)
        .batch_size(10)
        .parallelization_factor(2);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    let usage = lambda.usage("store-clicks");
    assert_eq!(usage.cold_starts, 8, "never more than 8 environments");
    let timeline = lambda.timeline("store-clicks", Duration::from_millis(250));
    // ANCHOR_END: concurrency_stream_scenario
    insta::assert_snapshot!(timeline);
}

// ---------------------------------------------------------------------------------------------
// Testing Lambda functions

// ANCHOR: testing_core
/// A parcel to ship, as callers send it: `{"weightGrams": 1200, "country": "JP"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Parcel {
    weight_grams: u32,
    country: String,
}

/// What shipping it costs.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Quote {
    zone: &'static str,
    price_cents: u32,
}

/// Why a parcel can't be quoted.
#[derive(Debug, PartialEq)]
enum QuoteError {
    TooHeavy { weight_grams: u32 },
    UnknownCountry(String),
}

/// The heaviest parcel the carrier takes.
const MAX_WEIGHT_GRAMS: u32 = 30_000;

/// The core: a pure function of its input. No event, no context, no I/O, no Lambda: a plain
/// unit test can call it, and so can a CLI, a container or another function.
fn quote_parcel(parcel: &Parcel) -> Result<Quote, QuoteError> {
    if parcel.weight_grams > MAX_WEIGHT_GRAMS {
        let weight_grams = parcel.weight_grams;
        return Err(QuoteError::TooHeavy { weight_grams });
    }
    // (zone, base price, price per kilogram), in cents.
    let (zone, base, per_kg) = match parcel.country.as_str() {
        "KR" => ("domestic", 300, 100),
        "JP" | "CN" | "TW" => ("asia", 900, 400),
        "US" | "DE" | "FR" | "GB" => ("world", 1_500, 900),
        other => return Err(QuoteError::UnknownCountry(other.to_owned())),
    };
    // Every kilogram started is charged.
    let kilograms = parcel.weight_grams.div_ceil(1_000);
    Ok(Quote {
        zone,
        price_cents: base + per_kg * kilograms,
    })
}
// ANCHOR_END: testing_core

impl QuoteError {
    /// A short, stable name for callers to match on: the function error's `errorType`.
    fn error_type(&self) -> &'static str {
        match self {
            QuoteError::TooHeavy { .. } => "TooHeavy",
            QuoteError::UnknownCountry(_) => "UnknownCountry",
        }
    }
}

impl fmt::Display for QuoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuoteError::TooHeavy { weight_grams } => write!(
                f,
                "{weight_grams} g is over the carrier's limit of {MAX_WEIGHT_GRAMS} g"
            ),
            QuoteError::UnknownCountry(country) => write!(f, "no rates for country {country:?}"),
        }
    }
}

// ANCHOR: testing_adapter
/// The handler: a thin adapter between Lambda and the core. The runtime has already turned the
/// event into a `Parcel` (or refused it); the adapter calls the core, turns its error into a
/// function error, does the I/O, and returns the quote for the runtime to serialize.
async fn shipping(parcel: Parcel, ctx: Context) -> Result<Quote, HandlerError> {
    let quote =
        quote_parcel(&parcel).map_err(|e| HandlerError::new(e.error_type(), e.to_string()))?;
    // The I/O belongs here, not in the core: save the quote (80 ms waiting for a database).
    invoker::sleep(Duration::from_millis(80)).await;
    ctx.logger().info(format!(
        "quoted {} cents to {}",
        quote.price_cents, parcel.country
    ));
    Ok(quote)
}
// ANCHOR_END: testing_adapter

// ANCHOR: testing_unit
/// A parcel of `weight_grams` to `country`.
fn parcel(weight_grams: u32, country: &str) -> Parcel {
    let country = country.to_owned();
    Parcel {
        weight_grams,
        country,
    }
}

#[test]
fn every_kilogram_started_is_charged() {
    let price = |grams| quote_parcel(&parcel(grams, "KR")).unwrap().price_cents;
    assert_eq!(price(1), 400);
    assert_eq!(price(1_000), 400);
    assert_eq!(price(1_001), 500);
}

#[test]
fn the_carrier_takes_30_kg_and_not_a_gram_more() {
    assert!(quote_parcel(&parcel(30_000, "DE")).is_ok());
    assert_eq!(
        quote_parcel(&parcel(30_001, "DE")),
        Err(QuoteError::TooHeavy {
            weight_grams: 30_001
        })
    );
}

#[test]
fn a_country_without_rates_is_refused_by_name() {
    let refused = quote_parcel(&parcel(500, "XX")).unwrap_err();
    assert_eq!(refused, QuoteError::UnknownCountry("XX".into()));
    assert_eq!(refused.to_string(), r#"no rates for country "XX""#);
}
// ANCHOR_END: testing_unit

#[tokio::test(start_paused = true)]
async fn testing_a_scenario_through_the_invoker() {
    // ANCHOR: testing_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shipping"), handler_fn(shipping))
        .unwrap();
    let ask = |parcel: Value| lambda.invoke(InvokeRequest::new("shipping").payload(parcel));

    // A good parcel: a quote, with the fields the callers rely on.
    let ok = ask(json!({ "weightGrams": 1200, "country": "JP" }))
        .await
        .unwrap();
    assert_eq!(ok.function_error, None);
    assert_eq!(
        ok.payload_json().unwrap(),
        json!({ "zone": "asia", "priceCents": 1700 })
    );

    // The core's refusal reaches the caller as a function error with a stable errorType.
    let heavy = ask(json!({ "weightGrams": 40000, "country": "JP" }))
        .await
        .unwrap();
    assert_eq!(heavy.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(heavy.payload_json().unwrap()["errorType"], "TooHeavy");

    // An event of the wrong shape never reaches the adapter: the runtime refuses it.
    let garbled = ask(json!({ "weight": "1.2 kg" })).await.unwrap();
    assert_eq!(garbled.function_error.as_deref(), Some("Unhandled"));
    // ANCHOR_END: testing_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: testing_load_code
/// Sends `requests` parcels to `shipping`, one every `gap`, without waiting for the answers, so
/// that the calls overlap as real traffic does. Returns, for each call in order, how long its
/// caller waited, or the error of a call Lambda refused.
async fn burst(
    lambda: &Lambda,
    requests: u32,
    gap: Duration,
) -> Vec<Result<Duration, ServiceError>> {
    let mut calls = Vec::new();
    for n in 0..requests {
        let lambda = lambda.clone();
        let parcel = json!({ "weightGrams": 500 + 100 * n, "country": "KR" });
        calls.push(tokio::spawn(async move {
            let sent = lambda.elapsed();
            let request = InvokeRequest::new("shipping").payload(parcel);
            let response = lambda.invoke(request).await?;
            assert_eq!(response.function_error, None, "every parcel can be quoted");
            Ok(lambda.elapsed() - sent)
        }));
        invoker::sleep(gap).await;
    }
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.expect("every call is answered or refused"));
    }
    results
}
// ANCHOR_END: testing_load_code

/// What a load test measured, computed from `burst`'s results, `Lambda::usage` and the timeline.
fn load_report(
    lambda: &Lambda,
    results: &[Result<Duration, ServiceError>],
    gap: Duration,
) -> String {
    let mut latencies: Vec<Duration> = results.iter().filter_map(|r| r.clone().ok()).collect();
    latencies.sort();
    let throttled = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code == "TooManyRequestsException"))
        .count();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // The nearest-rank percentile: the latency that p% of the answered calls did not exceed.
    let percentile = |p: usize| latencies[(latencies.len() * p).div_ceil(100) - 1];
    let mean = latencies.iter().sum::<Duration>() / latencies.len() as u32;
    let rate = 1.0 / gap.as_secs_f64();
    let usage = lambda.usage("shipping");

    let mut out = format!(
        "{} requests, one every {:.0} ms: {rate:.0} per second\n",
        results.len(),
        ms(gap)
    );
    out.push_str(&format!(
        "answered {}, throttled (429) {throttled}\n",
        latencies.len()
    ));
    out.push_str(&format!(
        "latency  p50 {:.0} ms  p99 {:.0} ms  max {:.0} ms  mean {:.1} ms\n",
        ms(percentile(50)),
        ms(percentile(99)),
        ms(*latencies.last().expect("at least one call was answered")),
        ms(mean),
    ));
    out.push_str(&format!(
        "usage    {} invocations, {} cold starts, {} ms billed, {:.4} GB-s\n",
        usage.invocations, usage.cold_starts, usage.billed_ms, usage.gb_seconds
    ));
    out.push_str(&format!(
        "Little's law: {rate:.0}/s × {:.1} ms = {:.2} environments needed, on average\n\n",
        ms(mean),
        rate * mean.as_secs_f64()
    ));
    out.push_str(&lambda.timeline("shipping", Duration::from_millis(100)));
    out
}

#[tokio::test(start_paused = true)]
async fn testing_a_load_test_of_100_requests_per_second() {
    // ANCHOR: testing_load_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shipping"), handler_fn(shipping))
        .unwrap();

    // 200 requests, one every 10 ms: 100 per second for two seconds.
    let gap = Duration::from_millis(10);
    let results = burst(&lambda, 200, gap).await;

    // A load test has a budget, and fails when the function goes over it.
    for result in &results {
        let waited = result.as_ref().expect("no call is throttled");
        assert!(
            *waited <= Duration::from_millis(100),
            "answered within 100 ms"
        );
    }
    // Little's law: 100 per second × at most 0.1 s each = at most 10 busy at once.
    let environments = lambda.usage("shipping").cold_starts;
    assert!(environments <= 10, "{environments} environments");
    // ANCHOR_END: testing_load_scenario
    insta::assert_snapshot!(load_report(&lambda, &results, gap));
}

#[tokio::test(start_paused = true)]
async fn testing_a_load_test_finds_the_reserved_concurrency_too_low() {
    // ANCHOR: testing_load_reserved
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shipping"), handler_fn(shipping))
        .unwrap();
    // The setting production will have: at most 5 at once.
    lambda.put_function_concurrency("shipping", 5).unwrap();

    let gap = Duration::from_millis(10);
    let results = burst(&lambda, 200, gap).await;
    let throttled = results.iter().filter(|r| r.is_err()).count();
    assert!(
        throttled > 0,
        "100/s × 80 ms needs about 8 environments, not 5"
    );
    // ANCHOR_END: testing_load_reserved
    insta::assert_snapshot!(load_report(&lambda, &results, gap));
}

// ---------------------------------------------------------------------------------------------
// Patterns

// ANCHOR: patterns_chain_code
/// Step 1, on every upload: makes a 200-pixel thumbnail of an image, or refuses what is not one.
async fn thumbnail_step(upload: Value, _ctx: Context) -> Result<Value, HandlerError> {
    let key = upload["key"].as_str().unwrap_or_default();
    let Some(name) = key
        .strip_prefix("uploads/")
        .filter(|name| name.ends_with(".jpg") || name.ends_with(".png"))
    else {
        return Err(HandlerError::new(
            "UnsupportedImage",
            format!("{key} is not a JPEG or PNG image"),
        ));
    };
    invoker::sleep(Duration::from_millis(150)).await; // decoding and resizing
    Ok(json!({ "source": key, "thumbnail": format!("thumbnails/{name}"), "width": 200 }))
}

/// Step 2, the on-success destination of step 1: receives step 1's invocation *record*, and
/// finds step 1's answer in its `responsePayload`.
async fn index_photo(record: Value, ctx: Context) -> Result<Value, HandlerError> {
    let made = &record["responsePayload"];
    ctx.logger().info(format!("indexing {}", made["thumbnail"]));
    Ok(json!({ "indexed": made["thumbnail"] }))
}
// ANCHOR_END: patterns_chain_code

#[tokio::test(start_paused = true)]
async fn patterns_a_chain_of_destinations() {
    // ANCHOR: patterns_chain_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let failures = lambda.sqs().create_queue("thumbnail-failures");
    lambda
        .create_function(
            FunctionConfig::new("make-thumbnail"),
            handler_fn(thumbnail_step),
        )
        .unwrap();
    let index_arn = lambda
        .create_function(FunctionConfig::new("index-photo"), handler_fn(index_photo))
        .unwrap();

    // The chain is configuration: a success of make-thumbnail goes on to index-photo, a failure
    // to the queue. No retries here: a file that is not an image stays one.
    let chain = EventInvokeConfig::default()
        .maximum_retry_attempts(0)
        .on_success(&index_arn)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("make-thumbnail", chain)
        .unwrap();

    // Two uploads a second apart, sent as S3 sends its notifications: asynchronously.
    for key in ["uploads/cat.jpg", "uploads/notes.txt"] {
        let upload = InvokeRequest::new("make-thumbnail")
            .invocation_type(InvocationType::Event)
            .payload(json!({ "key": key }));
        lambda.invoke(upload).await.unwrap();
        invoker::sleep(Duration::from_secs(1)).await;
    }
    lambda.settle().await;
    // ANCHOR_END: patterns_chain_scenario
    insta::assert_snapshot!(lambda.transcript());
    let failed = &lambda.sqs().messages(&failures)[0].body;
    let record: Value = serde_json::from_str(failed).unwrap();
    insta::assert_snapshot!(
        "patterns_the_record_of_a_failure",
        serde_json::to_string_pretty(&record).unwrap()
    );
}

/// `Wed 2025-01-01 09:00`, as a clock `offset_hours` ahead of UTC shows the time.
fn wall_clock(time: SystemTime, offset_hours: u64) -> String {
    let shown = time + Duration::from_secs(offset_hours * 3600);
    let days = shown
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let text = rfc3339_seconds(shown);
    format!("{weekday} {} {}", &text[..10], &text[11..16])
}

#[test]
fn patterns_cron_expressions_are_read_in_utc() {
    // ANCHOR: patterns_cron_scenario
    // Wednesday 2025-01-01, 00:00 UTC: where the virtual clock starts.
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS);
    let mut table = format!("{:<24} {:<22} {}\n", "expression", "UTC", "Seoul (UTC+9)");
    for expression in [
        "cron(0 9 * * ? *)",
        "cron(0 0 * * ? *)",
        "cron(0 15 * * ? *)",
        "cron(0 23 ? * FRI *)",
    ] {
        for run in next_fire_times(expression, start, 2).unwrap() {
            let (utc, seoul) = (wall_clock(run, 0), wall_clock(run, 9));
            table.push_str(&format!("{expression:<24} {utc:<22} {seoul}\n"));
        }
    }
    // ANCHOR_END: patterns_cron_scenario
    insta::assert_snapshot!(table);
}

// ---------------------------------------------------------------------------------------------
// Permissions: who may invoke, what the function may do

/// A function that does nothing: in these examples only its permissions matter.
async fn ok(_event: Value, _ctx: Context) -> Result<Value, HandlerError> {
    Ok(Value::Null)
}

/// A bucket's notification configuration: every new object under `uploads/` invokes
/// `function_arn`.
fn on_new_uploads(function_arn: &str) -> NotificationConfiguration {
    let uploads = LambdaFunctionConfiguration::new(function_arn)
        .event("s3:ObjectCreated:*")
        .prefix("uploads/");
    NotificationConfiguration::default().lambda_function(uploads)
}

/// An answer as the book prints it: what was accepted, or AWS's refusal.
fn answer<T>(result: Result<T, ServiceError>) -> String {
    match result {
        Ok(_) => "accepted".to_owned(),
        Err(e) => format!("{} ({}): {}", e.code, e.status, e.message),
    }
}

#[tokio::test(start_paused = true)]
async fn permissions_who_may_invoke() {
    // ANCHOR: permissions_policy
    let lambda = Lambda::builder().seed(2025).build();
    let bucket = lambda.s3().create_bucket("photos").unwrap();
    let function = lambda
        .create_function(FunctionConfig::new("thumbnail"), handler_fn(ok))
        .unwrap();
    let notify = || {
        lambda
            .s3()
            .put_bucket_notification_configuration("photos", on_new_uploads(&function))
    };
    let mut answers = Vec::new();
    answers.push(format!(
        "S3 notification, no statement: {}",
        answer(notify())
    ));

    // `aws lambda add-permission`: S3 may invoke the function, for this bucket of this account.
    let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn(&bucket)
        .source_account(lambda.account_id());
    let statement = lambda.add_permission("thumbnail", s3_may_invoke).unwrap();
    answers.push(format!("add-permission answered: {statement:#}"));
    answers.push(format!("S3 notification, with it: {}", answer(notify())));

    // Other callers, as the policy sees them: a bucket called `photos` in another account,
    // and SNS for a topic.
    let callers = [
        ("s3.amazonaws.com", "arn:aws:s3:::photos", "111122223333"),
        (
            "sns.amazonaws.com",
            "arn:aws:sns:us-east-1:123456789012:alerts",
            "123456789012",
        ),
    ];
    for (service, source_arn, source_account) in callers {
        let principal = Principal::Service {
            service: service.into(),
            source_arn: source_arn.into(),
            source_account: source_account.into(),
        };
        let request = InvokeRequest::new("thumbnail")
            .invocation_type(InvocationType::Event)
            .principal(principal);
        let result = lambda.invoke(request).await;
        answers.push(format!(
            "{service} for {source_arn} of {source_account}: {}",
            answer(result)
        ));
    }
    // ANCHOR_END: permissions_policy
    insta::assert_snapshot!(answers.join("\n"));
}

// ANCHOR: permissions_role_code
/// Makes a thumbnail of each new upload, then tidies up by deleting the upload. Or tries to.
async fn thumbnail_and_tidy_up(
    lambda: Lambda,
    event: S3Event,
    ctx: Context,
) -> Result<(), HandlerError> {
    for record in event.records {
        let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        let photo = lambda.s3().get_object("photos", &key)?;
        let name = key.trim_start_matches("uploads/");
        let small = photo[..photo.len().min(16)].to_vec();
        lambda
            .s3()
            .put_object("photos", &format!("thumbnails/{name}"), small)
            .await?;
        ctx.logger().info(format!("thumbnails/{name} written"));
        if let Err(refused) = lambda.s3().delete_object("photos", &key).await {
            ctx.logger().warn(format!("{key} kept: {}", refused.code));
        }
    }
    Ok(())
}
// ANCHOR_END: permissions_role_code

#[tokio::test(start_paused = true)]
async fn permissions_what_the_function_may_do() {
    // ANCHOR: permissions_role
    let lambda = Lambda::builder().seed(2025).build();
    let bucket = lambda.s3().create_bucket("photos").unwrap();
    // The execution role: its logs, reading uploads, writing thumbnails. Nothing else.
    let role = Role::new("thumbnail-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("s3:GetObject", format!("{bucket}/uploads/*"))
        .allow("s3:PutObject", format!("{bucket}/thumbnails/*"));
    let account = lambda.clone();
    let code = handler_fn(move |event: S3Event, ctx: Context| {
        thumbnail_and_tidy_up(account.clone(), event, ctx)
    });
    let config = FunctionConfig::new("thumbnail").role(role.clone());
    let function = lambda.create_function(config, code).unwrap();
    let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn(&bucket)
        .source_account(lambda.account_id());
    lambda.add_permission("thumbnail", s3_may_invoke).unwrap();
    lambda
        .s3()
        .put_bucket_notification_configuration("photos", on_new_uploads(&function))
        .unwrap();
    let photo = b"PHOTO 1024x768 ...".to_vec();
    let s3 = lambda.s3();
    s3.put_object("photos", "uploads/cat.jpg", photo.clone())
        .await
        .unwrap();
    lambda.settle().await;

    // The same role without the managed policy for logs.
    let no_logs = Role::new("thumbnail-role")
        .allow("s3:GetObject", format!("{bucket}/uploads/*"))
        .allow("s3:PutObject", format!("{bucket}/thumbnails/*"));
    lambda
        .update_function_configuration("thumbnail", |c| c.role(no_logs))
        .unwrap();
    s3.put_object("photos", "uploads/dog.jpg", photo)
        .await
        .unwrap();
    lambda.settle().await;
    // ANCHOR_END: permissions_role
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn permissions_the_pull_model_uses_the_role() {
    // ANCHOR: permissions_pull
    let lambda = Lambda::builder().seed(2025).build();
    let queue = lambda.sqs().create_queue("orders");
    lambda
        .create_function(FunctionConfig::new("ship"), handler_fn(ok))
        .unwrap();
    let mut answers = Vec::new();
    let mapping = || EventSourceMapping::new(&queue, "ship");
    let refused = lambda.create_event_source_mapping(mapping());
    answers.push(format!("with the basic role: {}", answer(refused)));

    // The managed policy for SQS mappings: receive, delete, read the queue's attributes.
    let poller = Role::new("ship-role").attach(ManagedPolicy::SqsQueueExecution);
    lambda
        .update_function_configuration("ship", |c| c.role(poller))
        .unwrap();
    let created = lambda.create_event_source_mapping(mapping());
    answers.push(format!(
        "with AWSLambdaSQSQueueExecutionRole: {}",
        answer(created)
    ));
    // ANCHOR_END: permissions_pull
    insta::assert_snapshot!(answers.join("\n"));
}
