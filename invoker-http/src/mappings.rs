//! Event source mappings: `CreateEventSourceMapping` and `ListEventSourceMappings`. Once
//! created, a mapping polls its queue or stream on the server's clock, as Lambda's pollers do.

use crate::function_arn;
use crate::versions::required;
use invoker::{EventSourceMapping, Lambda, ServiceError, StartingPosition};
use serde_json::{json, Value};

/// `CreateEventSourceMapping`: the source and function, and the settings the lessons use.
pub fn create(lambda: &Lambda, body: &Value) -> Result<Value, ServiceError> {
    let source = required(body, "EventSourceArn")?;
    let function = required(body, "FunctionName")?;
    let mut mapping = EventSourceMapping::new(source, function);
    let number = |member: &str| body[member].as_u64();
    if let Some(size) = number("BatchSize") {
        mapping = mapping.batch_size(u32::try_from(size).unwrap_or(u32::MAX));
    }
    if let Some(window) = number("MaximumBatchingWindowInSeconds") {
        mapping = mapping.maximum_batching_window_secs(window);
    }
    if let Some(retries) = body["MaximumRetryAttempts"].as_i64() {
        // -1 is the API's "forever", which the invoker takes as no limit it will reach.
        mapping = mapping.maximum_retry_attempts(u32::try_from(retries).unwrap_or(u32::MAX));
    }
    if let Some(age) = body["MaximumRecordAgeInSeconds"].as_i64() {
        mapping = mapping.maximum_record_age_secs(u64::try_from(age).unwrap_or(u64::MAX));
    }
    if let Some(factor) = number("ParallelizationFactor") {
        mapping = mapping.parallelization_factor(u32::try_from(factor).unwrap_or(u32::MAX));
    }
    if let Some(bisect) = body["BisectBatchOnFunctionError"].as_bool() {
        mapping = mapping.bisect_batch_on_function_error(bisect);
    }
    if let Some(enabled) = body["Enabled"].as_bool() {
        mapping = mapping.enabled(enabled);
    }
    match body["StartingPosition"].as_str() {
        Some("TRIM_HORIZON") => mapping = mapping.starting_position(StartingPosition::TrimHorizon),
        Some("LATEST") => mapping = mapping.starting_position(StartingPosition::Latest),
        Some(other) => {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{other}' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST]"
            )))
        }
        None => {}
    }
    let reports_item_failures = body["FunctionResponseTypes"]
        .as_array()
        .is_some_and(|types| types.iter().any(|t| t == "ReportBatchItemFailures"));
    mapping = mapping.report_batch_item_failures(reports_item_failures);
    if let Some(arn) = body["DestinationConfig"]["OnFailure"]["Destination"].as_str() {
        mapping = mapping.on_failure(arn);
    }
    // `FilterCriteria: {"Filters": [{"Pattern": "<JSON text>"}, …]}`; the invoker reads them.
    let filters = body["FilterCriteria"]["Filters"].as_array();
    for filter in filters.into_iter().flatten() {
        mapping = mapping.filter(filter["Pattern"].as_str().unwrap_or_default());
    }
    let uuid = lambda.create_event_source_mapping(mapping)?;
    Ok(json!({
        "UUID": uuid,
        "EventSourceArn": source,
        "FunctionArn": function_arn(lambda, function),
        "State": "Creating",
    }))
}

/// `ListEventSourceMappings --function-name`: each mapping's UUID and source.
pub fn list(lambda: &Lambda, function: &str) -> Value {
    let mappings: Vec<Value> = lambda
        .list_event_source_mappings(function)
        .into_iter()
        .map(|(uuid, source)| {
            json!({
                "UUID": uuid,
                "EventSourceArn": source,
                "FunctionArn": function_arn(lambda, function),
                "State": "Enabled",
            })
        })
        .collect();
    json!({ "EventSourceMappings": mappings })
}
