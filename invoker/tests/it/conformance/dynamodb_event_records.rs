//! What a DynamoDB Streams event source mapping hands the function, and what it sends the
//! on-failure destination, as recorded in LocalStack's
//! test_lambda_integration_dynamodbstreams.snapshot.json (TestDynamoDBEventSourceMapping): a
//! record's fields, the record of a batch Lambda gave up on, and which partial batch responses
//! fail a batch.

use super::*;
use crate::kit::{capturing, failing, Events};

/// The event of the one record of `source`'s stream: the insert of an item with two string
/// attributes, on a stream with both images; and the stream's ARN.
async fn the_insert() -> (Value, String) {
    let events = Events::default();
    let source = StreamSource::DynamoDb;
    let (lambda, stream) = source.deploy(capturing(&events), |mapping| mapping);
    source.write_one(&lambda);
    lambda.settle().await;
    let event = events.lock().unwrap()[0].clone();
    (event, stream)
}

/// test_dynamodb_event_filter[insert_same_entry_twice]: the insert as the function receives it
/// (its size apart, compared below).
#[tokio::test(start_paused = true)]
async fn an_insert_as_the_function_receives_it() {
    let (event, stream) = the_insert().await;
    let expected = json!({"Records": [{
        "eventID": "<event id>",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": "<time>",
            "Keys": {"id": {"S": "id_value"}},
            "NewImage": {"id2": {"S": "id2_value"}, "id": {"S": "id_value"}},
            "SequenceNumber": "<sequence number>",
            "SizeBytes": "<size>",
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        },
        "eventSourceARN": stream
    }]});
    assert_shape(&event, &expected, "event");
}

/// The same recording: AWS's `SizeBytes` adds up the attribute names and values of the keys and
/// images (2 + 8 for the key, 3 + 9 + 2 + 8 for the new image).
#[tokio::test(start_paused = true)]
async fn the_size_of_an_insert() {
    let (event, _stream) = the_insert().await;
    assert_eq!(event["Records"][0]["dynamodb"]["SizeBytes"], 32);
}

/// test_dynamodb_event_source_mapping_with_on_failure_destination_config: a function that
/// always fails, one retry; the destination gets one record describing the batch.
#[tokio::test(start_paused = true)]
async fn retries_exhausted_sends_the_batch_description_to_the_destination() {
    let source = StreamSource::DynamoDb;
    let (lambda, stream) = source.deploy(failing("Exception", "failed"), |mapping| {
        mapping
            .batch_size(1)
            .maximum_batching_window_secs(1)
            .maximum_retry_attempts(1)
            .on_failure(FAILURES)
    });
    source.write_one(&lambda);
    lambda.settle().await;
    let expected = json!([{
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
        "DDBStreamBatchInfo": {
            "shardId": "<shard id>",
            "startSequenceNumber": "<sequence number>",
            "endSequenceNumber": "<sequence number>",
            "approximateArrivalOfFirstRecord": "<time>",
            "approximateArrivalOfLastRecord": "<time>",
            "batchSize": 1,
            "streamArn": stream
        }
    }]);
    assert_shape(
        &Value::from(records_in(&lambda, FAILURES)),
        &expected,
        "records",
    );
}

// The recorded scenarios of test_dynamodb_report_batch_item_failure_scenarios and
// test_dynamodb_report_batch_item_success_scenarios: batches of one record, 3 retries.
const RETRIES: u32 = 3;

async fn answer_fails_the_batch(answer: Value) {
    StreamSource::DynamoDb
        .answer_fails_the_batch(answer, RETRIES)
        .await;
}

async fn answer_succeeds(answer: Value) {
    StreamSource::DynamoDb.answer_succeeds(answer).await;
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
    StreamSource::DynamoDb
        .function_error_fails_the_batch(RETRIES)
        .await;
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

// test_dynamodb_report_batch_item_failures (how AWS cut the first batches, 10 records seen in
// all, depends on when the records arrived: not compared).
#[tokio::test(start_paused = true)]
async fn a_reported_failure_is_retried_alone_and_then_given_up() {
    StreamSource::DynamoDb
        .reported_failure_is_retried_alone()
        .await;
}
