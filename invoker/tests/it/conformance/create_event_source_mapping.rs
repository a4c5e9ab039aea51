//! Event source mappings as they are made (`create_event_source_mapping`), as refused in
//! test_lambda_api.snapshot.json, TestLambdaEventSourceMappings::test_event_source_mapping_exceptions:
//! Lambda weighs the source before the function.

use super::*;
use invoker::Role;

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

// The scenarios below are recorded in LocalStack's
// event_source_mapping/test_lambda_integration_{sqs,kinesis,dynamodbstreams}.snapshot.json.

/// A service whose function `reader` may read every kind of source.
fn reader_of_everything() -> Lambda {
    let lambda = Lambda::new();
    let role = Role::new("reader-role")
        .attach(ManagedPolicy::SqsQueueExecution)
        .attach(ManagedPolicy::KinesisExecution)
        .attach(ManagedPolicy::DynamoDbExecution);
    lambda
        .create_function(FunctionConfig::new("reader").role(role), code())
        .unwrap();
    lambda
}

/// Creates the same mapping twice: the second is refused, naming the first.
fn create_twice(lambda: &Lambda, mapping: EventSourceMapping) -> (String, ServiceError) {
    let first = lambda.create_event_source_mapping(mapping.clone()).unwrap();
    (
        first,
        lambda.create_event_source_mapping(mapping).unwrap_err(),
    )
}

// TestSQSEventSourceMapping::test_duplicate_event_source_mappings
#[tokio::test(start_paused = true)]
async fn a_second_mapping_from_a_queue_to_the_function() {
    let lambda = reader_of_everything();
    let queue = lambda.sqs().create_queue("orders");
    let (first, error) = create_twice(&lambda, EventSourceMapping::new(&queue, "reader"));
    assert_eq!(
        refusal(error),
        (
            ErrorCode::ResourceConflictException,
            409,
            format!("An event source mapping with SQS arn (\" {queue} \") and function (\" reader \") already exists. Please update or delete the existing mapping with UUID {first}")
        )
    );
}

/// The refusal of a second mapping from a stream to the same function.
fn stream_conflict(stream: &str, first: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceConflictException,
        409,
        format!("The event source arn (\" {stream} \") and function (\" reader \") provided mapping already exists. Please update or delete the existing mapping with UUID {first}"),
    )
}

// TestKinesisSource::test_duplicate_event_source_mappings
#[tokio::test(start_paused = true)]
async fn a_second_mapping_from_a_kinesis_stream_to_the_function() {
    let lambda = reader_of_everything();
    let stream = lambda.kinesis().create_stream("clicks", 1).unwrap();
    let mapping =
        EventSourceMapping::new(&stream, "reader").starting_position(StartingPosition::Latest);
    let (first, error) = create_twice(&lambda, mapping);
    assert_eq!(refusal(error), stream_conflict(&stream, &first));
}

// TestDynamoDBEventSourceMapping::test_duplicate_event_source_mappings
#[tokio::test(start_paused = true)]
async fn a_second_mapping_from_a_dynamodb_stream_to_the_function() {
    let lambda = reader_of_everything();
    let stream = lambda.dynamodb().create_table("orders", "id").unwrap();
    let mapping =
        EventSourceMapping::new(&stream, "reader").starting_position(StartingPosition::Latest);
    let (first, error) = create_twice(&lambda, mapping);
    assert_eq!(refusal(error), stream_conflict(&stream, &first));
}

/// The refusal of a mapping from a source that does not exist.
fn create_from_nothing(mapping: EventSourceMapping) -> (ErrorCode, u16, String) {
    refusal(
        reader_of_everything()
            .create_event_source_mapping(mapping)
            .unwrap_err(),
    )
}

// test_esm_with_not_existing_sqs_queue
#[tokio::test(start_paused = true)]
async fn a_queue_that_does_not_exist() {
    assert_eq!(
        create_from_nothing(EventSourceMapping::new(QUEUE, "reader")),
        invalid("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.")
    );
}

// TestKinesisSource::test_esm_with_not_existing_kinesis_stream
#[tokio::test(start_paused = true)]
async fn a_kinesis_stream_that_does_not_exist() {
    let stream = "arn:aws:kinesis:us-east-1:123456789012:stream/nowhere";
    let mapping =
        EventSourceMapping::new(stream, "reader").starting_position(StartingPosition::Latest);
    assert_eq!(
        create_from_nothing(mapping),
        invalid(&format!("Stream not found: {stream}"))
    );
}

// TestDynamoDBEventSourceMapping::test_esm_with_not_existing_dynamodb_stream
#[tokio::test(start_paused = true)]
async fn a_dynamodb_stream_that_does_not_exist() {
    let stream =
        "arn:aws:dynamodb:us-east-1:123456789012:table/nowhere/stream/2025-02-22T03:03:25.490";
    let mapping =
        EventSourceMapping::new(stream, "reader").starting_position(StartingPosition::Latest);
    assert_eq!(
        create_from_nothing(mapping),
        invalid(&format!("Stream not found: {stream}"))
    );
}

// TestSQSEventSourceMapping::test_event_source_mapping_default_batch_size: a batch larger than
// 10 needs a batching window.
#[tokio::test(start_paused = true)]
async fn a_large_queue_batch_without_a_batching_window() {
    let lambda = reader_of_everything();
    let queue = lambda.sqs().create_queue("orders");
    let mapping = EventSourceMapping::new(&queue, "reader").batch_size(100);
    assert_eq!(
        refusal(lambda.create_event_source_mapping(mapping).unwrap_err()),
        invalid("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
    );
}

/// The refusal of a mapping from an existing queue with the one filter `pattern` (its text).
fn queue_with_filter(pattern: &str) -> (ErrorCode, u16, String) {
    let lambda = reader_of_everything();
    let queue = lambda.sqs().create_queue("orders");
    let mapping = EventSourceMapping::new(&queue, "reader")
        .maximum_batching_window_secs(1)
        .filter(pattern);
    refusal(lambda.create_event_source_mapping(mapping).unwrap_err())
}

/// The refusal of a mapping from an existing DynamoDB stream with the one filter `pattern`.
fn dynamodb_stream_with_filter(pattern: &str) -> (ErrorCode, u16, String) {
    let lambda = reader_of_everything();
    let stream = lambda.dynamodb().create_table("orders", "id").unwrap();
    let mapping = EventSourceMapping::new(&stream, "reader")
        .starting_position(StartingPosition::TrimHorizon)
        .filter(pattern);
    refusal(lambda.create_event_source_mapping(mapping).unwrap_err())
}

/// Lambda's one answer to every filter it cannot read.
fn invalid_filter() -> (ErrorCode, u16, String) {
    invalid("Invalid filter pattern definition.")
}

// TestSQSEventSourceMapping::test_sqs_invalid_event_filter[None]: the pattern `null`.
#[tokio::test(start_paused = true)]
async fn a_null_filter_pattern() {
    assert_eq!(queue_with_filter("null"), invalid_filter());
}

// test_sqs_invalid_event_filter[simple string]: text that is not JSON.
#[tokio::test(start_paused = true)]
async fn a_filter_pattern_that_is_not_json() {
    assert_eq!(queue_with_filter("simple string"), invalid_filter());
}

// test_sqs_invalid_event_filter[invalid_filter2]: a field's value that is not in a list.
#[tokio::test(start_paused = true)]
async fn a_filter_value_outside_a_list() {
    assert_eq!(
        queue_with_filter(r#"{"eventSource": "aws:sqs"}"#),
        invalid_filter()
    );
}

// test_sqs_invalid_event_filter[invalid_filter3]: an empty list of values.
#[tokio::test(start_paused = true)]
async fn a_filter_with_an_empty_list() {
    assert_eq!(
        queue_with_filter(r#"{"eventSource": []}"#),
        invalid_filter()
    );
}

// TestDynamoDBEventSourceMapping::test_dynamodb_invalid_event_filter[single-string]
#[tokio::test(start_paused = true)]
async fn a_stream_filter_that_is_a_single_string() {
    assert_eq!(
        dynamodb_stream_with_filter("single-string"),
        invalid_filter()
    );
}

// test_dynamodb_invalid_event_filter: malformed JSON.
#[tokio::test(start_paused = true)]
async fn a_stream_filter_that_is_malformed_json() {
    assert_eq!(
        dynamodb_stream_with_filter(r#"[{"eventName": ["INSERT"=123}]"#),
        invalid_filter()
    );
}
