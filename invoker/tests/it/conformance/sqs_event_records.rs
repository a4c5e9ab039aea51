//! What an SQS event source mapping hands the function, as recorded in LocalStack's
//! test_lambda_integration_sqs.snapshot.json: a message's record, with and without message
//! attributes.

use super::*;
use crate::kit::{capturing, Events};
use std::collections::BTreeMap;

/// The record of the one message `attributes` and `body` were sent with, as the function
/// `reader` received it through a mapping with a batching window of 1 second.
async fn record_of(body: &str, attributes: BTreeMap<String, (String, String)>) -> (Value, String) {
    let events = Events::default();
    let lambda = Lambda::new();
    lambda
        .create_function(
            reader("reader", ManagedPolicy::SqsQueueExecution),
            capturing(&events),
        )
        .unwrap();
    let queue = lambda.sqs().create_queue("orders");
    lambda
        .create_event_source_mapping(
            EventSourceMapping::new(&queue, "reader").maximum_batching_window_secs(1),
        )
        .unwrap();
    lambda
        .sqs()
        .send_message(&queue, body.to_owned(), attributes)
        .unwrap();
    lambda.settle().await;
    let event = events.lock().unwrap()[0].clone();
    (event, queue)
}

/// The system attributes Lambda passes on, and the fields of the record around the message.
fn expected_record(queue: &str, body: &str, attributes: Value, md5_of_attributes: Value) -> Value {
    json!({"Records": [{
        "messageId": "<uuid>",
        "receiptHandle": "<receipt handle>",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "<time>",
            "SenderId": "<sender id>",
            "ApproximateFirstReceiveTimestamp": "<time>"
        },
        "messageAttributes": attributes,
        "md5OfMessageAttributes": md5_of_attributes,
        "md5OfBody": invoker::md5_hex(body.as_bytes()),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue,
        "awsRegion": "us-east-1"
    }]})
}

/// TestSQSEventSourceMapping::test_sqs_event_source_mapping: a JSON body and no message
/// attributes; the record has an empty map of them and a null digest.
#[tokio::test(start_paused = true)]
async fn a_message_without_attributes() {
    let body = r#"{"foo": "bar"}"#;
    let (event, queue) = record_of(body, BTreeMap::new()).await;
    assert_shape(
        &event,
        &expected_record(&queue, body, json!({}), Value::Null),
        "event",
    );
}

/// test_message_body_and_attributes_passed_correctly: three message attributes, each with its
/// data type and empty list values, and their MD5 digest as SQS computes it.
#[tokio::test(start_paused = true)]
async fn a_message_with_attributes() {
    let body = r#"{"destination": "elsewhere", "fail_attempts": 0}"#;
    let attribute = |data_type: &str, value: &str| (data_type.to_owned(), value.to_owned());
    let attributes = BTreeMap::from([
        ("Title".to_owned(), attribute("String", "The Whistler")),
        ("Author".to_owned(), attribute("String", "John Grisham")),
        ("WeeksOn".to_owned(), attribute("Number", "6")),
    ]);
    let (event, queue) = record_of(body, attributes).await;
    let as_recorded = |data_type: &str, value: &str| json!({"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": data_type});
    let expected_attributes = json!({
        "WeeksOn": as_recorded("Number", "6"),
        "Author": as_recorded("String", "John Grisham"),
        "Title": as_recorded("String", "The Whistler"),
    });
    let expected = expected_record(
        &queue,
        body,
        expected_attributes,
        json!("d25a6aea97eb8f585bfa92d314504a92"),
    );
    assert_shape(&event, &expected, "event");
}
