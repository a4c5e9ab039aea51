//! Concurrency: how many execution environments are busy at once, and what happens at the limit.
//!
//! Each environment serves one invocation at a time, so a function's *concurrency* is the number
//! of invocations in flight: about requests per second × average duration (Little's law). An
//! account has a limit per Region, **1,000 by default** (it can be raised; older guides say 100).
//! An invocation that would go over it is **throttled**:
//!
//! - a synchronous caller gets `TooManyRequestsException` (HTTP 429) with a `Reason`, and must
//!   retry itself, with backoff;
//! - an asynchronous event goes back into Lambda's internal queue and is retried with a backoff
//!   growing from 1 second to 5 minutes, for as long as its maximum event age allows.
//!
//! A function also **scales at a limited rate**: it may add 1,000 execution environments every
//! 10 seconds. A burst that needs more new environments than that, sooner, is throttled too,
//! even below the concurrency limit (the invoker reports it with the reason
//! `ConcurrentInvocationLimitExceeded`, a guess: AWS documents the 429 but not which reason it
//! carries, and the recordings the workbook knows of hold only the reserved-concurrency reason).
//!
//! Two settings shape it per function:
//!
//! - **Reserved concurrency** is both a guarantee and a cap: that many units are set aside for
//!   the function (no other function can use them) and it can never run more at once (`Reason:
//!   ReservedFunctionConcurrentInvocationLimitExceeded`). At least 100 units always stay
//!   unreserved for the rest of the account. Reserved concurrency 0 turns a function off.
//! - **Provisioned concurrency** keeps environments of a version or alias initialised ahead of
//!   time, so requests find them warm: no Init on the request path. Beyond them, Lambda spills over
//!   to ordinary on-demand environments, which may start cold. A version is provisioned either
//!   itself or through one alias pointing to it, not both.

use crate::base::arn::{names_a_version, LATEST};
use crate::base::error::{ErrorCode, ServiceError, ThrottleReason};
use crate::base::transcript::Entry;
use crate::lambda::service::{value_for, Function, Lambda};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The default concurrency limit of an account in a Region.
pub(crate) const DEFAULT_ACCOUNT_CONCURRENCY: usize = 1_000;
/// How much of the account's concurrency always stays unreserved.
pub(crate) const MIN_UNRESERVED_CONCURRENCY: usize = 100;
/// How long a throttled call takes to come back: a refusal is still a round trip to Lambda. (It
/// also means a caller that retries in a tight loop, without waiting, still sees time pass.)
pub const THROTTLE_ROUND_TRIP: Duration = Duration::from_millis(1);

/// The wait before an asynchronous event throttled `retries` times before is tried again: about
/// 1 s, 2 s, 4 s … up to 5 minutes. `unit` (a random number in `0.0..1.0`) adds *jitter*: the
/// wait is between half and all of the step. Without it, events throttled together would all
/// come back at the same instant, collide again, and leave the function idle in between.
pub(crate) fn throttle_backoff(retries: u32, unit: f64) -> Duration {
    const MAX: Duration = Duration::from_secs(300);
    let step = Duration::from_secs(1u64 << retries.min(9)).min(MAX);
    step / 2 + step.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
}

/// How fast a function may add execution environments: 1,000 every 10 seconds, whatever the
/// account's concurrency (since November 2023; older guides describe an account-wide burst of
/// 500–3,000 and then 500 more per minute). Unused rate does not carry over.
#[derive(Debug)]
pub(crate) struct ScalingRate {
    /// When the environments created in the current window were created.
    recent: std::collections::VecDeque<Duration>,
    per_window: usize,
}

/// Environments a function may add per [`SCALING_WINDOW`].
pub(crate) const SCALING_RATE: usize = 1_000;
/// The window of the scaling rate.
pub(crate) const SCALING_WINDOW: Duration = Duration::from_secs(10);

impl Default for ScalingRate {
    fn default() -> Self {
        Self {
            recent: Default::default(),
            per_window: SCALING_RATE,
        }
    }
}

impl ScalingRate {
    /// Records a new environment at `now` if the rate allows one; `false` means throttle.
    pub(crate) fn allow_new_environment(&mut self, now: Duration) -> bool {
        while self
            .recent
            .front()
            .is_some_and(|created| now.saturating_sub(*created) >= SCALING_WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= self.per_window {
            return false;
        }
        self.recent.push_back(now);
        true
    }
}

/// How many invocations each function has in flight.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Each function's count, shared with the [`Busy`] units that make it up, so that a unit
    /// gives itself back without a lookup by name or the service's lock.
    busy: BTreeMap<String, Arc<AtomicUsize>>,
}

impl Ledger {
    fn busy(&self, function: &str) -> usize {
        self.busy
            .get(function)
            .map_or(0, |count| count.load(Ordering::Relaxed))
    }
}

/// One busy execution environment, counted against its function's and the account's concurrency
/// until dropped: when its invocation ends, however it ends.
pub(crate) struct Busy {
    count: Arc<AtomicUsize>,
}

impl Busy {
    /// Claims a unit of concurrency for `function`, or refuses with Lambda's throttling error.
    pub(crate) fn claim(lambda: &Lambda, function: &str) -> Result<Self, ServiceError> {
        let limit = lambda.inner.account_concurrency;
        let mut state = lambda.state();
        let reserved_of = |name: &str| {
            state
                .functions
                .get(name)
                .and_then(|f| f.reserved_concurrency)
        };
        match reserved_of(function) {
            Some(reserved) => {
                if state.concurrency.busy(function) >= reserved {
                    return Err(ServiceError::too_many_requests(
                        ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded,
                    ));
                }
            }
            None => {
                // Functions without a reservation share what the reservations leave.
                let reserved_total: usize = state
                    .functions
                    .values()
                    .filter_map(|f| f.reserved_concurrency)
                    .sum();
                let unreserved_busy: usize = state
                    .concurrency
                    .busy
                    .iter()
                    .filter(|(name, _)| reserved_of(name).is_none())
                    .map(|(_, busy)| busy.load(Ordering::Relaxed))
                    .sum();
                if unreserved_busy >= limit.saturating_sub(reserved_total) {
                    return Err(ServiceError::too_many_requests(
                        ThrottleReason::ConcurrentInvocationLimitExceeded,
                    ));
                }
            }
        }
        // Claimed under the service's lock, so two claims cannot both take the last unit; a
        // unit given back meanwhile only makes the check above stricter than it needs to be.
        let count = Arc::clone(value_for(&mut state.concurrency.busy, function));
        count.fetch_add(1, Ordering::Relaxed);
        Ok(Self { count })
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Lambda {
    /// Reserves concurrency for a function, like `aws lambda put-function-concurrency
    /// --reserved-concurrent-executions N`: a guarantee and a cap. 0 stops the function.
    pub fn put_function_concurrency(
        &self,
        function: &str,
        reserved: usize,
    ) -> Result<(), ServiceError> {
        let name = self.function_only_name(function)?;
        let limit = self.inner.account_concurrency;
        let at = self.elapsed();
        let mut state = self.state();
        // AWS names `$LATEST` in this refusal, unlike GetFunctionConcurrency's (recorded), and
        // looks for the function before it weighs the number.
        if !state.functions.contains_key(&name) {
            return Err(ServiceError::resource_not_found(format!(
                "Function not found: {}",
                self.inner.platform.scope.qualified_arn(&name, LATEST)
            )));
        }
        let others: usize = state
            .functions
            .iter()
            .filter(|(n, _)| **n != name)
            .filter_map(|(_, f)| f.reserved_concurrency)
            .sum();
        let min_unreserved = MIN_UNRESERVED_CONCURRENCY.min(limit);
        if limit < others + reserved + min_unreserved {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{min_unreserved}]."
            )));
        }
        self.function_mut(&mut state.functions, &name)?
            .reserved_concurrency = Some(reserved);
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("put-function-concurrency {name}: {reserved} reserved"),
        });
        Ok(())
    }

    /// Removes a function's reservation; it shares the unreserved pool again.
    pub fn delete_function_concurrency(&self, function: &str) -> Result<(), ServiceError> {
        let name = self.function_only_name(function)?;
        let at = self.elapsed();
        let mut state = self.state();
        self.function_mut(&mut state.functions, &name)?
            .reserved_concurrency = None;
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("delete-function-concurrency {name}"),
        });
        Ok(())
    }

    /// A function's reserved concurrency, if it has one.
    pub fn get_function_concurrency(&self, function: &str) -> Result<Option<usize>, ServiceError> {
        let name = self.function_only_name(function)?;
        let mut state = self.state();
        Ok(self
            .function_mut(&mut state.functions, &name)?
            .reserved_concurrency)
    }

    /// The account's concurrency, like `aws lambda get-account-settings`'s `AccountLimit`: the
    /// limit, and how much of it the functions' reservations leave to the others.
    pub fn account_limit(&self) -> AccountLimit {
        let limit = self.inner.account_concurrency;
        let reserved: usize = self
            .state()
            .functions
            .values()
            .filter_map(|f| f.reserved_concurrency)
            .sum();
        AccountLimit {
            concurrent_executions: limit,
            unreserved_concurrent_executions: limit.saturating_sub(reserved),
        }
    }

    /// How many invocations a function has in flight right now.
    pub fn concurrent_executions(&self, function: &str) -> usize {
        self.state().concurrency.busy(function)
    }

    /// Initialises `count` environments of a published version or alias ahead of time, like
    /// `aws lambda put-provisioned-concurrency-config`. Their Init runs now, not on a request.
    pub async fn put_provisioned_concurrency_config(
        &self,
        function: &str,
        count: usize,
    ) -> Result<(), ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        if count == 0 {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{count}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )));
        }
        let qualifier = match target.qualifier.as_deref() {
            None | Some(LATEST) => {
                return Err(ServiceError::invalid_parameter_value(
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
                ))
            }
            Some(q) => q.to_owned(),
        };
        let (version, code, numbers) = {
            let mut state = self.state();
            let state = &mut *state;
            let version = self.provisioned_version(
                state.functions.get(&target.name),
                &target.name,
                &qualifier,
            )?;
            let f = state
                .functions
                .get_mut(&target.name)
                .expect("resolved above");
            refuse_version_provisioned_twice(&f.provisioned_configs, &qualifier, &version)?;
            if f.reserved_concurrency.is_some_and(|r| count > r) {
                return Err(ServiceError::invalid_parameter_value(
                    "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
                ));
            }
            let code = f.version(&version).cloned().expect("resolved above");
            f.provisioned_configs
                .insert(qualifier.clone(), (version.clone(), count));
            let pool = f.environments.entry(version.clone()).or_default();
            pool.keep_provisioned();
            let numbers: Vec<u32> = (0..count).map(|_| pool.next_number()).collect();
            (version, code, numbers)
        };
        for number in numbers {
            let mut env = {
                let mut state = self.state();
                self.new_environment(&mut state, &code, &version, number, true)
            };
            let (_, failure) = self.initialize(&mut env, &code).await;
            if let Some(error) = failure {
                return Err(ServiceError::resource_conflict(format!(
                    "Provisioned environment {number} of {}:{version} failed to initialise: {error}",
                    target.name
                )));
            }
            let mut state = self.state();
            if let Some(pool) = state
                .functions
                .get_mut(&target.name)
                .and_then(|f| f.environments.get_mut(&version))
            {
                pool.release(env, tokio::time::Instant::now());
            }
        }
        let at = self.elapsed();
        self.inner.platform.record(Entry::Api {
            at,
            text: format!(
                "put-provisioned-concurrency-config {}:{qualifier}: {count} environment(s) of version {version} initialised",
                target.name
            ),
        });
        Ok(())
    }

    /// How many environments are provisioned for a version or alias, like `aws lambda
    /// get-provisioned-concurrency-config`: as many as asked for (the invoker initialises them
    /// before `put_provisioned_concurrency_config` returns, so they are all ready).
    pub fn get_provisioned_concurrency_config(
        &self,
        function: &str,
    ) -> Result<usize, ServiceError> {
        let (name, qualifier) = self.provisioned_target(function)?;
        let state = self.state();
        let f = state.functions.get(&name);
        if qualifier != LATEST {
            self.provisioned_version(f, &name, &qualifier)?;
        }
        f.and_then(|f| f.provisioned_configs.get(&qualifier))
            .map(|(_, count)| *count)
            .ok_or_else(no_provisioned_config)
    }

    /// Removes a version's or alias's provisioned concurrency, like `aws lambda
    /// delete-provisioned-concurrency-config`: its environments become on-demand ones (see
    /// `EnvironmentPool::retire_provisioned`).
    pub fn delete_provisioned_concurrency_config(
        &self,
        function: &str,
    ) -> Result<(), ServiceError> {
        let (name, qualifier) = self.provisioned_target(function)?;
        let at = self.elapsed();
        let now = tokio::time::Instant::now();
        let mut state = self.state();
        let f = state
            .functions
            .get_mut(&name)
            .ok_or_else(no_provisioned_config)?;
        if !f.drop_provisioned(&qualifier, now) {
            return Err(no_provisioned_config());
        }
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("delete-provisioned-concurrency-config {name}:{qualifier}"),
        });
        Ok(())
    }

    /// The version a provisioned-concurrency call's version or alias resolves to, or AWS's
    /// refusal: a missing version is a function not found; a missing alias (of a function that
    /// may not exist either, or of an alias deleted since) is an alias AWS cannot find
    /// (recorded).
    fn provisioned_version(
        &self,
        function: Option<&Function>,
        name: &str,
        qualifier: &str,
    ) -> Result<String, ServiceError> {
        let resolved = function.and_then(|f| {
            let version = f.resolve(Some(qualifier), || 1.0)?;
            f.version(version).map(|_| version.to_owned())
        });
        resolved.ok_or_else(|| {
            if names_a_version(qualifier) {
                ServiceError::resource_not_found(format!(
                    "Function not found: {}",
                    self.inner.platform.scope.qualified_arn(name, qualifier)
                ))
            } else {
                self.cannot_find_alias(name, qualifier)
            }
        })
    }

    /// The function and the qualifier of a provisioned-concurrency call.
    fn provisioned_target(&self, function: &str) -> Result<(String, String), ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        let qualifier = target.qualifier.unwrap_or_else(|| LATEST.to_owned());
        Ok((target.name, qualifier))
    }
}

impl Function {
    /// Removes the provisioned concurrency put on a version or alias, if any: its environments
    /// become on-demand ones (see `EnvironmentPool::retire_provisioned`). Returns whether there
    /// was one.
    pub(crate) fn drop_provisioned(&mut self, qualifier: &str, now: tokio::time::Instant) -> bool {
        let Some((version, _)) = self.provisioned_configs.remove(qualifier) else {
            return false;
        };
        if let Some(pool) = self.environments.get_mut(&version) {
            pool.retire_provisioned(now);
        }
        true
    }
}

/// A version's provisioned concurrency is put either on the version or on an alias pointing to
/// it, not on both: AWS refuses the second, whichever came first (recorded).
fn refuse_version_provisioned_twice(
    configs: &BTreeMap<String, (String, usize)>,
    qualifier: &str,
    version: &str,
) -> Result<(), ServiceError> {
    let on_version = names_a_version(qualifier);
    let provisioned_the_other_way = configs.iter().any(|(other, (other_version, _))| {
        other_version == version && names_a_version(other) != on_version
    });
    match (provisioned_the_other_way, on_version) {
        (false, _) => Ok(()),
        (true, true) => Err(ServiceError::resource_conflict(
            "Version is pointed by a Provisioned Concurrency alias",
        )),
        (true, false) => Err(ServiceError::resource_conflict(
            "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
        )),
    }
}

/// The account's concurrency limit and what reservations leave of it (see
/// [`Lambda::account_limit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountLimit {
    /// How many invocations may run at once in the account and Region (1,000 by default).
    pub concurrent_executions: usize,
    /// What is left for the functions without reserved concurrency.
    pub unreserved_concurrent_executions: usize,
}

/// AWS's answer when a version or alias has no provisioned concurrency.
fn no_provisioned_config() -> ServiceError {
    ServiceError::new(
        ErrorCode::ProvisionedConcurrencyConfigNotFoundException,
        404,
        "No Provisioned Concurrency Config found for this function",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_adds_at_most_1000_environments_per_10_seconds() {
        let mut rate = ScalingRate::default();
        let at = Duration::from_millis;
        assert!((0..1_000).all(|_| rate.allow_new_environment(at(0))));
        assert!(!rate.allow_new_environment(at(9_999)));
        assert!(
            rate.allow_new_environment(at(10_000)),
            "the window has moved on"
        );
    }

    #[test]
    fn backoff_doubles_from_one_second_to_five_minutes_with_jitter() {
        let longest: Vec<u64> = (0..11)
            .map(|r| throttle_backoff(r, 1.0).as_secs())
            .collect();
        assert_eq!(longest, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        let shortest: Vec<u64> = (0..11)
            .map(|r| throttle_backoff(r, 0.0).as_millis() as u64)
            .collect();
        assert_eq!(shortest[0], 500);
        assert_eq!(shortest[10], 150_000);
    }
}
