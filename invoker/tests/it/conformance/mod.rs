//! Conformance: the invoker answers as real Lambda did in recorded scenarios.
//!
//! Each test reproduces one scenario recorded from real AWS (named in its comment: the
//! workbook's `../shared/aws-recorded/`, or LocalStack's AWS-validated snapshots, which hold
//! more): the same call on the same kind of resource, and the exception name, HTTP status and
//! message AWS answered with, or the record, message or variables it produced. The tests are
//! written here in the workbook's own words; the recordings are not copied.
//!
//! One file per AWS operation, one test per scenario. A scenario the invoker does not match yet
//! is still a test, ignored with the reason `differs: …`, so that it documents the difference
//! and `cargo test … -- --ignored` shows it failing. [`table`] counts them:
//! `cargo test -p invoker --test it conformance::table -- --nocapture` prints, for each operation,
//! how many scenarios it has and how many the invoker matches.

mod add_layer_version_permission;
mod add_permission;
mod create_alias;
mod create_event_source_mapping;
mod create_function;
mod delete_alias;
mod delete_event_source_mapping;
mod delete_function;
mod delete_layer_version;
mod dynamodb_event_records;
mod get_alias;
mod get_event_source_mapping;
mod get_function_concurrency;
mod get_function_configuration;
mod get_function_event_invoke_config;
mod get_layer_version;
mod get_layer_version_by_arn;
mod get_layer_version_policy;
mod get_policy;
mod invoke;
mod invoke_event;
mod invoke_names;
mod kinesis_event_records;
mod list_layer_versions;
mod list_tags;
mod publish_layer_version;
mod publish_version;
mod put_function_concurrency;
mod put_function_event_invoke_config;
mod put_provisioned_concurrency_config;
mod remove_layer_version_permission;
mod remove_permission;
mod sqs_event_records;
mod tag_resource;
mod untag_resource;
mod update_alias;
mod update_event_source_mapping;
mod update_function_configuration;

use crate::kit::{capturing, failing, log_lines_starting, reader, records_in, Events};
use invoker::{
    service_fn, Alias, Diagnostic, ErrorCode, EventSourceMapping, FunctionCode, FunctionConfig,
    Lambda, LambdaEvent, LayerContent, ManagedPolicy, Permission, ServiceError, StartingPosition,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The ARN prefix of the default account and Region.
const ARNS: &str = "arn:aws:lambda:us-east-1:123456789012:function";

/// The ARN prefix of the layers of the default account and Region.
const LAYERS: &str = "arn:aws:lambda:us-east-1:123456789012:layer";

/// A service with one layer version, `testlayer:1`, published as the recorded layer scenarios
/// publish theirs: for Python 3.12 on x86_64.
fn service_with_layer() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .publish_layer_version("testlayer", python_layer())
        .unwrap();
    lambda
}

/// A layer's content for Python 3.12 on x86_64, with one file.
fn python_layer() -> LayerContent {
    LayerContent::new()
        .file("python/util.py", "def helper(): pass")
        .compatible_runtimes(["python3.12"])
        .compatible_architectures(["x86_64"])
}

/// A service with one function, `app`, whose code answers `"ok"`.
fn service() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("app"), code())
        .unwrap();
    lambda
}

/// The function of the recorded alias lifecycle (TestLambdaAlias::test_alias_lifecycle):
/// `app`, published as version 1 with the variable `testenv=staging` and as version 2 with
/// `testenv=prod`.
fn staging_and_prod() -> Lambda {
    let lambda = Lambda::new();
    let config = FunctionConfig::new("app").env("testenv", "staging");
    lambda.create_function(config, code()).unwrap();
    lambda.publish_version("app").unwrap();
    lambda
        .update_function_configuration("app", |config| config.env("testenv", "prod"))
        .unwrap();
    lambda.publish_version("app").unwrap();
    lambda
}

fn code() -> invoker::FunctionCode {
    service_fn(|_event: LambdaEvent<Value>| async move { Ok::<_, Diagnostic>(json!("ok")) })
}

/// AWS's refusal of a name that finds no function (or no such version or alias of it): the
/// ARN of what was asked for.
fn function_not_found(arn: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceNotFoundException,
        404,
        format!("Function not found: {arn}"),
    )
}

/// The ARN of `app` in a Region other than the service's (`us-east-1`): the recorded
/// `test_get_function_wrong_region` asks in `eu-central-1` when it runs in `us-east-1`.
const WRONG_REGION_ARN: &str = "arn:aws:lambda:eu-central-1:123456789012:function:app";

/// AWS's refusal of an ARN of another Region, for every operation the recording tried.
fn wrong_region() -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceNotFoundException,
        404,
        "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')".into(),
    )
}

/// The exception name, HTTP status and message of a refusal.
fn refusal(error: ServiceError) -> (ErrorCode, u16, String) {
    (error.code, error.status, error.message)
}

/// The refusal AWS gives for a function's policy, or a layer version, that does not exist.
fn does_not_exist() -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceNotFoundException,
        404,
        "The resource you requested does not exist.".to_owned(),
    )
}

/// The refusal AWS gives a layer version's policy call when the layer, or that version of it,
/// does not exist.
fn layer_version_does_not_exist(layer: &str, version: u32) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceNotFoundException,
        404,
        format!("Layer version {LAYERS}:{layer}:{version} does not exist."),
    )
}

/// Asserts that `actual` has the shape of `expected`: the same keys at every level and the same
/// values, except where `expected` holds a `"<…>"` placeholder. A placeholder stands for what
/// AWS makes up anew each time (an id, a time, a sequence number, a receipt handle) and
/// matches any value; `path` names the place in the message of a failure.
fn assert_shape(actual: &Value, expected: &Value, path: &str) {
    match (actual, expected) {
        (_, Value::String(placeholder)) if placeholder.starts_with('<') => {}
        (Value::Object(actual), Value::Object(expected)) => {
            let keys = |object: &serde_json::Map<String, Value>| -> BTreeSet<String> {
                object.keys().cloned().collect()
            };
            assert_eq!(keys(actual), keys(expected), "the keys of {path}");
            for (key, expected) in expected {
                assert_shape(&actual[key], expected, &format!("{path}.{key}"));
            }
        }
        (Value::Array(actual), Value::Array(expected)) => {
            assert_eq!(actual.len(), expected.len(), "the length of {path}");
            for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
                assert_shape(actual, expected, &format!("{path}[{index}]"));
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// The queue a stream scenario's mapping sends the records of the batches it gave up on.
const FAILURES: &str = "arn:aws:sqs:us-east-1:123456789012:failures";

/// The kind of stream a mapping scenario reads: LocalStack recorded the same scenarios for
/// Kinesis and for DynamoDB Streams, so one helper sets up both.
#[derive(Clone, Copy)]
enum StreamSource {
    Kinesis,
    DynamoDb,
}

impl StreamSource {
    /// A service whose function `reader` runs `code` and reads a new one-shard stream,
    /// `records`, from its oldest record, through a mapping `configure` finishes; returns the
    /// service and the stream's ARN. The queue [`FAILURES`] is there for an on-failure
    /// destination.
    fn deploy(
        self,
        code: FunctionCode,
        configure: impl FnOnce(EventSourceMapping) -> EventSourceMapping,
    ) -> (Lambda, String) {
        let lambda = Lambda::new();
        lambda.sqs().create_queue("failures");
        let policy = match self {
            Self::Kinesis => ManagedPolicy::KinesisExecution,
            Self::DynamoDb => ManagedPolicy::DynamoDbExecution,
        };
        lambda
            .create_function(reader("reader", policy), code)
            .unwrap();
        let stream = match self {
            Self::Kinesis => lambda.kinesis().create_stream("records", 1),
            Self::DynamoDb => lambda.dynamodb().create_table("records", "id"),
        }
        .unwrap();
        let mapping = EventSourceMapping::new(&stream, "reader")
            .starting_position(StartingPosition::TrimHorizon);
        lambda
            .create_event_source_mapping(configure(mapping))
            .unwrap();
        (lambda, stream)
    }

    /// The set-up of the recorded `…_on_failure_destination…` scenarios: a function that always
    /// fails, read in batches of one with one retry, and `destination` as the mapping's on-failure
    /// destination. Returns the service and the stream's ARN.
    fn deploy_failing_to(self, destination: &str) -> (Lambda, String) {
        self.deploy(failing("Exception", "failed"), |mapping| {
            mapping
                .batch_size(1)
                .maximum_batching_window_secs(1)
                .maximum_retry_attempts(1)
                .on_failure(destination)
        })
    }

    /// Writes the one record the recorded scenarios write: `hello` with the partition key
    /// `test`, or the insert of an item with two string attributes.
    fn write_one(self, lambda: &Lambda) {
        match self {
            Self::Kinesis => {
                lambda
                    .kinesis()
                    .put_record("records", "test", b"hello")
                    .unwrap();
            }
            Self::DynamoDb => lambda
                .dynamodb()
                .put_item("records", json!({"id": "id_value", "id2": "id2_value"}))
                .unwrap(),
        }
    }

    /// The recorded `…_with_s3_on_failure_destination` scenario: a function that always fails,
    /// one retry, and the S3 bucket `failures` as the on-failure destination; `write` writes the
    /// stream's one record. Checks that the bucket holds one object, whose key is
    /// `aws/lambda/<mapping UUID>/<shard id>/<YYYY/MM/DD>/<YYYY-MM-DDTHH.MM.SS>-<uuid>` by the
    /// record's `timestamp` (what the recording checks of the key); returns the object read as
    /// JSON, and the stream's ARN.
    async fn retries_exhausted_stored(self, write: impl FnOnce(&Lambda)) -> (Value, String) {
        let (lambda, stream) = self.deploy_failing_to("arn:aws:s3:::failures");
        let s3 = lambda.s3();
        s3.create_bucket("failures").unwrap();
        write(&lambda);
        lambda.settle().await;
        let keys = s3.list_objects("failures", "").unwrap();
        let [key] = &keys[..] else {
            panic!("one object: {keys:?}")
        };
        let object: Value =
            serde_json::from_slice(&s3.get_object("failures", key).unwrap()).unwrap();
        let uuid = &lambda.list_event_source_mappings("reader")[0].0;
        let timestamp = object["timestamp"].as_str().unwrap();
        let (date, time) = timestamp.split_once('T').unwrap();
        let info = match self {
            Self::Kinesis => "KinesisBatchInfo",
            Self::DynamoDb => "DDBStreamBatchInfo",
        };
        let shard = object[info]["shardId"].as_str().unwrap();
        let prefix = format!(
            "aws/lambda/{uuid}/{shard}/{}/{date}T{}-",
            date.replace('-', "/"),
            time[..8].replace(':', ".")
        );
        let random = key.strip_prefix(&prefix).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(random.len(), 36, "a UUID ends the key: {key}");
        (object, stream)
    }

    /// The recorded `…_with_sns_on_failure_destination_config` scenario: a function that always
    /// fails, one retry, and an SNS topic as the on-failure destination, to which a function is
    /// subscribed (AWS's test subscribed a queue). Returns the messages the topic published,
    /// each read as JSON, and the stream's ARN.
    async fn retries_exhausted_published(self) -> (Vec<Value>, String) {
        let topic = "arn:aws:sns:us-east-1:123456789012:failures";
        let (lambda, stream) = self.deploy_failing_to(topic);
        let notifications = Events::default();
        let subscriber = lambda
            .create_function(FunctionConfig::new("subscriber"), capturing(&notifications))
            .unwrap();
        let sns = lambda.sns();
        assert_eq!(sns.create_topic("failures").unwrap(), topic);
        let publishes = Permission::new("sns-failures", "sns.amazonaws.com").source_arn(topic);
        lambda.add_permission("subscriber", publishes).unwrap();
        sns.subscribe(topic, "lambda", &subscriber).unwrap();
        self.write_one(&lambda);
        lambda.settle().await;
        let notifications = notifications.lock().unwrap();
        let messages = notifications
            .iter()
            .map(|event| {
                let message = event["Records"][0]["Sns"]["Message"].as_str().unwrap();
                serde_json::from_str(message).unwrap()
            })
            .collect();
        (messages, stream)
    }

    /// The recorded partial-batch scenario: batches of one record, `ReportBatchItemFailures`,
    /// `retries` retries and an on-failure queue; the function answers every batch with
    /// `answer` (`None`: it raises an error). Returns how many times the function ran and the
    /// records the on-failure queue received.
    async fn answer_every_batch(self, answer: Option<Value>, retries: u32) -> (usize, Vec<Value>) {
        let runs = Arc::new(AtomicUsize::new(0));
        let code = {
            let runs = Arc::clone(&runs);
            service_fn(move |_event: LambdaEvent<Value>| {
                runs.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                async move {
                    answer.ok_or_else(|| Diagnostic {
                        error_type: "ZeroDivisionError".into(),
                        error_message: "division by zero".into(),
                    })
                }
            })
        };
        let (lambda, _stream) = self.deploy(code, |mapping| {
            mapping
                .batch_size(1)
                .maximum_batching_window_secs(1)
                .report_batch_item_failures(true)
                .maximum_retry_attempts(retries)
                .on_failure(FAILURES)
        });
        self.write_one(&lambda);
        lambda.settle().await;
        (runs.load(Ordering::SeqCst), records_in(&lambda, FAILURES))
    }

    /// A recorded failure scenario of `report_batch_item_failure_scenarios`: the function
    /// returns `answer`, which names no record of the batch, so the batch fails whole and is
    /// retried `retries` times; then the destination gets one record, with no function error
    /// (the function did return).
    async fn answer_fails_the_batch(self, answer: Value, retries: u32) {
        let (runs, records) = self.answer_every_batch(Some(answer), retries).await;
        let invocations = retries as usize + 1;
        assert_eq!(runs, invocations);
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0]["requestContext"]["approximateInvokeCount"],
            invocations
        );
        assert_eq!(
            records[0]["responseContext"],
            json!({"statusCode": 200, "executedVersion": "$LATEST", "functionError": null})
        );
    }

    /// The recorded `unhandled_exception_in_function` scenario: the same retries, and the
    /// destination's record names the function error.
    async fn function_error_fails_the_batch(self, retries: u32) {
        let (runs, records) = self.answer_every_batch(None, retries).await;
        assert_eq!(runs, retries as usize + 1);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["responseContext"]["functionError"], "Unhandled");
    }

    /// A recorded scenario of `report_batch_item_success_scenarios`: the batch succeeds at
    /// once; nothing is retried or sent to the destination.
    async fn answer_succeeds(self, answer: Value) {
        let (runs, records) = self.answer_every_batch(Some(answer), 2).await;
        assert_eq!((runs, records), (1, vec![]));
    }

    /// The recorded `report_batch_item_failures` scenario: six records (keys 0 to 5) in batches
    /// of three; the function reports the last one failed each time; 3 retries. Lambda
    /// retries from the failed record only, so the destination's record describes that one
    /// record, invoked 4 times.
    async fn reported_failure_is_retried_alone(self) {
        let reported = Arc::new(std::sync::Mutex::new(Vec::new()));
        let code = {
            let reported = Arc::clone(&reported);
            service_fn(move |event: LambdaEvent<Value>| {
                let failed: Vec<String> = event.payload["Records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|record| self.sequence_number_if_last(record))
                    .collect();
                reported.lock().unwrap().extend(failed.iter().cloned());
                let failures: Vec<Value> = failed
                    .into_iter()
                    .map(|id| json!({"itemIdentifier": id}))
                    .collect();
                async move { Ok::<_, Diagnostic>(json!({"batchItemFailures": failures})) }
            })
        };
        let (lambda, _stream) = self.deploy(code, |mapping| {
            mapping
                .batch_size(3)
                .maximum_batching_window_secs(1)
                .maximum_retry_attempts(3)
                .report_batch_item_failures(true)
                .on_failure(FAILURES)
        });
        for index in 0..6 {
            match self {
                Self::Kinesis => {
                    let data = json!({"should_fail": index == 5}).to_string();
                    let key = format!("test_{index}");
                    lambda
                        .kinesis()
                        .put_record("records", &key, data.as_bytes())
                        .unwrap();
                }
                Self::DynamoDb => {
                    let item = json!({"id": format!("testId{index}"), "should_fail": index == 5});
                    lambda.dynamodb().put_item("records", item).unwrap();
                }
            }
        }
        lambda.settle().await;
        let records = records_in(&lambda, FAILURES);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["requestContext"]["approximateInvokeCount"], 4);
        assert_eq!(records[0]["responseContext"]["functionError"], Value::Null);
        let batch = match self {
            Self::Kinesis => &records[0]["KinesisBatchInfo"],
            Self::DynamoDb => &records[0]["DDBStreamBatchInfo"],
        };
        let last = reported.lock().unwrap()[0].clone();
        assert_eq!(batch["batchSize"], 1);
        assert_eq!(batch["startSequenceNumber"], last);
        assert_eq!(batch["endSequenceNumber"], last);
    }

    /// The sequence number of `record` if it is the last of the six records
    /// [`Self::reported_failure_is_retried_alone`] writes (the key tells).
    fn sequence_number_if_last(self, record: &Value) -> Option<String> {
        let (key, sequence_number, last_key) = match self {
            Self::Kinesis => (
                &record["kinesis"]["partitionKey"],
                &record["kinesis"]["sequenceNumber"],
                "test_5",
            ),
            Self::DynamoDb => (
                &record["dynamodb"]["Keys"]["id"]["S"],
                &record["dynamodb"]["SequenceNumber"],
                "testId5",
            ),
        };
        (key == last_key).then(|| sequence_number.as_str().unwrap().to_owned())
    }
}

/// The suite's figures, read from its files: per operation, the scenarios (tests) and how many
/// of them match (those not ignored as `differs: …`; the others pass, or the suite fails). Also
/// holds the suite to its form: every file is a module of it, and every ignored scenario says
/// how the invoker differs.
#[test]
fn table() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/conformance");
    let declared = fs::read_to_string(folder.join("mod.rs")).unwrap();
    let mut rows = Vec::new();
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let operation = path.file_stem().unwrap().to_string_lossy().into_owned();
        if operation == "mod" {
            continue;
        }
        assert!(
            declared.contains(&format!("\nmod {operation};\n")),
            "{operation}.rs is not declared in conformance/mod.rs, so its tests never run"
        );
        let text = fs::read_to_string(&path).unwrap();
        let scenarios = text.matches("#[tokio::test").count() + text.matches("#[test]").count();
        let differing = text.matches("#[ignore = \"differs: ").count();
        assert_eq!(
            text.matches("#[ignore").count(),
            differing,
            "{operation}: an ignored scenario says how the invoker differs (#[ignore = \"differs: …\"])"
        );
        rows.push((operation, scenarios, scenarios - differing));
    }
    rows.sort();
    let total = |column: fn(&(String, usize, usize)) -> usize| rows.iter().map(column).sum();
    let (scenarios, matching): (usize, usize) = (total(|row| row.1), total(|row| row.2));
    println!("{:<36} {:>9} {:>8}", "operation", "scenarios", "matching");
    for (operation, scenarios, matching) in &rows {
        println!("{operation:<36} {scenarios:>9} {matching:>8}");
    }
    println!("{:<36} {scenarios:>9} {matching:>8}", "total");
    assert!(matching <= scenarios && scenarios > 0);
}
