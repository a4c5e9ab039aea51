//! Changing a mapping (`update_event_source_mapping`), as recorded in
//! test_lambda_api.snapshot.json (an unknown UUID) and in LocalStack's
//! event_source_mapping/test_lambda_integration_{sqs,dynamodbstreams}.snapshot.json: the state
//! each change answers with, a refused batch size, another function version, and a disabled
//! mapping that stops reading.

use super::get_event_source_mapping::{lifecycle_mapping, no_such_mapping};
use super::*;
use crate::kit::{queue_mapping, Events};
use invoker::{EventSourceMappingUpdate, MappingState};

// test_event_source_mapping_exceptions, update_unknown_uuid
#[tokio::test(start_paused = true)]
async fn a_uuid_that_names_no_mapping() {
    let lambda = service();
    let error = lambda
        .update_event_source_mapping(
            "00000000-0000-0000-0000-000000000000",
            EventSourceMappingUpdate::new().batch_size(5),
        )
        .unwrap_err();
    assert_eq!(refusal(error), no_such_mapping());
}

fn send(lambda: &Lambda, queue: &str, body: &str) {
    lambda
        .sqs()
        .send_message(queue, body.to_owned(), Default::default())
        .unwrap();
}

// TestSQSEventSourceMapping::test_event_source_mapping_default_batch_size,
// invalid-update-event-source-mapping: an SQS batch above 10 needs a batching window, on update
// as on creation.
#[tokio::test(start_paused = true)]
async fn a_large_queue_batch_without_a_batching_window() {
    let (lambda, uuid, _queue) = queue_mapping(&Events::default(), |mapping| mapping);
    let error = lambda
        .update_event_source_mapping(&uuid, EventSourceMappingUpdate::new().batch_size(11))
        .unwrap_err();
    assert_eq!(
        refusal(error),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10".to_owned()
        )
    );
    assert_eq!(
        lambda.get_event_source_mapping(&uuid).unwrap().batch_size,
        10
    );
}

// TestSQSEventSourceMapping::test_sqs_event_source_mapping_update: the mapping reads for
// version 1, then is pointed at version 2; the answer is Updating and names version 2, and the
// next message goes to version 2 only.
#[tokio::test(start_paused = true)]
async fn another_function_version() {
    let lambda = Lambda::new();
    let role = invoker::Role::new("reader-role").attach(ManagedPolicy::SqsQueueExecution);
    let versions_seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let code = {
        let versions_seen = Arc::clone(&versions_seen);
        service_fn(move |event: LambdaEvent<Value>| {
            let version = event.context.env_config.version.clone();
            versions_seen.lock().unwrap().push(version);
            async move { Ok::<_, Diagnostic>(json!(null)) }
        })
    };
    lambda
        .create_function(FunctionConfig::new("reader").role(role), code)
        .unwrap();
    let first = lambda.publish_version("reader").unwrap();
    let queue = lambda.sqs().create_queue("orders");
    let uuid = lambda
        .create_event_source_mapping(
            EventSourceMapping::new(&queue, format!("{ARNS}:reader:{first}"))
                .maximum_batching_window_secs(1),
        )
        .unwrap();
    send(&lambda, &queue, r#"{"foo": "bar"}"#);
    lambda.settle().await;
    lambda
        .update_function_configuration("reader", |config| config.env("CUSTOM_VAR", "b"))
        .unwrap();
    let second = lambda.publish_version("reader").unwrap();
    let second_arn = format!("{ARNS}:reader:{second}");
    let updated = lambda
        .update_event_source_mapping(
            &uuid,
            EventSourceMappingUpdate::new().function_name(&second_arn),
        )
        .unwrap();
    assert_eq!(updated.state, MappingState::Updating);
    assert_eq!(updated.function_arn, second_arn);
    assert_eq!(updated.maximum_batching_window_secs, 1);
    send(&lambda, &queue, r#"{"foo": "bar2"}"#);
    lambda.settle().await;
    assert_eq!(*versions_seen.lock().unwrap(), [first, second]);
    let now = lambda.get_event_source_mapping(&uuid).unwrap();
    assert_eq!(now.state, MappingState::Enabled);
}

// test_fifo_message_group_parallelism, update_esm_enabling and get_esm_enabled: a mapping made
// disabled reads nothing; enabling it answers Enabling, then it is Enabled and reads the
// messages that waited. (Recorded with a FIFO queue; the answers are the same for a standard
// one. What the recording checks of the FIFO queue itself, one environment for its one message
// group, is `sqs_event_records::one_message_group_runs_in_one_environment`.)
#[tokio::test(start_paused = true)]
async fn a_mapping_made_disabled_is_enabled() {
    let events = Events::default();
    let (lambda, uuid, queue) =
        queue_mapping(&events, |mapping| mapping.enabled(false).batch_size(1));
    for index in 0..5 {
        send(&lambda, &queue, &format!("message-{index}"));
    }
    lambda.settle().await;
    assert!(events.lock().unwrap().is_empty());
    let enabling = lambda
        .update_event_source_mapping(&uuid, EventSourceMappingUpdate::new().enabled(true))
        .unwrap();
    assert_eq!(enabling.state, MappingState::Enabling);
    assert_eq!(enabling.batch_size, 1);
    assert_eq!(
        lambda.get_event_source_mapping(&uuid).unwrap().state,
        MappingState::Enabled
    );
    lambda.settle().await;
    assert_eq!(events.lock().unwrap().len(), 5);
}

// TestDynamoDBEventSourceMapping::test_disabled_dynamodb_event_source_mapping: one record is
// processed; the mapping is disabled (the answer is Disabling, with the stream's settings); a
// record written after that is not processed.
#[tokio::test(start_paused = true)]
async fn a_disabled_stream_mapping_stops_reading() {
    let (lambda, uuid, _stream) = lifecycle_mapping();
    lambda
        .dynamodb()
        .put_item("records", json!({"id": "first"}))
        .unwrap();
    lambda.settle().await;
    let counts = lambda.stream_record_counts(&uuid).unwrap();
    assert_eq!(counts.processed, 1);
    let disabling = lambda
        .update_event_source_mapping(&uuid, EventSourceMappingUpdate::new().enabled(false))
        .unwrap();
    assert_eq!(disabling.state, MappingState::Disabling);
    assert_eq!(disabling.stream.unwrap().maximum_retry_attempts, Some(1));
    lambda
        .dynamodb()
        .put_item("records", json!({"id": "second"}))
        .unwrap();
    lambda.settle().await;
    let counts = lambda.stream_record_counts(&uuid).unwrap();
    assert_eq!((counts.processed, counts.pending), (1, 1));
    assert_eq!(log_lines_starting(&lambda, "reader", "START").len(), 1);
}
