//! Asynchronous invocation: `InvocationType: Event`, the way S3, SNS and EventBridge call
//! functions.
//!
//! The caller does not wait. Lambda puts the event in an internal queue, answers **202** at once,
//! and a poller invokes the function later. Because nobody is waiting for the answer, Lambda
//! itself handles failures:
//!
//! - a **function error** (returned error, panic, timeout) is retried twice by default (0–2,
//!   `MaximumRetryAttempts`), about 1 minute after the first attempt and 2 minutes after the
//!   second. Every attempt keeps the event's request id, so the logs show one id three times;
//! - an event older than `MaximumEventAgeInSeconds` (60 s–6 h, default 6 h) is not tried again;
//! - when it gives up, Lambda sends a record to the **on-failure destination** and/or the event
//!   to the **dead-letter queue**; with neither, the event is discarded. A success goes to the
//!   **on-success destination**, if any.
//!
//! Because retries happen, an event can be processed more than once: handlers of asynchronous
//! events must be idempotent. In the invoker nothing is lost silently: every event ends with a
//! transcript line saying what became of it, and [`Lambda::event_outcomes`] lists them all.
//!
//! A **throttled** event (no concurrency left) is not a failed attempt: it goes back into the
//! queue and is tried again with a backoff from 1 second up to 5 minutes, until its maximum age.
//!
//! An event that would invoke its function more than 16 times in one request chain (a function
//! that writes to the bucket that triggers it) is a **recursive loop**: Lambda does not invoke
//! it, and hands it to the on-failure destination and dead-letter queue at once (see
//! [`crate::lambda::trace`]).
//!
//! Destinations here are SQS queues, SNS topics and Lambda functions; a dead-letter queue is an
//! SQS queue or an SNS topic, as on AWS. Simplified here: EventBridge and S3 destinations, and
//! the execution role is not checked for them (on AWS, Lambda sends to a destination or
//! dead-letter queue as the function's role, which must allow `sqs:SendMessage`, `sns:Publish` or
//! `lambda:InvokeFunction` on it).
//!
//! `put_function_event_invoke_config` refuses, in AWS's recorded words: a function, version or
//! alias that does not exist ("The function doesn't exist."); a configuration with no setting at
//! all; a Lambda destination that does not exist, or that is the function itself. Not recorded,
//! so chosen here: a missing function is reported before a configuration with no setting; only
//! a destination function of the same account and Region is looked up, by name (its qualifier
//! is not); and a destination queue or topic is not looked up.

use crate::base::arn::{FunctionRef, LATEST};
use crate::base::clock;
use crate::base::error::ServiceError;
use crate::base::transcript::{count, Entry};
use crate::lambda::concurrency::throttle_backoff;
use crate::lambda::event_invoke_config::{
    destination_kind, DestinationKind, EventInvokeConfig, EventOutcome, FailureCondition,
};
use crate::lambda::execution::{Event, Run};
use crate::lambda::function::Diagnostic;
use crate::lambda::invoke::{describe_target, InvocationType, InvokeRequest, InvokeResponse};
use crate::lambda::message_targets;
use crate::lambda::service::Lambda;
use crate::lambda::trace::{Lineage, MAX_RECURSIVE_INVOCATIONS};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

/// The waits before the first and the second retry after a function error.
pub(crate) const RETRY_DELAYS: [Duration; 2] = [Duration::from_secs(60), Duration::from_secs(120)];
/// An accepted event on its way through the internal queue.
struct QueuedEvent {
    /// The request as sent, payload included: a dead-letter queue receives the payload's own
    /// bytes (AWS keeps them as sent, spacing and key order included).
    request: InvokeRequest,
    /// The payload, parsed: what the function receives and a destination record quotes.
    target: FunctionRef,
    event: Value,
    request_id: String,
    accepted: Instant,
    /// The request chain of the call that sent it.
    chain: Lineage,
}

impl Lambda {
    /// Sets how asynchronous events are handled for a function, version or alias (`f`, `f:1`,
    /// `f:prod`), like `aws lambda put-function-event-invoke-config`.
    pub fn put_function_event_invoke_config(
        &self,
        function: &str,
        config: EventInvokeConfig,
    ) -> Result<(), ServiceError> {
        config.validate()?;
        let target = self.inner.platform.scope.parse(function, None)?;
        let qualifier = target
            .qualifier
            .clone()
            .unwrap_or_else(|| LATEST.to_owned());
        let at = self.elapsed();
        let mut state = self.state();
        let exists = state
            .functions
            .get(&target.name)
            .and_then(|f| f.resolve(Some(&qualifier), || 1.0))
            .is_some();
        if !exists {
            return Err(ServiceError::resource_not_found(
                "The function doesn't exist.",
            ));
        }
        if !config.any_setting {
            return Err(ServiceError::invalid_parameter_value(
                "You must specify at least one of error handling or destination setting.",
            ));
        }
        for arn in [&config.on_success, &config.on_failure]
            .into_iter()
            .flatten()
        {
            let Ok(DestinationKind::Function) = destination_kind(arn) else {
                continue;
            };
            // A function of this account and Region is checked; one elsewhere is not seen.
            let Ok(destination) = self.inner.platform.scope.parse(arn, None) else {
                continue;
            };
            if self.inner.platform.scope.other_account(arn).is_some() {
                continue;
            }
            if destination.name == target.name {
                return Err(ServiceError::invalid_parameter_value(
                    "You can't specify the function as a destination for itself.",
                ));
            }
            if !state.functions.contains_key(&destination.name) {
                return Err(ServiceError::invalid_parameter_value(format!(
                    "The destination ARN {arn} is invalid."
                )));
            }
        }
        let text = format!(
            "put-function-event-invoke-config {}:{qualifier}: {} retries, max age {} s{}{}",
            target.name,
            config.maximum_retry_attempts,
            config.maximum_event_age.as_secs(),
            config
                .on_success
                .as_deref()
                .map(|d| format!(", on success -> {d}"))
                .unwrap_or_default(),
            config
                .on_failure
                .as_deref()
                .map(|d| format!(", on failure -> {d}"))
                .unwrap_or_default(),
        );
        if let Some(function) = state.functions.get_mut(&target.name) {
            function.event_invoke_configs.insert(qualifier, config);
        }
        self.inner.platform.record(Entry::Api { at, text });
        Ok(())
    }

    /// How asynchronous events are handled for a function, version or alias, like `aws lambda
    /// get-function-event-invoke-config`: what was put, or AWS's "doesn't have an
    /// EventInvokeConfig" (also for a function that does not exist, as recorded).
    pub fn get_function_event_invoke_config(
        &self,
        function: &str,
    ) -> Result<EventInvokeConfig, ServiceError> {
        let (name, qualifier) = self.event_invoke_target(function)?;
        self.state()
            .functions
            .get(&name)
            .and_then(|f| f.event_invoke_configs.get(&qualifier).cloned())
            .ok_or_else(|| self.no_event_invoke_config(&name, &qualifier))
    }

    /// Removes what `put_function_event_invoke_config` set, like `aws lambda
    /// delete-function-event-invoke-config`: events go back to two retries, six hours and no
    /// destination.
    pub fn delete_function_event_invoke_config(&self, function: &str) -> Result<(), ServiceError> {
        let (name, qualifier) = self.event_invoke_target(function)?;
        let at = self.elapsed();
        let removed = self
            .state()
            .functions
            .get_mut(&name)
            .and_then(|f| f.event_invoke_configs.remove(&qualifier));
        if removed.is_none() {
            return Err(self.no_event_invoke_config(&name, &qualifier));
        }
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("delete-function-event-invoke-config {name}:{qualifier}"),
        });
        Ok(())
    }

    /// The function's name and the qualifier its event settings are kept under (`$LATEST` when
    /// none is named).
    fn event_invoke_target(&self, function: &str) -> Result<(String, String), ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        let qualifier = target.qualifier.unwrap_or_else(|| LATEST.to_owned());
        Ok((target.name, qualifier))
    }

    fn no_event_invoke_config(&self, name: &str, qualifier: &str) -> ServiceError {
        ServiceError::resource_not_found(format!(
            "The function {} doesn't have an EventInvokeConfig",
            self.inner.platform.scope.qualified_arn(name, qualifier)
        ))
    }

    /// What became of every asynchronous event so far, by request id.
    pub fn event_outcomes(&self) -> BTreeMap<String, EventOutcome> {
        self.state().event_outcomes.iter().cloned().collect()
    }

    /// Waits (in virtual time) until every accepted asynchronous event has its outcome, retries
    /// included, and every record or message an event source mapping must process has been
    /// processed, sent on or expired. A test calls it before looking at destinations, queues or
    /// the transcript.
    pub async fn settle(&self) {
        self.inner.platform.settle().await;
    }

    /// Accepts an event: answers 202 now and processes it in the background.
    pub(crate) fn enqueue(
        &self,
        request: InvokeRequest,
        target: FunctionRef,
        event: Value,
        request_id: String,
        chain: Lineage,
    ) -> InvokeResponse {
        let at = self.elapsed();
        self.inner.platform.record(Entry::Api {
            at,
            // Copied together rather than `format!`ted: a busy producer queues many events.
            text: [
                "invoke ",
                &describe_target(&request),
                " (Event): 202, event ",
                &request_id,
                " queued",
            ]
            .concat(),
        });
        self.inner.platform.work_started(1);
        let queued = QueuedEvent {
            request,
            target,
            event,
            request_id: request_id.clone(),
            accepted: Instant::now(),
            chain,
        };
        let lambda = self.clone();
        // The task of a queued event is kept small, its delivery boxed: tokio copies a task into
        // place when it is spawned, in memory allocated with the task's alignment (a slow path
        // of the allocator), for each of the many events queued at once. The delivery is smaller
        // too, its invocation and any publication to a topic boxed in turn.
        tokio::spawn(async move {
            let _done = InFlight(lambda.clone());
            Box::pin(lambda.deliver(queued)).await;
        });
        InvokeResponse {
            status_code: 202,
            function_error: None,
            executed_version: None,
            log_result: None,
            request_id,
            payload: Vec::new(),
        }
    }

    /// Runs one event through its attempts and hands it to its destinations.
    async fn deliver(&self, queued: QueuedEvent) {
        let qualifier = queued
            .target
            .qualifier
            .clone()
            .unwrap_or_else(|| LATEST.to_owned());
        let config = self.event_invoke_config(&queued.target.name, &qualifier);
        let function_arn = self
            .inner
            .platform
            .scope
            .qualified_arn(&queued.target.name, &qualifier);
        if queued.chain.would_loop(&queued.target.name) {
            // Not an attempt: the event is never handed to the function.
            self.note(format!(
                "event {}: recursive loop detected: {} would be invoked more than {MAX_RECURSIVE_INVOCATIONS} times in one request chain; not invoked (RecursiveInvocationsDropped)",
                queued.request_id, queued.target.name
            ));
            let context = FailureContext {
                condition: FailureCondition::RecursiveLoop,
                attempts: 0,
                last: None,
            };
            return self.give_up(&queued, &config, &function_arn, context).await;
        }
        let mut attempts = 0;
        let mut throttles = 0;
        // The response of the last failed attempt: an event that expires after one still reports
        // it (AWS's EventAgeExceeded record carries its responseContext and responsePayload).
        let mut last_failure = None;
        loop {
            if queued.accepted.elapsed() > config.maximum_event_age {
                let context = FailureContext {
                    condition: FailureCondition::EventAgeExceeded,
                    attempts,
                    last: last_failure,
                };
                return self.give_up(&queued, &config, &function_arn, context).await;
            }
            let Ok(version) = self.resolve_version(&queued.target) else {
                // The function or alias was deleted while the event waited.
                let context = FailureContext {
                    condition: FailureCondition::EventAgeExceeded,
                    attempts,
                    last: last_failure,
                };
                return self.give_up(&queued, &config, &function_arn, context).await;
            };
            let run = Run {
                request: &queued.request,
                target: &queued.target,
                version,
                event: Event::Ready(queued.event.clone()),
                request_id: queued.request_id.clone(),
                kind: format!("Event, attempt {}", attempts + 1).into(),
                caused_by: queued.chain.clone(),
            };
            // Boxed: an invocation's future is large, and without the box it would be part of
            // this task's, which tokio copies into place when the event is queued, for every one
            // of the (many) events that are queued at once and wait in the queue.
            let (response, failure) = match Box::pin(self.run(run)).await {
                Ok(ran) => ran,
                Err(throttled) => {
                    if self.reserved_concurrency_of(&queued.target.name) == Some(0) {
                        // A function switched off with reserved concurrency 0 will never run
                        // the event: Lambda sends it straight to failure handling.
                        self.note(format!(
                            "event {}: reserved concurrency of {} is 0, no retries",
                            queued.request_id, queued.target.name
                        ));
                        let context = FailureContext {
                            condition: FailureCondition::ZeroReservedConcurrency,
                            attempts,
                            last: last_failure,
                        };
                        return self.give_up(&queued, &config, &function_arn, context).await;
                    }
                    // Not an attempt: the event goes back into the queue, to wait and try again.
                    let jitter = self.state().jitter.unit();
                    let wait = throttle_backoff(throttles, jitter);
                    throttles += 1;
                    self.note(format!(
                        "event {}: throttled ({}), back in the queue for {} ms",
                        queued.request_id,
                        throttled.cause(),
                        wait.as_millis()
                    ));
                    tokio::time::sleep(wait).await;
                    continue;
                }
            };
            // Only an invocation that ran is an attempt.
            attempts += 1;
            match failure {
                None => {
                    let mut sent_to = Vec::new();
                    if let Some(destination) = &config.on_success {
                        let record = self.destination_record(
                            &queued,
                            &function_arn,
                            "Success",
                            attempts,
                            Some(&response),
                        );
                        sent_to.extend(self.send_to_destination(destination, record).await);
                    }
                    return self.record_outcome(
                        &queued.request_id,
                        EventOutcome::Succeeded { attempts },
                        [
                            "processed on attempt ",
                            itoa::Buffer::new().format(attempts),
                            &describe_sent(&sent_to),
                        ]
                        .concat(),
                    );
                }
                Some(error) if attempts > config.maximum_retry_attempts => {
                    let context = FailureContext {
                        condition: FailureCondition::RetriesExhausted,
                        attempts,
                        last: Some((response, error)),
                    };
                    return self.give_up(&queued, &config, &function_arn, context).await;
                }
                Some(error) => {
                    last_failure = Some((response, error));
                    tokio::time::sleep(RETRY_DELAYS[(attempts - 1) as usize]).await;
                }
            }
        }
    }

    /// Sends a failed event to its on-failure destination and dead-letter queue, if any.
    async fn give_up(
        &self,
        queued: &QueuedEvent,
        config: &EventInvokeConfig,
        function_arn: &str,
        failure: FailureContext,
    ) {
        let FailureContext {
            condition,
            attempts,
            last,
        } = failure;
        let mut sent_to = Vec::new();
        if let Some(destination) = &config.on_failure {
            let response = last.as_ref().map(|(response, _)| response);
            let record = self.destination_record(
                queued,
                function_arn,
                condition.as_str(),
                attempts,
                response,
            );
            sent_to.extend(self.send_to_destination(destination, record).await);
        }
        if let Some(dlq) = self.dead_letter_queue(&queued.target) {
            let message = match (&last, condition) {
                (Some((_, error)), _) => error.error_message.clone(),
                (None, FailureCondition::RecursiveLoop) => {
                    ServiceError::recursive_invocation().message
                }
                (None, _) => format!("Event age exceeded after {attempts} attempts"),
            };
            sent_to.extend(self.send_to_dead_letter_queue(&dlq, queued, &message).await);
        }
        let tries = count(attempts as usize, "attempt");
        let why = match condition {
            FailureCondition::RecursiveLoop => {
                format!("stopped as a recursive loop ({condition}), never invoked")
            }
            _ => format!("{condition} after {tries}"),
        };
        let summary = match sent_to.is_empty() {
            true => format!("{why}; discarded (no on-failure destination or dead-letter queue)"),
            false => format!("{why}{}", describe_sent(&sent_to)),
        };
        self.record_outcome(
            &queued.request_id,
            EventOutcome::Failed {
                condition,
                attempts,
                sent_to,
            },
            summary,
        );
    }

    /// The invocation record a destination receives, in the shape Lambda sends. Without a
    /// response (the event expired before any attempt ran), the record has no response fields.
    fn destination_record(
        &self,
        queued: &QueuedEvent,
        function_arn: &str,
        condition: &str,
        attempts: u32,
        response: Option<&InvokeResponse>,
    ) -> Value {
        let mut record = json!({
            "version": "1.0",
            "timestamp": clock::rfc3339_millis(self.inner.platform.clock.now()),
            "requestContext": {
                "requestId": queued.request_id,
                "functionArn": function_arn,
                "condition": condition,
                "approximateInvokeCount": attempts,
            },
            "requestPayload": queued.event,
        });
        if let Some(response) = response {
            let mut response_context = json!({
                "statusCode": 200,
                "executedVersion": response.executed_version,
            });
            if let Some(error) = &response.function_error {
                response_context["functionError"] = json!(error);
            }
            record["responseContext"] = response_context;
            record["responsePayload"] = response.payload_json().unwrap_or(Value::Null);
        }
        record
    }

    /// Delivers a record; returns the destination if it was delivered.
    async fn send_to_destination(&self, destination: &str, record: Value) -> Option<String> {
        let delivered = match destination_kind(destination) {
            Ok(DestinationKind::Queue | DestinationKind::Topic) => {
                message_targets::send_message(
                    self.handle(),
                    destination,
                    record.to_string(),
                    BTreeMap::new(),
                )
                .await
            }
            Ok(DestinationKind::Function) => {
                let request = InvokeRequest::new(destination)
                    .invocation_type(InvocationType::Event)
                    .payload(record);
                Box::pin(self.invoke(request)).await.is_ok()
            }
            Err(_) => false,
        };
        delivered.then(|| destination.to_owned())
    }

    /// Sends the event to the dead-letter queue (an SQS queue or SNS topic) with Lambda's three
    /// attributes; returns the queue if it was delivered.
    async fn send_to_dead_letter_queue(
        &self,
        dlq: &str,
        queued: &QueuedEvent,
        message: &str,
    ) -> Option<String> {
        let attributes = BTreeMap::from([
            (
                "RequestID".to_owned(),
                ("String".to_owned(), queued.request_id.clone()),
            ),
            (
                "ErrorCode".to_owned(),
                ("Number".to_owned(), "200".to_owned()),
            ),
            (
                "ErrorMessage".to_owned(),
                ("String".to_owned(), message.to_owned()),
            ),
        ]);
        let body = match queued.request.payload.is_empty() {
            // No payload: the function received `{}`, and so does the queue.
            true => queued.event.to_string(),
            // JSON, checked when the event was accepted, and so UTF-8.
            false => String::from_utf8_lossy(&queued.request.payload).into_owned(),
        };
        let delivered = message_targets::send_message(self.handle(), dlq, body, attributes).await;
        delivered.then(|| dlq.to_owned())
    }

    fn event_invoke_config(&self, function: &str, qualifier: &str) -> EventInvokeConfig {
        self.state()
            .functions
            .get(function)
            .and_then(|f| f.event_invoke_configs.get(qualifier).cloned())
            .unwrap_or_default()
    }

    fn dead_letter_queue(&self, target: &FunctionRef) -> Option<String> {
        let state = self.state();
        let function = state.functions.get(&target.name)?;
        let version = function.resolve(target.qualifier.as_deref(), || 1.0)?;
        function
            .version(version)?
            .config
            .dead_letter_queue
            .as_deref()
            .map(str::to_owned)
    }

    fn reserved_concurrency_of(&self, function: &str) -> Option<usize> {
        self.state()
            .functions
            .get(function)
            .and_then(|f| f.reserved_concurrency)
    }

    fn record_outcome(&self, request_id: &str, outcome: EventOutcome, summary: String) {
        let at = self.elapsed();
        let mut state = self.state();
        state.event_outcomes.push((request_id.to_owned(), outcome));
        self.inner.platform.record(Entry::Api {
            at,
            text: ["event ", request_id, ": ", &summary].concat(),
        });
    }
}

/// Why and after what Lambda gave up on an event.
struct FailureContext {
    condition: FailureCondition,
    attempts: u32,
    last: Option<(InvokeResponse, Diagnostic)>,
}

fn describe_sent(sent_to: &[String]) -> String {
    match sent_to {
        [] => String::new(),
        targets => format!(", sent to {}", targets.join(" and ")),
    }
}

/// Counts an event as in flight until its task ends, however it ends.
struct InFlight(Lambda);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.inner.platform.work_finished(1);
    }
}
