//! Deleting a mapping (`delete_event_source_mapping`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaEventSourceMappings: an unknown UUID, and the answer
//! to a deletion.

use super::get_event_source_mapping::{
    lifecycle_mapping, lifecycle_stream_settings, no_such_mapping,
};
use super::*;
use invoker::MappingState;

// test_event_source_mapping_exceptions, delete_unknown_uuid
#[tokio::test(start_paused = true)]
async fn a_uuid_that_names_no_mapping() {
    let lambda = service();
    let error = lambda
        .delete_event_source_mapping("00000000-0000-0000-0000-000000000000")
        .unwrap_err();
    assert_eq!(refusal(error), no_such_mapping());
}

// test_event_source_mapping_lifecycle, delete_response: the answer describes the mapping as it
// was, in the state Deleting; then the mapping is gone.
#[tokio::test(start_paused = true)]
async fn the_answer_describes_the_mapping_as_deleting() {
    let (lambda, uuid, stream) = lifecycle_mapping();
    let deleted = lambda.delete_event_source_mapping(&uuid).unwrap();
    assert_eq!(deleted.state, MappingState::Deleting);
    assert_eq!(
        (deleted.uuid.as_str(), deleted.event_source_arn.as_str()),
        (uuid.as_str(), stream.as_str())
    );
    assert_eq!(deleted.stream, lifecycle_stream_settings());
    let error = lambda.get_event_source_mapping(&uuid).unwrap_err();
    assert_eq!(refusal(error), no_such_mapping());
}
