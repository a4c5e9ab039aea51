//! The Invoke API, end to end: each test is one behaviour of real Lambda that the invoker must
//! reproduce, named as a sentence.

use crate::kit::{deployed, function_error, invoke, log_lines_starting, RUNAWAY_AFTER};
use invoker::{
    service_fn, with_init, Diagnostic, Error, ErrorCode, FunctionConfig, InvocationType,
    InvokeRequest, Lambda, LambdaEvent, LogType,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How many environments `f` has initialised.
fn cold_starts(lambda: &Lambda) -> usize {
    log_lines_starting(lambda, "f", "INIT_START").len()
}

async fn echo(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    Ok(event)
}

#[tokio::test(start_paused = true)]
async fn a_synchronous_invoke_returns_200_with_the_handlers_answer() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let response = invoke(&lambda, json!({ "a": [1, 2] })).await;
    assert_eq!(response.status_code, 200);
    assert_eq!(response.function_error, None);
    assert_eq!(response.executed_version.as_deref(), Some("$LATEST"));
    assert_eq!(response.payload_json().unwrap(), json!({ "a": [1, 2] }));
}

#[tokio::test(start_paused = true)]
async fn an_empty_payload_arrives_as_an_empty_object() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let response = lambda.invoke(InvokeRequest::new("f")).await.unwrap();
    assert_eq!(response.payload_json().unwrap(), json!({}));
}

#[tokio::test(start_paused = true)]
async fn the_first_call_is_cold_and_the_next_are_warm() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    for _ in 0..3 {
        invoke(&lambda, json!({})).await;
    }
    assert_eq!(cold_starts(&lambda), 1);
    assert_eq!(
        lambda.log_streams("f").len(),
        1,
        "one environment, one stream"
    );
    let reports: Vec<String> = lambda
        .log_lines("f")
        .into_iter()
        .filter(|l| l.starts_with("REPORT"))
        .collect();
    assert!(reports[0].contains("Init Duration: 20.00 ms"));
    assert!(!reports[1].contains("Init Duration") && !reports[2].contains("Init Duration"));
}

#[tokio::test(start_paused = true)]
async fn an_idle_environment_expires_and_the_next_call_is_cold_again() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    invoke(&lambda, json!({})).await;
    tokio::time::sleep(invoker::DEFAULT_IDLE_TIMEOUT - Duration::from_secs(1)).await;
    invoke(&lambda, json!({})).await;
    assert_eq!(
        cold_starts(&lambda),
        1,
        "still warm just before the idle timeout"
    );
    tokio::time::sleep(invoker::DEFAULT_IDLE_TIMEOUT).await;
    invoke(&lambda, json!({})).await;
    assert_eq!(cold_starts(&lambda), 2);
    assert!(lambda
        .transcript()
        .contains("environment 1 of f:$LATEST shut down after 600s idle"));
}

#[tokio::test(start_paused = true)]
async fn concurrent_calls_each_get_their_own_environment() {
    async fn slow(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        tokio::time::sleep(Duration::from_millis(500)).await;
        Ok(json!("done"))
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(slow));
    let (a, b) = tokio::join!(invoke(&lambda, json!(1)), invoke(&lambda, json!(2)));
    assert_eq!((a.status_code, b.status_code), (200, 200));
    assert_eq!(
        cold_starts(&lambda),
        2,
        "one environment runs one invocation at a time"
    );
    assert_eq!(lambda.idle_environments("f"), 2);
    invoke(&lambda, json!(3)).await;
    assert_eq!(cold_starts(&lambda), 2, "afterwards both are warm");
}

#[tokio::test(start_paused = true)]
async fn init_runs_once_per_environment_and_its_state_is_shared() {
    let inits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&inits);
    let code = with_init(
        move |_init| {
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(300)).await;
                Ok::<_, Diagnostic>(String::from("connection"))
            }
        },
        |state: Arc<String>, _event: LambdaEvent<Value>| async move {
            Ok::<_, Diagnostic>(json!(*state))
        },
    );
    let lambda = deployed(FunctionConfig::new("f"), code);
    for _ in 0..5 {
        assert_eq!(
            invoke(&lambda, json!({})).await.payload_json().unwrap(),
            "connection"
        );
    }
    assert_eq!(inits.load(Ordering::SeqCst), 1);
    assert!(lambda
        .log_lines("f")
        .iter()
        .any(|l| l.contains("Init Duration: 320.00 ms")));
}

#[tokio::test(start_paused = true)]
async fn a_failed_init_is_a_function_error_and_the_environment_is_discarded() {
    let code = with_init(
        |_init| async {
            Err::<(), _>(Diagnostic {
                error_type: "ConfigError".into(),
                error_message: "TABLE_NAME is not set".into(),
            })
        },
        |_: Arc<()>, event: LambdaEvent<Value>| async move {
            let event = event.payload;
            Ok::<_, Diagnostic>(event)
        },
    );
    let lambda = deployed(FunctionConfig::new("f"), code);
    let (kind, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("ConfigError", "TABLE_NAME is not set")
    );
    assert!(lambda
        .log_lines("f")
        .iter()
        .any(|l| l.starts_with("INIT_REPORT")
            && l.contains("Status: error\tError Type: ConfigError")));
    invoke(&lambda, json!({})).await;
    assert_eq!(
        cold_starts(&lambda),
        2,
        "the failed environment was not reused"
    );
}

#[tokio::test(start_paused = true)]
async fn a_returned_error_is_unhandled_and_the_environment_stays_warm() {
    async fn fail(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        Err(Diagnostic {
            error_type: "OrderNotFound".into(),
            error_message: "no order 42".into(),
        })
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(fail));
    let response = invoke(&lambda, json!({})).await;
    assert_eq!(
        response.payload_json().unwrap(),
        json!({ "errorType": "OrderNotFound", "errorMessage": "no order 42" })
    );
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    invoke(&lambda, json!({})).await;
    assert_eq!(cold_starts(&lambda), 1);
}

#[tokio::test(start_paused = true)]
async fn a_boxed_error_is_named_after_the_box_as_lambda_runtime_names_it() {
    // `?` boxes any error into `Error`; `lambda_runtime` names a function error by the type of
    // what it is given, and that is the box, whatever is inside.
    async fn parse(event: LambdaEvent<Value>) -> Result<Value, Error> {
        let n: u32 = event.payload["n"].as_str().unwrap_or_default().parse()?;
        Ok(json!(n))
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(parse));
    let (kind, message) = function_error(&invoke(&lambda, json!({ "n": "x" })).await);
    assert_eq!(
        kind,
        "&alloc::boxed::Box<dyn core::error::Error + core::marker::Send + core::marker::Sync>"
    );
    assert_eq!(message, "invalid digit found in string");
}

#[tokio::test(start_paused = true)]
async fn a_diagnostic_names_the_error_as_the_handler_chose() {
    async fn refuse(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        Err(Diagnostic {
            error_type: "InvalidOrder".into(),
            error_message: "no items".into(),
        })
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(refuse));
    let response = invoke(&lambda, json!({})).await;
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    // The response turns back into the handler's `Result`, the error as the handler made it.
    assert_eq!(
        response.result(),
        Err(Diagnostic {
            error_type: "InvalidOrder".into(),
            error_message: "no items".into(),
        })
    );
}

#[tokio::test(start_paused = true)]
async fn an_event_that_does_not_fit_the_handlers_type_is_a_function_error() {
    #[derive(serde::Deserialize)]
    struct Order {
        #[allow(dead_code)]
        id: u64,
    }
    async fn take(_event: LambdaEvent<Order>) -> Result<Value, Diagnostic> {
        Ok(json!("ok"))
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(take));
    let (kind, message) = function_error(&invoke(&lambda, json!({ "id": "seven" })).await);
    assert_eq!(kind, "&lambda_runtime::deserializer::DeserializeError");
    assert!(
        message.starts_with("failed to deserialize the incoming data"),
        "{message}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_is_unhandled_and_the_environment_is_replaced() {
    async fn boom(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        panic!("index out of bounds")
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(boom));
    let (_, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(message, "Lambda panicked: index out of bounds");
    assert!(lambda
        .log_lines("f")
        .iter()
        .any(|l| l.ends_with("ERROR\tLambda panicked: index out of bounds")));
    invoke(&lambda, json!({})).await;
    assert_eq!(cold_starts(&lambda), 2);
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_times_out_with_lambdas_message() {
    async fn sleepy(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(json!("too late"))
    }
    let lambda = deployed(FunctionConfig::new("f").timeout_secs(2), service_fn(sleepy));
    let started = tokio::time::Instant::now();
    let response = invoke(&lambda, json!({})).await;
    let (kind, message) = function_error(&response);
    assert_eq!(kind, "Sandbox.Timedout");
    assert_eq!(
        message,
        format!(
            "RequestId: {} Error: Task timed out after 2.00 seconds",
            response.request_id
        )
    );
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(2020),
        "20 ms init + 2 s timeout"
    );
    let report = lambda
        .log_lines("f")
        .into_iter()
        .find(|l| l.starts_with("REPORT"))
        .unwrap();
    assert!(
        report.contains("Duration: 2000.00 ms\t") && report.contains("Status: timeout"),
        "{report}"
    );
    invoke(&lambda, json!({})).await;
    assert_eq!(
        cold_starts(&lambda),
        2,
        "a timed-out environment is discarded"
    );
}

#[tokio::test(start_paused = true)]
async fn a_handler_that_blocks_its_thread_times_out_at_its_deadline() {
    async fn blocks(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        // A blocking sleep in async code: no `.await`, so the runtime waits with it. (A loop
        // that never ends is the watchdog's; see the `guarded` tests.)
        std::thread::sleep(RUNAWAY_AFTER * 3);
        Ok(json!("too late"))
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(blocks));
    let (kind, _) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(kind, "Sandbox.Timedout");
    assert_eq!(
        lambda.elapsed(),
        Duration::from_millis(3020),
        "reported at the 3 s deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn a_response_over_6_mb_is_refused() {
    async fn huge(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        Ok(json!("x".repeat(6 * 1024 * 1024)))
    }
    let lambda = deployed(FunctionConfig::new("f"), service_fn(huge));
    let (kind, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(kind, "Function.ResponseSizeTooLarge");
    assert_eq!(
        message,
        "Response payload size exceeded maximum allowed payload size (6291556 bytes)."
    );
}

#[tokio::test(start_paused = true)]
async fn the_context_describes_the_invocation() {
    async fn ctx(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        let ctx = event.context;
        tokio::time::sleep(Duration::from_millis(250)).await;
        Ok(json!({
            "id": ctx.request_id, "name": ctx.env_config.function_name, "version": ctx.env_config.version,
            "arn": ctx.invoked_function_arn, "memory": ctx.env_config.memory,
            "group": ctx.env_config.log_group, "stream": ctx.env_config.log_stream,
            "remaining": ctx.remaining_time().as_millis(), "deadline": ctx.deadline,
        }))
    }
    let lambda = deployed(
        FunctionConfig::new("f").memory_size(512).timeout_secs(10),
        service_fn(ctx),
    );
    let response = lambda
        .invoke(InvokeRequest::new(
            "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
        ))
        .await
        .unwrap();
    let c = response.payload_json().unwrap();
    assert_eq!(c["id"], response.request_id.as_str());
    assert_eq!(
        (c["name"].as_str(), c["version"].as_str()),
        (Some("f"), Some("$LATEST"))
    );
    assert_eq!(
        c["arn"],
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST"
    );
    assert_eq!(
        (c["memory"].as_u64(), c["group"].as_str()),
        (Some(512), Some("/aws/lambda/f"))
    );
    let stream = c["stream"].as_str().unwrap();
    assert!(
        stream.starts_with("2025/01/01/[$LATEST]") && stream.len() == 20 + 32,
        "{stream}"
    );
    assert_eq!(c["remaining"], 9_750);
    // Virtual time starts at 2025-01-01T00:00:00Z; the deadline is 20 ms (init) + 10 s later.
    assert_eq!(c["deadline"], 1_735_689_610_020u64);
}

#[tokio::test(start_paused = true)]
async fn the_log_tail_holds_the_invocations_log_lines() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let response = lambda
        .invoke(InvokeRequest::new("f").log_type(LogType::Tail))
        .await
        .unwrap();
    let tail = response.log_tail().expect("a base64 log tail");
    assert!(tail.starts_with("INIT_START"), "{tail}");
    assert!(tail.contains(&format!(
        "START RequestId: {} Version: $LATEST\n",
        response.request_id
    )));
    assert!(tail.trim_end().ends_with("Init Duration: 20.00 ms"));
    let plain = lambda.invoke(InvokeRequest::new("f")).await.unwrap();
    assert_eq!(plain.log_result, None);
}

#[tokio::test(start_paused = true)]
async fn a_dry_run_checks_the_call_and_runs_nothing() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let dry = InvokeRequest::new("f").invocation_type(InvocationType::DryRun);
    let response = lambda.invoke(dry).await.unwrap();
    assert_eq!((response.status_code, response.payload.len()), (204, 0));
    assert_eq!(cold_starts(&lambda), 0);
    let missing = InvokeRequest::new("g").invocation_type(InvocationType::DryRun);
    assert_eq!(lambda.invoke(missing).await.unwrap_err().status, 404);
}

#[tokio::test(start_paused = true)]
async fn an_unknown_function_or_version_is_not_found() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let error = lambda.invoke(InvokeRequest::new("nope")).await.unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::ResourceNotFoundException, 404)
    );
    assert_eq!(
        error.message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"
    );
    let error = lambda
        .invoke(InvokeRequest::new("f").qualifier("7"))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:f:7"
    );
    let error = lambda
        .invoke(InvokeRequest::new("f").qualifier("$latest"))
        .await
        .unwrap_err();
    assert_eq!(error.status, 404, "qualifiers are case-sensitive");
    assert!(lambda
        .transcript()
        .contains("invoke nope: 404 ResourceNotFoundException: Function not found"));
}

/// Names and qualifiers as Invoke calls recorded on real AWS sent them, with what AWS answered:
/// the exception, and the start of its message.
#[tokio::test(start_paused = true)]
async fn invoke_checks_names_and_qualifiers_as_aws_does() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let pattern = "failed to satisfy constraint: Member must satisfy regular expression pattern";
    let long_name = "a".repeat(65);
    let long_arn = format!(
        "arn:aws:lambda:us-east-1:123456789012:function:{}",
        "a".repeat(100)
    );
    let long_qualifier = "a".repeat(129);
    let cases: [(&str, Option<&str>, ErrorCode, String); 8] = [
        (
            &long_name,
            None,
            ErrorCode::ResourceNotFoundException,
            format!("Function not found: arn:aws:lambda:us-east-1:123456789012:function:{long_name}:$LATEST"),
        ),
        (
            &long_arn,
            None,
            ErrorCode::ResourceNotFoundException,
            format!("Function not found: {long_arn}:$LATEST"),
        ),
        (
            "f",
            Some(&long_qualifier),
            ErrorCode::ValidationException,
            format!("1 validation error detected: Value '{long_qualifier}' at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128"),
        ),
        (
            "arn:aws:lambda:invalid-region:123456789012:function:f",
            None,
            ErrorCode::ValidationException,
            format!("1 validation error detected: Value 'arn:aws:lambda:invalid-region:123456789012:function:f' at 'functionName' {pattern}"),
        ),
        (
            "arn:aws:lambda::123456789012:function:f",
            None,
            ErrorCode::ValidationException,
            format!("1 validation error detected: Value 'arn:aws:lambda::123456789012:function:f' at 'functionName' {pattern}"),
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:f:$LATES",
            None,
            ErrorCode::ValidationException,
            format!("1 validation error detected: Value 'arn:aws:lambda:us-east-1:123456789012:function:f:$LATES' at 'functionName' {pattern}"),
        ),
        (
            "arn:aws:lambda:ap-southeast-1:123456789012:function:f",
            None,
            ErrorCode::ResourceNotFoundException,
            "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')".into(),
        ),
        (
            "arn:aws:lambda:us-gov-west-1:123456789012:function:f",
            None,
            ErrorCode::ResourceNotFoundException,
            "Functions from 'us-gov-west-1' are not reachable in this region ('us-east-1')".into(),
        ),
    ];
    for (name, qualifier, code, message) in cases {
        let mut request = InvokeRequest::new(name);
        if let Some(qualifier) = qualifier {
            request = request.qualifier(qualifier);
        }
        let error = lambda.invoke(request).await.unwrap_err();
        assert_eq!(error.code, code, "{name} {qualifier:?}");
        assert!(
            error.message.starts_with(&message),
            "{name} {qualifier:?}: {}",
            error.message
        );
    }
}

/// An ARN of another account names a function that is not this account's, whatever its name:
/// AWS refuses the call unless that function's policy lets the caller in, which no policy of
/// this one account can.
#[tokio::test(start_paused = true)]
async fn a_function_of_another_account_is_not_this_accounts() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    for name in [
        "arn:aws:lambda:us-east-1:210987654321:function:f",
        "210987654321:function:f",
    ] {
        let error = lambda.invoke(InvokeRequest::new(name)).await.unwrap_err();
        assert_eq!(
            (error.code, error.status),
            (ErrorCode::AccessDeniedException, 403)
        );
        assert_eq!(
            error.message,
            "User: arn:aws:iam::123456789012:root is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:210987654321:function:f because no resource-based policy allows the lambda:InvokeFunction action"
        );
    }
    let error = lambda
        .invoke(InvokeRequest::new("210987654321:function:f:prod"))
        .await
        .unwrap_err();
    assert!(
        error
            .message
            .contains("on resource: arn:aws:lambda:us-east-1:210987654321:function:f:prod "),
        "{}",
        error.message
    );
    let own = lambda
        .invoke(InvokeRequest::new("123456789012:function:f"))
        .await;
    assert!(own.is_ok(), "this account's own ARN still works: {own:?}");
}

#[tokio::test(start_paused = true)]
async fn a_handler_calling_another_accounts_function_is_refused_as_its_role() {
    let lambda = Lambda::builder().seed(3).build();
    let caller = lambda.clone();
    let code = service_fn(move |_event: LambdaEvent<Value>| {
        let lambda = caller.clone();
        async move {
            let refused = lambda
                .invoke(InvokeRequest::new(
                    "arn:aws:lambda:us-east-1:210987654321:function:f",
                ))
                .await
                .unwrap_err();
            Ok::<_, Diagnostic>(json!(refused.message))
        }
    });
    lambda
        .create_function(FunctionConfig::new("caller"), code)
        .unwrap();
    let response = lambda.invoke(InvokeRequest::new("caller")).await.unwrap();
    let message = response.payload_json().unwrap();
    assert!(
        message
            .as_str()
            .unwrap()
            .starts_with("User: arn:aws:sts::123456789012:assumed-role/lambda-basic-execution/caller is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:210987654321:function:f "),
        "{message}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_payload_that_is_not_json_is_refused_before_the_function_runs() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let error = lambda
        .invoke(InvokeRequest::new("f").raw_payload("{name: Ada}"))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::InvalidRequestContentException, 400)
    );
    assert!(
        error
            .message
            .starts_with("Could not parse request body into json"),
        "{}",
        error.message
    );
    assert_eq!(cold_starts(&lambda), 0);
}

#[tokio::test(start_paused = true)]
async fn a_request_over_6_mb_is_refused_with_413() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let big = format!("\"{}\"", "x".repeat(6 * 1024 * 1024));
    let error = lambda
        .invoke(InvokeRequest::new("f").raw_payload(big))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::RequestEntityTooLargeException, 413)
    );
    assert_eq!(
        error.message,
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    );
}

#[tokio::test(start_paused = true)]
async fn create_function_refuses_bad_configuration_and_duplicates() {
    let lambda = Lambda::new();
    let error = lambda
        .create_function(
            FunctionConfig::new("f").memory_size(20_000),
            service_fn(echo),
        )
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidParameterValueException);
    lambda
        .create_function(FunctionConfig::new("f"), service_fn(echo))
        .unwrap();
    let error = lambda
        .create_function(FunctionConfig::new("f"), service_fn(echo))
        .unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::ResourceConflictException, 409)
    );
}

/// A scenario with a cold start, warm starts, an error, a timeout and an expiry.
async fn scenario(seed: u64) -> String {
    async fn work(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        let (event, ctx) = event.into_parts();
        ctx.logger().info(format!("working on {event}"));
        let millis = event["ms"].as_u64().unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(millis)).await;
        if millis > 500 {
            return Err(Diagnostic {
                error_type: "TooSlow".into(),
                error_message: "took over 500 ms".into(),
            });
        }
        Ok(json!({ "slept": millis }))
    }
    let lambda = Lambda::builder().seed(seed).build();
    lambda
        .create_function(FunctionConfig::new("f"), service_fn(work))
        .unwrap();
    for ms in [10, 700, 5_000, 20] {
        invoke(&lambda, json!({ "ms": ms })).await;
        tokio::time::sleep(Duration::from_secs(1_000)).await;
    }
    lambda.transcript()
}

#[tokio::test(start_paused = true)]
async fn the_same_scenario_gives_the_same_transcript_byte_for_byte() {
    let (first, second) = (scenario(11).await, scenario(11).await);
    assert_eq!(first, second);
    assert_ne!(first, scenario(12).await, "the seed decides the ids");
}

#[tokio::test(start_paused = true)]
async fn a_day_of_virtual_time_passes_without_waiting() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    for _ in 0..24 {
        invoke(&lambda, json!({})).await;
        tokio::time::sleep(Duration::from_secs(3_600)).await;
    }
    assert_eq!(lambda.now_rfc3339(), "2025-01-02T00:00:00.480Z");
    assert_eq!(
        cold_starts(&lambda),
        24,
        "an hour apart, every call is cold"
    );
}

/// A function that logs a line of its own, then fails: its application log line and the
/// runtime's report of the failure.
async fn chatty_then_failing(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    ctx.logger().info("a line of the function's own");
    match event["fail"].as_bool() {
        Some(true) => Err(Diagnostic {
            error_type: "Refused".into(),
            error_message: "told to fail".into(),
        }),
        _ => Ok(json!({ "b": 2, "a": 1 })),
    }
}

#[tokio::test(start_paused = true)]
async fn a_transcript_view_can_leave_out_the_functions_own_log_lines_but_not_lambdas() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(chatty_then_failing));
    invoke(&lambda, json!({ "fail": true })).await;
    let everything = lambda.transcript();
    let view = lambda
        .transcript_view()
        .without_application_logs()
        .to_string();
    assert!(everything.contains("INFO\ta line of the function's own"));
    assert!(!view.contains("a line of the function's own"), "{view}");
    assert_eq!(
        view.lines().count(),
        everything.lines().count() - 1,
        "only that line is left out:\n{view}"
    );
    for kept in [
        "START",
        "END",
        "REPORT",
        "ERROR\tInvoke Error\t",
        "200 Unhandled",
    ] {
        assert!(
            view.contains(kept),
            "{kept} is Lambda's, so it stays:\n{view}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_transcript_view_can_show_answers_as_a_test_compares_them() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(chatty_then_failing));
    invoke(&lambda, json!({})).await;
    assert!(lambda.transcript().contains(r#"200 {"a":1,"b":2}"#));
    let view = lambda
        .transcript_view()
        .answers_as(|answer| json!({ "a": answer["a"] }))
        .to_string();
    assert!(view.contains(r#"200 {"a":1}"#), "{view}");
    assert_eq!(
        lambda.transcript_view().to_string(),
        lambda.transcript(),
        "a view that leaves nothing out is the transcript"
    );
}

#[tokio::test(start_paused = true)]
async fn a_response_debugs_its_payload_as_text_not_bytes() {
    let lambda = deployed(FunctionConfig::new("f"), service_fn(echo));
    let response = invoke(&lambda, json!({ "message": "Hello" })).await;
    let debug = format!("{response:?}");
    assert!(debug.contains(r#"payload: {"message":"Hello"}"#), "{debug}");
}
