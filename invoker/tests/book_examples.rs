//! The worked examples of the book, run as tests. The book includes their code (between the
//! ANCHOR lines) and their transcripts (the snapshots in `snapshots/`), so what a reader sees is
//! exactly what the invoker does.

use invoker::{handler_fn, Context, FunctionConfig, HandlerError, InvokeRequest, Lambda, Role};
use serde_json::{json, Value};
use std::time::Duration;

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

    // The execution role may decrypt with this key, and do nothing else with KMS.
    let role = Role::new("payments-role").allow("kms:Decrypt", &key);
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

use invoker::{with_init, InitContext};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

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

use invoker::{EventInvokeConfig, InvocationType};

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
// Patterns

use invoker::clock::{rfc3339_seconds, DEFAULT_EPOCH_SECS};
use invoker::schedule::next_fire_times;
use std::time::SystemTime;

// ANCHOR: patterns_chain_code
/// Step 1, on every upload: makes a 200-pixel thumbnail of an image, or refuses what is not one.
async fn make_thumbnail(upload: Value, _ctx: Context) -> Result<Value, HandlerError> {
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
            handler_fn(make_thumbnail),
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
