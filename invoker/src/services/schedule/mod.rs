//! EventBridge schedules: rules that invoke a function at set times, with no caller at all.
//!
//! A *scheduled rule* (`aws events put-rule --schedule-expression …`) fires on its own, and each
//! time it fires EventBridge sends a **Scheduled Event** to the rule's targets. A function target
//! is invoked **asynchronously** (see [`crate::lambda::async_invoke`]): EventBridge does not wait, and a
//! failing function is retried by Lambda's event queue, as for any asynchronous event. So a
//! scheduled handler must be idempotent, like any handler of asynchronous events.
//!
//! Two kinds of expression say when, both in **UTC** and both at most once a minute:
//!
//! - `rate(value unit)`: every `value` minutes, hours or days, counted from when the rule was
//!   created. The unit is singular for 1 and plural otherwise: `rate(1 minute)` and
//!   `rate(5 minutes)` are valid, `rate(1 minutes)` and `rate(5 minute)` are refused.
//! - `cron(Minutes Hours Day-of-month Month Day-of-week Year)`: six fields, all required.
//!
//!   | field        | values             | wildcards        |
//!   |--------------|--------------------|------------------|
//!   | Minutes      | 0–59               | `, - * /`        |
//!   | Hours        | 0–23               | `, - * /`        |
//!   | Day-of-month | 1–31               | `, - * ? / L W`  |
//!   | Month        | 1–12 or JAN–DEC    | `, - * /`        |
//!   | Day-of-week  | 1–7 or SUN–SAT     | `, - * ? L #`    |
//!   | Year         | 1970–2199          | `, - * /`        |
//!
//!   One of Day-of-month and Day-of-week must be `?` ("any"): you say which days by the date or
//!   by the weekday, never both. `5/15` means 5, 20, 35, 50 (start at 5, every 15); `L` is the last
//!   day of the month, or in Day-of-week the last day of the week (7, Saturday), and `6L` the
//!   month's last Friday; `15W` is the weekday nearest the 15th (within the same month); `3#2` is
//!   the month's second Tuesday (day 3 of the week, second of its kind), and a field with `#`
//!   holds nothing else. Sunday is 1, not 0 as in Unix cron.
//!
//! EventBridge invokes as `events.amazonaws.com` for the rule, so the function's resource-based
//! policy must allow that with the rule's ARN as source (see [`crate::lambda::permissions`]); without
//! it each firing's invocation of the function fails, with a transcript line.
//!
//! An invalid expression is refused as EventBridge refuses it, `ValidationException: Parameter
//! ScheduleExpression is not valid.`; the invoker adds the reason, which AWS does not.
//! [`next_fire_times`](expression::next_fire_times) shows when an expression fires, e.g. to check one before you deploy it.
//!
//! Here a rule fires exactly at the start of each minute that matches, on the virtual clock read
//! in UTC; on AWS a scheduled event arrives within the minute. Simplified too: the only targets
//! are Lambda functions; ranges do not wrap around (`FRI-MON`, `22-2`: write `FRI-SAT,SUN-MON`);
//! `nW` never fires in a month that has no day `n`; and a target that cannot be invoked (a
//! deleted function) is skipped with a transcript line, where EventBridge would retry for up to
//! 24 hours. EventBridge Scheduler, the newer service AWS now recommends, adds time zones and
//! one-time `at()` schedules; its `rate` and `cron` expressions read the same.

pub(crate) mod expression;

use crate::base::error::ServiceError;
use crate::base::platform::lock;
use crate::base::transcript::{count, Entry};
use crate::lambda::handle::LambdaHandle;
use crate::lambda::invoke::{InvocationType, InvokeRequest};
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;
use crate::services::events::eventbridge;
use expression::Schedule;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;
use tokio::sync::Notify;

/// A rule as EventBridge keeps it.
#[derive(Debug)]
pub(crate) struct Rule {
    arn: String,
    expression: String,
    schedule: Schedule,
    /// When the rule was (last) put: where a rate counts from.
    start: SystemTime,
    enabled: bool,
    /// The function ARNs it invokes.
    targets: Vec<String>,
    /// Bumped by every change, so that the ticker of an older version of the rule stops.
    generation: u64,
    /// Wakes the rule's ticker when the rule changes.
    changed: Arc<Notify>,
}

/// Every rule, by name.
pub(crate) type Rules = BTreeMap<String, Rule>;

/// The EventBridge part of the simulated account (the `default` event bus):
/// `lambda.eventbridge().put_rule("nightly", "cron(0 2 * * ? *)")`.
#[derive(Clone)]
pub struct EventBridge {
    lambda: LambdaHandle,
    rules: Arc<Mutex<Rules>>,
}

impl Lambda {
    /// The account's EventBridge.
    pub fn eventbridge(&self) -> EventBridge {
        let lambda = self.handle();
        let rules = lambda.platform().state();
        EventBridge { lambda, rules }
    }
}

impl EventBridge {
    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Rules> {
        lock(&self.rules)
    }

    /// Creates (or replaces) a scheduled rule, enabled, like `aws events put-rule --name …
    /// --schedule-expression …`; returns its ARN, `arn:aws:events:<region>:<account>:rule/<name>`.
    /// Replacing a rule keeps its targets and starts a rate anew.
    pub fn put_rule(&self, name: &str, schedule_expression: &str) -> Result<String, ServiceError> {
        check_rule_name(name)?;
        let schedule = Schedule::parse(schedule_expression)?;
        let scope = &self.lambda.platform().scope;
        let arn = format!(
            "arn:aws:events:{}:{}:rule/{name}",
            scope.region, scope.account_id
        );
        let at = self.lambda.platform().elapsed();
        let start = self.lambda.platform().clock.now();
        let mut state = self.state();
        let (targets, generation) = match state.remove(name) {
            Some(old) => {
                old.changed.notify_waiters();
                (old.targets, old.generation + 1)
            }
            None => (Vec::new(), 0),
        };
        let changed = Arc::new(Notify::new());
        state.insert(
            name.to_owned(),
            Rule {
                arn: arn.clone(),
                expression: schedule_expression.to_owned(),
                schedule,
                start,
                enabled: true,
                targets,
                generation,
                changed: Arc::clone(&changed),
            },
        );
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("events: put-rule {name} {schedule_expression} -> {arn}"),
        });
        drop(state);
        self.start_ticker(name, generation, changed);
        Ok(arn)
    }

    /// Adds a Lambda function (its ARN, maybe qualified with a version or alias) to a rule's
    /// targets, like `aws events put-targets`.
    pub fn put_targets(&self, rule: &str, function_arn: &str) -> Result<(), ServiceError> {
        if !(function_arn.starts_with("arn:aws:lambda:") && function_arn.contains(":function:")) {
            return Err(ServiceError::validation(format!(
                "The invoker's rules target Lambda functions only; {function_arn} is not a Lambda function ARN."
            )));
        }
        self.change(rule, "put-targets", |r| {
            if !r.targets.iter().any(|t| t == function_arn) {
                r.targets.push(function_arn.to_owned());
            }
            Ok(format!("-> {function_arn}"))
        })
    }

    /// Removes a function from a rule's targets, like `aws events remove-targets`.
    pub fn remove_targets(&self, rule: &str, function_arn: &str) -> Result<(), ServiceError> {
        self.change(rule, "remove-targets", |r| {
            r.targets.retain(|t| t != function_arn);
            Ok(function_arn.to_owned())
        })
    }

    /// Stops a rule firing, like `aws events disable-rule`; its targets stay.
    pub fn disable_rule(&self, rule: &str) -> Result<(), ServiceError> {
        self.change(rule, "disable-rule", |r| {
            r.enabled = false;
            r.generation += 1;
            r.changed.notify_waiters();
            Ok(String::new())
        })
    }

    /// Starts a disabled rule firing again, like `aws events enable-rule`.
    pub fn enable_rule(&self, rule: &str) -> Result<(), ServiceError> {
        let mut restart = None;
        self.change(rule, "enable-rule", |r| {
            if !r.enabled {
                r.enabled = true;
                r.generation += 1;
                restart = Some((r.generation, Arc::clone(&r.changed)));
            }
            Ok(String::new())
        })?;
        if let Some((generation, changed)) = restart {
            self.start_ticker(rule, generation, changed);
        }
        Ok(())
    }

    /// Deletes a rule, like `aws events delete-rule`. As on AWS, a rule that still has targets
    /// is refused: remove them first.
    pub fn delete_rule(&self, rule: &str) -> Result<(), ServiceError> {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let existing = state.get(rule).ok_or_else(|| no_such_rule(rule))?;
        if !existing.targets.is_empty() {
            return Err(ServiceError::validation(
                "Rule can't be deleted since it has targets.",
            ));
        }
        // Wakes the rule's ticker, which finds the rule gone and stops.
        existing.changed.notify_waiters();
        state.remove(rule);
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("events: delete-rule {rule}"),
        });
        Ok(())
    }

    /// Applies a change to an existing rule and writes its transcript line.
    fn change(
        &self,
        rule: &str,
        operation: &str,
        apply: impl FnOnce(&mut Rule) -> Result<String, ServiceError>,
    ) -> Result<(), ServiceError> {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let existing = state.get_mut(rule).ok_or_else(|| no_such_rule(rule))?;
        let detail = apply(existing)?;
        let text = match detail.is_empty() {
            true => format!("events: {operation} {rule}"),
            false => format!("events: {operation} {rule} {detail}"),
        };
        self.lambda.platform().record(Entry::Api { at, text });
        Ok(())
    }

    /// Starts the task that fires one version (`generation`) of a rule until it changes.
    fn start_ticker(&self, rule: &str, generation: u64, changed: Arc<Notify>) {
        let eventbridge = self.clone();
        let rule = rule.to_owned();
        tokio::spawn(async move {
            loop {
                // Created before the check, so that a change made after it still wakes us.
                let woken = changed.notified();
                let Some(fire_at) = eventbridge.next_fire(&rule, generation) else {
                    return; // changed, disabled, deleted, or past its last fire
                };
                let now = eventbridge.lambda.platform().clock.now();
                let wait = fire_at.duration_since(now).unwrap_or_default();
                // Sleep until the minute comes, unless the rule changes first: no polling.
                tokio::select! {
                    () = tokio::time::sleep(wait) => eventbridge.fire(&rule, generation, fire_at).await,
                    () = woken => {}
                }
            }
        });
    }

    /// When this version of the rule fires next, if it is still current and enabled.
    fn next_fire(&self, rule: &str, generation: u64) -> Option<SystemTime> {
        let now = self.lambda.platform().clock.now();
        let state = self.state();
        let rule = state
            .get(rule)
            .filter(|r| r.generation == generation && r.enabled)?;
        rule.schedule.next_after(rule.start, now)
    }

    /// One firing: a Scheduled Event to every target, each an asynchronous invoke.
    async fn fire(&self, rule: &str, generation: u64, at: SystemTime) {
        let (targets, expression, rule_arn) = {
            let state = self.state();
            let Some(current) = state
                .get(rule)
                .filter(|r| r.generation == generation && r.enabled)
            else {
                return;
            };
            (
                current.targets.clone(),
                current.expression.clone(),
                current.arn.clone(),
            )
        };
        let platform = self.lambda.platform();
        let id = platform.ids().request_id();
        let event = eventbridge::scheduled_event(&rule_arn, at, &id);
        let note = match targets.len() {
            0 => "no targets".to_owned(),
            n => count(n, "target"),
        };
        platform.note(format!(
            "events: rule {rule} fired ({expression}), Scheduled Event {id} to {note}"
        ));
        let events = Principal::Service {
            service: "events.amazonaws.com".into(),
            source_arn: rule_arn,
            source_account: platform.scope.account_id.clone(),
        };
        for target in targets {
            let request = InvokeRequest::new(target)
                .invocation_type(InvocationType::Event)
                .principal(events.clone())
                .payload(event.clone());
            // A refusal (a deleted function, no permission) is already in the transcript,
            // written by invoke.
            let _ = self.lambda.invoke(request).await;
        }
    }
}

fn check_rule_name(name: &str) -> Result<(), ServiceError> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if name.is_empty() || name.len() > 64 || !valid_chars {
        return Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64"
        )));
    }
    Ok(())
}

fn no_such_rule(rule: &str) -> ServiceError {
    ServiceError::resource_not_found(format!("Rule {rule} does not exist on EventBus default."))
}
