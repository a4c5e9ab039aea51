//! Versions, aliases, environment variables and secrets: the release engineer's view of Lambda.

use crate::kit::answer;
use invoker::{
    service_fn, with_init, Diagnostic, ErrorCode, FunctionConfig, InitContext, InvokeRequest,
    Lambda, LambdaEvent, ManagedPolicy, Role,
};
use serde_json::{json, Value};
use std::sync::Arc;

/// Code that answers with a fixed label, so a test can tell which code ran.
fn labelled(label: &'static str) -> invoker::FunctionCode {
    service_fn(move |event: LambdaEvent<Value>| async move {
        let ctx = event.context;
        Ok::<_, Diagnostic>(json!({
            "label": label,
            "version": ctx.env_config.version,
            "arn": ctx.invoked_function_arn,
            "stage": ctx.env("STAGE"),
            "runtime_version_var": ctx.env("AWS_LAMBDA_FUNCTION_VERSION"),
        }))
    })
}

fn service() -> Lambda {
    let lambda = Lambda::builder().seed(9).build();
    lambda
        .create_function(
            FunctionConfig::new("app").env("STAGE", "one"),
            labelled("v1 code"),
        )
        .unwrap();
    lambda
}

async fn call(lambda: &Lambda, qualifier: Option<&str>) -> Value {
    let mut request = InvokeRequest::new("app");
    if let Some(q) = qualifier {
        request = request.qualifier(q);
    }
    let response = lambda.invoke(request).await.expect("invoke succeeds");
    let mut body = response.payload_json().unwrap();
    body["executed"] = json!(response.executed_version);
    body
}

#[tokio::test(start_paused = true)]
async fn a_published_version_is_a_frozen_snapshot_of_code_and_configuration() {
    let lambda = service();
    assert_eq!(lambda.publish_version("app").unwrap(), "1");
    lambda
        .update_function_code("app", labelled("v2 code"))
        .unwrap();
    lambda
        .update_function_configuration("app", |c| c.env("STAGE", "two"))
        .unwrap();

    let v1 = call(&lambda, Some("1")).await;
    assert_eq!(
        (v1["label"].as_str(), v1["stage"].as_str()),
        (Some("v1 code"), Some("one"))
    );
    assert_eq!(
        (v1["version"].as_str(), v1["executed"].as_str()),
        (Some("1"), Some("1"))
    );
    assert_eq!(v1["runtime_version_var"], "1");
    let latest = call(&lambda, None).await;
    assert_eq!(
        (latest["label"].as_str(), latest["stage"].as_str()),
        (Some("v2 code"), Some("two"))
    );
    assert_eq!(latest["executed"], "$LATEST");
}

#[tokio::test(start_paused = true)]
async fn publishing_without_an_update_returns_the_last_version() {
    let lambda = service();
    assert_eq!(lambda.publish_version("app").unwrap(), "1");
    assert_eq!(lambda.publish_version("app").unwrap(), "1");
    lambda
        .update_function_configuration("app", |c| c.memory_size(256))
        .unwrap();
    assert_eq!(lambda.publish_version("app").unwrap(), "2");
    lambda.delete_version("app", "2").unwrap();
    lambda.update_function_code("app", labelled("v3")).unwrap();
    assert_eq!(
        lambda.publish_version("app").unwrap(),
        "3",
        "numbers are never reused"
    );
    assert_eq!(lambda.list_versions("app").unwrap(), ["1", "3"]);
}

#[tokio::test(start_paused = true)]
async fn the_start_line_and_context_name_the_executed_version_and_the_callers_arn() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "prod", "1").unwrap();
    let via_alias = call(&lambda, Some("prod")).await;
    assert_eq!(via_alias["version"], "1");
    assert_eq!(
        via_alias["arn"],
        "arn:aws:lambda:us-east-1:123456789012:function:app:prod"
    );
    assert!(lambda
        .log_lines("app")
        .iter()
        .any(|l| l.starts_with("START") && l.ends_with("Version: 1")));
    assert!(lambda
        .transcript()
        .contains("invoke app:prod -> version 1 (RequestResponse)"));
    let streams = lambda.log_streams("app");
    assert!(
        streams[0].contains("/[1]"),
        "version 1's environment logs to a [1] stream: {streams:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn moving_an_alias_releases_and_rolls_back_at_once() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "prod", "1").unwrap();
    lambda
        .update_function_code("app", labelled("v2 code"))
        .unwrap();
    lambda.publish_version("app").unwrap();
    lambda.update_alias("app", "prod", "2", None).unwrap();
    assert_eq!(call(&lambda, Some("prod")).await["label"], "v2 code");
    lambda.update_alias("app", "prod", "1", None).unwrap();
    assert_eq!(call(&lambda, Some("prod")).await["label"], "v1 code");
    assert_eq!(
        lambda.get_alias("app", "prod").unwrap().function_version,
        "1"
    );
}

#[tokio::test(start_paused = true)]
async fn each_version_has_its_own_environments() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    call(&lambda, Some("1")).await;
    call(&lambda, Some("1")).await;
    call(&lambda, None).await;
    let cold = lambda
        .log_lines("app")
        .iter()
        .filter(|l| l.starts_with("INIT_START"))
        .count();
    assert_eq!(cold, 2, "one cold start for version 1, one for $LATEST");
}

/// Calls through `prod` with 10% on version 2 and counts the calls each version served.
async fn canary_split(seed: u64) -> (usize, usize) {
    let lambda = Lambda::builder().seed(seed).build();
    lambda
        .create_function(FunctionConfig::new("app"), labelled("v1"))
        .unwrap();
    lambda.publish_version("app").unwrap();
    lambda.update_function_code("app", labelled("v2")).unwrap();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "prod", "1").unwrap();
    lambda
        .update_alias("app", "prod", "1", Some(("2", 0.1)))
        .unwrap();
    let mut v2 = 0;
    for _ in 0..1_000 {
        if call(&lambda, Some("prod")).await["executed"] == "2" {
            v2 += 1;
        }
    }
    (1_000 - v2, v2)
}

#[tokio::test(start_paused = true)]
async fn a_weighted_alias_splits_traffic_reproducibly() {
    let split = canary_split(5).await;
    assert_eq!(
        split,
        canary_split(5).await,
        "the same seed gives the same split"
    );
    assert!(
        (60..=140).contains(&split.1),
        "about 10% went to version 2: {split:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn alias_rules_are_enforced_with_aws_errors() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.update_function_code("app", labelled("v2")).unwrap();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "prod", "1").unwrap();
    let err = |r: Result<String, invoker::ServiceError>| r.unwrap_err();

    let to_alias = err(lambda.create_alias("app", "stage", "prod"));
    assert_eq!(
        to_alias.code,
        ErrorCode::ValidationException,
        "an alias never points at an alias"
    );
    assert!(to_alias.message.contains("at 'functionVersion'"));
    assert_eq!(
        err(lambda.create_alias("app", "prod", "2")).message,
        "Alias already exists: arn:aws:lambda:us-east-1:123456789012:function:app:prod"
    );
    assert_eq!(
        err(lambda.create_alias("app", "123", "1")).code,
        ErrorCode::ValidationException
    );
    assert_eq!(
        err(lambda.create_alias("app", "dev", "9")).message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:app:9"
    );
    assert_eq!(
        err(lambda.update_alias("app", "prod", "$LATEST", Some(("1", 0.1)))).message,
        "$LATEST is not supported for an alias pointing to more than 1 version"
    );
    assert_eq!(err(lambda.update_alias("app", "prod", "1", Some(("1", 0.1)))).message,
        "Invalid function version 1. Function version 1 is already included in routing configuration.");
    assert!(
        err(lambda.update_alias("app", "prod", "1", Some(("2", 1.5))))
            .message
            .contains("Member must have value less than or equal to 1.0")
    );
    assert_eq!(
        err(lambda.update_alias("app", "nope", "1", None)).message,
        "Alias not found: arn:aws:lambda:us-east-1:123456789012:function:app:nope"
    );
    assert_eq!(
        lambda.get_alias("app", "prod").unwrap().function_version,
        "1",
        "refusals change nothing"
    );
}

#[tokio::test(start_paused = true)]
async fn versions_in_use_and_latest_cannot_be_deleted() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "live", "1").unwrap();
    let in_use = lambda.delete_version("app", "1").unwrap_err();
    assert_eq!(
        (in_use.code, in_use.status),
        (ErrorCode::ResourceConflictException, 409)
    );
    assert_eq!(
        in_use.message,
        "Unable to delete version because the following aliases reference it: [live]"
    );
    let latest = lambda.delete_version("app", "$LATEST").unwrap_err();
    assert_eq!(
        latest.message,
        "$LATEST version cannot be deleted without deleting the function."
    );
    lambda.delete_alias("app", "live").unwrap();
    lambda.delete_version("app", "1").unwrap();
    let gone = lambda
        .invoke(InvokeRequest::new("app:1"))
        .await
        .unwrap_err();
    assert_eq!(
        gone.message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:app:1"
    );
}

#[tokio::test(start_paused = true)]
async fn only_latest_can_be_updated_and_unknown_functions_are_not_found() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    let qualified = lambda
        .update_function_code("app:1", labelled("x"))
        .unwrap_err();
    assert_eq!(qualified.code, ErrorCode::InvalidParameterValueException);
    assert!(qualified
        .message
        .starts_with("Current operation does not support versions other than $LATEST"));
    let missing = lambda.publish_version("ghost").unwrap_err();
    assert_eq!(
        missing.message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:ghost"
    );
    let bad = lambda
        .update_function_configuration("app", |c| c.timeout_secs(901))
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidParameterValueException);
    assert_eq!(
        call(&lambda, None).await["label"],
        "v1 code",
        "a refused update changes nothing"
    );
}

#[tokio::test(start_paused = true)]
async fn environment_variables_follow_lambdas_rules_and_the_runtime_adds_its_own() {
    let lambda = Lambda::new();
    let reserved = lambda
        .create_function(
            FunctionConfig::new("f").env("AWS_REGION", "eu-west-1"),
            labelled("x"),
        )
        .unwrap_err();
    assert_eq!(reserved.code, ErrorCode::InvalidParameterValueException);
    let code = service_fn(|event: LambdaEvent<Value>| async move {
        let ctx = event.context;
        Ok::<_, Diagnostic>(json!(ctx.env_vars().clone()))
    });
    lambda
        .create_function(
            FunctionConfig::new("f")
                .memory_size(512)
                .env("TZ", "Asia/Seoul"),
            code,
        )
        .unwrap();
    let vars = answer(&lambda, "f").await;
    assert_eq!(vars["AWS_REGION"], "us-east-1");
    assert_eq!(vars["AWS_LAMBDA_FUNCTION_NAME"], "f");
    assert_eq!(vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "512");
    assert_eq!(vars["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/f");
    assert_eq!(
        vars["TZ"], "Asia/Seoul",
        "unreserved variables can be overridden"
    );
    assert!(
        vars.get("AWS_EXECUTION_ENV").is_none(),
        "not set on OS-only runtimes"
    );
}

/// A function that decrypts its `API_KEY` variable once, at init.
fn secret_reader() -> invoker::FunctionCode {
    with_init(
        |init: InitContext| async move {
            let blob = init.env("API_KEY").unwrap_or_default().to_owned();
            init.kms().decrypt(&blob).await
        },
        |secret: Arc<String>, _event: LambdaEvent<Value>| async move {
            Ok::<_, Diagnostic>(json!({ "secret_length": secret.len() }))
        },
    )
}

#[tokio::test(start_paused = true)]
async fn a_secret_is_decrypted_at_init_when_the_role_allows_it() {
    let lambda = Lambda::builder().seed(4).build();
    let key = lambda.create_kms_key();
    let blob = lambda.kms_encrypt(&key, "s3cr3t-value").unwrap();
    assert!(
        !blob.contains("s3cr3t"),
        "the variable does not show the secret"
    );
    let role = Role::new("app-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("kms:Decrypt", &key);
    let config = FunctionConfig::new("f").env("API_KEY", &blob).role(role);
    lambda.create_function(config, secret_reader()).unwrap();
    for _ in 0..3 {
        assert_eq!(answer(&lambda, "f").await["secret_length"], 12);
    }
    let decrypts = lambda.transcript().matches("» kms:Decrypt with").count();
    assert_eq!(
        decrypts, 1,
        "one decrypt per cold start, not per invocation"
    );
}

#[tokio::test(start_paused = true)]
async fn without_kms_decrypt_in_its_role_the_function_cannot_read_the_secret() {
    let lambda = Lambda::new();
    let key = lambda.create_kms_key();
    let blob = lambda.kms_encrypt(&key, "s3cr3t").unwrap();
    lambda
        .create_function(
            FunctionConfig::new("f").env("API_KEY", blob),
            secret_reader(),
        )
        .unwrap();
    let response = lambda.invoke(InvokeRequest::new("f")).await.unwrap();
    let error = response.payload_json().unwrap();
    // `?` made a `Diagnostic` of KMS's refusal: named by its exception, with AWS's message.
    assert_eq!(error["errorType"], "AccessDeniedException");
    let message = error["errorMessage"].as_str().unwrap();
    assert!(message.starts_with("User: arn:aws:sts::123456789012:assumed-role/lambda-basic-execution/f is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/"), "{message}");
}

#[tokio::test(start_paused = true)]
async fn the_configuration_of_a_version_or_alias_can_be_read_back() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "prod", "1").unwrap();
    lambda
        .update_function_configuration("app", |c| c.env("STAGE", "two"))
        .unwrap();
    let stage = |f: &str| lambda.get_function_configuration(f).unwrap().env["STAGE"].clone();
    assert_eq!(
        (stage("app:prod"), stage("app:1"), stage("app")),
        ("one".into(), "one".into(), "two".into())
    );
    let missing = lambda.get_function_configuration("app:7").unwrap_err();
    assert_eq!(
        missing.message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:app:7"
    );
}

#[tokio::test(start_paused = true)]
async fn init_code_logs_before_start_and_its_service_calls_show_inside_the_invocation() {
    let lambda = Lambda::builder().seed(4).build();
    let key = lambda.create_kms_key();
    let blob = lambda.kms_encrypt(&key, "token").unwrap();
    let code = with_init(
        |init: InitContext| async move {
            init.logger().info("decrypting the API key");
            init.kms()
                .decrypt(init.env("API_KEY").unwrap_or_default())
                .await
        },
        |_secret: Arc<String>, _event: LambdaEvent<Value>| async move {
            Ok::<_, Diagnostic>(json!("ok"))
        },
    );
    let role = Role::new("app-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("kms:Decrypt", &key);
    lambda
        .create_function(
            FunctionConfig::new("f").env("API_KEY", blob).role(role),
            code,
        )
        .unwrap();
    lambda.invoke(InvokeRequest::new("f")).await.unwrap();
    let transcript = lambda.transcript();
    let block: Vec<&str> = transcript
        .lines()
        .skip_while(|l| !l.contains("invoke f"))
        .collect();
    assert!(block[1].starts_with("    INIT_START"), "{transcript}");
    assert!(
        block[2].ends_with("\tINFO\tdecrypting the API key"),
        "no request id during init: {transcript}"
    );
    assert_eq!(
        block[3],
        format!("    » kms:Decrypt with {key}"),
        "{transcript}"
    );
    assert!(block[4].starts_with("    START RequestId:"), "{transcript}");
}

#[tokio::test(start_paused = true)]
async fn a_function_named_with_a_version_loses_only_that_version() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda
        .update_function_configuration("app", |c| c.memory_size(256))
        .unwrap();
    assert_eq!(lambda.publish_version("app").unwrap(), "2");
    lambda.create_alias("app", "live", "2").unwrap();
    // `aws lambda delete-function --function-name app:1`, or the version's ARN.
    lambda.delete_function("app:1").unwrap();
    assert_eq!(lambda.list_versions("app").unwrap(), ["2"]);
    let alias = lambda.delete_function("app:live").unwrap_err();
    assert_eq!(
        (alias.code, alias.message.as_str()),
        (
            ErrorCode::InvalidParameterValueException,
            "Deletion of aliases is not currently supported."
        )
    );
    let latest = lambda.delete_function("app:$LATEST").unwrap_err();
    assert_eq!(
        latest.message,
        "$LATEST version cannot be deleted without deleting the function."
    );
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:app";
    lambda.delete_alias("app", "live").unwrap();
    lambda.delete_function(&format!("{arn}:2")).unwrap();
    assert!(lambda.list_versions("app").unwrap().is_empty());
    let response = lambda.invoke(InvokeRequest::new("app")).await.unwrap();
    assert_eq!(response.status_code, 200, "$LATEST is still there");
}

#[tokio::test(start_paused = true)]
async fn a_deleted_function_is_gone_with_its_versions_and_its_name_is_free_again() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.delete_function("app").unwrap();
    let missing = lambda.get_function_configuration("app:1").unwrap_err();
    assert_eq!(missing.code, ErrorCode::ResourceNotFoundException);
    let again = lambda.delete_function("app").unwrap_err();
    assert_eq!(
        (again.code, again.message.as_str()),
        (
            ErrorCode::ResourceNotFoundException,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:app"
        )
    );
    lambda
        .create_function(FunctionConfig::new("app"), labelled("new"))
        .unwrap();
    assert_eq!(lambda.list_versions("app").unwrap(), Vec::<String>::new());
    assert!(lambda
        .transcript()
        .contains("delete-function arn:aws:lambda:us-east-1:123456789012:function:app"));
}
