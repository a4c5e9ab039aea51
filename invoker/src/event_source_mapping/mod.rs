//! Event source mappings: the *pull* model, where Lambda polls a queue or a stream and invokes
//! the function synchronously with batches of records.
//!
//! S3 or SNS push each event to Lambda (an asynchronous invoke). SQS queues, Kinesis streams and
//! DynamoDB streams do not call anyone: records wait in them until somebody reads. An **event
//! source mapping** is the reader Lambda runs for you (`aws lambda create-event-source-mapping`):
//! it polls the source, gathers a batch (up to `BatchSize` records, or what arrived within the
//! `MaximumBatchingWindowInSeconds`), invokes the function with it and waits for the answer. What
//! happens on an error depends on the source, so each has a module of its own:
//!
//! - [`queue`]: SQS. A failed message becomes visible again after the queue's visibility
//!   timeout and is retried until the queue's redrive policy moves it to a dead-letter queue.
//! - [`stream`]: Kinesis and DynamoDB Streams. Records are read in order, one batch in flight per
//!   shard; a failed batch is retried until it succeeds or its records expire, so one bad record
//!   can hold up its shard.
//!
//! Both apply the mapping's event filters first ([`filter`]): a record no filter matches never
//! reaches the function.
//!
//! The mapping reads the source **as the function's execution role**: no one pushes, so the
//! function's resource-based policy plays no part, but its role must allow Lambda to read the
//! source. Lambda checks when the mapping is created and refuses with
//! `InvalidParameterValueException`: for a queue, `sqs:ReceiveMessage`, `sqs:DeleteMessage` and
//! `sqs:GetQueueAttributes`; for a Kinesis stream, `GetRecords`, `GetShardIterator`,
//! `DescribeStream` and `ListShards`; for a DynamoDB stream, `GetRecords`, `GetShardIterator`,
//! `DescribeStream` and `ListStreams`; all on the source's ARN. The AWS managed
//! policies [`ManagedPolicy::SqsQueueExecution`], [`ManagedPolicy::KinesisExecution`] and
//! [`ManagedPolicy::DynamoDbExecution`] allow them (on every resource). Simplified here: a role
//! changed after the mapping was created is not checked again (on AWS the poller would fail and
//! the mapping report the problem), and neither is `sqs:SendMessage` for a stream mapping's
//! on-failure destination, which AWS also requires.
//!
//! A mapping can be read, changed, disabled and deleted after it is made (see [`lifecycle`]).
//!
//! Because the mapping invokes synchronously and retries on its own, records are delivered **at
//! least once**: a handler must be idempotent. The invoker counts every record a mapping must
//! process as pending work, so [`Lambda::settle`] waits until each is processed, sent to a
//! failure destination, or expired.

pub(crate) mod filter;
pub(crate) mod lifecycle;
pub(crate) mod queue;
pub(crate) mod stream;

use crate::base::arn::FunctionRef;
use crate::base::error::ServiceError;
use crate::base::ids::IdGenerator;
use crate::base::platform::lock;
use crate::lambda::execution::{Event, Run};
use crate::lambda::function::Diagnostic;
#[cfg(doc)]
use crate::lambda::iam::ManagedPolicy;
use crate::lambda::iam::Role;
use crate::lambda::invoke::{InvokeRequest, InvokeResponse};
use crate::lambda::service::Lambda;
use crate::lambda::trace::Lineage;
use filter::Filters;
pub use queue::CONCURRENT_BATCHES;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// The longest batching window a mapping accepts.
pub(crate) const MAX_BATCHING_WINDOW: Duration = Duration::from_secs(300);
/// The largest batch a mapping accepts (SQS FIFO queues and others have smaller limits).
pub(crate) const MAX_BATCH_SIZE: u32 = 10_000;

/// Where a stream mapping starts reading: the oldest record kept, or only new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartingPosition {
    /// `TRIM_HORIZON`: every record the stream still holds.
    TrimHorizon,
    /// `LATEST`: only records added after the mapping was created.
    Latest,
}

/// The settings of `aws lambda create-event-source-mapping`, with Lambda's defaults.
///
/// ```
/// use invoker::{EventSourceMapping, StartingPosition};
/// let mapping = EventSourceMapping::new("arn:aws:kinesis:us-east-1:123456789012:stream/clicks", "count-clicks")
///     .batch_size(100)
///     .starting_position(StartingPosition::TrimHorizon)
///     .bisect_batch_on_function_error(true)
///     .maximum_retry_attempts(2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSourceMapping {
    pub(crate) event_source_arn: String,
    pub(crate) function_name: String,
    /// `None`: the source's default (10 for SQS, 100 for streams).
    pub(crate) batch_size: Option<u32>,
    pub(crate) maximum_batching_window: Duration,
    pub(crate) starting_position: Option<StartingPosition>,
    pub(crate) bisect_batch_on_function_error: bool,
    /// `None` is AWS's −1: retry until the records expire.
    pub(crate) maximum_retry_attempts: Option<u32>,
    /// `None` is AWS's −1: no limit but the stream's retention.
    pub(crate) maximum_record_age: Option<Duration>,
    pub(crate) parallelization_factor: u32,
    /// `FunctionResponseTypes: ["ReportBatchItemFailures"]`.
    pub(crate) report_batch_item_failures: bool,
    pub(crate) on_failure: Option<String>,
    /// `FilterCriteria.Filters[].Pattern`, as given: JSON text.
    pub(crate) filters: Vec<String>,
    pub(crate) enabled: bool,
}

impl EventSourceMapping {
    /// A mapping from a queue or stream ARN to a function (a name, `name:alias` or an ARN).
    pub fn new(event_source_arn: impl Into<String>, function_name: impl Into<String>) -> Self {
        Self {
            event_source_arn: event_source_arn.into(),
            function_name: function_name.into(),
            batch_size: None,
            maximum_batching_window: Duration::ZERO,
            starting_position: None,
            bisect_batch_on_function_error: false,
            maximum_retry_attempts: None,
            maximum_record_age: None,
            parallelization_factor: 1,
            report_batch_item_failures: false,
            on_failure: None,
            filters: Vec::new(),
            enabled: true,
        }
    }

    /// The most records in one invocation (1–10,000).
    pub fn batch_size(mut self, size: u32) -> Self {
        self.batch_size = Some(size);
        self
    }

    /// How long to gather records before invoking with a batch that is not full (0–300 s).
    pub fn maximum_batching_window_secs(mut self, secs: u64) -> Self {
        self.maximum_batching_window = Duration::from_secs(secs);
        self
    }

    /// Streams only, and required for them: where to start reading.
    pub fn starting_position(mut self, position: StartingPosition) -> Self {
        self.starting_position = Some(position);
        self
    }

    /// Streams: on a function error, split the batch in two and retry the halves.
    pub fn bisect_batch_on_function_error(mut self, bisect: bool) -> Self {
        self.bisect_batch_on_function_error = bisect;
        self
    }

    /// Streams: how many times a failed batch is retried (0–10,000; default: until it expires).
    pub fn maximum_retry_attempts(mut self, retries: u32) -> Self {
        self.maximum_retry_attempts = Some(retries);
        self
    }

    /// Streams: records older than this are not sent again (60–604,800 s; default: no limit).
    pub fn maximum_record_age_secs(mut self, secs: u64) -> Self {
        self.maximum_record_age = Some(Duration::from_secs(secs));
        self
    }

    /// Streams: how many batches of one shard may be in flight at once (1–10).
    pub fn parallelization_factor(mut self, factor: u32) -> Self {
        self.parallelization_factor = factor;
        self
    }

    /// Lets the function answer `{"batchItemFailures": [...]}` to fail only some records.
    pub fn report_batch_item_failures(mut self, report: bool) -> Self {
        self.report_batch_item_failures = report;
        self
    }

    /// Streams: where a record of a batch Lambda gave up on goes (an SQS queue or SNS topic ARN).
    pub fn on_failure(mut self, destination_arn: impl Into<String>) -> Self {
        self.on_failure = Some(destination_arn.into());
        self
    }

    /// Adds an event filter, a pattern in JSON text: only the records some filter matches reach
    /// the function; the others are dropped (an SQS message is deleted). Lambda's filter rules
    /// are in AWS's "Lambda event filtering" (the invoker's `event_source_mapping::filter`
    /// module lists those it applies).
    ///
    /// ```
    /// use invoker::EventSourceMapping;
    /// let orders_only = EventSourceMapping::new("arn:aws:sqs:us-east-1:123456789012:orders", "ship")
    ///     .filter(r#"{"body": {"kind": ["order"], "total": [{"numeric": [">", 0]}]}}"#);
    /// ```
    pub fn filter(mut self, pattern: impl Into<String>) -> Self {
        self.filters.push(pattern.into());
        self
    }

    /// Whether the mapping polls (default true).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }
}

/// A mapping as Lambda keeps it, once created.
#[derive(Clone, Debug)]
pub(crate) struct Mapping {
    pub uuid: String,
    pub settings: EventSourceMapping,
    pub target: FunctionRef,
    /// The function's ARN as the events show it (`eventSourceARN`'s counterpart).
    pub function_arn: String,
    /// When it was created or last updated.
    pub last_modified: SystemTime,
    /// The settings' filters, parsed.
    pub filters: Filters,
}

/// How one synchronous invocation with a batch ended.
pub(crate) enum BatchOutcome {
    /// The function returned: its response, and its payload parsed (`Null` if empty or not
    /// JSON).
    Succeeded(InvokeResponse, Value),
    /// The function failed (error, panic, timeout).
    Failed(InvokeResponse, Diagnostic),
    /// No concurrency was left, or the function is gone: not an attempt, try again later.
    NotRun(ServiceError),
}

impl Lambda {
    /// Creates an event source mapping, like `aws lambda create-event-source-mapping`, and starts
    /// polling; returns the mapping's UUID.
    pub fn create_event_source_mapping(
        &self,
        settings: EventSourceMapping,
    ) -> Result<String, ServiceError> {
        let target = self
            .inner
            .platform
            .scope
            .parse(&settings.function_name, None)?;
        // Lambda weighs the source before the function, and names a missing function in its
        // own words for this call (both recorded).
        let source = settings.event_source_arn.as_str();
        let is_queue = source.starts_with("arn:aws:sqs:");
        let is_stream = source.starts_with("arn:aws:kinesis:")
            || (source.starts_with("arn:aws:dynamodb:") && source.contains("/stream/"));
        if !source.starts_with("arn:") {
            return Err(ServiceError::invalid_parameter_value(
                "Unrecognized event source.",
            ));
        }
        if !is_queue && !is_stream {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Unsupported event source type: {source}. The invoker maps SQS queues, Kinesis streams and DynamoDB streams."
            )));
        }
        if is_queue && settings.on_failure.is_some() {
            // The dead-letter queue of an SQS source is the queue's own redrive policy.
            return Err(ServiceError::invalid_parameter_value(
                "Unsupported DestinationConfig parameter for given event source mapping type.",
            ));
        }
        if !self.state().functions.contains_key(&target.name) {
            return Err(ServiceError::invalid_parameter_value(
                "Function does not exist",
            ));
        }
        self.check_target(&target)?;
        check_batching(&settings)?;
        let filters = Filters::parse(&settings.filters)?;
        let qualifier = target
            .qualifier
            .as_deref()
            .unwrap_or(crate::base::arn::LATEST);
        let function_arn = match &target.qualifier {
            Some(_) => self
                .inner
                .platform
                .scope
                .qualified_arn(&target.name, qualifier),
            None => self.inner.platform.scope.function_arn(&target.name),
        };
        let role = self
            .get_function_configuration(&settings.function_name)?
            .role
            .clone();
        check_poller_role(&role, &settings.event_source_arn)?;
        let uuid = self.inner.platform.ids().request_id();
        let mapping = Mapping {
            uuid: uuid.clone(),
            settings,
            target,
            function_arn,
            last_modified: self.inner.platform.clock.now(),
            filters,
        };
        match is_queue {
            true => queue::check(self, &mapping)?,
            false => stream::check(&mapping.settings)?,
        }
        self.refuse_duplicate(&mapping, is_queue)?;
        let running = match is_queue {
            true => queue::start(self, &mapping)?,
            false => stream::start(self, &mapping)?,
        };
        self.inner.platform.note(format!(
            "create-event-source-mapping {uuid}: {} -> {}",
            mapping.settings.event_source_arn, mapping.function_arn
        ));
        let pollers = self.pollers();
        let mut pollers = lock(&pollers);
        pollers.mappings.insert(uuid.clone(), mapping);
        pollers.running.insert(uuid.clone(), running);
        Ok(uuid)
    }

    /// Refuses a second mapping from the same source to the same function (with the same
    /// qualifier): two pollers would hand every record to the function twice. Lambda names the
    /// mapping to update or delete instead, in different words for a queue and for a stream.
    fn refuse_duplicate(&self, mapping: &Mapping, is_queue: bool) -> Result<(), ServiceError> {
        let source = &mapping.settings.event_source_arn;
        let pollers = self.pollers();
        let pollers = lock(&pollers);
        let Some(existing) = pollers.mappings.values().find(|existing| {
            existing.uuid != mapping.uuid
                && existing.settings.event_source_arn == *source
                && existing.function_arn == mapping.function_arn
        }) else {
            return Ok(());
        };
        let function = &mapping.target.name;
        let conflict = match is_queue {
            true => format!("An event source mapping with SQS arn (\" {source} \") and function (\" {function} \") already exists."),
            false => format!("The event source arn (\" {source} \") and function (\" {function} \") provided mapping already exists."),
        };
        Err(ServiceError::resource_conflict(format!(
            "{conflict} Please update or delete the existing mapping with UUID {}",
            existing.uuid
        )))
    }

    /// The UUIDs and sources of the mappings of a function, like
    /// `aws lambda list-event-source-mappings --function-name`.
    pub fn list_event_source_mappings(&self, function: &str) -> Vec<(String, String)> {
        lock(&self.pollers())
            .mappings
            .values()
            .filter(|m| m.settings.function_name == function || m.target.name == function)
            .map(|m| (m.uuid.clone(), m.settings.event_source_arn.clone()))
            .collect()
    }

    /// Invokes a mapping's function synchronously with one batch, as the mapping's poller does.
    /// `label` names the source in the transcript (`Kinesis clicks shard 0`, `SQS orders`);
    /// `chain` is the request chain the batch's records continue (see [`crate::lambda::trace`]): an SQS
    /// message's, or a new one for a stream record (Lambda does not follow chains through
    /// Kinesis or DynamoDB).
    pub(crate) async fn invoke_batch(
        &self,
        mapping: &Mapping,
        event: Event,
        label: String,
        chain: Lineage,
    ) -> BatchOutcome {
        let version = match self.resolve_version(&mapping.target) {
            Ok(version) => version,
            Err(gone) => return BatchOutcome::NotRun(gone),
        };
        let request = InvokeRequest::new(mapping.function_arn.clone());
        let request_id = self.inner.platform.ids().request_id();
        let run = Run {
            request: &request,
            target: &mapping.target,
            version,
            event,
            request_id,
            kind: label.into(),
            caused_by: chain,
        };
        match self.run(run).await {
            Ok((response, None)) => {
                let answer = response.payload_json().unwrap_or(Value::Null);
                BatchOutcome::Succeeded(response, answer)
            }
            Ok((response, Some(error))) => BatchOutcome::Failed(response, error),
            Err(throttled) => BatchOutcome::NotRun(throttled),
        }
    }
}

/// Checks a mapping's batch size and batching window against Lambda's limits, in AWS's words.
fn check_batching(settings: &EventSourceMapping) -> Result<(), ServiceError> {
    if let Some(size) = settings.batch_size {
        if !(1..=MAX_BATCH_SIZE).contains(&size) {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{size}' at 'batchSize' failed to satisfy constraint: Member must have value {}",
                if size == 0 { "greater than or equal to 1".to_owned() } else { format!("less than or equal to {MAX_BATCH_SIZE}") }
            )));
        }
    }
    if settings.maximum_batching_window > MAX_BATCHING_WINDOW {
        return Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{}' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300",
            settings.maximum_batching_window.as_secs()
        )));
    }
    Ok(())
}

/// Why Lambda cannot read a function's answer as a partial batch response.
pub(crate) enum UnreadableResponse {
    /// The answer is neither empty (nothing, `""`, `[]`) nor a JSON object.
    NotAnObject,
    /// `batchItemFailures` is there but is not a list.
    NotAList,
}

/// The `itemIdentifier`s of a partial batch response, `{"batchItemFailures": [{"itemIdentifier":
/// "<id>"}, …]}`, in the order the function listed them; `None` for an entry whose identifier is
/// missing, not a string or empty. No answer, an empty string, an empty list, no
/// `batchItemFailures` and an empty one name nothing: the whole batch succeeded (each recorded
/// by LocalStack on AWS for streams; the invoker applies the same rule to queues, for which AWS
/// documents the same list of successes). Only what an identifier names differs (a message id, a
/// sequence number), so each poller checks those itself.
pub(crate) fn reported_item_failures(
    response: &Value,
) -> Result<impl Iterator<Item = Option<&str>>, UnreadableResponse> {
    let failures: &[Value] = match response {
        Value::Null => &[],
        Value::String(text) if text.is_empty() => &[],
        Value::Array(list) if list.is_empty() => &[],
        Value::Object(fields) => match fields.get("batchItemFailures") {
            None | Some(Value::Null) => &[],
            Some(Value::Array(failures)) => failures,
            Some(_) => return Err(UnreadableResponse::NotAList),
        },
        _ => return Err(UnreadableResponse::NotAnObject),
    };
    Ok(failures.iter().map(|failure| {
        failure
            .get("itemIdentifier")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
    }))
}

/// Whether `role` lets Lambda poll `source` for the function, in Lambda's words if not. A source
/// of a kind the invoker does not map passes here and is refused later.
fn check_poller_role(role: &Role, source: &str) -> Result<(), ServiceError> {
    if source.starts_with("arn:aws:sqs:") {
        let missing = ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"]
            .into_iter()
            .find(|action| !role.allows(&format!("sqs:{action}"), source));
        return match missing {
            None => Ok(()),
            Some(action) => Err(ServiceError::invalid_parameter_value(format!(
                "The function execution role does not have permissions to call {action} on SQS"
            ))),
        };
    }
    let (service, actions, listed): (&str, [&str; 4], &str) =
        if source.starts_with("arn:aws:kinesis:") {
            (
                "kinesis",
                [
                    "GetRecords",
                    "GetShardIterator",
                    "DescribeStream",
                    "ListShards",
                ],
                // AWS's words name ListStreams too, which the managed policy allows.
                "GetRecords, GetShardIterator, DescribeStream, ListShards, and ListStreams",
            )
        } else if source.starts_with("arn:aws:dynamodb:") {
            (
                "dynamodb",
                [
                    "GetRecords",
                    "GetShardIterator",
                    "DescribeStream",
                    "ListStreams",
                ],
                "GetRecords, GetShardIterator, DescribeStream, and ListStreams",
            )
        } else {
            return Ok(());
        };
    if actions
        .iter()
        .all(|action| role.allows(&format!("{service}:{action}"), source))
    {
        return Ok(());
    }
    Err(ServiceError::invalid_parameter_value(format!(
        "Cannot access stream {source}. Please ensure the role can perform the {listed} Actions on your stream in IAM."
    )))
}

/// Mixed into the seed of the backoff jitter of stream mappings' throttled batches, so that one
/// kind of traffic does not shift the other's timing.
const STREAM_JITTER_STREAM: u64 = 0xbb67_ae85_84ca_a73b;

/// The pollers' own state, kept in the account's platform (Lambda's own state has no field for
/// it): every mapping by UUID, its running pollers, and the dice of the stream pollers' backoff
/// jitter.
pub(crate) struct Pollers {
    pub mappings: BTreeMap<String, Mapping>,
    pub running: BTreeMap<String, lifecycle::Running>,
    pub stream_jitter: IdGenerator,
}

impl Lambda {
    /// The pollers' state.
    pub(crate) fn pollers(&self) -> Arc<Mutex<Pollers>> {
        let platform = &self.inner.platform;
        platform.state_with(|| {
            Mutex::new(Pollers {
                mappings: BTreeMap::new(),
                running: BTreeMap::new(),
                stream_jitter: platform.dice(STREAM_JITTER_STREAM),
            })
        })
    }
}
