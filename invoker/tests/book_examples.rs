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
    tokio::time::sleep(Duration::from_millis(120)).await;
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
    tokio::time::sleep(Duration::from_secs(60)).await;
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
