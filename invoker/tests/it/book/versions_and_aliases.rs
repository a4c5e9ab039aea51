//! The worked examples of chapter 6, "Versions and aliases": the chapter
//! (`book/src/versions-and-aliases.md`) includes their code and their transcripts.

use invoker::{service_fn, Diagnostic, FunctionConfig, InvokeRequest, Lambda, LambdaEvent};
use serde_json::{json, Value};

// ANCHOR: versions_code
/// The first release of the greeter.
async fn greet_v1(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    Ok(json!({
        "message": "Hello!",
        "functionVersion": ctx.env_config.version,
        "invokedFunctionArn": ctx.invoked_function_arn,
    }))
}

/// The second release: a warmer greeting.
async fn greet_v2(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    Ok(json!({
        "message": "Hello, and welcome back!",
        "functionVersion": ctx.env_config.version,
        "invokedFunctionArn": ctx.invoked_function_arn,
    }))
}
// ANCHOR_END: versions_code

#[tokio::test(start_paused = true)]
async fn versions_release_and_roll_back_with_an_alias() {
    // ANCHOR: versions_release
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("greeter"), service_fn(greet_v1))
        .unwrap();

    // Freeze $LATEST as version 1, and point the alias `prod` at it.
    let v1 = lambda.publish_version("greeter").unwrap();
    lambda.create_alias("greeter", "prod", &v1).unwrap();
    let via_prod = || InvokeRequest::new("greeter").qualifier("prod");
    lambda.invoke(via_prod()).await.unwrap();

    // New code lands in $LATEST only. Callers of `prod` don't see it.
    lambda
        .update_function_code("greeter", service_fn(greet_v2))
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
        .create_function(FunctionConfig::new("greeter"), service_fn(greet_v1))
        .unwrap();
    lambda.publish_version("greeter").unwrap();
    lambda
        .update_function_code("greeter", service_fn(greet_v2))
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
