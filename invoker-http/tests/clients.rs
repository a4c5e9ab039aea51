//! The real clients against the server: the AWS CLI (`aws lambda …`) and boto3, as a learner
//! runs them, over HTTP on a local port. Nothing here imitates a client: if the CLI or boto3
//! parses an answer differently from what the server meant, these tests fail.
//!
//! They need the AWS CLI and boto3 (`python3 -m pip install awscli boto3`; CI installs both).

use invoker::{service_fn, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ManagedPolicy, Role};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::mpsc;

#[cfg(unix)]
mod common;

/// The functions the tests call: `echo` answers with its event (and the client context's
/// `custom` values, the variable `GREETING` and a layer's `/opt/etc/greeting.txt`, if any) and
/// logs a line; `broken` fails with its own error type.
fn deploy(lambda: &Lambda) {
    let echo = service_fn(|event: LambdaEvent<Value>| async move {
        let (payload, ctx) = event.into_parts();
        ctx.logger().info("echo says hi");
        let greeting = ctx.env("GREETING").map(str::to_owned);
        // What a layer laid into `/opt`, if the function has one.
        let layered = ctx
            .opt()
            .read_to_string("/opt/etc/greeting.txt")
            .map(str::to_owned);
        let custom = ctx.client_context.map(|c| json!(c.custom));
        Ok::<_, Diagnostic>(
            json!({ "got": payload, "custom": custom, "greeting": greeting, "layered": layered }),
        )
    });
    let broken = service_fn(|_: LambdaEvent<Value>| async {
        Err::<Value, _>(Diagnostic {
            error_type: "OrderRejected".into(),
            error_message: "no stock".into(),
        })
    });
    // Its role may read SQS, which an SQS event source mapping needs.
    let role = Role::new("echo-role")
        .attach(ManagedPolicy::BasicExecution)
        .attach(ManagedPolicy::SqsQueueExecution);
    let config = FunctionConfig::new("echo").memory_size(256).role(role);
    lambda.create_function(config, echo).expect("echo deploys");
    lambda
        .create_function(FunctionConfig::new("broken"), broken)
        .expect("broken deploys");
    // A queue for the event source mapping and the dead letters of the tests below.
    lambda.sqs().create_queue("orders");
}

/// Starts a server with [`deploy`]'s functions on a free port, on a runtime of its own that
/// lives as long as the test process.
fn start() -> String {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async move {
            let lambda = Lambda::new();
            deploy(&lambda);
            let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .expect("a free port");
            sender
                .send(listener.local_addr().expect("an address"))
                .expect("the test waits");
            axum::serve(listener, invoker_http::router(lambda))
                .await
                .expect("serves");
        });
    });
    let address = receiver.recv().expect("the server starts");
    format!("http://{address}")
}

/// Credentials and a region, as any client needs, and nothing from the machine's own AWS setup.
fn client_environment(command: &mut Command) -> &mut Command {
    command
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        // A throttle is retried by the clients by default; the tests want to see the first.
        .env("AWS_MAX_ATTEMPTS", "1")
}

/// `aws lambda <args> --endpoint-url <server>`.
fn aws(endpoint: &str, args: &[&str]) -> Output {
    let mut command = Command::new("aws");
    client_environment(&mut command)
        .arg("lambda")
        .args(args)
        .args(["--endpoint-url", endpoint]);
    command
        .output()
        .expect("the AWS CLI runs (python3 -m pip install awscli)")
}

fn stdout_json(output: &Output) -> Value {
    assert_done(output);
    serde_json::from_slice(&output.stdout).expect("the CLI prints JSON")
}

/// The command worked (a deletion prints nothing to read).
fn assert_done(output: &Output) {
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
}

/// The command failed, and its error says `says`.
fn assert_refused(output: &Output, says: &str) {
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && said.contains(says), "{said}");
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("the CLI wrote the payload"))
        .expect("the payload is JSON")
}

/// A file for the CLI's response payload, unique to this process and test.
fn outfile(test: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("invoker-http-{}-{test}.json", std::process::id()))
}

fn decode(base64: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64)
        .expect("LogResult is base64");
    String::from_utf8(bytes).expect("the log is text")
}

#[test]
fn the_aws_cli_invokes_and_reads_the_log_tail() {
    let endpoint = start();
    let out = outfile("tail");
    let out_path = out.to_str().unwrap();
    let metadata = stdout_json(&aws(
        &endpoint,
        &[
            "invoke",
            "--function-name",
            "echo",
            "--payload",
            r#"{"n":1}"#,
            "--log-type",
            "Tail",
            out_path,
        ],
    ));
    assert_eq!(metadata["StatusCode"], 200);
    assert_eq!(metadata["ExecutedVersion"], "$LATEST");
    assert!(metadata.get("FunctionError").is_none(), "{metadata}");
    assert_eq!(read_json(&out)["got"], json!({ "n": 1 }));
    let log = decode(metadata["LogResult"].as_str().expect("a log tail"));
    for line in [
        "INIT_START",
        "START RequestId:",
        "echo says hi",
        "END RequestId:",
        "REPORT RequestId:",
    ] {
        assert!(log.contains(line), "{line} in {log}");
    }

    // A function error is a 200 with the header, and the error payload.
    let failed = stdout_json(&aws(
        &endpoint,
        &["invoke", "--function-name", "broken", out_path],
    ));
    assert_eq!(failed["StatusCode"], 200);
    assert_eq!(failed["FunctionError"], "Unhandled");
    let error: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        error,
        json!({ "errorType": "OrderRejected", "errorMessage": "no stock" })
    );

    // Asynchronous and dry-run calls answer with their own statuses and no payload.
    for (kind, status) in [("Event", 202), ("DryRun", 204)] {
        let answered = stdout_json(&aws(
            &endpoint,
            &[
                "invoke",
                "--function-name",
                "echo",
                "--invocation-type",
                kind,
                out_path,
            ],
        ));
        assert_eq!(answered["StatusCode"], status, "{kind}");
    }
    let _ = std::fs::remove_file(&out);
}

#[test]
fn the_aws_cli_prints_lambdas_errors_and_names_an_operation_not_served() {
    let endpoint = start();
    let missing = aws(
        &endpoint,
        &["invoke", "--function-name", "nope", "/dev/null"],
    );
    // (A service error ends the CLI with 254 in version 2 and 255 in version 1.)
    assert_refused(
        &missing,
        "An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
    );
    let unserved = aws(
        &endpoint,
        &["list-function-url-configs", "--function-name", "echo"],
    );
    assert_refused(
        &unserved,
        "(OperationNotServedException) when calling the ListFunctionUrlConfigs operation: The invoker does not serve ListFunctionUrlConfigs; it serves Invoke, ",
    );
}

#[test]
fn the_aws_cli_lists_and_describes_functions() {
    let endpoint = start();
    let listed = stdout_json(&aws(&endpoint, &["list-functions"]));
    let names: Vec<&str> = listed["Functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["FunctionName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["broken", "echo"]);
    let config = stdout_json(&aws(
        &endpoint,
        &["get-function-configuration", "--function-name", "echo"],
    ));
    assert_eq!(config["MemorySize"], 256);
    assert_eq!(config["Timeout"], 3);
    assert_eq!(
        config["FunctionArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:echo"
    );
    let function = stdout_json(&aws(
        &endpoint,
        &["get-function", "--function-name", "echo"],
    ));
    assert_eq!(function["Configuration"]["Runtime"], "provided.al2023");
}

/// boto3, the way a Python script or notebook calls Lambda: the client context travels in its
/// header, the log tail and function error come back, and a missing function is a `ClientError`
/// with AWS's code.
#[test]
fn boto3_invokes_with_a_client_context_and_sees_errors() {
    let endpoint = start();
    let script = r#"
import base64, json, sys
import boto3, botocore.exceptions
client = boto3.client("lambda", endpoint_url=sys.argv[1])
context = base64.b64encode(json.dumps({"custom": {"tenant": "acme"}}).encode()).decode()
ok = client.invoke(FunctionName="echo", Payload=b'{"n": 2}', LogType="Tail", ClientContext=context)
broken = client.invoke(FunctionName="broken")
try:
    client.get_function(FunctionName="nope")
    missing = None
except botocore.exceptions.ClientError as e:
    missing = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({
    "status": ok["StatusCode"],
    "payload": json.loads(ok["Payload"].read()),
    "log": base64.b64decode(ok["LogResult"]).decode(),
    "error": broken.get("FunctionError"),
    "missing": missing,
}))
"#;
    let mut command = Command::new("python3");
    client_environment(&mut command).args(["-c", script, &endpoint]);
    let output = command.output().expect("python3 runs");
    let seen = stdout_json(&output);
    assert_eq!(seen["status"], 200);
    assert_eq!(seen["payload"]["got"], json!({ "n": 2 }));
    assert_eq!(seen["payload"]["custom"], json!({ "tenant": "acme" }));
    assert!(
        seen["log"].as_str().unwrap().contains("REPORT RequestId:"),
        "{seen}"
    );
    assert_eq!(seen["error"], "Unhandled");
    assert_eq!(seen["missing"], json!(["ResourceNotFoundException", 404]));
}

/// The server's table of operations is AWS's: the model botocore ships, read by Python.
#[test]
fn the_operation_table_is_the_one_in_botocores_model() {
    let script = r#"
import json, botocore.session
model = botocore.session.get_session().get_service_model("lambda")
print(json.dumps(sorted(
    [model.operation_model(n).http["method"], model.operation_model(n).http["requestUri"], n]
    for n in model.operation_names)))
"#;
    let output = Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("python3 runs (python3 -m pip install awscli boto3)");
    let botocore: Vec<(String, String, String)> =
        serde_json::from_value(stdout_json(&output)).unwrap();
    let mut ours: Vec<(String, String, String)> = invoker_http::operations::OPERATIONS
        .iter()
        .map(|(m, u, n)| (m.to_string(), u.to_string(), n.to_string()))
        .collect();
    ours.sort();
    assert_eq!(ours, botocore, "update OPERATIONS from botocore's model");
}

/// A release as the versions chapter teaches it, through the CLI: a changed variable, a
/// published version, an alias that sends part of the traffic to it, an invocation through
/// the alias that says which version ran, and an old version deleted.
#[test]
fn the_aws_cli_configures_publishes_and_routes_through_an_alias() {
    let endpoint = start();
    let v1 = stdout_json(&aws(
        &endpoint,
        &["publish-version", "--function-name", "echo"],
    ));
    assert_eq!(v1["Version"], "1");
    let updated = stdout_json(&aws(
        &endpoint,
        &[
            "update-function-configuration",
            "--function-name",
            "echo",
            "--environment",
            "Variables={GREETING=hej}",
            "--timeout",
            "10",
        ],
    ));
    assert_eq!(updated["Environment"]["Variables"]["GREETING"], "hej");
    assert_eq!(updated["Timeout"], 10);
    let v2 = stdout_json(&aws(
        &endpoint,
        &["publish-version", "--function-name", "echo"],
    ));
    assert_eq!(v2["Version"], "2");
    let versions = stdout_json(&aws(
        &endpoint,
        &["list-versions-by-function", "--function-name", "echo"],
    ));
    let listed: Vec<&str> = versions["Versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["Version"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["$LATEST", "1", "2"]);

    let alias = stdout_json(&aws(
        &endpoint,
        &[
            "create-alias",
            "--function-name",
            "echo",
            "--name",
            "live",
            "--function-version",
            "1",
            "--routing-config",
            r#"{"AdditionalVersionWeights":{"2":0.25}}"#,
        ],
    ));
    assert_eq!(
        alias["AliasArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:echo:live"
    );
    assert_eq!(
        alias["RoutingConfig"]["AdditionalVersionWeights"]["2"],
        0.25
    );

    // Through the alias, version 1 or 2 runs, and each says so; version 2 has the variable.
    // (Twenty calls from one boto3 process: the CLI takes a second to start.)
    let script = r#"
import json, sys
import boto3
client = boto3.client("lambda", endpoint_url=sys.argv[1])
runs = []
for _ in range(20):
    answer = client.invoke(FunctionName="echo", Qualifier="live")
    runs.append([answer["ExecutedVersion"], json.loads(answer["Payload"].read())["greeting"]])
print(json.dumps(runs))
"#;
    let mut command = Command::new("python3");
    client_environment(&mut command).args(["-c", script, &endpoint]);
    let runs = stdout_json(&command.output().expect("python3 runs"));
    let mut seen = std::collections::BTreeSet::new();
    for run in runs.as_array().unwrap() {
        let (version, greeting) = (run[0].as_str().unwrap(), &run[1]);
        assert_eq!(*greeting == json!("hej"), version == "2", "{run}");
        seen.insert(version.to_owned());
    }
    assert!(seen.contains("1"), "most calls go to version 1: {seen:?}");

    // All traffic on version 2, then the alias goes.
    let moved = stdout_json(&aws(
        &endpoint,
        &[
            "update-alias",
            "--function-name",
            "echo",
            "--name",
            "live",
            "--function-version",
            "2",
            "--routing-config",
            r#"{"AdditionalVersionWeights":{}}"#,
        ],
    ));
    assert_eq!(moved["FunctionVersion"], "2");
    assert!(moved.get("RoutingConfig").is_none(), "{moved}");
    assert_done(&aws(
        &endpoint,
        &["delete-alias", "--function-name", "echo", "--name", "live"],
    ));
    let gone = aws(
        &endpoint,
        &["get-alias", "--function-name", "echo", "--name", "live"],
    );
    assert_refused(&gone, "(ResourceNotFoundException)");

    // Version 1 goes, as the book deletes an old version; the whole function is not deleted.
    assert_done(&aws(
        &endpoint,
        &[
            "delete-function",
            "--function-name",
            "echo",
            "--qualifier",
            "1",
        ],
    ));
    let versions = stdout_json(&aws(
        &endpoint,
        &["list-versions-by-function", "--function-name", "echo"],
    ));
    assert_eq!(
        versions["Versions"].as_array().unwrap().len(),
        2,
        "{versions}"
    );

    // A version named in the function's name goes alone too; an alias cannot go this way.
    assert_done(&aws(
        &endpoint,
        &["delete-function", "--function-name", "echo:2"],
    ));
    let alias = aws(
        &endpoint,
        &["delete-function", "--function-name", "echo:live"],
    );
    assert_refused(&alias, "(InvalidParameterValueException)");
    let versions = stdout_json(&aws(
        &endpoint,
        &["list-versions-by-function", "--function-name", "echo"],
    ));
    assert_eq!(versions["Versions"][0]["Version"], "$LATEST", "{versions}");
    assert_eq!(
        versions["Versions"].as_array().unwrap().len(),
        1,
        "{versions}"
    );
}

/// Reserved concurrency of zero stops every invocation with Lambda's 429 and its `Reason`,
/// which boto3 reads from the error.
#[test]
fn reserved_concurrency_throttles_with_lambdas_reason() {
    let endpoint = start();
    let reserved = stdout_json(&aws(
        &endpoint,
        &[
            "put-function-concurrency",
            "--function-name",
            "echo",
            "--reserved-concurrent-executions",
            "0",
        ],
    ));
    assert_eq!(reserved["ReservedConcurrentExecutions"], 0);
    let script = r#"
import json, sys
import boto3, botocore.exceptions
client = boto3.client("lambda", endpoint_url=sys.argv[1])
try:
    client.invoke(FunctionName="echo")
    print(json.dumps(None))
except botocore.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response.get("Reason")]))
"#;
    let mut command = Command::new("python3");
    client_environment(&mut command).args(["-c", script, &endpoint]);
    assert_eq!(
        stdout_json(&command.output().expect("python3 runs")),
        json!([
            "TooManyRequestsException",
            429,
            "ReservedFunctionConcurrentInvocationLimitExceeded"
        ])
    );
    let account = stdout_json(&aws(&endpoint, &["get-account-settings"]));
    assert_eq!(account["AccountLimit"]["ConcurrentExecutions"], 1000);
    assert_eq!(
        account["AccountLimit"]["UnreservedConcurrentExecutions"],
        1000
    );
    let concurrency = stdout_json(&aws(
        &endpoint,
        &["get-function-concurrency", "--function-name", "echo"],
    ));
    assert_eq!(concurrency["ReservedConcurrentExecutions"], 0);
    assert_done(&aws(
        &endpoint,
        &["delete-function-concurrency", "--function-name", "echo"],
    ));
    let invoked = aws(
        &endpoint,
        &["invoke", "--function-name", "echo", "/dev/null"],
    );
    assert_done(&invoked);
}

/// Cargo Lambda's `invoke`, which a Rust learner uses against `cargo lambda watch`, works
/// against the invoker too: it sends Lambda's Invoke request to the address and port given.
#[test]
fn cargo_lambda_invokes_a_function_and_shows_its_error() {
    let endpoint = start();
    let port = endpoint.rsplit(':').next().expect("a port");
    let invoke = |function: &str| {
        let output = Command::new("cargo-lambda")
            .args([
                "lambda",
                "invoke",
                function,
                "--invoke-address",
                "127.0.0.1",
            ])
            .args([
                "--invoke-port",
                port,
                "--data-ascii",
                r#"{"n":3}"#,
                "--output-format",
                "json",
            ])
            .env("CARGO_LAMBDA_COLOR", "never")
            .output()
            .expect("Cargo Lambda runs (python3 -m pip install cargo-lambda)");
        stdout_json(&output)
    };
    assert_eq!(invoke("echo")["got"], json!({ "n": 3 }));
    assert_eq!(invoke("broken")["errorType"], "OrderRejected");
}

/// What Cargo Lambda prints for a function that does not exist. Without `--remote` it reads a
/// refusal as its own emulator writes one (`errorType`/`errorMessage`, or `title`/`detail`:
/// `RemoteInvokeError` in cargo-lambda-invoke 1.9), not as Lambda does (the exception in the
/// `x-amzn-ErrorType` header, `Type` and `message` in the body), so it fails on the body. With
/// `--remote` and the endpoint in `AWS_ENDPOINT_URL` it calls through the AWS SDK, which reads
/// Lambda's error. The server answers as Lambda; this pins Cargo Lambda's side, so that a
/// release that reads Lambda's errors shows here (and the book's note can go).
#[test]
fn cargo_lambda_reads_lambdas_errors_only_through_the_sdk() {
    let endpoint = start();
    let port = endpoint.rsplit(':').next().expect("a port");
    let mut local = Command::new("cargo-lambda");
    local
        .args(["lambda", "invoke", "nope", "--invoke-address", "127.0.0.1"])
        .args(["--invoke-port", port, "--data-ascii", "{}"]);
    let mut remote = Command::new("cargo-lambda");
    client_environment(&mut remote)
        .args(["lambda", "invoke", "--remote", "nope", "--data-ascii", "{}"])
        .env("AWS_ENDPOINT_URL", &endpoint);
    for command in [&mut local, &mut remote] {
        command
            .env("CARGO_LAMBDA_COLOR", "never")
            .env("NO_COLOR", "1");
    }
    let said = |command: &mut Command| {
        let output = command
            .output()
            .expect("Cargo Lambda runs (python3 -m pip install cargo-lambda)");
        assert!(!output.status.success());
        // Its report wraps long lines, even inside a word (`us-east-` then `1`); the words are
        // what counts.
        let text = String::from_utf8_lossy(&output.stderr).replace(['│', '╰', '─', '▶', '├'], " ");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let local = said(&mut local);
    assert!(
        local.contains("invalid error payload missing field `errorType`"),
        "{local}"
    );
    let remote = said(&mut remote);
    let unwrapped = remote.replace("us-east- 1", "us-east-1");
    assert!(
        unwrapped.contains("ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"),
        "{remote}"
    );
}

/// The rest of what the chapters set up with the CLI: a permission for S3, the retries and
/// failure destination of asynchronous events, provisioned concurrency on a version, and an
/// SQS event source mapping.
#[test]
fn the_aws_cli_sets_policies_event_handling_provisioning_and_mappings() {
    let endpoint = start();
    let queue = "arn:aws:sqs:us-east-1:123456789012:orders";
    let added = stdout_json(&aws(
        &endpoint,
        &[
            "add-permission",
            "--function-name",
            "echo",
            "--statement-id",
            "s3-invoke",
            "--action",
            "lambda:InvokeFunction",
            "--principal",
            "s3.amazonaws.com",
            "--source-arn",
            "arn:aws:s3:::photos",
        ],
    ));
    let statement: Value = serde_json::from_str(added["Statement"].as_str().unwrap()).unwrap();
    assert_eq!(
        statement["Principal"],
        json!({ "Service": "s3.amazonaws.com" })
    );
    let policy = stdout_json(&aws(&endpoint, &["get-policy", "--function-name", "echo"]));
    let policy: Value = serde_json::from_str(policy["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Sid"], "s3-invoke");
    let removed = aws(
        &endpoint,
        &[
            "remove-permission",
            "--function-name",
            "echo",
            "--statement-id",
            "s3-invoke",
        ],
    );
    assert_done(&removed);

    let configured = stdout_json(&aws(
        &endpoint,
        &[
            "put-function-event-invoke-config",
            "--function-name",
            "broken",
            "--maximum-retry-attempts",
            "1",
            "--destination-config",
            &format!(r#"{{"OnFailure":{{"Destination":"{queue}"}}}}"#),
        ],
    ));
    assert_eq!(configured["MaximumRetryAttempts"], 1);
    assert_eq!(
        configured["DestinationConfig"]["OnFailure"]["Destination"],
        queue
    );
    let read = stdout_json(&aws(
        &endpoint,
        &[
            "get-function-event-invoke-config",
            "--function-name",
            "broken",
        ],
    ));
    assert_eq!(
        read["MaximumEventAgeInSeconds"], 21600,
        "the default, shown"
    );
    let deleted = aws(
        &endpoint,
        &[
            "delete-function-event-invoke-config",
            "--function-name",
            "broken",
        ],
    );
    assert_done(&deleted);
    let gone = aws(
        &endpoint,
        &[
            "get-function-event-invoke-config",
            "--function-name",
            "broken",
        ],
    );
    assert_refused(&gone, "doesn't have an EventInvokeConfig");

    stdout_json(&aws(
        &endpoint,
        &["publish-version", "--function-name", "echo"],
    ));
    let provisioned = stdout_json(&aws(
        &endpoint,
        &[
            "put-provisioned-concurrency-config",
            "--function-name",
            "echo",
            "--qualifier",
            "1",
            "--provisioned-concurrent-executions",
            "2",
        ],
    ));
    assert_eq!(provisioned["AllocatedProvisionedConcurrentExecutions"], 2);
    let read = stdout_json(&aws(
        &endpoint,
        &[
            "get-provisioned-concurrency-config",
            "--function-name",
            "echo",
            "--qualifier",
            "1",
        ],
    ));
    assert_eq!(read["Status"], "READY");
    let deleted = aws(
        &endpoint,
        &[
            "delete-provisioned-concurrency-config",
            "--function-name",
            "echo",
            "--qualifier",
            "1",
        ],
    );
    assert_done(&deleted);
    let gone = aws(
        &endpoint,
        &[
            "get-provisioned-concurrency-config",
            "--function-name",
            "echo",
            "--qualifier",
            "1",
        ],
    );
    assert_refused(&gone, "(ProvisionedConcurrencyConfigNotFoundException)");
    let on_latest = aws(
        &endpoint,
        &[
            "put-provisioned-concurrency-config",
            "--function-name",
            "echo",
            "--qualifier",
            "$LATEST",
            "--provisioned-concurrent-executions",
            "1",
        ],
    );
    assert_refused(&on_latest, "(InvalidParameterValueException)");

    let mapping = stdout_json(&aws(
        &endpoint,
        &[
            "create-event-source-mapping",
            "--function-name",
            "echo",
            "--event-source-arn",
            queue,
            "--batch-size",
            "5",
            "--function-response-types",
            "ReportBatchItemFailures",
        ],
    ));
    let uuid = mapping["UUID"].as_str().expect("a UUID").to_owned();
    let listed = stdout_json(&aws(
        &endpoint,
        &["list-event-source-mappings", "--function-name", "echo"],
    ));
    assert_eq!(listed["EventSourceMappings"][0]["UUID"], uuid.as_str());
    assert_eq!(listed["EventSourceMappings"][0]["EventSourceArn"], queue);
}

/// An event source mapping's life through the CLI and boto3: read, disabled with a smaller
/// batch, refused for a function that may not read the queue, enabled again with a batching
/// window, deleted, and then unknown, each answer in Lambda's shape and state.
#[test]
fn the_aws_cli_and_boto3_read_change_and_delete_a_mapping() {
    let endpoint = start();
    let queue = "arn:aws:sqs:us-east-1:123456789012:orders";
    let created = stdout_json(&aws(
        &endpoint,
        &[
            "create-event-source-mapping",
            "--function-name",
            "echo",
            "--event-source-arn",
            queue,
        ],
    ));
    assert_eq!(created["State"], "Creating");
    let uuid = created["UUID"].as_str().expect("a UUID").to_owned();
    let read = stdout_json(&aws(
        &endpoint,
        &["get-event-source-mapping", "--uuid", &uuid],
    ));
    assert_eq!(
        (&read["State"], &read["BatchSize"], &read["FunctionArn"]),
        (
            &json!("Enabled"),
            &json!(10),
            &json!("arn:aws:lambda:us-east-1:123456789012:function:echo")
        )
    );
    assert_eq!(
        read["EventSourceMappingArn"],
        format!("arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{uuid}")
    );
    let disabling = stdout_json(&aws(
        &endpoint,
        &[
            "update-event-source-mapping",
            "--uuid",
            &uuid,
            "--no-enabled",
            "--batch-size",
            "1",
        ],
    ));
    assert_eq!(
        (&disabling["State"], &disabling["BatchSize"]),
        (&json!("Disabling"), &json!(1))
    );
    let read = stdout_json(&aws(
        &endpoint,
        &["get-event-source-mapping", "--uuid", &uuid],
    ));
    assert_eq!(read["State"], "Disabled");
    let to_broken = aws(
        &endpoint,
        &[
            "update-event-source-mapping",
            "--uuid",
            &uuid,
            "--function-name",
            "broken",
        ],
    );
    assert_refused(
        &to_broken,
        "(InvalidParameterValueException) when calling the UpdateEventSourceMapping operation: The function execution role does not have permissions to call ReceiveMessage on SQS",
    );
    let script = r#"
import json, sys
import boto3, botocore.exceptions
client = boto3.client("lambda", endpoint_url=sys.argv[1])
uuid = sys.argv[2]
enabling = client.update_event_source_mapping(UUID=uuid, Enabled=True, MaximumBatchingWindowInSeconds=2)
deleting = client.delete_event_source_mapping(UUID=uuid)
try:
    client.get_event_source_mapping(UUID=uuid)
    gone = None
except botocore.exceptions.ClientError as e:
    gone = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({
    "enabling": [enabling["State"], enabling["MaximumBatchingWindowInSeconds"], enabling["LastModified"].year],
    "deleting": [deleting["State"], deleting["ResponseMetadata"]["HTTPStatusCode"]],
    "gone": gone,
}))
"#;
    let mut command = Command::new("python3");
    client_environment(&mut command).args(["-c", script, &endpoint, &uuid]);
    let seen = stdout_json(&command.output().expect("python3 runs"));
    assert_eq!(seen["enabling"], json!(["Enabling", 2, 2025]));
    assert_eq!(seen["deleting"], json!(["Deleting", 202]));
    assert_eq!(
        seen["gone"],
        json!([
            "ResourceNotFoundException",
            "The resource you requested does not exist.",
            404
        ])
    );
    let again = aws(&endpoint, &["delete-event-source-mapping", "--uuid", &uuid]);
    assert_refused(
        &again,
        "(ResourceNotFoundException) when calling the DeleteEventSourceMapping operation: The resource you requested does not exist.",
    );
}

/// The book's `tag-resource`, then the tags read back by `list-tags` and `get-function`, removed
/// by `untag-resource`, and refused on a version or a missing function with AWS's words.
#[test]
fn the_aws_cli_tags_a_function_and_reads_its_tags_back() {
    let endpoint = start();
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:echo";
    assert_done(&aws(
        &endpoint,
        &[
            "tag-resource",
            "--resource",
            arn,
            "--tags",
            "team=shop,cost-center=4711",
        ],
    ));
    let listed = stdout_json(&aws(&endpoint, &["list-tags", "--resource", arn]));
    assert_eq!(
        listed["Tags"],
        json!({ "team": "shop", "cost-center": "4711" })
    );
    assert_done(&aws(
        &endpoint,
        &[
            "untag-resource",
            "--resource",
            arn,
            "--tag-keys",
            "cost-center",
            "absent",
        ],
    ));
    let function = stdout_json(&aws(
        &endpoint,
        &["get-function", "--function-name", "echo"],
    ));
    assert_eq!(function["Tags"], json!({ "team": "shop" }));
    let untagged = stdout_json(&aws(
        &endpoint,
        &["get-function", "--function-name", "broken"],
    ));
    assert_eq!(untagged.get("Tags"), None, "no tags is no Tags, as in AWS");
    assert_refused(
        &aws(
            &endpoint,
            &["tag-resource", "--resource", &format!("{arn}:$LATEST"), "--tags", "a=b"],
        ),
        "(InvalidParameterValueException) when calling the TagResource operation: Tags on function aliases and versions are not supported. Please specify a function ARN.",
    );
    assert_refused(
        &aws(
            &endpoint,
            &["list-tags", "--resource", "arn:aws:lambda:us-east-1:123456789012:function:nope"],
        ),
        "(ResourceNotFoundException) when calling the ListTags operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope",
    );
}

/// A zip archive of `files` in the temporary folder, as `zip -r` would make it, for
/// `--zip-file fileb://…`.
fn zip_file(test: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("invoker-http-{}-{test}.zip", std::process::id()));
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).expect("a temporary file"));
    for (name, contents) in files {
        let options = zip::write::SimpleFileOptions::default();
        writer.start_file(*name, options).expect("an entry");
        writer.write_all(contents).expect("its contents");
    }
    writer.finish().expect("the archive is written");
    path
}

/// The layers chapter's commands through the CLI: a layer published from a zip archive (with
/// the book's own options), its files in `/opt` of a function that lists it, the layer read
/// back and listed, shared with another account, and deleted, while the function keeps it.
#[test]
fn the_aws_cli_publishes_a_layer_from_a_zip_and_a_function_sees_its_files() {
    let endpoint = start();
    let archive = zip_file("layer", &[("etc/greeting.txt", b"hello from a layer")]);
    let zip_arg = format!("fileb://{}", archive.display());
    let published = stdout_json(&aws(
        &endpoint,
        &[
            "publish-layer-version",
            "--layer-name",
            "shared-libs",
            "--description",
            "ONNX Runtime 1.17, libvips 8.15, image settings",
            "--zip-file",
            &zip_arg,
            "--compatible-runtimes",
            "provided.al2023",
            "--compatible-architectures",
            "x86_64",
        ],
    ));
    let arn = "arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:1";
    assert_eq!(published["LayerVersionArn"], arn);
    assert_eq!(published["Version"], 1);
    assert_eq!(published["CompatibleRuntimes"], json!(["provided.al2023"]));
    let zipped = std::fs::read(&archive).unwrap();
    assert_eq!(published["Content"]["CodeSize"], zipped.len());
    let sha256 = published["Content"]["CodeSha256"].as_str().unwrap();
    assert_eq!(sha256.len(), 44, "a SHA-256 in base64: {sha256}");

    let updated = stdout_json(&aws(
        &endpoint,
        &[
            "update-function-configuration",
            "--function-name",
            "echo",
            "--layers",
            arn,
        ],
    ));
    assert_eq!(
        updated["Layers"],
        json!([{ "Arn": arn, "CodeSize": zipped.len() }])
    );
    let out = outfile("layer");
    let invoke = ["invoke", "--function-name", "echo", out.to_str().unwrap()];
    assert_done(&aws(&endpoint, &invoke));
    assert_eq!(read_json(&out)["layered"], "hello from a layer");

    let got = stdout_json(&aws(
        &endpoint,
        &[
            "get-layer-version",
            "--layer-name",
            "shared-libs",
            "--version-number",
            "1",
        ],
    ));
    assert_eq!(
        got["Description"],
        "ONNX Runtime 1.17, libvips 8.15, image settings"
    );
    assert_eq!(got["Content"]["CodeSha256"], sha256);
    assert!(
        got["CreatedDate"].as_str().unwrap().ends_with("+0000"),
        "{got}"
    );
    let listed = stdout_json(&aws(&endpoint, &["list-layers"]));
    assert_eq!(listed["Layers"][0]["LayerName"], "shared-libs");
    assert_eq!(
        listed["Layers"][0]["LatestMatchingVersion"]["LayerVersionArn"],
        arn
    );
    let versions = stdout_json(&aws(
        &endpoint,
        &["list-layer-versions", "--layer-name", "shared-libs"],
    ));
    assert_eq!(versions["LayerVersions"].as_array().unwrap().len(), 1);

    let statement = stdout_json(&aws(
        &endpoint,
        &[
            "add-layer-version-permission",
            "--layer-name",
            "shared-libs",
            "--version-number",
            "1",
            "--statement-id",
            "team-b",
            "--action",
            "lambda:GetLayerVersion",
            "--principal",
            "210987654321",
        ],
    ));
    let statement: Value = serde_json::from_str(statement["Statement"].as_str().unwrap()).unwrap();
    assert_eq!(
        statement["Principal"],
        json!({ "AWS": "arn:aws:iam::210987654321:root" })
    );

    assert_done(&aws(
        &endpoint,
        &[
            "delete-layer-version",
            "--layer-name",
            "shared-libs",
            "--version-number",
            "1",
        ],
    ));
    assert_refused(
        &aws(
            &endpoint,
            &["get-layer-version", "--layer-name", "shared-libs", "--version-number", "1"],
        ),
        "(ResourceNotFoundException) when calling the GetLayerVersion operation: The resource you requested does not exist.",
    );
    assert_done(&aws(&endpoint, &invoke));
    assert_eq!(
        read_json(&out)["layered"],
        "hello from a layer",
        "a function keeps a deleted layer version"
    );
}

/// boto3 reads a layer by its ARN and a layer version's policy, and sees Lambda's refusals: a
/// version below 1, an archive in S3, a statement id taken twice, a policy of nothing.
#[test]
fn boto3_reads_layers_and_their_policies_and_sees_lambdas_refusals() {
    let endpoint = start();
    let archive = zip_file("boto3-layer", &[("bin/tool", b"#!/bin/sh")]);
    let script = r#"
import json, sys
import boto3, botocore.exceptions
client = boto3.client("lambda", endpoint_url=sys.argv[1])
def error(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"]]
zip_bytes = open(sys.argv[2], "rb").read()
published = client.publish_layer_version(LayerName="tools", Content={"ZipFile": zip_bytes}, LicenseInfo="MIT")
by_arn = client.get_layer_version_by_arn(Arn=published["LayerVersionArn"])
share = dict(LayerName="tools", VersionNumber=1, StatementId="org", Action="lambda:GetLayerVersion", Principal="*", OrganizationId="o-a1b2c3d4e5")
no_policy = error(client.get_layer_version_policy, LayerName="tools", VersionNumber=1)
client.add_layer_version_permission(**share)
policy = json.loads(client.get_layer_version_policy(LayerName="tools", VersionNumber=1)["Policy"])
taken = error(client.add_layer_version_permission, **share)
client.remove_layer_version_permission(LayerName="tools", VersionNumber=1, StatementId="org")
print(json.dumps({
    "by_arn": [by_arn["Version"], by_arn["LicenseInfo"], by_arn["LayerArn"]],
    "policy": policy,
    "no_policy": no_policy,
    "taken": taken,
    "zero": error(client.get_layer_version, LayerName="tools", VersionNumber=0),
    "s3": error(client.publish_layer_version, LayerName="tools", Content={"S3Bucket": "my-layers", "S3Key": "tools.zip"}),
    "removed": error(client.get_layer_version_policy, LayerName="tools", VersionNumber=1),
}))
"#;
    let mut command = Command::new("python3");
    client_environment(&mut command).args(["-c", script, &endpoint, archive.to_str().unwrap()]);
    let seen = stdout_json(&command.output().expect("python3 runs"));
    assert_eq!(
        seen["by_arn"],
        json!([
            1,
            "MIT",
            "arn:aws:lambda:us-east-1:123456789012:layer:tools"
        ])
    );
    assert_eq!(
        seen["policy"]["Statement"][0]["Condition"],
        json!({ "StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } })
    );
    let no_policy = json!([
        "ResourceNotFoundException",
        404,
        "No policy is associated with the given resource."
    ]);
    assert_eq!(seen["no_policy"], no_policy);
    assert_eq!(seen["removed"], no_policy);
    assert_eq!(seen["taken"][0], "ResourceConflictException");
    assert_eq!(
        seen["zero"],
        json!([
            "InvalidParameterValueException",
            400,
            "Layer Version Cannot be less than 1"
        ])
    );
    assert_eq!(
        seen["s3"],
        json!([
            "InvalidParameterValueException",
            400,
            "The invoker cannot read a layer's archive from S3; send the archive itself (--zip-file fileb://layer.zip)."
        ])
    );
}

/// The book's `create-function --zip-file`: a real `lambda_runtime` program zipped as
/// `bootstrap` (without its executable bit, as a zip made on Windows has it), created with its
/// configuration, invoked, refused a second time as AWS refuses it, and deleted.
#[cfg(unix)]
#[test]
fn the_aws_cli_creates_a_function_from_a_zip_invokes_it_and_deletes_it() {
    let endpoint = start();
    let program = std::fs::read(common::echo_bootstrap()).expect("the example is built");
    let archive = zip_file("function", &[("bootstrap", &program)]);
    let zip_arg = format!("fileb://{}", archive.display());
    let create = [
        "create-function",
        "--function-name",
        "hello",
        "--runtime",
        "provided.al2023",
        "--handler",
        "bootstrap",
        "--architectures",
        "x86_64",
        "--role",
        "arn:aws:iam::123456789012:role/lambda-basic",
        "--zip-file",
        &zip_arg,
        "--memory-size",
        "256",
        "--environment",
        "Variables={GREETING=hej}",
    ];
    let created = stdout_json(&aws(&endpoint, &create));
    assert_eq!(
        created["FunctionArn"],
        "arn:aws:lambda:us-east-1:123456789012:function:hello"
    );
    assert_eq!(created["MemorySize"], 256);
    assert_eq!(
        created["Role"],
        "arn:aws:iam::123456789012:role/lambda-basic"
    );
    assert_eq!(created["CodeSha256"].as_str().map(str::len), Some(44));

    let out = outfile("created");
    let invoked = stdout_json(&aws(
        &endpoint,
        &[
            "invoke",
            "--function-name",
            "hello",
            "--payload",
            r#"{"n":1}"#,
            "--log-type",
            "Tail",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        read_json(&out),
        json!({ "got": { "n": 1 }, "function": "hello", "greeting": "hej" })
    );
    let log = decode(invoked["LogResult"].as_str().unwrap());
    assert!(log.contains("echoing"), "the program's own line: {log}");

    assert_refused(
        &aws(&endpoint, &create),
        "(ResourceConflictException) when calling the CreateFunction operation: Function already exist: hello",
    );
    let mut python = create;
    python[4] = "python3.12";
    assert_refused(
        &aws(&endpoint, &python),
        "(InvalidParameterValueException) when calling the CreateFunction operation: The invoker creates functions of the OS-only runtimes",
    );
    assert_done(&aws(
        &endpoint,
        &["delete-function", "--function-name", "hello"],
    ));
    assert_refused(
        &aws(&endpoint, &["get-function", "--function-name", "hello"]),
        "(ResourceNotFoundException) when calling the GetFunction operation: Function not found: arn:aws:lambda:us-east-1:123456789012:function:hello",
    );
}
