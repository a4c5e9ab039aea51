//! A mapping after it is made: `get-event-source-mapping`, `update-event-source-mapping` and
//! `delete-event-source-mapping`, by the mapping's UUID.
//!
//! - **Get** describes the mapping: its source, function, settings and state (`Enabled` or
//!   `Disabled`).
//! - **Update** changes the function, the batching (`BatchSize`,
//!   `MaximumBatchingWindowInSeconds`), whether the mapping is enabled, and for a stream its
//!   retries, record age, bisection, partial batch responses and on-failure destination. Lambda
//!   checks the new settings as it checks a new mapping, and the change applies from the next
//!   batch on. **Disabling** stops the polling: a queue's messages wait in the queue, a stream's
//!   records in the stream. Enabled again, the mapping goes on **where it stopped**: AWS's
//!   words are "you don't lose processing of any records" (a stream's record can still expire
//!   while it waits).
//! - **Delete** stops the pollers. A stream mapping made again starts at its starting position,
//!   not where the old one stopped.
//!
//! Lambda answers an update with the state `Updating` (`Enabling`, `Disabling` when that is the
//! change) and a deletion with `Deleting`, and takes a few seconds to get there; the invoker gets
//! there at once, so a `get` right after shows `Enabled`, `Disabled`, or no mapping. A UUID that
//! names no mapping is `ResourceNotFoundException` (404), in AWS's words (recorded).
//!
//! Simplified here: the starting position and the parallelization factor cannot be changed (AWS
//! allows the factor); an SQS batch in flight when its mapping is disabled or deleted finishes,
//! but a stream's invocation in flight when its mapping is deleted is abandoned.

use super::filter::Filters;
use super::StartingPosition;
use super::{check_batching, check_poller_role, queue, stream, EventSourceMapping, Mapping};
use crate::base::error::ServiceError;
use crate::base::platform::lock;
use crate::lambda::service::Lambda;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::{watch, Notify};
use tokio::task::AbortHandle;

/// What Lambda answers for a UUID that names no mapping (recorded).
const NO_SUCH_MAPPING: &str = "The resource you requested does not exist.";

/// A mapping's pollers while it exists, so that an update or a deletion can reach them.
pub(crate) struct Running {
    /// The poller's tasks: an SQS mapping's one poller, or a stream mapping's lanes.
    pub tasks: Vec<AbortHandle>,
    pub reading: Reading,
}

/// How a mapping's pollers are attached to their source.
pub(crate) enum Reading {
    /// The queue wakes the poller through this, while the mapping is enabled.
    Queue(Option<Arc<Notify>>),
    /// The stream's lanes take the mapping's settings from here, and wait while it is disabled.
    Stream(watch::Sender<Arc<Mapping>>),
}

impl Running {
    /// Stops the pollers and lets go of the source.
    fn stop(self, lambda: &Lambda, mapping: &Mapping) {
        for task in &self.tasks {
            task.abort();
        }
        match self.reading {
            Reading::Queue(Some(wake)) => {
                lambda
                    .sqs()
                    .detach(&mapping.settings.event_source_arn, &wake);
            }
            Reading::Queue(None) => {}
            Reading::Stream(_) => stream::forget(lambda, mapping),
        }
    }
}

/// Where a mapping is in its life, as Lambda reports it (`State`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappingState {
    /// Just made (the answer to a creation).
    Creating,
    /// Being enabled (the answer to an update that enables it).
    Enabling,
    /// Polling.
    Enabled,
    /// Being disabled (the answer to an update that disables it).
    Disabling,
    /// Not polling.
    Disabled,
    /// Taking other new settings (the answer to an update).
    Updating,
    /// Being deleted (the answer to a deletion).
    Deleting,
}

impl MappingState {
    /// The state's name in Lambda's API: `Enabled`, `Updating`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "Creating",
            Self::Enabling => "Enabling",
            Self::Enabled => "Enabled",
            Self::Disabling => "Disabling",
            Self::Disabled => "Disabled",
            Self::Updating => "Updating",
            Self::Deleting => "Deleting",
        }
    }
}

/// An event source mapping as Lambda describes it (`aws lambda get-event-source-mapping`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSourceMappingConfiguration {
    /// The mapping's identifier.
    pub uuid: String,
    /// `arn:aws:lambda:<region>:<account>:event-source-mapping:<uuid>`.
    pub event_source_mapping_arn: String,
    /// The queue or stream it reads.
    pub event_source_arn: String,
    /// The function it invokes, qualified if it was named with a version or alias.
    pub function_arn: String,
    /// Where it is in its life.
    pub state: MappingState,
    /// When it was created or last updated.
    pub last_modified: SystemTime,
    /// The most records in one invocation (the source's default if not set).
    pub batch_size: u32,
    /// How long the poller gathers records before it invokes with a batch that is not full.
    pub maximum_batching_window_secs: u64,
    /// Whether the function may answer `{"batchItemFailures": …}`.
    pub report_batch_item_failures: bool,
    /// The event filters' patterns, as given (a record matching none is not sent).
    pub filters: Vec<String>,
    /// A stream mapping's own settings; `None` for a queue.
    pub stream: Option<StreamSettings>,
}

/// The settings only a stream mapping has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSettings {
    /// Where it started reading.
    pub starting_position: StartingPosition,
    /// Whether a failed batch is split in two.
    pub bisect_batch_on_function_error: bool,
    /// Retries of a failed batch; `None` is AWS's −1, until the records expire.
    pub maximum_retry_attempts: Option<u32>,
    /// The age past which a record is not sent again; `None` is AWS's −1.
    pub maximum_record_age_secs: Option<u64>,
    /// Batches of one shard in flight at once.
    pub parallelization_factor: u32,
    /// The queue that hears of the batches Lambda gave up on.
    pub on_failure: Option<String>,
}

/// The changes of `aws lambda update-event-source-mapping`: only what is set changes.
///
/// ```
/// use invoker::EventSourceMappingUpdate;
/// let pause = EventSourceMappingUpdate::new().enabled(false);
/// let bigger_batches = EventSourceMappingUpdate::new().batch_size(50).maximum_batching_window_secs(5);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventSourceMappingUpdate {
    function_name: Option<String>,
    enabled: Option<bool>,
    batch_size: Option<u32>,
    maximum_batching_window: Option<Duration>,
    report_batch_item_failures: Option<bool>,
    bisect_batch_on_function_error: Option<bool>,
    maximum_retry_attempts: Option<Option<u32>>,
    maximum_record_age: Option<Option<Duration>>,
    on_failure: Option<Option<String>>,
    filters: Option<Vec<String>>,
}

impl EventSourceMappingUpdate {
    /// No change yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Another function (a name, `name:alias` or an ARN) receives the batches.
    pub fn function_name(mut self, function: impl Into<String>) -> Self {
        self.function_name = Some(function.into());
        self
    }

    /// Disables (stops polling) or enables (goes on where it stopped).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// The most records in one invocation (1–10,000).
    pub fn batch_size(mut self, size: u32) -> Self {
        self.batch_size = Some(size);
        self
    }

    /// How long to gather records before invoking with a batch that is not full (0–300 s).
    pub fn maximum_batching_window_secs(mut self, secs: u64) -> Self {
        self.maximum_batching_window = Some(Duration::from_secs(secs));
        self
    }

    /// Whether the function may answer `{"batchItemFailures": …}`.
    pub fn report_batch_item_failures(mut self, report: bool) -> Self {
        self.report_batch_item_failures = Some(report);
        self
    }

    /// Streams: whether a failed batch is split in two.
    pub fn bisect_batch_on_function_error(mut self, bisect: bool) -> Self {
        self.bisect_batch_on_function_error = Some(bisect);
        self
    }

    /// Streams: retries of a failed batch (`None`: until the records expire, AWS's −1).
    pub fn maximum_retry_attempts(mut self, retries: Option<u32>) -> Self {
        self.maximum_retry_attempts = Some(retries);
        self
    }

    /// Streams: the age past which a record is not sent again (`None`: AWS's −1).
    pub fn maximum_record_age_secs(mut self, secs: Option<u64>) -> Self {
        self.maximum_record_age = Some(secs.map(Duration::from_secs));
        self
    }

    /// Streams: where the batches Lambda gives up on are described (`None`: nowhere).
    pub fn on_failure(mut self, destination_arn: Option<String>) -> Self {
        self.on_failure = Some(destination_arn);
        self
    }

    /// The event filters' patterns, replacing the mapping's (an empty list removes them all), as
    /// `--filter-criteria` does.
    pub fn filters(mut self, patterns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.filters = Some(patterns.into_iter().map(Into::into).collect());
        self
    }

    /// The settings of a mapping with these changes made.
    fn apply(&self, settings: &EventSourceMapping) -> EventSourceMapping {
        let mut changed = settings.clone();
        if let Some(function) = &self.function_name {
            changed.function_name = function.clone();
        }
        if let Some(enabled) = self.enabled {
            changed.enabled = enabled;
        }
        if let Some(size) = self.batch_size {
            changed.batch_size = Some(size);
        }
        if let Some(window) = self.maximum_batching_window {
            changed.maximum_batching_window = window;
        }
        if let Some(report) = self.report_batch_item_failures {
            changed.report_batch_item_failures = report;
        }
        if let Some(bisect) = self.bisect_batch_on_function_error {
            changed.bisect_batch_on_function_error = bisect;
        }
        if let Some(retries) = self.maximum_retry_attempts {
            changed.maximum_retry_attempts = retries;
        }
        if let Some(age) = self.maximum_record_age {
            changed.maximum_record_age = age;
        }
        if let Some(destination) = &self.on_failure {
            changed.on_failure = destination.clone();
        }
        if let Some(patterns) = &self.filters {
            changed.filters = patterns.clone();
        }
        changed
    }
}

impl Lambda {
    /// Describes a mapping, like `aws lambda get-event-source-mapping --uuid`.
    pub fn get_event_source_mapping(
        &self,
        uuid: &str,
    ) -> Result<EventSourceMappingConfiguration, ServiceError> {
        let mapping = self.mapping_by_uuid(uuid)?;
        let state = match mapping.settings.enabled {
            true => MappingState::Enabled,
            false => MappingState::Disabled,
        };
        Ok(self.describe_mapping(&mapping, state))
    }

    /// Changes a mapping, like `aws lambda update-event-source-mapping --uuid`, and answers
    /// with its new description (state `Updating`, `Enabling` or `Disabling`).
    pub fn update_event_source_mapping(
        &self,
        uuid: &str,
        update: EventSourceMappingUpdate,
    ) -> Result<EventSourceMappingConfiguration, ServiceError> {
        let old = self.mapping_by_uuid(uuid)?;
        let settings = update.apply(&old.settings);
        let target = self
            .inner
            .platform
            .scope
            .parse(&settings.function_name, None)?;
        if !self.state().functions.contains_key(&target.name) {
            return Err(ServiceError::invalid_parameter_value(
                "Function does not exist",
            ));
        }
        self.check_target(&target)?;
        check_batching(&settings)?;
        let filters = Filters::parse(&settings.filters)?;
        let is_queue = settings.event_source_arn.starts_with("arn:aws:sqs:");
        let role = self
            .get_function_configuration(&settings.function_name)?
            .role
            .clone();
        check_poller_role(&role, &settings.event_source_arn)?;
        let mapping = Mapping {
            uuid: old.uuid.clone(),
            function_arn: self.inner.platform.scope.arn_of(&target),
            target,
            settings,
            last_modified: self.inner.platform.clock.now(),
            filters,
        };
        match is_queue {
            true => queue::check(self, &mapping)?,
            false => stream::check(&mapping.settings)?,
        }
        self.refuse_duplicate(&mapping, is_queue)?;
        self.restart_pollers(&old, &mapping)?;
        self.inner.platform.note(format!(
            "update-event-source-mapping {uuid}: {} -> {}, {}",
            mapping.settings.event_source_arn,
            mapping.function_arn,
            match mapping.settings.enabled {
                true => "enabled",
                false => "disabled",
            }
        ));
        lock(&self.pollers())
            .mappings
            .insert(uuid.to_owned(), mapping.clone());
        let state = match (old.settings.enabled, mapping.settings.enabled) {
            (false, true) => MappingState::Enabling,
            (true, false) => MappingState::Disabling,
            _ => MappingState::Updating,
        };
        Ok(self.describe_mapping(&mapping, state))
    }

    /// Deletes a mapping, like `aws lambda delete-event-source-mapping --uuid`: its pollers
    /// stop, and what it had yet to read is no longer work [`Lambda::settle`] waits for.
    /// Answers with its last description (state `Deleting`).
    pub fn delete_event_source_mapping(
        &self,
        uuid: &str,
    ) -> Result<EventSourceMappingConfiguration, ServiceError> {
        let (mapping, running) = {
            let pollers = self.pollers();
            let mut pollers = lock(&pollers);
            let mapping = pollers
                .mappings
                .remove(uuid)
                .ok_or_else(|| ServiceError::resource_not_found(NO_SUCH_MAPPING))?;
            (mapping, pollers.running.remove(uuid))
        };
        if let Some(running) = running {
            running.stop(self, &mapping);
        }
        self.inner.platform.note(format!(
            "delete-event-source-mapping {uuid}: {} -> {}",
            mapping.settings.event_source_arn, mapping.function_arn
        ));
        Ok(self.describe_mapping(&mapping, MappingState::Deleting))
    }

    /// The mapping with this UUID, or AWS's refusal.
    fn mapping_by_uuid(&self, uuid: &str) -> Result<Mapping, ServiceError> {
        lock(&self.pollers())
            .mappings
            .get(uuid)
            .cloned()
            .ok_or_else(|| ServiceError::resource_not_found(NO_SUCH_MAPPING))
    }

    /// Hands a changed mapping to its pollers. A queue's poller is started again (the queue
    /// keeps no place for it); a stream's lanes keep their place and take the new settings.
    fn restart_pollers(&self, old: &Mapping, new: &Mapping) -> Result<(), ServiceError> {
        let running = lock(&self.pollers()).running.remove(&old.uuid);
        let Some(running) = running else {
            return Ok(());
        };
        let running = match running.reading {
            Reading::Queue(_) => {
                running.stop(self, old);
                queue::start(self, new)?
            }
            Reading::Stream(ref live) => {
                if old.settings.enabled != new.settings.enabled {
                    stream::count_as_work(self, new, new.settings.enabled);
                }
                live.send_replace(Arc::new(new.clone()));
                running
            }
        };
        lock(&self.pollers())
            .running
            .insert(old.uuid.clone(), running);
        Ok(())
    }

    /// The description of a mapping, in `state`.
    fn describe_mapping(
        &self,
        mapping: &Mapping,
        state: MappingState,
    ) -> EventSourceMappingConfiguration {
        let settings = &mapping.settings;
        let scope = &self.inner.platform.scope;
        let is_queue = settings.event_source_arn.starts_with("arn:aws:sqs:");
        let default_batch_size = match is_queue {
            true => queue::DEFAULT_BATCH_SIZE,
            false => stream::DEFAULT_BATCH_SIZE,
        };
        let stream = settings
            .starting_position
            .filter(|_| !is_queue)
            .map(|starting_position| StreamSettings {
                starting_position,
                bisect_batch_on_function_error: settings.bisect_batch_on_function_error,
                maximum_retry_attempts: settings.maximum_retry_attempts,
                maximum_record_age_secs: settings.maximum_record_age.map(|age| age.as_secs()),
                parallelization_factor: settings.parallelization_factor,
                on_failure: settings.on_failure.clone(),
            });
        EventSourceMappingConfiguration {
            uuid: mapping.uuid.clone(),
            event_source_mapping_arn: format!(
                "arn:aws:lambda:{}:{}:event-source-mapping:{}",
                scope.region, scope.account_id, mapping.uuid
            ),
            event_source_arn: settings.event_source_arn.clone(),
            function_arn: mapping.function_arn.clone(),
            state,
            last_modified: mapping.last_modified,
            batch_size: settings.batch_size.unwrap_or(default_batch_size),
            maximum_batching_window_secs: settings.maximum_batching_window.as_secs(),
            report_batch_item_failures: settings.report_batch_item_failures,
            filters: settings.filters.clone(),
            stream,
        }
    }
}
