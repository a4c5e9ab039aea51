//! The SQS poller of an event source mapping: how Lambda reads a queue for you.
//!
//! Lambda receives a batch (up to `BatchSize` messages, default 10, or what arrived within the
//! `MaximumBatchingWindowInSeconds`), invokes the function **synchronously** with an SQS event,
//! and then:
//!
//! - on success, **deletes** every message of the batch;
//! - on a function error (or a throttle), does **nothing**: the messages stay in the queue,
//!   hidden until their visibility timeout ends, and are received again, the whole batch, good
//!   messages too. Each receive counts, and the queue's **redrive policy** moves a message that
//!   keeps failing to the dead-letter queue after `maxReceiveCount` receives. Without one, it
//!   comes back until its retention period ends.
//!
//! With `FunctionResponseTypes: ["ReportBatchItemFailures"]` the function can fail only some
//! messages: it returns `{"batchItemFailures": [{"itemIdentifier": "<messageId>"}, …]}` and
//! Lambda deletes the others. An empty or missing list (or answer) is a full success; an entry
//! that is not a message of the batch (or has no id) makes the **whole batch** a failure, as on
//! AWS. Without
//! the setting, Lambda ignores the list and deletes everything after a successful return.
//!
//! With event filters ([`super::filter`]), Lambda deletes the messages of a batch that no filter
//! lets through, unseen by the function, and invokes it with the others (if any are left).
//!
//! A message is invisible while its batch runs, so the queue's visibility timeout must be at
//! least the function's timeout, or a slow batch would come back while it is still being
//! processed: Lambda refuses such a mapping (AWS recommends 6 × the function timeout, plus the
//! batching window). A batch larger than 10 needs a batching window of at least 1 second.
//!
//! Scaling, simplified: Lambda starts with 5 concurrent batches per queue and adds up to 300
//! concurrent invocations a minute, up to 1,000; the invoker's poller stays at
//! [`CONCURRENT_BATCHES`]. It never spins: with nothing to read it waits for the next message
//! (the queue wakes it) or for the moment a hidden message becomes visible or expires.
//!
//! A **FIFO queue** (see [`crate::services::sqs`]) is read the same way, with three differences
//! (AWS Lambda Developer Guide, "Lambda parameters for Amazon SQS event source mappings"): a
//! batch holds at most 10 messages, there is no batching window, and each record's `attributes`
//! also carry the message's `MessageGroupId`, `MessageDeduplicationId` and `SequenceNumber`. The
//! queue hands out a group's messages in order and holds the group back while a batch of it is in
//! flight, so the batches of one group run one after another (one environment is enough for them),
//! and a failed batch comes back, first of its group, after its visibility timeout: the group's
//! order holds. With `ReportBatchItemFailures`, AWS asks the function to stop at the first failure
//! and report it and every message after it; a function that reports less gets the rest deleted,
//! here as on AWS. Lambda's refusals of a larger batch or a batching window on a FIFO queue were
//! not recorded: their wording here is a guess.
//!
//! A message whose request chain would invoke the function a 17th time (a function that sends to
//! the queue it reads) is not handed to it: it stays in the queue, and its redrive policy moves it
//! away in the end (see [`crate::lambda::trace`]).
//!
//! Simplified here: a function response that is not JSON counts as an empty one, so with
//! `ReportBatchItemFailures` it is a full success (AWS lists an invalid JSON response among the
//! answers that fail the whole batch).

use super::filter::filterable;
use super::lifecycle::{Reading, Running};
use super::{reported_item_failures, BatchOutcome, Mapping, UnreadableResponse};
use crate::base::error::ServiceError;
use crate::base::transcript::count;
use crate::lambda::execution::Event;
use crate::lambda::service::Lambda;
use crate::lambda::trace::{Lineage, MAX_RECURSIVE_INVOCATIONS};
use crate::services::sqs::{queue_name, Received, Sqs, SENDER_ID};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

/// The batch size of an SQS mapping unless set.
pub(crate) const DEFAULT_BATCH_SIZE: u32 = 10;
/// The largest batch allowed without a batching window.
pub(crate) const MAX_BATCH_WITHOUT_WINDOW: u32 = 10;
/// The largest batch of a FIFO queue.
pub(crate) const MAX_FIFO_BATCH: u32 = 10;
/// How many batches of one mapping run at once: the 5 Lambda starts an SQS mapping with.
pub const CONCURRENT_BATCHES: usize = 5;

/// Checks an SQS mapping against its queue and function: Lambda's refusals, in AWS's words.
pub(crate) fn check(lambda: &Lambda, mapping: &Mapping) -> Result<(), ServiceError> {
    let settings = &mapping.settings;
    let queue = &settings.event_source_arn;
    if settings.starting_position.is_some() {
        return Err(ServiceError::invalid_parameter_value(
            "StartingPosition is not valid for SQS event sources.",
        ));
    }
    let batch_size = settings.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    let sqs = lambda.sqs();
    if sqs.queue_attributes(queue).is_ok_and(|q| q.is_fifo()) {
        // Guessed wording: neither refusal was recorded.
        if batch_size > MAX_FIFO_BATCH {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Batch size for a FIFO queue must be between 1 and {MAX_FIFO_BATCH}"
            )));
        }
        if !settings.maximum_batching_window.is_zero() {
            return Err(ServiceError::invalid_parameter_value(
                "Batching window is not supported for FIFO queues",
            ));
        }
    }
    if batch_size > MAX_BATCH_WITHOUT_WINDOW && settings.maximum_batching_window.is_zero() {
        return Err(ServiceError::invalid_parameter_value(
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
        ));
    }
    let visibility = sqs.visibility_timeout(queue).ok_or_else(|| {
        ServiceError::invalid_parameter_value(
            "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.",
        )
    })?;
    let timeout = lambda
        .get_function_configuration(&settings.function_name)?
        .timeout();
    if timeout > visibility {
        return Err(ServiceError::invalid_parameter_value(format!(
            "Queue visibility timeout: {} seconds is less than Function timeout: {} seconds",
            visibility.as_secs(),
            timeout.as_secs()
        )));
    }
    Ok(())
}

/// Starts the poller of a checked SQS mapping (see [`check`]), unless it is disabled. A queue
/// keeps no place for its reader, so a changed or re-enabled mapping is simply started again
/// (see [`super::lifecycle`]).
pub(crate) fn start(lambda: &Lambda, mapping: &Mapping) -> Result<Running, ServiceError> {
    let settings = &mapping.settings;
    let batch_size = settings.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    let sqs = lambda.sqs();
    if !settings.enabled {
        return Ok(Running {
            tasks: Vec::new(),
            reading: Reading::Queue(None),
        });
    }
    let wake = sqs.attach(&settings.event_source_arn)?;
    let poller = Poller {
        lambda: lambda.clone(),
        sqs,
        mapping: mapping.clone(),
        batch_size: batch_size as usize,
        wake: Arc::clone(&wake),
    };
    Ok(Running {
        tasks: vec![tokio::spawn(poller.run()).abort_handle()],
        reading: Reading::Queue(Some(wake)),
    })
}

/// One mapping's poller.
struct Poller {
    lambda: Lambda,
    /// The queue's service, which the poller reads as Lambda reads it on AWS.
    sqs: Sqs,
    mapping: Mapping,
    batch_size: usize,
    /// Notified by the queue when a message arrives.
    wake: Arc<Notify>,
}

impl Poller {
    /// Receives batches and processes up to [`CONCURRENT_BATCHES`] of them at once, forever.
    async fn run(self) {
        let poller = Arc::new(self);
        let slots = Arc::new(Semaphore::new(CONCURRENT_BATCHES));
        loop {
            let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                return;
            };
            let batch = poller.gather().await;
            let poller = Arc::clone(&poller);
            tokio::spawn(async move {
                poller.process(batch).await;
                drop(slot);
            });
        }
    }

    /// Receives one batch: waits for a first message, then, with a batching window, keeps
    /// gathering until the batch is full or the window closes.
    async fn gather(&self) -> Vec<Received> {
        let queue = &self.mapping.settings.event_source_arn;
        let window = self.mapping.settings.maximum_batching_window;
        let mut batch = Vec::new();
        let mut window_closes = None;
        loop {
            // The queue cannot be deleted, so a receive cannot fail.
            let wanted = self.batch_size - batch.len();
            batch.extend(self.sqs.receive(queue, wanted).unwrap_or_default());
            if batch.len() == self.batch_size {
                return batch;
            }
            let next_change = self.sqs.next_change(queue);
            if batch.is_empty() {
                self.wait(next_change).await;
                continue;
            }
            let closes = *window_closes.get_or_insert_with(|| Instant::now() + window);
            if Instant::now() >= closes {
                return batch;
            }
            self.wait(Some(next_change.map_or(closes, |at| at.min(closes))))
                .await;
        }
    }

    /// Sleeps until a message arrives or, if given, until `until`.
    async fn wait(&self, until: Option<Instant>) {
        match until {
            Some(at) => {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep_until(at) => {}
                }
            }
            None => self.wake.notified().await,
        }
    }

    /// Invokes the function with a batch and deletes what it processed.
    async fn process(&self, batch: Vec<Received>) {
        let batch = self.drop_filtered_out(batch);
        let function = &self.mapping.target.name;
        let (looping, batch): (Vec<Received>, Vec<Received>) = batch
            .into_iter()
            .partition(|r| r.chain.would_loop(function));
        for stopped in &looping {
            self.note(format!(
                "message {} not invoked: recursive loop detected ({function} would be invoked more than {MAX_RECURSIVE_INVOCATIONS} times in one request chain; RecursiveInvocationException); it stays in the queue",
                stopped.message.message_id
            ));
        }
        if batch.is_empty() {
            return;
        }
        let mut chain = Lineage::default();
        for received in &batch {
            chain.merge(&received.chain);
        }
        let queue = &self.mapping.settings.event_source_arn;
        let label = format!("SQS {}, {}", queue_name(queue), messages(batch.len()));
        let event = Event::Ready(self.event(&batch));
        let outcome = self
            .lambda
            .invoke_batch(&self.mapping, event, label, chain)
            .await;
        let ids: BTreeSet<&str> = batch
            .iter()
            .map(|r| r.message.message_id.as_str())
            .collect();
        let failed = self.failed_messages(outcome, &ids);
        // The messages that stay in the queue, to come back after their visibility timeout.
        let (kept, why): (BTreeSet<String>, String) = match failed {
            Ok(failed) => (failed, "reported in batchItemFailures".to_owned()),
            Err(why) => (ids.iter().map(|id| (*id).to_owned()).collect(), why),
        };
        let (stay, done): (Vec<&Received>, Vec<&Received>) = batch
            .iter()
            .partition(|r| kept.contains(&r.message.message_id));
        let handles: Vec<String> = done
            .iter()
            .filter_map(|r| r.message.receipt_handle.clone())
            .collect();
        let deleted = self.sqs.delete(queue, &handles).unwrap_or_default();
        let mut summary = Vec::new();
        if !deleted.is_empty() {
            summary.push(format!("{} deleted", messages(deleted.len())));
        }
        if let Some(visible_again) = stay.iter().map(|r| r.visible_at).min() {
            let at =
                self.lambda.elapsed() + visible_again.saturating_duration_since(Instant::now());
            let stay_or_stays = if stay.len() == 1 { "stays" } else { "stay" };
            summary.push(format!(
                "{} {stay_or_stays} in the queue, {why}, visible again at {}",
                messages(stay.len()),
                crate::base::clock::transcript_offset(at)
            ));
        }
        self.note(summary.join("; "));
    }

    /// Deletes the messages of a batch that no filter of the mapping lets through, as Lambda
    /// does, and returns the others (all of them if the mapping has no filter).
    fn drop_filtered_out(&self, batch: Vec<Received>) -> Vec<Received> {
        let filters = &self.mapping.filters;
        if filters.is_empty() {
            return batch;
        }
        let (kept, dropped): (Vec<Received>, Vec<Received>) =
            batch.into_iter().partition(|received| {
                let body = received.message.body.as_bytes();
                filters.let_through(&filterable(self.record(received), &["body"], body))
            });
        if !dropped.is_empty() {
            let handles: Vec<String> = dropped
                .iter()
                .filter_map(|r| r.message.receipt_handle.clone())
                .collect();
            let queue = &self.mapping.settings.event_source_arn;
            let deleted = self.sqs.delete(queue, &handles).unwrap_or_default();
            self.note(format!("{} filtered out, deleted", messages(deleted.len())));
        }
        kept
    }

    /// Which messages of a batch failed, by id, or why the whole batch failed.
    fn failed_messages(
        &self,
        outcome: BatchOutcome,
        ids: &BTreeSet<&str>,
    ) -> Result<BTreeSet<String>, String> {
        match outcome {
            BatchOutcome::Succeeded(_, answer)
                if self.mapping.settings.report_batch_item_failures =>
            {
                batch_item_failures(&answer, ids)
            }
            // Without ReportBatchItemFailures, a response is not read: success is success.
            BatchOutcome::Succeeded(..) => Ok(BTreeSet::new()),
            BatchOutcome::Failed(response, error) => Err(format!(
                "the function failed ({}: {})",
                response.function_error.unwrap_or_default(),
                error.error_type
            )),
            BatchOutcome::NotRun(refused) => Err(format!(
                "the batch was not invoked ({}{})",
                refused.code,
                refused.reason.map(|r| format!(": {r}")).unwrap_or_default()
            )),
        }
    }

    /// The SQS event of a batch, as Lambda sends it.
    fn event(&self, batch: &[Received]) -> Value {
        let records: Vec<Value> = batch.iter().map(|r| self.record(r)).collect();
        json!({ "Records": records })
    }

    /// The record of one message in the SQS event.
    fn record(&self, received: &Received) -> Value {
        let queue = &self.mapping.settings.event_source_arn;
        let region = &self.lambda.inner.platform.scope.region;
        let message = &received.message;
        let attributes: Map<String, Value> = message
            .attributes
            .iter()
            .map(|(name, (data_type, value))| {
                let attribute = json!({
                    "stringValue": value,
                    "stringListValues": [],
                    "binaryListValues": [],
                    "dataType": data_type,
                });
                (name.clone(), attribute)
            })
            .collect();
        let mut system_attributes = json!({
            "ApproximateReceiveCount": message.receive_count.to_string(),
            "SentTimestamp": message.sent_timestamp.to_string(),
            "SenderId": SENDER_ID,
            "ApproximateFirstReceiveTimestamp": message
                .first_receive_timestamp
                .unwrap_or(message.sent_timestamp)
                .to_string(),
        });
        if let Some(fifo) = &message.fifo {
            system_attributes["MessageGroupId"] = json!(fifo.message_group_id);
            system_attributes["MessageDeduplicationId"] = json!(fifo.message_deduplication_id);
            system_attributes["SequenceNumber"] = json!(fifo.sequence_number);
        }
        json!({
            "messageId": message.message_id,
            "receiptHandle": message.receipt_handle,
            "body": message.body,
            "attributes": system_attributes,
            "messageAttributes": attributes,
            "md5OfMessageAttributes": message.md5_of_message_attributes(),
            "md5OfBody": message.md5_of_body,
            "eventSource": "aws:sqs",
            "eventSourceARN": queue,
            "awsRegion": region,
        })
    }

    /// A transcript line about this mapping's queue: `SQS orders: …`.
    fn note(&self, text: String) {
        let queue = queue_name(&self.mapping.settings.event_source_arn);
        self.lambda.note(format!("SQS {queue}: {text}"));
    }
}

/// The messages a partial batch response fails, or why the whole batch counts as failed.
fn batch_item_failures(response: &Value, ids: &BTreeSet<&str>) -> Result<BTreeSet<String>, String> {
    let failures = reported_item_failures(response).map_err(|unreadable| match unreadable {
        UnreadableResponse::NotAnObject => "the response is not a batch response".to_owned(),
        UnreadableResponse::NotAList => "batchItemFailures is not a list".to_owned(),
    })?;
    failures
        .map(|failure| match failure {
            Some(id) if ids.contains(id) => Ok(id.to_owned()),
            Some(id) => Err(format!(
                "batchItemFailures names {id}, which is not a message of the batch"
            )),
            None => Err("a batchItemFailures entry has no itemIdentifier".into()),
        })
        .collect()
}

/// `1 message`, `3 messages`.
fn messages(n: usize) -> String {
    count(n, "message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_missing_list_is_a_full_success() {
        let ids = BTreeSet::from(["a", "b"]);
        let empty_answers = [json!(null), json!(""), json!([]), json!({})];
        for response in empty_answers
            .into_iter()
            .chain([json!({ "batchItemFailures": [] })])
        {
            assert_eq!(batch_item_failures(&response, &ids), Ok(BTreeSet::new()));
        }
    }

    #[test]
    fn an_unknown_or_missing_identifier_fails_the_whole_batch() {
        let ids = BTreeSet::from(["a", "b"]);
        let unknown = json!({ "batchItemFailures": [{ "itemIdentifier": "zzz" }] });
        assert!(batch_item_failures(&unknown, &ids).is_err());
        let empty = json!({ "batchItemFailures": [{ "itemIdentifier": "" }] });
        assert!(batch_item_failures(&empty, &ids).is_err());
        let wrong_key = json!({ "batchItemFailures": [{ "id": "a" }] });
        assert!(batch_item_failures(&wrong_key, &ids).is_err());
        let good = json!({ "batchItemFailures": [{ "itemIdentifier": "b" }] });
        assert_eq!(
            batch_item_failures(&good, &ids),
            Ok(BTreeSet::from(["b".to_owned()]))
        );
    }
}
