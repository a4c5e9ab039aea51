//! Concurrency: how many execution environments are busy at once, and what happens at the limit.
//!
//! Each environment serves one invocation at a time, so a function's *concurrency* is the number
//! of invocations in flight: about requests per second × average duration (Little's law). An
//! account has a limit per Region, **1,000 by default** (it can be raised; older guides say 100).
//! An invocation that would go over it is **throttled**:
//!
//! - a synchronous caller gets `TooManyRequestsException` (HTTP 429, `Reason:
//!   ConcurrentInvocationLimitExceeded`) and must retry itself, with backoff;
//! - an asynchronous event goes back into Lambda's internal queue and is retried with a backoff
//!   growing from 1 second to 5 minutes, for as long as its maximum event age allows.
//!
//! Reserved and provisioned concurrency come with the chapter on concurrency and scaling.

use crate::error::ServiceError;
use crate::service::Inner;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// The default concurrency limit of an account in a Region.
pub const DEFAULT_ACCOUNT_CONCURRENCY: usize = 1_000;

/// The wait before an asynchronous event throttled `retries` times before is tried again:
/// 1 s, 2 s, 4 s … up to 5 minutes.
pub fn throttle_backoff(retries: u32) -> Duration {
    const MAX: Duration = Duration::from_secs(300);
    Duration::from_secs(1u64 << retries.min(9)).min(MAX)
}

/// One busy execution environment, counted against the account's concurrency until dropped:
/// when its invocation ends, however it ends.
pub(crate) struct Busy {
    inner: Arc<Inner>,
}

impl Busy {
    /// Claims a unit of concurrency, or refuses with Lambda's throttling error.
    pub fn claim(inner: &Arc<Inner>) -> Result<Self, ServiceError> {
        let limit = inner.account_concurrency;
        inner
            .busy
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |busy| {
                (busy < limit).then_some(busy + 1)
            })
            .map_err(|_| ServiceError::too_many_requests("ConcurrentInvocationLimitExceeded"))?;
        Ok(Self {
            inner: Arc::clone(inner),
        })
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.inner.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_second_to_five_minutes() {
        let waits: Vec<u64> = (0..11).map(|r| throttle_backoff(r).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    }
}
