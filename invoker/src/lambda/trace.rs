//! Request chains: how Lambda follows one event from service to service, and stops a recursive
//! loop.
//!
//! A function that writes to the bucket that triggers it, or sends to the queue it reads, calls
//! itself forever: each invocation causes the next. Lambda notices. Every request carries an
//! X-Ray trace header, and the AWS SDK inside a function copies the header of the invocation it
//! runs in (the runtime puts it in `_X_AMZN_TRACE_ID`) onto every call it makes: the `PutObject`,
//! the `SendMessage`, the `Publish`. The header's `Lineage` field counts, per function, how many
//! times the chain has invoked it. When an event would invoke a function **more than 16 times**
//! in one chain ([`MAX_RECURSIVE_INVOCATIONS`]), Lambda does not invoke it: an asynchronous event
//! goes to the dead-letter queue or on-failure destination (or is dropped), an SQS message stays
//! in the queue until its redrive policy moves it away, and the `RecursiveInvocationsDropped`
//! metric counts it. (Lambda's docs: "Use Lambda recursive loop detection to prevent infinite
//! loops"; S3 since October 2024, SQS, SNS and Lambda since July 2023.)
//!
//! The invoker models the header with two pieces:
//!
//! - `Lineage`: the counts a request carries. An asynchronous event keeps the lineage of the
//!   call that sent it, an SQS message the lineage of its `SendMessage`; the invocation it
//!   causes runs with that lineage plus one for its own function.
//! - The **current caller**, a tokio task-local that [`crate::lambda::execution`] sets around a handler
//!   (and around init code) while it runs: the invoker's `_X_AMZN_TRACE_ID`, and its
//!   credentials. A handler calls S3, SNS or SQS through their clients (`lambda.s3()`, …), as a
//!   real function calls them through an SDK client made at init; the service reads the current
//!   caller to continue its chain, and [`crate::lambda::calls`] reads it to check the call
//!   against the function's execution role (see [`crate::lambda::iam`]) and to show the call
//!   inside that invocation's block in the transcript.
//!   Outside a handler (a test, Lambda's own pollers) there is no current caller: a call starts
//!   a chain, and is made as the account.
//!
//! The task-local travels with the handler's future, poll by poll, into every guarded poll;
//! it does not follow a task the handler spawns with `tokio::spawn`, just as a thread that a real
//! handler starts may lose the trace context (here it also loses the role: do not escape the
//! handler that way). Work started with `ctx.spawn` is polled inside the handler's future, so it
//! keeps both.
//!
//! Simplified here: the chain is counted only where Lambda itself decides to invoke (asynchronous
//! events and SQS batches); a synchronous `Invoke` from a handler continues the chain but is not
//! stopped. `PutFunctionRecursionConfig` (`Allow`) is not simulated: loops are always stopped.

use crate::base::logs::StreamId;
use crate::lambda::iam::Role;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

/// How many times one request chain may invoke the same function; the next is stopped.
/// Lambda's docs: "If your function is invoked more than 16 times in the same chain of
/// requests, then Lambda automatically stops the next function invocation in that request
/// chain and notifies you."
pub const MAX_RECURSIVE_INVOCATIONS: u32 = 16;

/// The `Lineage` of a trace header: how many times the chain has invoked each function so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Lineage {
    invocations: BTreeMap<String, u32>,
}

impl Lineage {
    /// How many times the chain has invoked `function`.
    pub(crate) fn invocations_of(&self, function: &str) -> u32 {
        self.invocations.get(function).copied().unwrap_or(0)
    }

    /// Whether one more invocation of `function` is one too many: a loop Lambda stops.
    pub(crate) fn would_loop(&self, function: &str) -> bool {
        self.invocations_of(function) >= MAX_RECURSIVE_INVOCATIONS
    }

    /// The lineage inside the next invocation of `function` in this chain.
    pub(crate) fn then(&self, function: &str) -> Lineage {
        let mut next = self.clone();
        *next.invocations.entry(function.to_owned()).or_default() += 1;
        next
    }

    /// Joins the lineage of another request into this one, keeping the longer count of each
    /// function: one invocation with a batch of messages continues every message's chain.
    pub(crate) fn merge(&mut self, other: &Lineage) {
        for (function, &count) in &other.invocations {
            let mine = self.invocations.entry(function.clone()).or_default();
            *mine = (*mine).max(count);
        }
    }
}

/// The invocation (or init) whose code is running: its chain, who it calls as, and where its
/// calls to other services belong in the transcript.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// The chain of requests that caused the invocation, its own function not counted yet;
    /// `None` for init code, which runs outside any request chain.
    pub caused_by: Option<Lineage>,
    /// Who calls. It is the same for every invocation an environment serves, so the environment
    /// builds it once and each invocation shares it.
    pub identity: Arc<Identity>,
}

/// The code that calls: which function, with which role, and where its log goes.
#[derive(Debug)]
pub(crate) struct Identity {
    /// The function whose code it is.
    pub function: String,
    /// Its execution role, which services check each call against (see [`crate::lambda::iam`]).
    pub role: Role,
    /// `function:version (environment n)`, as the transcript names a caller.
    pub name: String,
    /// Its log group and stream, by name (as the transcript shows them) and as the log store's
    /// index (where its lines go, and where a call it makes is placed among them).
    pub log_group: Arc<str>,
    pub log_stream: Arc<str>,
    pub log_stream_id: StreamId,
}

impl Caller {
    /// The chain inside the running code: the one that caused it, plus one for its own function.
    /// Counted when a call needs it rather than when the invocation starts: most invocations
    /// call nothing, and every invocation would pay for the map.
    fn lineage(&self) -> Lineage {
        match &self.caused_by {
            Some(chain) => chain.then(&self.identity.function),
            None => Lineage::default(),
        }
    }
}

tokio::task_local! {
    static CURRENT: Caller;
}

/// Runs a handler's future with `caller` as its current caller.
pub(crate) fn within<F: Future>(caller: Caller, future: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(caller, future)
}

/// The invocation whose code is calling, if the call comes from a handler.
pub(crate) fn current() -> Option<Caller> {
    CURRENT.try_with(Caller::clone).ok()
}

/// The chain a call continues: its caller's, or a new one outside any handler.
pub(crate) fn current_lineage() -> Lineage {
    CURRENT.try_with(Caller::lineage).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::logs::LogStore;

    #[test]
    fn the_seventeenth_invocation_of_a_function_in_one_chain_is_a_loop() {
        let mut lineage = Lineage::default();
        for _ in 0..MAX_RECURSIVE_INVOCATIONS {
            assert!(!lineage.would_loop("f"));
            lineage = lineage.then("f");
        }
        assert!(lineage.would_loop("f"));
        assert!(!lineage.would_loop("g"), "each function is counted apart");
    }

    #[test]
    fn a_merged_lineage_keeps_the_longest_count_of_each_function() {
        let mut a = Lineage::default().then("f").then("f");
        a.merge(&Lineage::default().then("f").then("g"));
        assert_eq!((a.invocations_of("f"), a.invocations_of("g")), (2, 1));
    }

    #[tokio::test]
    async fn the_current_caller_is_known_only_inside_its_scope() {
        assert!(current().is_none());
        let caller = Caller {
            caused_by: Some(Lineage::default()),
            identity: Arc::new(Identity {
                function: "f".into(),
                role: Role::default(),
                name: "f:$LATEST (environment 1)".into(),
                log_group: "/aws/lambda/f".into(),
                log_stream: "stream".into(),
                log_stream_id: LogStore::default().open("/aws/lambda/f", "stream"),
            }),
        };
        let seen = within(caller, async { current_lineage().invocations_of("f") }).await;
        assert_eq!(seen, 1);
        assert_eq!(current_lineage(), Lineage::default());
    }
}
