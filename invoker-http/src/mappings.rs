//! Event source mappings: `CreateEventSourceMapping`, `ListEventSourceMappings`,
//! `GetEventSourceMapping`, `UpdateEventSourceMapping` and `DeleteEventSourceMapping`. Once
//! created, a mapping polls its queue or stream on the server's clock, as Lambda's pollers do;
//! disabled, it stops; deleted, its pollers end.
//!
//! Each answer is the mapping's description in Lambda's shape: a queue's has the members AWS
//! sends for a queue, a stream's the stream's too (recorded). Members of what the invoker does
//! not model (`LastProcessingResult`, `TumblingWindowInSeconds`, filters) are left out rather
//! than invented.

use crate::versions::required;
use invoker::{
    EventSourceMapping, EventSourceMappingConfiguration, EventSourceMappingUpdate, Lambda,
    ServiceError, StartingPosition,
};
use serde_json::{json, Value};
use std::time::SystemTime;

/// `CreateEventSourceMapping`: the source and function, and the settings the invoker models.
pub fn create(lambda: &Lambda, body: &Value) -> Result<Value, ServiceError> {
    let source = required(body, "EventSourceArn")?;
    let function = required(body, "FunctionName")?;
    let members = Members::read(body)?;
    let mut mapping = EventSourceMapping::new(source, function);
    if let Some(size) = members.batch_size {
        mapping = mapping.batch_size(size);
    }
    if let Some(window) = members.batching_window_secs {
        mapping = mapping.maximum_batching_window_secs(window);
    }
    if let Some(Some(retries)) = members.retry_attempts {
        mapping = mapping.maximum_retry_attempts(retries);
    }
    if let Some(Some(age)) = members.record_age_secs {
        mapping = mapping.maximum_record_age_secs(age);
    }
    if let Some(bisect) = members.bisect {
        mapping = mapping.bisect_batch_on_function_error(bisect);
    }
    if let Some(enabled) = members.enabled {
        mapping = mapping.enabled(enabled);
    }
    if let Some(report) = members.report_batch_item_failures {
        mapping = mapping.report_batch_item_failures(report);
    }
    if let Some(Some(destination)) = members.on_failure {
        mapping = mapping.on_failure(destination);
    }
    if let Some(factor) = number(body, "ParallelizationFactor") {
        mapping = mapping.parallelization_factor(factor);
    }
    match body["StartingPosition"].as_str() {
        Some("TRIM_HORIZON") => mapping = mapping.starting_position(StartingPosition::TrimHorizon),
        Some("LATEST") => mapping = mapping.starting_position(StartingPosition::Latest),
        Some(other) => {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{other}' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"
            )))
        }
        None => {}
    }
    for pattern in members.filters.into_iter().flatten() {
        mapping = mapping.filter(pattern);
    }
    let uuid = lambda.create_event_source_mapping(mapping)?;
    let mut created = described(&lambda.get_event_source_mapping(&uuid)?);
    created["State"] = json!("Creating");
    Ok(created)
}

/// `ListEventSourceMappings --function-name`: each mapping of the function, described.
pub fn list(lambda: &Lambda, function: &str) -> Result<Value, ServiceError> {
    let mappings = lambda
        .list_event_source_mappings(function)
        .into_iter()
        .map(|(uuid, _source)| Ok(described(&lambda.get_event_source_mapping(&uuid)?)))
        .collect::<Result<Vec<Value>, ServiceError>>()?;
    Ok(json!({ "EventSourceMappings": mappings }))
}

/// `GetEventSourceMapping`.
pub fn get(lambda: &Lambda, uuid: &str) -> Result<Value, ServiceError> {
    Ok(described(&lambda.get_event_source_mapping(uuid)?))
}

/// `UpdateEventSourceMapping`: what the request sets changes (the function, whether the
/// mapping is enabled, its batching, and a stream's retries, age, bisection and destination).
pub fn update(lambda: &Lambda, uuid: &str, body: &Value) -> Result<Value, ServiceError> {
    if body.get("ParallelizationFactor").is_some() {
        return Err(ServiceError::invalid_parameter_value(
            "The invoker does not change a mapping's ParallelizationFactor; delete the mapping and create it again.",
        ));
    }
    let members = Members::read(body)?;
    let mut update = EventSourceMappingUpdate::new();
    if let Some(function) = body["FunctionName"].as_str() {
        update = update.function_name(function);
    }
    if let Some(enabled) = members.enabled {
        update = update.enabled(enabled);
    }
    if let Some(size) = members.batch_size {
        update = update.batch_size(size);
    }
    if let Some(window) = members.batching_window_secs {
        update = update.maximum_batching_window_secs(window);
    }
    if let Some(report) = members.report_batch_item_failures {
        update = update.report_batch_item_failures(report);
    }
    if let Some(bisect) = members.bisect {
        update = update.bisect_batch_on_function_error(bisect);
    }
    if let Some(retries) = members.retry_attempts {
        update = update.maximum_retry_attempts(retries);
    }
    if let Some(age) = members.record_age_secs {
        update = update.maximum_record_age_secs(age);
    }
    if let Some(destination) = members.on_failure {
        update = update.on_failure(destination);
    }
    if let Some(patterns) = members.filters {
        update = update.filters(patterns);
    }
    Ok(described(
        &lambda.update_event_source_mapping(uuid, update)?,
    ))
}

/// `DeleteEventSourceMapping`: the mapping as it was, `Deleting`.
pub fn delete(lambda: &Lambda, uuid: &str) -> Result<Value, ServiceError> {
    Ok(described(&lambda.delete_event_source_mapping(uuid)?))
}

/// The members a creation and an update share, as the request sets them.
struct Members {
    batch_size: Option<u32>,
    batching_window_secs: Option<u64>,
    enabled: Option<bool>,
    report_batch_item_failures: Option<bool>,
    bisect: Option<bool>,
    /// `Some(None)`: −1, retry until the records expire.
    retry_attempts: Option<Option<u32>>,
    /// `Some(None)`: −1, no limit.
    record_age_secs: Option<Option<u64>>,
    /// `Some(None)`: a `DestinationConfig` with no on-failure destination.
    on_failure: Option<Option<String>>,
    /// `FilterCriteria: {"Filters": [{"Pattern": "<JSON text>"}, …]}`: the patterns; the invoker
    /// reads them.
    filters: Option<Vec<String>>,
}

impl Members {
    fn read(body: &Value) -> Result<Self, ServiceError> {
        // −1 is the API's "no limit"; any other number is the invoker's to check.
        let limit = |member: &str| -> Option<Option<i64>> {
            body[member].as_i64().map(|n| (n != -1).then_some(n))
        };
        let unsigned = |n: i64| u64::try_from(n).unwrap_or(u64::MAX);
        let report_batch_item_failures = body["FunctionResponseTypes"]
            .as_array()
            .map(|types| types.iter().any(|t| t == "ReportBatchItemFailures"));
        let on_failure = body.get("DestinationConfig").map(|config| {
            config["OnFailure"]["Destination"]
                .as_str()
                .map(str::to_owned)
        });
        let filters = body.get("FilterCriteria").map(|criteria| {
            let filters = criteria["Filters"].as_array().into_iter().flatten();
            filters
                .map(|filter| filter["Pattern"].as_str().unwrap_or_default().to_owned())
                .collect()
        });
        Ok(Self {
            batch_size: number(body, "BatchSize"),
            batching_window_secs: body["MaximumBatchingWindowInSeconds"].as_u64(),
            enabled: body["Enabled"].as_bool(),
            report_batch_item_failures,
            bisect: body["BisectBatchOnFunctionError"].as_bool(),
            retry_attempts: limit("MaximumRetryAttempts")
                .map(|n| n.map(|n| u32::try_from(unsigned(n)).unwrap_or(u32::MAX))),
            record_age_secs: limit("MaximumRecordAgeInSeconds").map(|n| n.map(unsigned)),
            on_failure,
            filters,
        })
    }
}

/// A whole number member that fits a `u32` (a larger one is kept as `u32::MAX`, which the
/// invoker refuses in AWS's words).
fn number(body: &Value, member: &str) -> Option<u32> {
    body[member]
        .as_u64()
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// A mapping in the shape of Lambda's `EventSourceMappingConfiguration`.
fn described(mapping: &EventSourceMappingConfiguration) -> Value {
    let response_types: &[&str] = match mapping.report_batch_item_failures {
        true => &["ReportBatchItemFailures"],
        false => &[],
    };
    let mut body = json!({
        "UUID": mapping.uuid,
        "EventSourceMappingArn": mapping.event_source_mapping_arn,
        "EventSourceArn": mapping.event_source_arn,
        "FunctionArn": mapping.function_arn,
        "State": mapping.state.as_str(),
        "LastModified": epoch_seconds(mapping.last_modified),
        "BatchSize": mapping.batch_size,
        "MaximumBatchingWindowInSeconds": mapping.maximum_batching_window_secs,
        "FunctionResponseTypes": response_types,
        // AWS's words for a change the caller made (recorded: a queue's, then a stream's).
        "StateTransitionReason": "USER_INITIATED",
    });
    if !mapping.filters.is_empty() {
        let filters: Vec<Value> = (mapping.filters.iter())
            .map(|pattern| json!({ "Pattern": pattern }))
            .collect();
        body["FilterCriteria"] = json!({ "Filters": filters });
    }
    if let Some(stream) = &mapping.stream {
        let on_failure = match &stream.on_failure {
            Some(destination) => json!({ "Destination": destination }),
            None => json!({}),
        };
        let extra = json!({
            "StartingPosition": match stream.starting_position {
                StartingPosition::TrimHorizon => "TRIM_HORIZON",
                StartingPosition::Latest => "LATEST",
            },
            "BisectBatchOnFunctionError": stream.bisect_batch_on_function_error,
            "MaximumRetryAttempts": stream.maximum_retry_attempts.map_or(-1, i64::from),
            "MaximumRecordAgeInSeconds": stream
                .maximum_record_age_secs
                .map_or(-1, |secs| i64::try_from(secs).unwrap_or(i64::MAX)),
            "ParallelizationFactor": stream.parallelization_factor,
            "DestinationConfig": { "OnFailure": on_failure },
            "StateTransitionReason": "User action",
        });
        if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
            body.extend(extra);
        }
    }
    body
}

/// A time as the API's JSON writes it: seconds since the Unix epoch, with a fraction.
fn epoch_seconds(time: SystemTime) -> f64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}
