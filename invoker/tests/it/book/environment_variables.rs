//! The worked examples of chapter 7, "Environment variables and configuration": the chapter
//! (`book/src/environment-variables.md`) includes their code and their transcripts.

use invoker::{
    service_fn, Diagnostic, FunctionConfig, InvokeRequest, Lambda, LambdaEvent, ManagedPolicy, Role,
};
use serde_json::{json, Value};

// ANCHOR: env_vars_handler
/// Reads its settings from environment variables, and reports what the runtime set as well.
async fn catalog(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    // The function's own settings. A missing one is a deployment mistake: say which.
    let table = ctx.env("TABLE_NAME").ok_or_else(|| Diagnostic {
        error_type: "ConfigError".into(),
        error_message: "TABLE_NAME is not set".into(),
    })?;
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
    lambda.create_function(config, service_fn(catalog)).unwrap();
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
        let outcome = match lambda.create_function(config, service_fn(catalog)) {
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
async fn charge(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    let blob = ctx.env("API_KEY").ok_or_else(|| Diagnostic {
        error_type: "ConfigError".into(),
        error_message: "API_KEY is not set".into(),
    })?;
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
    lambda.create_function(config, service_fn(charge)).unwrap();
    for _ in 0..3 {
        lambda.invoke(InvokeRequest::new("payments")).await.unwrap();
    }

    // The same code with the default role, which allows only logging.
    let config = FunctionConfig::new("payments-no-key").env("API_KEY", &blob);
    lambda.create_function(config, service_fn(charge)).unwrap();
    let request = InvokeRequest::new("payments-no-key");
    lambda.invoke(request).await.unwrap();
    // ANCHOR_END: env_vars_secret_scenario
    insta::assert_snapshot!(lambda.transcript());
}
