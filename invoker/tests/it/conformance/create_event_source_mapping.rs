//! Event source mappings as they are made (`create_event_source_mapping`), as refused in
//! test_lambda_api.snapshot.json, TestLambdaEventSourceMappings::test_event_source_mapping_exceptions:
//! Lambda weighs the source before the function.

use super::*;
use invoker::EventSourceMapping;

/// A queue ARN of the default account, which need not exist for these refusals.
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:somequeue";

/// The refusal of creating `mapping`.
fn create(mapping: EventSourceMapping) -> (ErrorCode, u16, String) {
    refusal(service().create_event_source_mapping(mapping).unwrap_err())
}

fn invalid(message: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::InvalidParameterValueException,
        400,
        message.to_owned(),
    )
}

// create_no_event_source_arn
#[tokio::test(start_paused = true)]
async fn no_event_source_arn() {
    assert_eq!(
        create(EventSourceMapping::new("", "doesnotexist")),
        invalid("Unrecognized event source.")
    );
}

// create_unknown_params: a queue, and a function that does not exist.
#[tokio::test(start_paused = true)]
async fn function_doesnotexist() {
    assert_eq!(
        create(EventSourceMapping::new(QUEUE, "doesnotexist")),
        invalid("Function does not exist")
    );
}

// destination_config_failure: an SQS mapping takes no destination, whatever the function.
#[tokio::test(start_paused = true)]
async fn destination_config_on_a_queue() {
    let other_queue = "arn:aws:sqs:us-east-1:123456789012:someotherqueue";
    assert_eq!(
        create(EventSourceMapping::new(QUEUE, "doesnotexist").on_failure(other_queue)),
        invalid("Unsupported DestinationConfig parameter for given event source mapping type.")
    );
}
