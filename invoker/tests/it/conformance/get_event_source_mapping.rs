//! Reading a mapping (`get_event_source_mapping`), as recorded in test_lambda_api.snapshot.json,
//! TestLambdaEventSourceMappings: an unknown UUID, and a new stream mapping's description.

use super::*;
use invoker::{MappingState, StreamSettings};

/// AWS's refusal of a UUID that names no mapping, the same for get, update and delete.
pub(super) fn no_such_mapping() -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceNotFoundException,
        404,
        "The resource you requested does not exist.".to_owned(),
    )
}

// test_event_source_mapping_exceptions, get_unknown_uuid
#[tokio::test(start_paused = true)]
async fn a_uuid_that_names_no_mapping() {
    let lambda = service();
    let error = lambda
        .get_event_source_mapping("00000000-0000-0000-0000-000000000000")
        .unwrap_err();
    assert_eq!(refusal(error), no_such_mapping());
}

/// The recorded lifecycle's mapping: a DynamoDB stream read from its oldest record in batches of
/// one, a batching window of 1 second, one retry, and an on-failure queue. Returns the service,
/// the mapping's UUID and the stream's ARN.
pub(super) fn lifecycle_mapping() -> (Lambda, String, String) {
    let lambda = Lambda::new();
    lambda.sqs().create_queue("failures");
    lambda
        .create_function(reader("reader", ManagedPolicy::DynamoDbExecution), code())
        .unwrap();
    let stream = lambda.dynamodb().create_table("records", "id").unwrap();
    let uuid = lambda
        .create_event_source_mapping(
            EventSourceMapping::new(&stream, "reader")
                .starting_position(StartingPosition::TrimHorizon)
                .batch_size(1)
                .maximum_batching_window_secs(1)
                .maximum_retry_attempts(1)
                .on_failure(FAILURES),
        )
        .unwrap();
    (lambda, uuid, stream)
}

/// The settings of [`lifecycle_mapping`], as Lambda describes them.
pub(super) fn lifecycle_stream_settings() -> Option<StreamSettings> {
    Some(StreamSettings {
        starting_position: StartingPosition::TrimHorizon,
        bisect_batch_on_function_error: false,
        maximum_retry_attempts: Some(1),
        maximum_record_age_secs: None,
        parallelization_factor: 1,
        on_failure: Some(FAILURES.to_owned()),
    })
}

// test_event_source_mapping_lifecycle, get_response: once created, the mapping is Enabled and
// describes what it was made with, under its own ARN.
#[tokio::test(start_paused = true)]
async fn a_new_stream_mapping_is_enabled_and_describes_its_settings() {
    let (lambda, uuid, stream) = lifecycle_mapping();
    let mapping = lambda.get_event_source_mapping(&uuid).unwrap();
    assert_eq!(mapping.state, MappingState::Enabled);
    assert_eq!(mapping.uuid, uuid);
    assert_eq!(
        mapping.event_source_mapping_arn,
        format!("arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{uuid}")
    );
    assert_eq!(mapping.event_source_arn, stream);
    assert_eq!(mapping.function_arn, format!("{ARNS}:reader"));
    assert_eq!(
        (mapping.batch_size, mapping.maximum_batching_window_secs),
        (1, 1)
    );
    assert!(!mapping.report_batch_item_failures);
    assert_eq!(mapping.stream, lifecycle_stream_settings());
}
