//! What a Kinesis event source mapping hands the function, and what it sends the on-failure
//! destination, as recorded in LocalStack's test_lambda_integration_kinesis.snapshot.json
//! (TestKinesisSource): a record's fields, the record of a batch Lambda gave up on, which
//! partial batch responses fail a batch, and which records event filters let through.

use super::*;
use crate::kit::{capturing, failing, Events};
use base64::Engine;
use std::time::Duration;

/// test_create_kinesis_event_source_mapping: the fields of a record, `hello` put with the key
/// `test_0`, as the function receives it.
#[tokio::test(start_paused = true)]
async fn a_record_as_the_function_receives_it() {
    let events = Events::default();
    let (lambda, stream) = StreamSource::Kinesis.deploy(capturing(&events), |mapping| mapping);
    lambda
        .kinesis()
        .put_record("records", "test_0", b"hello")
        .unwrap();
    lambda.settle().await;
    let events = events.lock().unwrap();
    let expected = json!({"Records": [{
        "awsRegion": "us-east-1",
        "eventID": "<shardId-000000000000:sequence number>",
        "eventName": "aws:kinesis:record",
        "eventSource": "aws:kinesis",
        "eventSourceARN": stream,
        "eventVersion": "1.0",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/reader-role",
        "kinesis": {
            "approximateArrivalTimestamp": "<arrival time>",
            "data": "aGVsbG8=",
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "test_0",
            "sequenceNumber": "<sequence number>"
        }
    }]});
    assert_shape(&events[0], &expected, "event");
    let record = &events[0]["Records"][0];
    assert_eq!(
        record["eventID"],
        format!(
            "shardId-000000000000:{}",
            record["kinesis"]["sequenceNumber"].as_str().unwrap()
        )
    );
}

/// test_kinesis_event_source_mapping_with_on_failure_destination_config: a function that always
/// fails, one retry; the destination gets one record describing the batch.
#[tokio::test(start_paused = true)]
async fn retries_exhausted_sends_the_batch_description_to_the_destination() {
    let (lambda, stream) = StreamSource::Kinesis.deploy_failing_to(FAILURES);
    StreamSource::Kinesis.write_one(&lambda);
    lambda.settle().await;
    let expected = json!([retries_exhausted_record(&stream)]);
    assert_shape(
        &Value::from(records_in(&lambda, FAILURES)),
        &expected,
        "records",
    );
}

/// The record of a batch of one record given up on after a function error and one retry, as
/// the on-failure destination receives it.
fn retries_exhausted_record(stream: &str) -> Value {
    json!({
        "requestContext": {
            "requestId": "<uuid>",
            "functionArn": format!("{ARNS}:reader"),
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 2
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled"
        },
        "version": "1.0",
        "timestamp": "<time>",
        "KinesisBatchInfo": {
            "shardId": "shardId-000000000000",
            "startSequenceNumber": "<sequence number>",
            "endSequenceNumber": "<sequence number>",
            "approximateArrivalOfFirstRecord": "<time>",
            "approximateArrivalOfLastRecord": "<time>",
            "batchSize": 1,
            "streamArn": stream
        }
    })
}

// test_kinesis_event_source_mapping_with_sns_on_failure_destination_config: the same, with an SNS
// topic as the destination; the topic publishes the record as its message (here to a function
// subscribed to it).
#[tokio::test(start_paused = true)]
async fn retries_exhausted_publishes_the_batch_description_to_a_topic() {
    let (messages, stream) = StreamSource::Kinesis.retries_exhausted_published().await;
    assert_shape(
        &Value::from(messages),
        &json!([retries_exhausted_record(&stream)]),
        "messages",
    );
}

/// test_kinesis_event_source_mapping_with_s3_on_failure_destination: the same, with an S3
/// bucket as the destination. The object holds the batch's record and, as its `payload`, the
/// event the function failed on.
#[tokio::test(start_paused = true)]
async fn retries_exhausted_stores_the_batch_and_its_event_in_a_bucket() {
    let data = br#"{"input": "hello", "value": "world", "raise_error": 1}"#;
    let (object, stream) = StreamSource::Kinesis
        .retries_exhausted_stored(|lambda| {
            lambda
                .kinesis()
                .put_record("records", "custom", data)
                .unwrap();
        })
        .await;
    let mut expected = retries_exhausted_record(&stream);
    expected["payload"] = json!({"Records": [{
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "custom",
            "sequenceNumber": "<sequence number>",
            "data": base64::engine::general_purpose::STANDARD.encode(data),
            "approximateArrivalTimestamp": "<arrival time>"
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": "<shardId-000000000000:sequence number>",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/reader-role",
        "awsRegion": "us-east-1",
        "eventSourceARN": stream
    }]});
    assert_shape(&object, &expected, "record_body");
    let sequence_number = &object["KinesisBatchInfo"]["startSequenceNumber"];
    let record = &object["payload"]["Records"][0]["kinesis"];
    assert_eq!(&record["sequenceNumber"], sequence_number);
}

// The recorded scenarios of test_kinesis_report_batch_item_failure_scenarios and
// test_kinesis_report_batch_item_success_scenarios: batches of one record, 2 retries.
const RETRIES: u32 = 2;

async fn answer_fails_the_batch(answer: Value) {
    StreamSource::Kinesis
        .answer_fails_the_batch(answer, RETRIES)
        .await;
}

async fn answer_succeeds(answer: Value) {
    StreamSource::Kinesis.answer_succeeds(answer).await;
}

// item_identifier_not_present_failure: an identifier that is a number.
#[tokio::test(start_paused = true)]
async fn a_numeric_item_identifier_fails_the_batch() {
    answer_fails_the_batch(json!({"batchItemFailures": [{"itemIdentifier": 123}]})).await;
}

// empty_string_item_identifier_failure
#[tokio::test(start_paused = true)]
async fn an_empty_item_identifier_fails_the_batch() {
    answer_fails_the_batch(json!({"batchItemFailures": [{"itemIdentifier": ""}]})).await;
}

// null_item_identifier_failure
#[tokio::test(start_paused = true)]
async fn a_null_item_identifier_fails_the_batch() {
    answer_fails_the_batch(json!({"batchItemFailures": [{"itemIdentifier": null}]})).await;
}

// invalid_key_foo_failure
#[tokio::test(start_paused = true)]
async fn an_entry_without_item_identifier_fails_the_batch() {
    answer_fails_the_batch(json!({"batchItemFailures": [{"foo": 123}]})).await;
}

// invalid_key_foo_null_value_failure
#[tokio::test(start_paused = true)]
async fn an_entry_with_only_a_null_foo_fails_the_batch() {
    answer_fails_the_batch(json!({"batchItemFailures": [{"foo": null}]})).await;
}

// unhandled_exception_in_function
#[tokio::test(start_paused = true)]
async fn a_function_error_fails_the_batch() {
    StreamSource::Kinesis
        .function_error_fails_the_batch(RETRIES)
        .await;
}
// empty_string_success
#[tokio::test(start_paused = true)]
async fn an_empty_string_answer_succeeds() {
    answer_succeeds(json!("")).await;
}

// empty_list_success
#[tokio::test(start_paused = true)]
async fn an_empty_list_answer_succeeds() {
    answer_succeeds(json!([])).await;
}

// null_success
#[tokio::test(start_paused = true)]
async fn a_null_answer_succeeds() {
    answer_succeeds(Value::Null).await;
}

// empty_dict_success
#[tokio::test(start_paused = true)]
async fn an_empty_object_answer_succeeds() {
    answer_succeeds(json!({})).await;
}

// empty_batch_item_failure_success
#[tokio::test(start_paused = true)]
async fn an_empty_failure_list_succeeds() {
    answer_succeeds(json!({"batchItemFailures": []})).await;
}

// null_batch_item_failure_success
#[tokio::test(start_paused = true)]
async fn a_null_failure_list_succeeds() {
    answer_succeeds(json!({"batchItemFailures": null})).await;
}

/// The record the destination receives when records grow older than the mapping's
/// `MaximumRecordAgeInSeconds` (60) of a function that always fails: `RecordAgeExceeded`, and no
/// `responseContext`, however often the batch was tried. `delay` passes between the put and
/// the mapping's creation; `retries` is the mapping's `MaximumRetryAttempts` (`None`: −1).
async fn record_age_exceeded(delay: Duration, retries: Option<u32>) -> Vec<Value> {
    let lambda = Lambda::new();
    lambda.sqs().create_queue("failures");
    lambda
        .create_function(
            reader("reader", ManagedPolicy::KinesisExecution),
            failing("Exception", "failed"),
        )
        .unwrap();
    let stream = lambda.kinesis().create_stream("records", 1).unwrap();
    StreamSource::Kinesis.write_one(&lambda);
    tokio::time::sleep(delay).await;
    let mut mapping = EventSourceMapping::new(&stream, "reader")
        .starting_position(StartingPosition::TrimHorizon)
        .batch_size(1)
        .maximum_batching_window_secs(1)
        .maximum_record_age_secs(60)
        .on_failure(FAILURES);
    if let Some(retries) = retries {
        mapping = mapping.maximum_retry_attempts(retries);
    }
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    records_in(&lambda, FAILURES)
}

/// The destination's record of a batch of one record given up on for its age.
fn age_exceeded_record(invocations: Value) -> Value {
    json!([{
        "requestContext": {
            "requestId": "<uuid>",
            "functionArn": format!("{ARNS}:reader"),
            "condition": "RecordAgeExceeded",
            "approximateInvokeCount": invocations
        },
        "version": "1.0",
        "timestamp": "<time>",
        "KinesisBatchInfo": {
            "shardId": "shardId-000000000000",
            "startSequenceNumber": "<sequence number>",
            "endSequenceNumber": "<sequence number>",
            "approximateArrivalOfFirstRecord": "<time>",
            "approximateArrivalOfLastRecord": "<time>",
            "batchSize": 1,
            "streamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/records"
        }
    }])
}

// test_kinesis_maximum_record_age_exceeded[expire-while-retrying]: retried until too old (AWS
// tried 8 times; how often depends on the retry delays, which AWS does not document).
#[tokio::test(start_paused = true)]
async fn a_record_that_expires_while_retrying() {
    let records = record_age_exceeded(Duration::ZERO, None).await;
    assert_shape(
        &Value::from(records),
        &age_exceeded_record(json!("<count>")),
        "records",
    );
}

// test_kinesis_maximum_record_age_exceeded[expire-before-ingestion]: the record is older than
// 60 seconds when the mapping is created, and no retry is allowed.
#[tokio::test(start_paused = true)]
async fn a_record_that_expired_before_the_mapping_read_it() {
    let records = record_age_exceeded(Duration::from_secs(61), Some(0)).await;
    assert_shape(
        &Value::from(records),
        &age_exceeded_record(json!(1)),
        "records",
    );
}

// test_kinesis_maximum_record_age_exceeded_discard_records: one record put 80 seconds before the
// mapping (batches of up to 10, no retry) and five more just before it. The old one goes to the
// destination alone, counted as invoked once; the five reach the function in one batch.
#[tokio::test(start_paused = true)]
async fn an_expired_record_is_split_from_the_fresh_ones() {
    let events = Events::default();
    let lambda = Lambda::new();
    lambda.sqs().create_queue("failures");
    lambda
        .create_function(
            reader("reader", ManagedPolicy::KinesisExecution),
            capturing(&events),
        )
        .unwrap();
    let stream = lambda.kinesis().create_stream("records", 1).unwrap();
    let kinesis = lambda.kinesis();
    kinesis
        .put_record("records", "test", b"stream-data")
        .unwrap();
    tokio::time::sleep(Duration::from_secs(80)).await;
    for index in 1..=5 {
        let data = format!("stream-data-{index}");
        kinesis
            .put_record("records", "test", data.as_bytes())
            .unwrap();
    }
    let mapping = EventSourceMapping::new(&stream, "reader")
        .starting_position(StartingPosition::TrimHorizon)
        .batch_size(10)
        .maximum_batching_window_secs(1)
        .maximum_retry_attempts(0)
        .maximum_record_age_secs(60)
        .on_failure(FAILURES);
    lambda.create_event_source_mapping(mapping).unwrap();
    lambda.settle().await;
    assert_shape(
        &Value::from(records_in(&lambda, FAILURES)),
        &age_exceeded_record(json!(1)),
        "records",
    );
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    let data: Vec<&Value> = events[0]["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| &record["kinesis"]["data"])
        .collect();
    // "stream-data-1" … "stream-data-5", base64-encoded.
    let expected = [
        "c3RyZWFtLWRhdGEtMQ==",
        "c3RyZWFtLWRhdGEtMg==",
        "c3RyZWFtLWRhdGEtMw==",
        "c3RyZWFtLWRhdGEtNA==",
        "c3RyZWFtLWRhdGEtNQ==",
    ];
    assert_eq!(data, expected);
}

// test_create_kinesis_event_source_mapping_multiple_lambdas_single_kinesis_event_stream: two
// functions map the same stream; each gets the record, with the same sequence number.
#[tokio::test(start_paused = true)]
async fn two_functions_read_the_same_stream() {
    let lambda = Lambda::new();
    let stream = lambda.kinesis().create_stream("records", 1).unwrap();
    let events = [Events::default(), Events::default()];
    for (name, events) in ["reader-a", "reader-b"].into_iter().zip(&events) {
        let config = reader(name, ManagedPolicy::KinesisExecution);
        lambda.create_function(config, capturing(events)).unwrap();
        let mapping =
            EventSourceMapping::new(&stream, name).starting_position(StartingPosition::TrimHorizon);
        lambda.create_event_source_mapping(mapping).unwrap();
    }
    StreamSource::Kinesis.write_one(&lambda);
    lambda.settle().await;
    let [a, b] = events.map(|events| events.lock().unwrap().clone());
    let sequence_number =
        |events: &[Value]| events[0]["Records"][0]["kinesis"]["sequenceNumber"].clone();
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_eq!(a[0]["Records"].as_array().unwrap().len(), 1);
    assert_eq!(sequence_number(&a), sequence_number(&b));
    assert_eq!(a[0]["Records"][0]["kinesis"]["data"], "aGVsbG8=");
}

// test_kinesis_report_batch_item_failures (how AWS cut the first batches, 10 records seen in
// all, depends on when the records arrived: not compared).
#[tokio::test(start_paused = true)]
async fn a_reported_failure_is_retried_alone_and_then_given_up() {
    StreamSource::Kinesis
        .reported_failure_is_retried_alone()
        .await;
}

// test_kinesis_event_filtering_json_pattern: two functions read one stream, each through a
// mapping with a filter on the JSON in the records' data; each receives only its own record.
#[tokio::test(start_paused = true)]
async fn filters_on_the_data_send_each_function_its_records() {
    let lambda = Lambda::new();
    let stream = lambda.kinesis().create_stream("records", 1).unwrap();
    let events = [Events::default(), Events::default()];
    for (name, events) in ["function_1", "function_2"].into_iter().zip(&events) {
        let config = reader(name, ManagedPolicy::KinesisExecution);
        lambda.create_function(config, capturing(events)).unwrap();
        let mapping = EventSourceMapping::new(&stream, name)
            .starting_position(StartingPosition::TrimHorizon)
            .batch_size(1)
            .maximum_batching_window_secs(1)
            .maximum_retry_attempts(1)
            .filter(json!({"data": {"event_type": [name]}}).to_string());
        lambda.create_event_source_mapping(mapping).unwrap();
    }
    let messages = [
        json!({"event_type": "function_1", "message": "foo"}),
        json!({"event_type": "function_2", "message": "bar"}),
    ];
    for message in &messages {
        let data = message.to_string();
        lambda
            .kinesis()
            .put_record("records", "custom", data.as_bytes())
            .unwrap();
    }
    lambda.settle().await;
    for (events, message) in events.iter().zip(&messages) {
        let events = events.lock().unwrap();
        let data: Vec<Value> = events
            .iter()
            .flat_map(|event| event["Records"].as_array().unwrap().clone())
            .map(|record| {
                let data = record["kinesis"]["data"].as_str().unwrap();
                let bytes = base64::engine::general_purpose::STANDARD.decode(data);
                serde_json::from_slice(&bytes.unwrap()).unwrap()
            })
            .collect();
        assert_eq!(data, std::slice::from_ref(message));
    }
}

// test_kinesis_event_source_trim_horizon: twenty records are in the stream (ten with the key
// `test_0`, ten with `test_1`) when a mapping with batches of 10 starts at TRIM_HORIZON; ten
// more (`test_2`) follow. The function gets three batches of ten, the old records first, each
// batch's `record_id`s 0 to 9 in order.
#[tokio::test(start_paused = true)]
async fn trim_horizon_reads_the_records_put_before_the_mapping() {
    let events = Events::default();
    let lambda = Lambda::new();
    lambda
        .create_function(
            reader("reader", ManagedPolicy::KinesisExecution),
            capturing(&events),
        )
        .unwrap();
    let stream = lambda.kinesis().create_stream("records", 1).unwrap();
    let put_ten = |key: &str| {
        for id in 0..10 {
            let data = json!({"record_id": id}).to_string();
            lambda
                .kinesis()
                .put_record("records", key, data.as_bytes())
                .unwrap();
        }
    };
    put_ten("test_0");
    put_ten("test_1");
    let mapping = EventSourceMapping::new(&stream, "reader")
        .starting_position(StartingPosition::TrimHorizon)
        .batch_size(10);
    lambda.create_event_source_mapping(mapping).unwrap();
    put_ten("test_2");
    lambda.settle().await;
    let batches: Vec<(Vec<Value>, Vec<Value>)> = events
        .lock()
        .unwrap()
        .iter()
        .map(|event| {
            let records = event["Records"].as_array().unwrap();
            let key = |record: &Value| record["kinesis"]["partitionKey"].clone();
            let id = |record: &Value| {
                let data = record["kinesis"]["data"].as_str().unwrap();
                let bytes = base64::engine::general_purpose::STANDARD.decode(data);
                serde_json::from_slice::<Value>(&bytes.unwrap()).unwrap()["record_id"].clone()
            };
            (
                records.iter().map(key).collect(),
                records.iter().map(id).collect(),
            )
        })
        .collect();
    let ids: Vec<Value> = (0..10).map(Value::from).collect();
    let expected: Vec<(Vec<Value>, Vec<Value>)> = ["test_0", "test_1", "test_2"]
        .into_iter()
        .map(|key| (vec![Value::from(key); 10], ids.clone()))
        .collect();
    assert_eq!(batches, expected);
}

/// test_kinesis_empty_provided: a function on the provided runtime whose bootstrap answers with
/// an empty body reads `hello` through a mapping with batches of one and two retries; the empty
/// answer is a success, so it runs once (one REPORT line). A handler here answers at least
/// `null`, the nearest to an empty body. (The recording's GetEventSourceMapping then says
/// `LastProcessingResult: OK`, a field the invoker does not model; not compared.)
#[tokio::test(start_paused = true)]
async fn an_empty_answer_is_one_successful_run() {
    let (lambda, _stream) = StreamSource::Kinesis.deploy(
        service_fn(|_event: LambdaEvent<Value>| async move { Ok::<_, Diagnostic>(Value::Null) }),
        |mapping| {
            mapping
                .batch_size(1)
                .maximum_batching_window_secs(1)
                .maximum_retry_attempts(2)
        },
    );
    lambda
        .kinesis()
        .put_record("records", "test", b"hello")
        .unwrap();
    lambda.settle().await;
    assert_eq!(log_lines_starting(&lambda, "reader", "REPORT").len(), 1);
}

/// test_kinesis_event_source_mapping_with_async_invocation: a mapping from LATEST with batches of
/// 10 and no window; two puts of ten records each (`{"record_id": 0}` to 9, keys `test_0`, then
/// `test_1`). The function gets two batches of ten, each in the order the records were put.
#[tokio::test(start_paused = true)]
async fn two_puts_of_ten_are_two_batches_in_order() {
    let events = Events::default();
    let (lambda, _stream) = StreamSource::Kinesis.deploy(capturing(&events), |mapping| {
        mapping
            .starting_position(StartingPosition::Latest)
            .batch_size(10)
    });
    for batch in 0..2 {
        for record_id in 0..10 {
            let data = format!(r#"{{"record_id": {record_id}}}"#);
            let key = format!("test_{batch}");
            lambda
                .kinesis()
                .put_record("records", &key, data.as_bytes())
                .unwrap();
        }
    }
    lambda.settle().await;
    let events = events.lock().unwrap();
    let batches: Vec<Vec<(String, String)>> = events
        .iter()
        .map(|event| {
            let records = event["Records"].as_array().unwrap();
            records
                .iter()
                .map(|record| {
                    let data = record["kinesis"]["data"].as_str().unwrap();
                    let data = base64::engine::general_purpose::STANDARD
                        .decode(data)
                        .unwrap();
                    let key = record["kinesis"]["partitionKey"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    (key, String::from_utf8(data).unwrap())
                })
                .collect()
        })
        .collect();
    let expected: Vec<Vec<(String, String)>> = (0..2)
        .map(|batch| {
            (0..10)
                .map(|id| (format!("test_{batch}"), format!(r#"{{"record_id": {id}}}"#)))
                .collect()
        })
        .collect();
    assert_eq!(batches, expected);
}
