//! The platform: what Lambda and every service around it share in one simulated account.
//!
//! One account in one region has one clock, one stream of seeded ids, one set of CloudWatch
//! logs, one transcript, and one count of the work still in flight. Lambda and each service hold
//! the same [`Platform`] (an `Arc`), so they draw ids in the order things happen, write to the
//! same transcript, and [`Lambda::settle`](crate::Lambda::settle) waits for all of them.
//!
//! The platform also keeps each service's state, by type ([`Platform::state`]). That is how a
//! service owns its state without Lambda knowing it exists: `lambda.sqs()` finds SQS's queues
//! here, and Lambda's own struct has no field for them. It is the pattern of `http::Extensions`
//! (a map from a type to its one value), with each value created on first use.
//!
//! Each part has its own lock, taken for one step and never across an `.await`. When a step
//! needs two, the service's own state is locked first and the platform's parts (ids,
//! transcript, logs) after it, never the other way round, so no two steps can wait on each other.

use crate::base::arn::Scope;
use crate::base::clock::VirtualClock;
use crate::base::ids::IdGenerator;
use crate::base::logs::SharedLogs;
use crate::base::transcript::{Entry, Transcript};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;

/// What one simulated account shares; see the module docs.
pub(crate) struct Platform {
    /// The region and account every ARN names.
    pub scope: Scope,
    pub clock: VirtualClock,
    pub logs: SharedLogs,
    /// The seed every random choice comes from.
    seed: u64,
    /// The ids of requests, messages and resources, in the order they are made.
    ids: Mutex<IdGenerator>,
    transcript: Mutex<Transcript>,
    /// Work accepted and not finished: asynchronous events, and records or messages waiting for
    /// an event source mapping. `settle` waits for it to reach 0.
    in_flight: AtomicUsize,
    settled: Notify,
    /// Each service's state, by its type.
    states: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Platform {
    pub(crate) fn new(scope: Scope, clock: VirtualClock, seed: u64) -> Self {
        Self {
            scope,
            clock,
            logs: SharedLogs::default(),
            seed,
            ids: Mutex::new(IdGenerator::from_seed(seed)),
            transcript: Mutex::new(Transcript::default()),
            in_flight: AtomicUsize::new(0),
            settled: Notify::new(),
            states: Mutex::new(HashMap::new()),
        }
    }

    /// The virtual time since the account started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }

    /// The seeded ids, for one draw or a few in a row.
    pub(crate) fn ids(&self) -> MutexGuard<'_, IdGenerator> {
        lock(&self.ids)
    }

    /// Dice of their own for one kind of random choice (alias routing, retry jitter), apart from
    /// the ids, so that the choices depend only on the seed and the calls of that kind, not on
    /// how many ids were drawn before. `stream` tells the kinds apart.
    pub(crate) fn dice(&self, stream: u64) -> IdGenerator {
        IdGenerator::from_seed(self.seed ^ stream)
    }

    /// Adds an entry to the transcript.
    pub(crate) fn record(&self, entry: Entry) {
        lock(&self.transcript).push(entry);
    }

    /// Adds a line to the transcript at the current virtual time.
    pub(crate) fn note(&self, text: String) {
        let at = self.elapsed();
        self.record(Entry::Api { at, text });
    }

    /// The transcript, for rendering.
    pub(crate) fn transcript(&self) -> MutexGuard<'_, Transcript> {
        lock(&self.transcript)
    }

    /// The state of type `S`, created empty the first time a service asks for it.
    pub(crate) fn state<S: Default + Send + Sync + 'static>(&self) -> Arc<S> {
        self.state_with(S::default)
    }

    /// The state of type `S`, made by `make` the first time a service asks for it.
    pub(crate) fn state_with<S: Send + Sync + 'static>(&self, make: impl FnOnce() -> S) -> Arc<S> {
        let mut states = lock(&self.states);
        let state = states
            .entry(TypeId::of::<S>())
            .or_insert_with(|| Arc::new(make()));
        Arc::clone(state)
            .downcast()
            .unwrap_or_else(|_| unreachable!("the map keeps each value under its own type's id"))
    }

    /// Counts `n` pieces of accepted work (an asynchronous event, a record a mapping must
    /// process) that `settle` must wait for.
    pub(crate) fn work_started(&self, n: usize) {
        self.in_flight.fetch_add(n, Ordering::SeqCst);
    }

    /// Marks `n` pieces of work finished: processed, sent on to a destination, or expired.
    pub(crate) fn work_finished(&self, n: usize) {
        self.in_flight.fetch_sub(n, Ordering::SeqCst);
        self.settled.notify_waiters();
    }

    /// Waits until no accepted work is left.
    pub(crate) async fn settle(&self) {
        loop {
            let settled = self.settled.notified();
            if self.in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            settled.await;
        }
    }
}

/// Locks a part of the platform. A panic while one was held can only come from a bug in the
/// invoker itself (handlers run in the sandbox, outside every lock); the state is still the best
/// record of what happened, so it is taken over rather than lost.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
