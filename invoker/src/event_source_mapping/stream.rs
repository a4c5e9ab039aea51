//! The Kinesis and DynamoDB Streams poller of an event source mapping.
//!
//! A stream is a set of shards, each an ordered log (see [`crate::services::shard`]). For every shard,
//! Lambda runs a poller that reads the shard's records in order, gathers them into batches (up to
//! `BatchSize`, 100 by default, or what arrived within `MaximumBatchingWindowInSeconds`), and
//! invokes the function synchronously with one batch at a time. It moves on to the next batch
//! only when the current one is done. That is what keeps the records of a shard in order, and it
//! is also why streams are unforgiving of errors:
//!
//! - **A failed batch is retried whole**, the same records in the same order, until it succeeds,
//!   `MaximumRetryAttempts` retries have failed, or its records are older than
//!   `MaximumRecordAgeInSeconds` or the stream's retention. The first two default to −1,
//!   unlimited, so by default **one bad record (a "poison pill") blocks its shard** until it
//!   expires, 24 hours later, while the other shards keep flowing.
//! - `BisectBatchOnFunctionError` splits a failed batch in two and tries the halves one after
//!   the other, again and again, until the bad record is alone in a batch of one. Splitting does
//!   not use up the retry quota.
//! - With `FunctionResponseTypes: ["ReportBatchItemFailures"]` the function can answer
//!   `{"batchItemFailures": [{"itemIdentifier": "<sequence number>"}]}`: Lambda *checkpoints*
//!   (counts as done) the records before the lowest failed one and retries from there. No answer,
//!   an empty one (`""`, `[]`, `{}`) or an empty list means success; an answer Lambda cannot read
//!   fails the whole batch.
//! - When Lambda **gives up** on a batch (`RetryAttemptsExhausted`, or `RecordAgeExceeded`), it
//!   sends a record describing the batch, not the records themselves, to the **on-failure
//!   destination** (an SQS queue, or an SNS topic that publishes it as its message), and moves
//!   on. An **S3 bucket** as the destination gets the record with the batch's event added as its
//!   `payload` ("For Amazon S3 destinations, Lambda also sends the entire invocation record along
//!   with the metadata": AWS Lambda Developer Guide, "Retain discarded batch records for a Kinesis
//!   Data Streams event source"), as an object whose key is
//!   `aws/lambda/<mapping UUID>/<shard id>/<YYYY/MM/DD>/<YYYY-MM-DDTHH.MM.SS>-<a random UUID>`,
//!   the date and time the record's `timestamp`'s (the layout LocalStack's recording on AWS
//!   checks). With no destination the records are skipped, and only the transcript remembers
//!   them.
//! - A **throttled** invocation (no concurrency left) is not an attempt: the poller waits (1 s,
//!   then doubling up to 5 minutes, with jitter) and tries again, until the records expire.
//!
//! With event filters ([`super::filter`]), a record that no filter lets through is passed over as
//! it is read: it never reaches the function, and it does not take a place in a batch.
//!
//! `ParallelizationFactor` (1–10) runs that many pollers per shard, each with one batch in
//! flight. A partition key always goes to the same one, so records with the same key stay in
//! order. A stream mapping's concurrency is therefore its shards × the factor, whatever the
//! traffic.
//!
//! Lambda does not document how long it waits before it retries a failed batch. The invoker waits
//! 1 s before the first retry and doubles the wait up to 1 minute ([`FIRST_RETRY_DELAY`],
//! [`MAX_RETRY_DELAY`]): soon enough to show a blocked shard being retried, and a shard blocked
//! for a day costs about 1,450 invocations, not the 86,400 of a retry every second.
//!
//! Simplified here: records are delivered at least once, as on AWS, but a batch is never
//! delivered twice without a failure in between; a batch is not cut at Lambda's 6 MB payload
//! limit; a function response that is not JSON counts as an empty one; tumbling windows and
//! `AT_TIMESTAMP` are not simulated.

use super::filter::filterable;
use super::lifecycle::{Reading, Running};
use super::{reported_item_failures, BatchOutcome, Mapping, StartingPosition, UnreadableResponse};
use crate::base::clock;
use crate::base::error::ServiceError;
use crate::base::platform::lock;
use crate::base::transcript::count;
use crate::lambda::concurrency::throttle_backoff;
use crate::lambda::execution::Event;
use crate::lambda::invoke::InvokeResponse;
use crate::lambda::service::Lambda;
use crate::lambda::trace::Lineage;
use crate::services::dynamodb::{self, DynamoDb};
use crate::services::kinesis::{self, Kinesis};
use crate::services::shard::{hash_key, Record, RecordBody, RecordCounts, Stream, StreamKind};
use base64::Engine;
use serde_json::{json, Value};
use std::cell::OnceCell;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

/// The batch size of a stream mapping that does not set one.
pub(crate) const DEFAULT_BATCH_SIZE: u32 = 100;
/// The most pollers per shard.
pub(crate) const MAX_PARALLELIZATION_FACTOR: u32 = 10;
/// The most retries a mapping may ask for (the default, −1, means no limit).
pub(crate) const MAX_RETRY_ATTEMPTS: u32 = 10_000;
/// The shortest `MaximumRecordAgeInSeconds`.
pub(crate) const MIN_RECORD_AGE: Duration = Duration::from_secs(60);
/// The longest `MaximumRecordAgeInSeconds`: a week.
pub(crate) const MAX_RECORD_AGE: Duration = Duration::from_secs(604_800);
/// The invoker's wait before the first retry of a failed batch (AWS does not document it).
pub(crate) const FIRST_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The invoker's longest wait between two retries of a failed batch.
pub(crate) const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

impl Lambda {
    /// What became of the records a stream mapping (by its UUID) has read so far, or `None` if
    /// it is not a stream mapping. (On AWS, the mapping's CloudWatch metrics tell the same.)
    pub fn stream_record_counts(&self, mapping_uuid: &str) -> Option<RecordCounts> {
        let source = lock(&self.pollers())
            .mappings
            .get(mapping_uuid)?
            .settings
            .event_source_arn
            .clone();
        StreamSource::of(self, &source)
            .with_stream(&source, |stream| stream.progress.get(mapping_uuid).copied())?
    }
}

/// The service a stream belongs to, as its pollers read it: the stream is the service's, and the
/// poller reads it as Lambda reads it on AWS, through the service (`GetRecords`). Made once per
/// mapping, not for every read.
#[derive(Clone)]
enum StreamSource {
    Kinesis(Kinesis),
    DynamoDb(DynamoDb),
}

impl StreamSource {
    /// The service of the stream with this ARN.
    fn of(lambda: &Lambda, arn: &str) -> Self {
        match arn.starts_with("arn:aws:kinesis:") {
            true => Self::Kinesis(lambda.kinesis()),
            false => Self::DynamoDb(lambda.dynamodb()),
        }
    }

    /// Runs `read` on the stream with this ARN; `None` if there is none.
    fn with_stream<R>(&self, arn: &str, read: impl FnOnce(&mut Stream) -> R) -> Option<R> {
        match self {
            Self::Kinesis(kinesis) => kinesis.with_stream(arn, read),
            Self::DynamoDb(dynamodb) => dynamodb.with_stream(arn, read),
        }
    }
}

/// How an S3 bucket's ARN begins: `arn:aws:s3:::<bucket>`.
const S3_BUCKET_ARN_PREFIX: &str = "arn:aws:s3:::";

/// Checks a stream mapping's settings: Lambda's refusals, in AWS's words. (A stream that does
/// not exist is found out when the mapping starts.)
pub(crate) fn check(settings: &super::EventSourceMapping) -> Result<(), ServiceError> {
    validate(settings)?;
    if settings.starting_position.is_none() {
        return Err(ServiceError::invalid_parameter_value(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
        ));
    }
    if let Some(destination) = &settings.on_failure {
        let simulated = ["arn:aws:sqs:", "arn:aws:sns:", S3_BUCKET_ARN_PREFIX];
        if !simulated
            .iter()
            .any(|prefix| destination.starts_with(prefix))
        {
            return Err(ServiceError::invalid_parameter_value(format!(
                "The invoker sends the records of failed stream batches to SQS queues, SNS topics and S3 buckets only; {destination} is not simulated yet."
            )));
        }
    }
    Ok(())
}

/// Starts a checked stream mapping (see [`check`]): one poller per shard and lane; refuses a
/// stream that does not exist. The lanes of a disabled mapping wait before their first batch
/// (see [`Lane::wait_while_disabled`]), and its records are not work [`Lambda::settle`] waits
/// for until it is enabled.
pub(crate) fn start(lambda: &Lambda, mapping: &Mapping) -> Result<Running, ServiceError> {
    let settings = &mapping.settings;
    let position = settings
        .starting_position
        .expect("a checked stream mapping has a starting position");
    let arn = &settings.event_source_arn;
    let source = StreamSource::of(lambda, arn);
    let (live, watched) = watch::channel(Arc::new(mapping.clone()));
    let lanes = source
        .with_stream(arn, |stream| {
            let mut lanes = Vec::new();
            let mut pending = 0;
            stream.readers.push(mapping.uuid.clone());
            if !settings.enabled {
                stream.disabled.insert(mapping.uuid.clone());
            }
            let shared = Arc::new(mapping.clone());
            let lane_count = settings.parallelization_factor;
            let kind = match stream.kind {
                StreamKind::Kinesis => "Kinesis",
                StreamKind::DynamoDb => "DynamoDB Streams",
            };
            for (index, shard) in stream.shards.iter().enumerate() {
                let cursor = match position {
                    StartingPosition::TrimHorizon => shard.trim_horizon(stream.retention),
                    StartingPosition::Latest => shard.records.len(),
                };
                pending += shard.records.len() - cursor;
                let name = format!("{kind} {} {}", stream.name, shard.id);
                lanes.extend((0..lane_count).map(|lane| Lane {
                    lambda: lambda.clone(),
                    source: source.clone(),
                    mapping: Arc::clone(&shared),
                    live: watched.clone(),
                    kind: stream.kind,
                    retention: stream.retention,
                    shard: index,
                    shard_id: shard.id.clone(),
                    arrivals: Arc::clone(&shard.arrivals),
                    name: match lane_count {
                        1 => name.clone(),
                        _ => format!("{name} lane {}", lane + 1),
                    },
                    lane,
                    cursor,
                    buffer: Vec::new(),
                    throttles: 0,
                }));
            }
            let counts = RecordCounts {
                pending: pending as u64,
                ..RecordCounts::default()
            };
            stream.progress.insert(mapping.uuid.clone(), counts);
            // Counted while the stream is locked: no poller can finish a record before it is counted.
            if settings.enabled {
                lambda.inner.platform.work_started(pending);
            }
            lanes
        })
        .ok_or_else(|| ServiceError::invalid_parameter_value(format!("Stream not found: {arn}")))?;
    let tasks = lanes
        .into_iter()
        .map(|lane| tokio::spawn(lane.run()).abort_handle())
        .collect();
    Ok(Running {
        tasks,
        reading: Reading::Stream(live),
    })
}

/// Turns a stream mapping on or off for [`Lambda::settle`]: the records of a disabled mapping
/// are not work it waits for; those it has yet to process count again once it is enabled. The
/// lanes learn of the change from the new settings they are sent (see [`Lane::wait_while_disabled`]).
pub(crate) fn count_as_work(lambda: &Lambda, mapping: &Mapping, enabled: bool) {
    let arn = &mapping.settings.event_source_arn;
    let platform = &lambda.inner.platform;
    StreamSource::of(lambda, arn).with_stream(arn, |stream| {
        let pending = stream
            .progress
            .get(&mapping.uuid)
            .map_or(0, |counts| counts.pending as usize);
        let was_disabled = stream.disabled.contains(&mapping.uuid);
        match (was_disabled, enabled) {
            (true, true) => {
                stream.disabled.remove(&mapping.uuid);
                platform.work_started(pending);
            }
            (false, false) => {
                stream.disabled.insert(mapping.uuid.clone());
                platform.work_finished(pending);
            }
            _ => {}
        }
    });
}

/// Stops reading for a deleted mapping: its lanes are aborted (by the caller), and the records
/// it had yet to process are no longer work [`Lambda::settle`] waits for.
pub(crate) fn forget(lambda: &Lambda, mapping: &Mapping) {
    let arn = &mapping.settings.event_source_arn;
    let platform = &lambda.inner.platform;
    StreamSource::of(lambda, arn).with_stream(arn, |stream| {
        stream.readers.retain(|reader| *reader != mapping.uuid);
        let was_disabled = stream.disabled.remove(&mapping.uuid);
        let pending = stream
            .progress
            .remove(&mapping.uuid)
            .map_or(0, |counts| counts.pending as usize);
        if !was_disabled {
            platform.work_finished(pending);
        }
    });
}

/// Checks the stream-only settings against Lambda's limits; every violation is reported, in
/// AWS's words.
fn validate(settings: &super::EventSourceMapping) -> Result<(), ServiceError> {
    let mut violations = Vec::new();
    let mut check = |field: &str, value: u64, ok: bool, bound: String| {
        if !ok {
            violations.push(format!(
                "Value '{value}' at '{field}' failed to satisfy constraint: Member must have value {bound}"
            ));
        }
    };
    let factor = settings.parallelization_factor;
    check(
        "parallelizationFactor",
        factor.into(),
        factor >= 1,
        "greater than or equal to 1".into(),
    );
    check(
        "parallelizationFactor",
        factor.into(),
        factor <= MAX_PARALLELIZATION_FACTOR,
        format!("less than or equal to {MAX_PARALLELIZATION_FACTOR}"),
    );
    if let Some(retries) = settings.maximum_retry_attempts {
        check(
            "maximumRetryAttempts",
            retries.into(),
            retries <= MAX_RETRY_ATTEMPTS,
            format!("less than or equal to {MAX_RETRY_ATTEMPTS}"),
        );
    }
    if let Some(age) = settings.maximum_record_age {
        let secs = age.as_secs();
        check(
            "maximumRecordAgeInSeconds",
            secs,
            age >= MIN_RECORD_AGE,
            format!("greater than or equal to {}", MIN_RECORD_AGE.as_secs()),
        );
        check(
            "maximumRecordAgeInSeconds",
            secs,
            age <= MAX_RECORD_AGE,
            format!("less than or equal to {}", MAX_RECORD_AGE.as_secs()),
        );
    }
    ServiceError::check_all(&violations)
}

/// One poller: it reads the records of one shard that belong to its lane (all of them, with a
/// parallelization factor of 1) and has at most one batch in flight.
struct Lane {
    lambda: Lambda,
    /// The service whose stream this lane reads.
    source: StreamSource,
    /// The mapping's settings as this lane's current batch started.
    mapping: Arc<Mapping>,
    /// The mapping's settings as they are now: an update or a disable reaches the lane here.
    live: watch::Receiver<Arc<Mapping>>,
    kind: StreamKind,
    retention: Duration,
    shard: usize,
    shard_id: String,
    arrivals: Arc<Notify>,
    /// `Kinesis clicks shardId-000000000000`: how the transcript names this poller.
    name: String,
    lane: u32,
    /// The position in the shard of the next record to look at.
    cursor: usize,
    /// Records read and not yet batched.
    buffer: Vec<Arc<Record>>,
    /// Throttles in a row, for the backoff.
    throttles: u32,
}

/// The failure record's `condition` when a batch failed `MaximumRetryAttempts` retries.
const RETRIES_EXHAUSTED: &str = "RetryAttemptsExhausted";
/// The failure record's `condition` when records grew older than `MaximumRecordAgeInSeconds`.
const RECORD_AGE_EXCEEDED: &str = "RecordAgeExceeded";

/// A batch of consecutive records of one lane, and what happened to it so far.
struct Batch {
    records: Vec<Arc<Record>>,
    /// Invocations with exactly these records (`approximateInvokeCount`).
    invocations: u32,
    /// Failed invocations, counted against `MaximumRetryAttempts`.
    failures: u32,
    /// The response of the last invocation with these records, a function error or an answer
    /// that failed them, for the failure record.
    last_response: Option<InvokeResponse>,
}

impl Batch {
    fn new(records: Vec<Arc<Record>>) -> Self {
        Self {
            records,
            invocations: 0,
            failures: 0,
            last_response: None,
        }
    }
}

/// How one try at a batch ended.
enum Attempt {
    /// The function succeeded with every record.
    Processed,
    /// The function failed the batch, for `reason`. The records before `checkpoint` were
    /// processed (a partial failure); `bisectable` says it was a function error, which bisection
    /// applies to.
    Failed {
        reason: String,
        checkpoint: usize,
        bisectable: bool,
    },
    /// The function did not run (throttled, or gone): not an attempt.
    NotRun(ServiceError),
}

impl Lane {
    async fn run(mut self) {
        loop {
            // An update applies from the next batch on.
            self.mapping = Arc::clone(&self.live.borrow());
            let records = self.next_batch().await;
            self.process(Batch::new(records)).await;
        }
    }

    fn batch_size(&self) -> usize {
        self.mapping
            .settings
            .batch_size
            .unwrap_or(DEFAULT_BATCH_SIZE) as usize
    }

    /// Waits for the next batch: as soon as records are there, or, with a batching window, when
    /// the batch is full or the window has passed since the first record was seen.
    async fn next_batch(&mut self) -> Vec<Arc<Record>> {
        let mut window_closes = None;
        loop {
            // Listen before looking, so that a record arriving in between still wakes us.
            let arrivals = Arc::clone(&self.arrivals);
            let arrived = arrivals.notified();
            self.read();
            if self.buffer.len() >= self.batch_size() {
                return self.take_buffer();
            }
            if self.buffer.is_empty() {
                arrived.await;
                continue;
            }
            let closes = *window_closes.get_or_insert_with(|| {
                Instant::now() + self.mapping.settings.maximum_batching_window
            });
            if Instant::now() >= closes {
                return self.take_buffer();
            }
            tokio::select! {
                _ = arrived => {}
                _ = tokio::time::sleep_until(closes) => {}
            }
        }
    }

    /// The records read so far, as a batch. The buffer starts again with room for a whole batch,
    /// so that reading the next one does not grow it step by step.
    fn take_buffer(&mut self) -> Vec<Arc<Record>> {
        let room = Vec::with_capacity(self.batch_size());
        std::mem::replace(&mut self.buffer, room)
    }

    /// Moves this lane's next records from the shard into the buffer, up to a batch, passing over
    /// those the mapping's filters do not let through.
    fn read(&mut self) {
        loop {
            let start = self.buffer.len();
            self.read_lane();
            if self.mapping.filters.is_empty() || self.buffer.len() == start {
                return;
            }
            // Records were passed over: there may be room for more.
            if self.drop_filtered_out(start) == 0 {
                return;
            }
        }
    }

    /// Removes from the buffer the records read at `start` and after that no filter lets
    /// through, and counts them as filtered out; returns how many there were.
    fn drop_filtered_out(&mut self, start: usize) -> usize {
        let read = self.buffer.split_off(start);
        let (passed, dropped): (Vec<_>, Vec<_>) = read.into_iter().partition(|record| {
            self.mapping
                .filters
                .let_through(&self.as_filters_see_it(record))
        });
        self.buffer.extend(passed);
        let n = dropped.len();
        if n > 0 {
            let note = format!("{}: {} filtered out", self.name, records(n));
            self.finish(n, Finished::FilteredOut, Some(note));
        }
        n
    }

    /// A record as the mapping's filters see it: a Kinesis record as its `data`, decoded (the only
    /// key Lambda filters Kinesis records on); a DynamoDB record as the function receives it.
    fn as_filters_see_it(&self, record: &Record) -> Value {
        match &record.body {
            RecordBody::Kinesis { data } => {
                let base64 = base64::engine::general_purpose::STANDARD.encode(data);
                filterable(json!({ "data": base64 }), &["data"], data)
            }
            RecordBody::DynamoDb {
                event_id,
                event_name,
                change,
            } => {
                let platform = &self.lambda.inner.platform;
                dynamodb::event_record(
                    &platform.scope,
                    &platform.clock,
                    &self.mapping.settings.event_source_arn,
                    record,
                    event_id,
                    event_name,
                    change,
                )
            }
        }
    }

    /// Moves this lane's next records from the shard into the buffer, up to a batch.
    fn read_lane(&mut self) {
        let lanes = u128::from(self.mapping.settings.parallelization_factor);
        let size = self.batch_size();
        let arn = &self.mapping.settings.event_source_arn;
        self.source.with_stream(arn, |stream| {
            let records = &stream.shards[self.shard].records;
            while self.buffer.len() < size && self.cursor < records.len() {
                let record = &records[self.cursor];
                self.cursor += 1;
                // The same partition key always hashes to the same lane: its records stay in
                // order.
                let lane = match lanes {
                    1 => 0,
                    _ => hash_key(&record.partition_key) % lanes,
                };
                if lane == u128::from(self.lane) {
                    self.buffer.push(Arc::clone(record));
                }
            }
        });
    }

    /// Tries a batch until it is processed, given up on or expired: with bisection, the halves
    /// are tried in order, before the records after them.
    async fn process(&mut self, batch: Batch) {
        let settings = &self.mapping.settings;
        let (bisect, max_retries) = (
            settings.bisect_batch_on_function_error,
            settings.maximum_retry_attempts,
        );
        let mut batches = VecDeque::from([batch]);
        while let Some(mut batch) = batches.pop_front() {
            loop {
                self.wait_while_disabled().await;
                self.drop_expired(&mut batch).await;
                if batch.records.is_empty() {
                    break;
                }
                let (reason, checkpoint, bisectable) = match self.invoke(&mut batch).await {
                    Attempt::Processed => {
                        self.finish(batch.records.len(), Finished::Processed, None);
                        break;
                    }
                    Attempt::NotRun(error) => {
                        self.wait_after_throttle(&batch, error).await;
                        continue;
                    }
                    Attempt::Failed {
                        reason,
                        checkpoint,
                        bisectable,
                    } => (reason, checkpoint, bisectable),
                };
                batch.failures += 1;
                let failed = format!(
                    "{}: the batch of {} failed (invocation {}: {reason})",
                    self.name,
                    records(batch.records.len()),
                    batch.invocations
                );
                if checkpoint > 0 {
                    let done: Vec<_> = batch.records.drain(..checkpoint).collect();
                    let note = format!(
                        "{failed}; checkpoint after {} processed (sequence number {})",
                        records(done.len()),
                        done[done.len() - 1].sequence_number
                    );
                    self.finish(done.len(), Finished::Processed, Some(note));
                }
                if bisect && bisectable && batch.records.len() > 1 {
                    let second = batch.records.split_off(batch.records.len() / 2);
                    self.lambda.note(format!(
                        "{failed}; bisecting it into {} + {}",
                        batch.records.len(),
                        second.len()
                    ));
                    batches.push_front(Batch::new(second));
                    batches.push_front(Batch::new(batch.records));
                    break;
                }
                if max_retries.is_some_and(|max| batch.failures > max) {
                    self.give_up(batch, RETRIES_EXHAUSTED).await;
                    break;
                }
                let delay = retry_delay(batch.failures);
                let it = match batch.records.len() {
                    1 => "it",
                    _ => "it whole",
                };
                self.lambda.note(match checkpoint {
                    0 => format!("{failed}; retrying {it} in {} s", delay.as_secs()),
                    _ => format!(
                        "{}: retrying the {} from sequence number {} in {} s",
                        self.name,
                        records(batch.records.len()),
                        batch.records[0].sequence_number,
                        delay.as_secs()
                    ),
                });
                self.sleep_at_most_until_expiry(&batch, delay).await;
            }
        }
    }

    /// Waits while the mapping is disabled: the lane keeps its place in the shard and its batch,
    /// so that, enabled again, it goes on where it stopped (AWS: "you don't lose processing of
    /// any records"). Takes the mapping's current settings.
    async fn wait_while_disabled(&mut self) {
        if self
            .live
            .wait_for(|mapping| mapping.settings.enabled)
            .await
            .is_err()
        {
            // The mapping was deleted, and its lanes are being aborted.
            std::future::pending::<()>().await;
        }
        self.mapping = Arc::clone(&self.live.borrow());
    }

    /// Invokes the function with a batch.
    async fn invoke(&mut self, batch: &mut Batch) -> Attempt {
        let event = self.event(&batch.records);
        let label = format!("{}, {}", self.name, records(batch.records.len()));
        // Lambda's loop detection does not follow streams, so each batch starts a new chain.
        let chain = Lineage::default();
        let outcome = self
            .lambda
            .invoke_batch(&self.mapping, event, label, chain)
            .await;
        if !matches!(outcome, BatchOutcome::NotRun(_)) {
            self.throttles = 0;
            batch.invocations += 1;
        }
        match outcome {
            BatchOutcome::NotRun(error) => Attempt::NotRun(error),
            BatchOutcome::Failed(response, error) => {
                batch.last_response = Some(response);
                Attempt::Failed {
                    reason: error.error_type,
                    checkpoint: 0,
                    bisectable: true,
                }
            }
            BatchOutcome::Succeeded(response, answer) => {
                if !self.mapping.settings.report_batch_item_failures {
                    return Attempt::Processed;
                }
                batch.last_response = Some(response);
                match first_reported_failure(&answer, &batch.records) {
                    Ok(None) => Attempt::Processed,
                    Ok(Some(first)) => Attempt::Failed {
                        reason: format!(
                            "batchItemFailures from sequence number {}",
                            batch.records[first].sequence_number
                        ),
                        checkpoint: first,
                        bisectable: false,
                    },
                    Err(why) => Attempt::Failed {
                        reason: format!("unreadable batchItemFailures response, {why}"),
                        checkpoint: 0,
                        bisectable: false,
                    },
                }
            }
        }
    }

    /// The event of a batch: `{"Records": [...]}` in the source's shape. It is made just before
    /// the handler is called (see [`Event::Deferred`]), from what is taken here.
    fn event(&self, batch: &[Arc<Record>]) -> Event {
        let scope = self.lambda.inner.platform.scope.clone();
        let clock = self.lambda.inner.platform.clock;
        let stream_arn = self.mapping.settings.event_source_arn.clone();
        let shard_id = self.shard_id.clone();
        let role_arn = self
            .lambda
            .get_function_configuration(&self.mapping.settings.function_name)
            .map(|config| config.role.arn(&scope.account_id))
            .unwrap_or_default();
        let batch = batch.to_vec();
        Event::Deferred(Box::new(move || {
            // Made at the first Kinesis record (a DynamoDB stream has none).
            let shared = OnceCell::new();
            let records: Vec<Value> = batch
                .iter()
                .map(|record| match &record.body {
                    RecordBody::Kinesis { data } => {
                        let shared = shared
                            .get_or_init(|| kinesis::shared_fields(&scope, &stream_arn, &role_arn));
                        kinesis::event_record(shared, &clock, &shard_id, record, data)
                    }
                    RecordBody::DynamoDb {
                        event_id,
                        event_name,
                        change,
                    } => dynamodb::event_record(
                        &scope,
                        &clock,
                        &stream_arn,
                        record,
                        event_id,
                        event_name,
                        change,
                    ),
                })
                .collect();
            // (Not `json!`, which would copy the records once more.)
            let mut event = serde_json::Map::new();
            event.insert("Records".into(), Value::Array(records));
            Value::Object(event)
        }))
    }

    /// Removes from the front of the batch the records that are gone (past the stream's
    /// retention) and gives up on those older than `MaximumRecordAgeInSeconds`.
    async fn drop_expired(&self, batch: &mut Batch) {
        let gone = batch.records.partition_point(|r| r.age() >= self.retention);
        if gone > 0 {
            batch.records.drain(..gone);
            let note = format!(
                "{}: {} expired (older than the stream's {} h retention) before they were processed; dropped",
                self.name,
                records(gone),
                self.retention.as_secs() / 3600
            );
            self.finish(gone, Finished::Expired, Some(note));
        }
        let Some(max_age) = self.mapping.settings.maximum_record_age else {
            return;
        };
        let too_old = batch.records.partition_point(|r| r.age() >= max_age);
        if too_old > 0 {
            let rest = batch.records.split_off(too_old);
            let old = Batch {
                records: std::mem::replace(&mut batch.records, rest),
                invocations: batch.invocations,
                failures: batch.failures,
                last_response: batch.last_response.clone(),
            };
            self.give_up(old, RECORD_AGE_EXCEEDED).await;
        }
    }

    /// Lambda gives up on a batch: a record describing it goes to the on-failure destination,
    /// if there is one, and the poller moves on.
    async fn give_up(&self, batch: Batch, condition: &'static str) {
        let n = batch.records.len();
        let summary = format!(
            "{}: gave up on {} after {} ({condition})",
            self.name,
            records(n),
            count(batch.invocations as usize, "invocation")
        );
        let (finished, note) = match &self.mapping.settings.on_failure {
            None => (
                Finished::Discarded,
                format!("{summary}; skipped: no on-failure destination"),
            ),
            Some(destination) => {
                match self
                    .send_failure_record(destination, &batch, condition)
                    .await
                {
                    Ok(_) => (
                        Finished::SentToDestination,
                        format!("{summary}; batch info sent to {destination}"),
                    ),
                    Err(refused) => (
                        Finished::Discarded,
                        format!("{summary}; {destination} refused it ({refused}), skipped"),
                    ),
                }
            }
        };
        self.finish(n, finished, Some(note));
    }

    /// Sends the record of a batch given up on to the on-failure destination: an SNS topic
    /// publishes it, a queue takes it as a message, and an S3 bucket stores it, with the batch's
    /// event as its `payload`, as an object.
    async fn send_failure_record(
        &self,
        destination: &str,
        batch: &Batch,
        condition: &str,
    ) -> Result<(), ServiceError> {
        let mut record = self.failure_record(batch, condition);
        if let Some(bucket) = destination.strip_prefix(S3_BUCKET_ARN_PREFIX) {
            record["payload"] = self.event(&batch.records).into_value();
            let key = self.failure_object_key(record["timestamp"].as_str().unwrap_or_default());
            let s3 = self.lambda.s3();
            return s3
                .put_object(bucket, &key, record.to_string())
                .await
                .map(drop);
        }
        let record = record.to_string();
        match destination.starts_with("arn:aws:sns:") {
            true => self
                .lambda
                .sns()
                .publish(destination, record, None)
                .await
                .map(drop),
            false => (self.lambda.sqs())
                .send_message(destination, record, BTreeMap::new())
                .map(drop),
        }
    }

    /// The key of the object a failure record is stored as in an S3 bucket, from the record's
    /// `timestamp` (`2025-01-01T00:03:00.020Z`):
    /// `aws/lambda/<mapping UUID>/<shard id>/2025/01/01/2025-01-01T00.03.00-<a random UUID>`.
    fn failure_object_key(&self, timestamp: &str) -> String {
        let (date, time) = timestamp.split_once('T').unwrap_or((timestamp, ""));
        let seconds = time.get(..8).unwrap_or(time);
        format!(
            "aws/lambda/{}/{}/{}/{date}T{}-{}",
            self.mapping.uuid,
            self.shard_id,
            date.replace('-', "/"),
            seconds.replace(':', "."),
            self.lambda.inner.platform.ids().request_id()
        )
    }

    /// The record the on-failure destination receives: where the batch is in the stream, not the
    /// records themselves (they can be read from the stream until they expire).
    fn failure_record(&self, batch: &Batch, condition: &str) -> Value {
        let clock = &self.lambda.inner.platform.clock;
        let (first, last) = (&batch.records[0], &batch.records[batch.records.len() - 1]);
        // Kinesis gives arrival times to the millisecond, DynamoDB to the second.
        let (info, arrival): (&str, fn(std::time::SystemTime) -> String) = match self.kind {
            StreamKind::Kinesis => ("KinesisBatchInfo", clock::rfc3339_millis),
            StreamKind::DynamoDb => ("DDBStreamBatchInfo", rfc3339_seconds),
        };
        // Records found too old are counted as one attempt more than their invocations: the
        // attempt that found them so. A record too old when it is first read is reported as
        // invoked once, though the function never saw it (recorded by LocalStack on AWS).
        let attempts = match condition {
            RECORD_AGE_EXCEEDED => batch.invocations + 1,
            _ => batch.invocations,
        };
        let request_id = match &batch.last_response {
            Some(response) => response.request_id.clone(),
            None => self.lambda.inner.platform.ids().request_id(),
        };
        let mut record = json!({
            "requestContext": {
                "requestId": request_id,
                "functionArn": self.mapping.function_arn,
                "condition": condition,
                "approximateInvokeCount": attempts,
            },
            "version": "1.0",
            "timestamp": clock::rfc3339_millis(clock.now()),
            info: {
                "shardId": self.shard_id,
                "startSequenceNumber": first.sequence_number,
                "endSequenceNumber": last.sequence_number,
                "approximateArrivalOfFirstRecord": arrival(clock.wall_time(first.arrived)),
                "approximateArrivalOfLastRecord": arrival(clock.wall_time(last.arrived)),
                "batchSize": batch.records.len(),
                "streamArn": self.mapping.settings.event_source_arn,
            },
        });
        // The last response is told only when the retries ran out: a record that grew too
        // old has none, however often it was tried (recorded by LocalStack on AWS).
        let told_response = batch
            .last_response
            .as_ref()
            .filter(|_| condition == RETRIES_EXHAUSTED);
        if let Some(response) = told_response {
            record["responseContext"] = json!({
                "statusCode": response.status_code,
                "executedVersion": response.executed_version,
                "functionError": response.function_error,
            });
        }
        record
    }

    /// A throttled batch waits, 1 s and then twice as long each time in a row (with jitter), and
    /// is tried again: a throttle is not a failed attempt.
    async fn wait_after_throttle(&mut self, batch: &Batch, error: ServiceError) {
        let jitter = lock(&self.lambda.pollers()).stream_jitter.unit();
        let wait = throttle_backoff(self.throttles, jitter);
        self.throttles += 1;
        self.lambda.note(format!(
            "{}: not invoked ({}), trying the batch again in {} ms",
            self.name,
            error.cause(),
            wait.as_millis()
        ));
        self.sleep_at_most_until_expiry(batch, wait).await;
    }

    /// Sleeps for `wait`, or less if the batch's oldest record expires sooner: then the batch is
    /// dealt with on time, and a blocked shard never waits past its records' end.
    async fn sleep_at_most_until_expiry(&self, batch: &Batch, wait: Duration) {
        let limit = match self.mapping.settings.maximum_record_age {
            Some(age) => age.min(self.retention),
            None => self.retention,
        };
        let expires = batch.records[0].arrived + limit;
        tokio::time::sleep_until(expires.min(Instant::now() + wait)).await;
    }

    /// Records that `n` records are finished, how, with a transcript line, and that the service
    /// no longer waits for them.
    fn finish(&self, n: usize, how: Finished, note: Option<String>) {
        let platform = &self.lambda.inner.platform;
        let arn = &self.mapping.settings.event_source_arn;
        self.source.with_stream(arn, |stream| {
            // A deleted mapping's counts are gone, and a disabled one's records are not work
            // the service waits for.
            if let Some(counts) = stream.progress.get_mut(&self.mapping.uuid) {
                counts.pending -= n as u64;
                *match how {
                    Finished::Processed => &mut counts.processed,
                    Finished::SentToDestination => &mut counts.sent_to_destination,
                    Finished::Discarded => &mut counts.discarded,
                    Finished::Expired => &mut counts.expired,
                    Finished::FilteredOut => &mut counts.filtered_out,
                } += n as u64;
                if !stream.disabled.contains(&self.mapping.uuid) {
                    platform.work_finished(n);
                }
            }
            if let Some(text) = note {
                platform.note(text);
            }
        });
    }
}

/// How a record left a poller.
enum Finished {
    Processed,
    FilteredOut,
    SentToDestination,
    Discarded,
    Expired,
}

/// Reads a `{"batchItemFailures": [{"itemIdentifier": "<sequence number>"}]}` response: `None`
/// if every record succeeded (no answer, no list, an empty list), the position of the earliest
/// failed record, or why Lambda cannot read it (then the whole batch failed).
fn first_reported_failure(
    response: &Value,
    batch: &[Arc<Record>],
) -> Result<Option<usize>, String> {
    let failures = reported_item_failures(response).map_err(|unreadable| match unreadable {
        UnreadableResponse::NotAnObject => "the response is not a JSON object".to_owned(),
        UnreadableResponse::NotAList => "batchItemFailures is not a list".to_owned(),
    })?;
    let mut first: Option<usize> = None;
    for failure in failures {
        let id = failure.ok_or("an itemIdentifier is missing or empty")?;
        let position = batch
            .iter()
            .position(|r| r.sequence_number == id)
            .ok_or_else(|| format!("itemIdentifier {id} is not a sequence number of the batch"))?;
        first = Some(first.map_or(position, |f| f.min(position)));
    }
    Ok(first)
}

/// The wait before retry number `failures` of a batch: 1 s, 2 s, 4 s … up to a minute.
fn retry_delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    (FIRST_RETRY_DELAY * (1 << doublings)).min(MAX_RETRY_DELAY)
}

/// `2025-01-01T00:00:00Z`: DynamoDB's arrival times, to the second.
fn rfc3339_seconds(time: std::time::SystemTime) -> String {
    format!("{}Z", &clock::rfc3339_millis(time)[..19])
}

/// `1 record`, `3 records`.
fn records(n: usize) -> String {
    count(n, "record")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_one_second_then_twice_as_long_up_to_a_minute() {
        let waits: Vec<u64> = (1..=8).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(retry_delay(u32::MAX), MAX_RETRY_DELAY);
    }
}
