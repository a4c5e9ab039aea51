//! Provided by the exercise: the names, the session store the cleanup empties (with a week of
//! sample sessions), and the deployment around your code. Read it, but you don't need to change
//! it: your part is in `lib.rs`.

use invoker::aws_lambda_events::eventbridge::EventBridgeEvent;
use invoker::DEFAULT_EPOCH_SECS;
use invoker::{
    with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    Permission, ServiceError,
};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::{purge_expired_sessions, schedule_cleanup};

/// The function this exercise deploys.
pub const FUNCTION: &str = "purge-sessions";
/// The EventBridge rule that runs it.
pub const RULE: &str = "purge-sessions-nightly";

/// One run of the cleanup, as the store remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purge {
    /// The time the run purged as of.
    pub at: SystemTime,
    /// The sessions it removed, in id order.
    pub purged: Vec<String>,
    /// How many sessions were left.
    pub remaining: usize,
}

#[derive(Debug, Default)]
struct Sessions {
    /// Session id → when it expires.
    expiry: BTreeMap<String, SystemTime>,
    history: Vec<Purge>,
}

/// The sessions of a web shop's logged-in users, each with the time it expires. Clones share
/// one store, so a test can hold one and look at it after the function ran.
#[derive(Clone, Debug, Default)]
pub struct SessionStore {
    sessions: Arc<Mutex<Sessions>>,
}

impl SessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a session that expires at `expires_at`.
    pub fn insert(&self, id: &str, expires_at: SystemTime) {
        self.lock().expiry.insert(id.to_owned(), expires_at);
    }

    /// Removes every session that has expired at `now` (expiring at `now` counts), and returns
    /// their ids in order. The store remembers each purge, for [`SessionStore::history`].
    pub fn purge_expired(&self, now: SystemTime) -> Vec<String> {
        let mut sessions = self.lock();
        let expired: Vec<String> = sessions
            .expiry
            .iter()
            .filter(|(_, expires_at)| **expires_at <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &expired {
            sessions.expiry.remove(id);
        }
        let remaining = sessions.expiry.len();
        sessions.history.push(Purge {
            at: now,
            purged: expired.clone(),
            remaining,
        });
        expired
    }

    /// How many sessions the store holds.
    pub fn len(&self) -> usize {
        self.lock().expiry.len()
    }

    /// Whether the store holds no session at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every purge so far, oldest first.
    pub fn history(&self) -> Vec<Purge> {
        self.lock().history.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `2025-01-01T00:00Z` plus `days`, `hours` and `minutes`: the virtual clock starts on
/// Wednesday 1 January 2025, at midnight UTC.
pub fn utc(days: u64, hours: u64, minutes: u64) -> SystemTime {
    let offset = ((days * 24 + hours) * 60 + minutes) * 60;
    SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS + offset)
}

/// A week of sessions: each expires at a different time in the first week of January 2025 (the
/// times are UTC), and two outlive it.
pub fn sample_store() -> SessionStore {
    let store = SessionStore::new();
    store.insert("s-ada", utc(0, 12, 0)); // Wed 1 Jan, 12:00
    store.insert("s-bo", utc(0, 18, 0)); // Wed 1 Jan, 18:00
    store.insert("s-cy", utc(1, 9, 0)); // Thu 2 Jan, 09:00
    store.insert("s-dee", utc(2, 20, 0)); // Fri 3 Jan, 20:00
    store.insert("s-eve", utc(3, 10, 0)); // Sat 4 Jan, 10:00
    store.insert("s-fay", utc(5, 17, 59)); // Mon 6 Jan, 17:59
    store.insert("s-gus", utc(6, 18, 1)); // Tue 7 Jan, 18:01
    store.insert("s-hal", utc(8, 0, 0)); // Thu 9 Jan, 00:00
    store
}

// ANCHOR: code
/// The function's code: the init step connects to the store (here, keeps it), and each
/// Scheduled Event runs your `purge_expired_sessions`.
pub fn cleanup(store: &SessionStore) -> FunctionCode {
    let store = store.clone();
    with_init(
        move |_init: InitContext| {
            let store = store.clone();
            async move { Ok::<_, Diagnostic>(store) }
        },
        |store: Arc<SessionStore>, event: LambdaEvent<EventBridgeEvent>| async move {
            let event = event.payload;
            purge_expired_sessions(&store, event).await
        },
    )
}
// ANCHOR_END: code

/// Deploys `purge-sessions` in front of `store`, and schedules it with your `schedule_cleanup`.
pub fn deploy_with(lambda: &Lambda, store: &SessionStore) -> Result<(), ServiceError> {
    let config =
        FunctionConfig::new(FUNCTION).description("Purges expired sessions, every weekday night");
    let function_arn = lambda.create_function(config, cleanup(store))?;
    // EventBridge invokes the function only if its resource-based policy lets it, for this rule:
    // what `aws lambda add-permission` does, and what SAM's `Events: Schedule` adds for you.
    let rule_arn = format!(
        "arn:aws:events:{}:{}:rule/{RULE}",
        lambda.region(),
        lambda.account_id()
    );
    let permission = Permission::new("eventbridge-nightly", "events.amazonaws.com")
        .source_arn(rule_arn)
        .source_account(lambda.account_id());
    lambda.add_permission(FUNCTION, permission)?;
    schedule_cleanup(lambda, &function_arn)
}

/// Deploys the exercise with the [`sample_store`].
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_with(lambda, &sample_store())
}
