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
//! - an environment whose invocation timed out or crashed is discarded, never reused.

use crate::context::EnvironmentResources;
use crate::function::Handler;
use std::time::Duration;
use tokio::time::Instant;

/// One execution environment.
pub(crate) struct Environment {
    /// `1`, `2`, … in order of creation, per function, so transcripts can name them.
    pub number: u32,
    /// The environment's log stream.
    pub log_stream: String,
    /// The handler built by this environment's Init phase; `None` until Init has run.
    pub handler: Option<Handler>,
    /// Its environment variables and service clients.
    pub resources: EnvironmentResources,
    /// When it last finished an invocation.
    pub idle_since: Instant,
}

/// An environment that was reclaimed while idle.
pub(crate) struct Expired {
    pub number: u32,
    pub at: Instant,
}

/// The environments of one function version.
#[derive(Default)]
pub(crate) struct EnvironmentPool {
    /// Frozen environments, in the order they became idle: most recently used last.
    idle: Vec<Environment>,
    created: u32,
}

impl EnvironmentPool {
    /// Reclaims environments idle for `idle_timeout` or longer and reports them, oldest first.
    ///
    /// Expiry is applied lazily, whenever the pool is next used, but at the time it *would* have
    /// happened, so the transcript reads as if a reaper had run on schedule.
    pub fn expire_idle(&mut self, now: Instant, idle_timeout: Duration) -> Vec<Expired> {
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
            })
            .collect()
    }

    /// A warm environment if one is idle, the most recently used first (Lambda favours warm,
    /// recently used environments, which is why a trickle of traffic keeps one environment hot).
    pub fn take_warm(&mut self) -> Option<Environment> {
        self.idle.pop()
    }

    /// Numbers a new environment; the caller creates it and runs its Init phase.
    pub fn next_number(&mut self) -> u32 {
        self.created += 1;
        self.created
    }

    /// Returns an environment to the pool after a normal end (success or function error).
    pub fn release(&mut self, mut env: Environment, now: Instant) {
        env.idle_since = now;
        self.idle.push(env);
    }

    /// How many environments are idle right now.
    pub fn idle_count(&self) -> usize {
        self.idle.len()
    }
}
