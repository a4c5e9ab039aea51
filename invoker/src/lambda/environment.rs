//! Execution environments: the sandboxes a function's invocations run in, and their reuse.
//!
//! The first invocation of a function finds no environment, so Lambda creates one: that is a
//! **cold start**, and it runs the Init phase (start the runtime, run the code outside the
//! handler) before the handler. When the invocation ends the environment is frozen and kept; the
//! next invocation that arrives while it is idle thaws it and runs at once: a **warm start**.
//!
//! Rules this module keeps, as Lambda does:
//! - one environment serves one invocation at a time, so concurrent invocations need one
//!   environment each;
//! - an idle environment is reclaimed after a while (Lambda does not promise how long; the
//!   invoker's default is [`crate::DEFAULT_IDLE_TIMEOUT`]), so a quiet function starts cold again;
//! - an environment whose invocation timed out or crashed is discarded, never reused;
//! - between invocations an environment is **frozen**: work the code started in the background
//!   and did not wait for makes progress only while an invocation runs (see [`Background`]).

use crate::lambda::context::EnvironmentResources;
use crate::lambda::function::{BoxFuture, Handler};
use crate::lambda::trace::Identity;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// One execution environment.
pub(crate) struct Environment {
    /// `1`, `2`, … in order of creation, per function, so transcripts can name them.
    pub number: u32,
    /// Who its code is: its function, its role, and its log stream (see
    /// [`crate::lambda::trace`]).
    pub identity: Arc<Identity>,
    /// The handler built by this environment's Init phase; `None` until Init has run.
    pub handler: Option<Handler>,
    /// Its environment variables and service clients.
    pub resources: Arc<EnvironmentResources>,
    /// Initialised ahead of time by provisioned concurrency: it never expires while idle.
    pub provisioned: bool,
    /// Its row in the service's timeline.
    pub history: usize,
    /// When it last finished an invocation.
    pub idle_since: Instant,
}

/// An environment that was reclaimed while idle.
pub(crate) struct Expired {
    pub number: u32,
    pub at: Instant,
    /// Background tasks it still had: they never finished.
    pub unfinished: usize,
    /// Its row in the service's timeline.
    pub history: usize,
}

/// Work the code of an environment started without waiting for it (`ctx.spawn(…)`).
///
/// On Lambda, the environment is frozen as soon as the handler returns: background work, a
/// timer, a request in flight, stops where it is. It carries on when the next invocation thaws
/// the environment (so its log lines appear in *that* invocation's logs), and if no invocation
/// comes before the environment is shut down, it never finishes. That is why anything that must
/// happen is awaited before the handler returns. The invoker reproduces it: background tasks
/// are polled only while an invocation (or the Init phase) of their environment runs.
#[derive(Clone, Default)]
pub(crate) struct Background {
    tasks: Arc<Mutex<Vec<BoxFuture<()>>>>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Background({} tasks)", self.pending())
    }
}

/// How many rounds of polling background tasks one poll of the handler may take.
const MAX_ROUNDS: usize = 8;

impl Background {
    /// Starts a background task in this environment.
    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.lock().push(Box::pin(task));
    }

    /// How many background tasks have not finished.
    pub(crate) fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Runs `main` (a handler or an init step) to its end, driving the background tasks while it
    /// runs. Tasks still pending when `main` ends stay frozen until the next call.
    pub(crate) async fn thawed_while<T>(self, main: impl Future<Output = T>) -> T {
        let mut main = pin!(main);
        poll_fn(|cx| {
            let result = main.as_mut().poll(cx);
            // Tasks started during these polls get their first poll too, so keep going until
            // a round starts nothing new (with a bound, for a task that starts one every time).
            for _ in 0..MAX_ROUNDS {
                let mut tasks = std::mem::take(&mut *self.lock());
                if tasks.is_empty() {
                    break;
                }
                tasks.retain_mut(|task| task.as_mut().poll(cx).is_pending());
                let mut stored = self.lock();
                let started_meanwhile = std::mem::replace(&mut *stored, tasks);
                let nothing_new = started_meanwhile.is_empty();
                stored.extend(started_meanwhile);
                if nothing_new {
                    break;
                }
            }
            result
        })
        .await
    }

    /// Takes the tasks out of an environment that is thrown away, to be dropped in the sandbox.
    pub(crate) fn take(&self) -> Vec<BoxFuture<()>> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Vec<BoxFuture<()>>> {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The environments of one function version.
#[derive(Default)]
pub(crate) struct EnvironmentPool {
    /// Frozen on-demand environments, in the order they became idle: most recently used last.
    idle: Vec<Environment>,
    /// Frozen provisioned environments: they are used first and never expire.
    provisioned: Vec<Environment>,
    /// Whether provisioned concurrency is configured for this version now: once it is deleted,
    /// a provisioned environment that comes back from work becomes an on-demand one.
    keeps_provisioned: bool,
    created: u32,
}

impl EnvironmentPool {
    /// Reclaims environments idle for `idle_timeout` or longer and reports them, oldest first.
    ///
    /// Expiry is applied lazily, whenever the pool is next used, but at the time it *would* have
    /// happened, so the transcript reads as if a reaper had run on schedule.
    pub(crate) fn expire_idle(&mut self, now: Instant, idle_timeout: Duration) -> Vec<Expired> {
        // `idle` is in order of `idle_since` (environments are released as time goes on), so the
        // expired ones are a prefix: finding it costs a binary search, not a scan.
        let expired = self
            .idle
            .partition_point(|env| now.duration_since(env.idle_since) >= idle_timeout);
        self.idle
            .drain(..expired)
            .map(|env| Expired {
                number: env.number,
                at: env.idle_since + idle_timeout,
                unfinished: env.resources.background.pending(),
                history: env.history,
            })
            .collect()
    }

    /// A warm environment if one is idle, the most recently used first (Lambda favours warm,
    /// recently used environments, which is why a trickle of traffic keeps one environment hot).
    pub(crate) fn take_warm(&mut self) -> Option<Environment> {
        // Provisioned environments are paid for whether used or not: Lambda routes to them first
        // and spills over to on-demand environments when they are all busy.
        self.provisioned.pop().or_else(|| self.idle.pop())
    }

    /// Numbers a new environment; the caller creates it and runs its Init phase.
    pub(crate) fn next_number(&mut self) -> u32 {
        self.created += 1;
        self.created
    }

    /// Returns an environment to the pool after a normal end (success or function error).
    pub(crate) fn release(&mut self, mut env: Environment, now: Instant) {
        env.idle_since = now;
        env.provisioned &= self.keeps_provisioned;
        match env.provisioned {
            true => self.provisioned.push(env),
            false => self.idle.push(env),
        }
    }

    /// Provisioned concurrency is configured for this version: its provisioned environments are
    /// kept as such.
    pub(crate) fn keep_provisioned(&mut self) {
        self.keeps_provisioned = true;
    }

    /// Provisioned concurrency was deleted: the provisioned environments become on-demand ones,
    /// reclaimed when idle like any other. (Lambda takes them away; the invoker lets them go
    /// their usual way, so that nothing of the function's code is dropped outside the sandbox.)
    pub(crate) fn retire_provisioned(&mut self, now: Instant) {
        self.keeps_provisioned = false;
        for mut env in self.provisioned.drain(..) {
            env.provisioned = false;
            env.idle_since = now;
            self.idle.push(env);
        }
    }

    /// How many environments are idle right now.
    pub(crate) fn idle_count(&self) -> usize {
        self.idle.len() + self.provisioned.len()
    }
}
