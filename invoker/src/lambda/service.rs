//! The simulated Lambda service: functions, their versions and environments, and its state.
//!
//! [`Lambda`] is the control plane and data plane in one value. It is cheap to clone (clones share
//! one service), so handlers and helper tasks can hold it. Lambda's own state (functions,
//! concurrency, asynchronous outcomes, usage) sits behind one mutex; what it shares with the
//! services around it (the clock, ids, logs and transcript) is the account's
//! [`Platform`]. No lock is held across an `.await`: the service is consistent between steps,
//! and concurrent invocations interleave only where real ones would, at their awaits.

use crate::base::arn::Scope;
use crate::base::clock::{self, VirtualClock, DEFAULT_EPOCH_SECS};
use crate::base::error::ServiceError;
use crate::base::ids::IdGenerator;
use crate::base::logs;
use crate::base::platform::Platform;
use crate::base::transcript::{Entry, TranscriptView};
use crate::lambda::concurrency::{Ledger, ScalingRate, DEFAULT_ACCOUNT_CONCURRENCY};
use crate::lambda::config::FunctionConfig;
use crate::lambda::environment::EnvironmentPool;
use crate::lambda::event_invoke_config::{EventInvokeConfig, EventOutcome};
use crate::lambda::function::FunctionCode;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::layers::store::Layers;
use crate::lambda::permissions::policy::Policies;
use crate::lambda::sandbox::Sandbox;
use crate::lambda::timeline::Timeline;
use crate::lambda::versions::{Alias, Version};
use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::runtime::Handle;

/// How long an idle environment is kept before it is shut down. Lambda does not document this
/// and it varies; observations range from minutes to hours. Ten minutes keeps lessons readable.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// The simulated time it takes a runtime to start before your init code runs. A Rust binary on
/// `provided.al2023` starts in tens of milliseconds; interpreted and JVM runtimes take longer.
pub const DEFAULT_RUNTIME_STARTUP: Duration = Duration::from_millis(20);
/// How long, in real time, a single poll of a handler may run before it is declared a runaway
/// (a busy loop or a blocking call) and the invocation is timed out; one that has not come back
/// after five times as long never will, and ends the process. See [`crate::lambda::sandbox`].
pub(crate) const DEFAULT_RUNAWAY_AFTER: Duration = Duration::from_secs(2);

/// Mixed into the seed of the routing dice so they draw a different stream from the ids.
const ROUTING_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;
/// Mixed into the seed of the backoff jitter.
const JITTER_STREAM: u64 = 0x6a09_e667_f3bc_c908;

/// The simulated Lambda service of one account in one region.
#[derive(Clone)]
pub struct Lambda {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The clock, ids, logs and transcript Lambda shares with the services around it.
    pub platform: Arc<Platform>,
    pub sandbox: Sandbox,
    pub idle_timeout: Duration,
    pub runtime_startup: Duration,
    /// The account's concurrency limit.
    pub account_concurrency: usize,
    /// Whether transcripts show each invocation's billed GB-seconds.
    pub show_cost: bool,
    state: Mutex<State>,
}

pub(crate) struct State {
    /// The dice of weighted alias routing, apart from `ids` so that a canary's split depends only
    /// on the seed and the calls made through the alias, not on how many ids were drawn before.
    pub routing: IdGenerator,
    /// The jitter of retry backoffs, a stream of its own for the same reason.
    pub jitter: IdGenerator,
    pub functions: BTreeMap<String, Function>,
    pub layers: Layers,
    pub policies: Policies,
    /// What became of each asynchronous event, by request id, in the order they ended: a list
    /// costs one push per event, where a map would search and rebalance a tree every time.
    /// [`Lambda::event_outcomes`] hands them out as a map.
    pub event_outcomes: Vec<(String, EventOutcome)>,
    pub concurrency: Ledger,
    pub timeline: Timeline,
    pub usage: BTreeMap<String, Usage>,
}

/// What a function has used, as the bill counts it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    /// Invocations that ran (throttled calls do not count).
    pub invocations: u64,
    /// How many of them started cold.
    pub cold_starts: u64,
    /// The billed duration of all of them, in milliseconds.
    pub billed_ms: u128,
    /// Memory × billed duration, the unit compute is priced in.
    pub gb_seconds: f64,
    /// The longest single invocation (handler time, without Init).
    pub max_duration: Duration,
}

/// A deployed function: `$LATEST`, its published versions, its aliases and, per version, its
/// execution environments.
pub(crate) struct Function {
    // Shared, so that an invocation takes a cheap reference to the version it runs; an update
    // of `$LATEST` makes a new one (`Arc::make_mut`) while running invocations keep the old.
    pub latest: Arc<Version>,
    pub published: BTreeMap<u32, Arc<Version>>,
    /// The highest version number ever published: numbers are never reused.
    pub last_version: u32,
    /// Whether `$LATEST` was updated since the last publish.
    pub changed_since_publish: bool,
    pub aliases: BTreeMap<String, Alias>,
    pub environments: BTreeMap<String, EnvironmentPool>,
    /// Reserved concurrency: a guarantee and a cap, for all versions together.
    pub reserved_concurrency: Option<usize>,
    /// How fast it may add environments.
    pub scaling: ScalingRate,
    /// Asynchronous-invocation settings, by qualifier (`$LATEST`, a version or an alias).
    pub event_invoke_configs: BTreeMap<String, EventInvokeConfig>,
    /// Provisioned concurrency, by the qualifier it was put on (a version or an alias): the
    /// version it resolved to and how many environments were asked for.
    pub provisioned_configs: BTreeMap<String, (String, usize)>,
    /// Its tags (see [`crate::lambda::tags`]).
    pub tags: BTreeMap<String, String>,
}

/// Settings for a new [`Lambda`]; every one has a default.
#[derive(Clone, Debug)]
pub struct LambdaBuilder {
    seed: u64,
    region: String,
    account_id: String,
    epoch: SystemTime,
    idle_timeout: Duration,
    runtime_startup: Duration,
    runaway_after: Duration,
    account_concurrency: usize,
    show_cost: bool,
}

impl Default for LambdaBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            epoch: SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS),
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            runtime_startup: DEFAULT_RUNTIME_STARTUP,
            runaway_after: DEFAULT_RUNAWAY_AFTER,
            account_concurrency: DEFAULT_ACCOUNT_CONCURRENCY,
            show_cost: false,
        }
    }
}

impl LambdaBuilder {
    /// The seed of every request id and random choice. Same seed, same transcript.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The region in ARNs (default `us-east-1`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The 12-digit account id in ARNs (default `123456789012`, AWS's documentation account).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// The wall-clock date at which virtual time starts (default 2025-01-01T00:00:00Z).
    pub fn epoch(mut self, epoch: SystemTime) -> Self {
        self.epoch = epoch;
        self
    }

    /// How long an idle environment lives before it is shut down.
    pub fn idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.idle_timeout = idle_timeout;
        self
    }

    /// The simulated runtime start-up time, part of every Init Duration.
    pub fn runtime_startup(mut self, runtime_startup: Duration) -> Self {
        self.runtime_startup = runtime_startup;
        self
    }

    /// The real-time limit on one poll of a handler: a poll that comes back later is a runaway
    /// and times the invocation out; one still running after five times as long ends the process
    /// with a message (see `crate::lambda::sandbox`).
    pub fn runaway_after(mut self, runaway_after: Duration) -> Self {
        self.runaway_after = runaway_after;
        self
    }

    /// The account's concurrency limit (default 1,000): how many invocations may run at once.
    pub fn account_concurrency(mut self, limit: usize) -> Self {
        self.account_concurrency = limit;
        self
    }

    /// Shows each invocation's cost in the transcript: billed milliseconds × memory in GB.
    pub fn show_cost(mut self, show: bool) -> Self {
        self.show_cost = show;
        self
    }

    /// Starts the service. It must be called inside a tokio runtime, whose clock it uses.
    ///
    /// # Panics
    /// Outside a tokio runtime, like `tokio::spawn`.
    pub fn build(self) -> Lambda {
        // Fails here, outside a runtime, rather than at the first timer the service starts.
        let _runtime = Handle::current();
        let platform = Arc::new(Platform::new(
            Scope {
                region: self.region,
                account_id: self.account_id,
            },
            VirtualClock::starting_at(self.epoch),
            self.seed,
        ));
        Lambda {
            inner: Arc::new(Inner {
                platform: Arc::clone(&platform),
                sandbox: Sandbox::new(self.runaway_after),
                idle_timeout: self.idle_timeout,
                runtime_startup: self.runtime_startup,
                account_concurrency: self.account_concurrency,
                show_cost: self.show_cost,
                state: Mutex::new(State {
                    routing: platform.dice(ROUTING_STREAM),
                    jitter: platform.dice(JITTER_STREAM),
                    functions: BTreeMap::new(),
                    layers: Layers::default(),
                    policies: Policies::default(),
                    event_outcomes: Vec::new(),
                    concurrency: Ledger::default(),
                    timeline: Timeline::default(),
                    usage: BTreeMap::new(),
                }),
            }),
        }
    }
}

impl Lambda {
    /// A service with every default (seed 0, `us-east-1`, account `123456789012`).
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Settings for a service.
    pub fn builder() -> LambdaBuilder {
        LambdaBuilder::default()
    }

    /// Deploys a function, like `aws lambda create-function`, and returns its ARN.
    ///
    /// The configuration is checked against Lambda's limits first; a name already in use is
    /// refused with `ResourceConflictException`.
    pub fn create_function(
        &self,
        config: FunctionConfig,
        code: FunctionCode,
    ) -> Result<String, ServiceError> {
        config.validate()?;
        let arn = self.inner.platform.scope.function_arn(&config.name);
        let mut state = self.state();
        if state.functions.contains_key(&config.name) {
            return Err(ServiceError::resource_conflict(format!(
                "Function already exist: {}",
                config.name
            )));
        }
        let opt = state.layers.merge(&config.layers, config.code_size_bytes)?;
        let (runtime_version, runtime_version_arn) = runtime_version(
            &config.runtime,
            &self.inner.platform.scope.region,
            &mut self.inner.platform.ids(),
        );
        let mut text = format!(
            "create-function {arn} ({}, {} MB, timeout {} s)",
            config.runtime,
            config.memory_size,
            config.timeout().as_secs()
        );
        if !config.layers.is_empty() {
            let layers: Vec<&str> = config
                .layers
                .iter()
                .map(|arn| crate::lambda::layers::store::short_name(arn))
                .collect();
            text.push_str(&format!(" with layers {}", layers.join(", ")));
        }
        self.inner.platform.record(Entry::Api {
            at: self.inner.platform.clock.elapsed(),
            text,
        });
        state.functions.insert(
            config.name.to_owned(),
            Function {
                latest: Arc::new(Version {
                    config,
                    code,
                    runtime_version,
                    runtime_version_arn,
                    opt,
                }),
                published: BTreeMap::new(),
                last_version: 0,
                changed_since_publish: true,
                aliases: BTreeMap::new(),
                environments: BTreeMap::new(),
                event_invoke_configs: BTreeMap::new(),
                provisioned_configs: BTreeMap::new(),
                tags: BTreeMap::new(),
                reserved_concurrency: None,
                scaling: ScalingRate::default(),
            },
        );
        Ok(arn)
    }

    /// Deletes a function, like `aws lambda delete-function`. Named plainly, the whole function
    /// goes: its versions, aliases, environments, settings and resource-based policies go with
    /// it, and its name is free again. An invocation already running finishes with the code it
    /// started with; an event source mapping that names the function stays (as on AWS) and fails
    /// to invoke it. Named with a version (`hello:1`, or an ARN ending in `:1`), only that
    /// version goes, as with [`Lambda::delete_version`].
    pub fn delete_function(&self, function: &str) -> Result<(), ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        if target.qualifier.is_some() {
            return self.delete_one_version(&target);
        }
        let name = target.name;
        let at = self.elapsed();
        let mut state = self.state();
        self.function_mut(&mut state.functions, &name)?;
        let deleted = state.functions.remove(&name);
        (state.policies.statements).retain(|(of_function, _), _| *of_function != name);
        drop(state);
        // Its environments (and a real function's processes) end here, outside the lock.
        drop(deleted);
        self.inner.platform.record(Entry::Api {
            at,
            text: format!(
                "delete-function {}",
                self.inner.platform.scope.function_arn(&name)
            ),
        });
        Ok(())
    }

    /// The configuration of a function's `$LATEST`, or of a version or alias (`f:1`, `f:prod`:
    /// an alias gives its primary version's), like `aws lambda get-function-configuration`.
    /// What finds nothing is refused with the ARN of what was asked for, as on AWS: the
    /// unqualified ARN for a plain name, the qualified one for a version or alias.
    pub fn get_function_configuration(
        &self,
        function: &str,
    ) -> Result<FunctionConfig, ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        let qualifier = target
            .qualifier
            .as_deref()
            .unwrap_or(crate::base::arn::LATEST);
        let state = self.state();
        state
            .functions
            .get(&target.name)
            .and_then(|f| {
                let version = f.resolve(Some(qualifier), || 1.0)?;
                f.version(version).map(|v| v.config.clone())
            })
            .ok_or_else(|| {
                ServiceError::resource_not_found(format!(
                    "Function not found: {}",
                    self.inner.platform.scope.arn_of(&target)
                ))
            })
    }

    /// The names of the deployed functions, in name order.
    pub fn function_names(&self) -> Vec<String> {
        self.state().functions.keys().cloned().collect()
    }

    /// How many environments of a function, all versions together, are idle (warm) right now.
    pub fn idle_environments(&self, function: &str) -> usize {
        self.state().functions.get(function).map_or(0, |f| {
            f.environments
                .values()
                .map(EnvironmentPool::idle_count)
                .sum()
        })
    }

    /// Every log line a function wrote, stream by stream (streams in name order).
    pub fn log_lines(&self, function: &str) -> Vec<String> {
        let group = logs::log_group_name(function);
        let logs = self.inner.platform.logs.lock();
        logs.stream_names(&group)
            .into_iter()
            .flat_map(|stream| logs.stream(&group, stream))
            .map(|event| event.message.clone())
            .collect()
    }

    /// The names of a function's log streams: one per execution environment it has had.
    pub fn log_streams(&self, function: &str) -> Vec<String> {
        let group = logs::log_group_name(function);
        let logs = self.inner.platform.logs.lock();
        logs.stream_names(&group)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// A picture of a function's environments over time: init, busy, idle, shut down, one
    /// column per `column` of virtual time. See `crate::lambda::timeline`.
    pub fn timeline(&self, function: &str, column: Duration) -> String {
        self.state()
            .timeline
            .render(function, column, self.elapsed())
    }

    /// The timeline as an SVG picture, for a book or a report.
    pub fn timeline_svg(&self, function: &str, column: Duration) -> String {
        self.state()
            .timeline
            .render_svg(function, column, self.elapsed())
    }

    /// What a function has used so far: invocations, cold starts, billed time and GB-seconds.
    pub fn usage(&self, function: &str) -> Usage {
        self.state()
            .usage
            .get(function)
            .cloned()
            .unwrap_or_default()
    }

    /// The transcript of everything so far; see `crate::base::transcript`.
    pub fn transcript(&self) -> String {
        self.transcript_view().to_string()
    }

    /// The transcript, with what a test leaves out of its comparison left out: see
    /// [`TranscriptView`].
    pub fn transcript_view(&self) -> TranscriptView<'_> {
        TranscriptView::new(&self.inner.platform)
    }

    /// Adds a line to the transcript at the current virtual time.
    pub(crate) fn note(&self, text: String) {
        self.inner.platform.note(text);
    }

    /// The 12-digit account the service simulates, as ARNs and `source_account` conditions name
    /// it.
    pub fn account_id(&self) -> &str {
        &self.inner.platform.scope.account_id
    }

    /// The region the service simulates, e.g. `us-east-1`.
    pub fn region(&self) -> &str {
        &self.inner.platform.scope.region
    }

    /// The virtual time since the service started.
    pub fn elapsed(&self) -> Duration {
        self.inner.platform.clock.elapsed()
    }

    /// The virtual wall-clock time now, as an RFC 3339 timestamp.
    pub fn now_rfc3339(&self) -> String {
        clock::rfc3339_millis(self.inner.platform.clock.now())
    }

    /// The name in a call that changes `$LATEST`, which must not carry a version or alias.
    pub(crate) fn unqualified_name(&self, function: &str) -> Result<String, ServiceError> {
        self.name_without_qualifier(
            function,
            "Current operation does not support versions other than $LATEST. Please set version to $LATEST or do not set a version in your request.",
        )
    }

    /// The name in a call about the whole function (its concurrency), which must not carry a
    /// version or alias either, refused in other words.
    pub(crate) fn function_only_name(&self, function: &str) -> Result<String, ServiceError> {
        self.name_without_qualifier(
            function,
            "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.",
        )
    }

    /// The name in `function`, or `refusal` when it names a version or alias.
    pub(crate) fn name_without_qualifier(
        &self,
        function: &str,
        refusal: &str,
    ) -> Result<String, ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        if target.qualifier.is_some() {
            return Err(ServiceError::invalid_parameter_value(refusal));
        }
        Ok(target.name)
    }

    /// A deployed function, or AWS's "Function not found" with its unqualified ARN.
    pub(crate) fn function_mut<'a>(
        &self,
        functions: &'a mut BTreeMap<String, Function>,
        name: &str,
    ) -> Result<&'a mut Function, ServiceError> {
        functions.get_mut(name).ok_or_else(|| {
            ServiceError::resource_not_found(format!(
                "Function not found: {}",
                self.inner.platform.scope.function_arn(name)
            ))
        })
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock is held can only come from a bug in the invoker itself; the
        // state is still the best record of what happened, so keep using it.
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Lambda {
    /// The handle a service around Lambda holds; see [`crate::lambda::handle`].
    pub(crate) fn handle(&self) -> LambdaHandle {
        let inner: Arc<dyn Any + Send + Sync> = Arc::clone(&self.inner) as _;
        LambdaHandle {
            platform: Arc::clone(&self.inner.platform),
            lambda: Arc::downgrade(&inner),
        }
    }
}

impl LambdaHandle {
    /// The service, unless it was dropped while a client of its account lived on.
    pub(crate) fn lambda(&self) -> Result<Lambda, ServiceError> {
        self.lambda
            .upgrade()
            .and_then(|inner| inner.downcast::<Inner>().ok())
            .map(|inner| Lambda { inner })
            .ok_or_else(|| {
                ServiceError::resource_not_found(
                    "The Lambda service of this account no longer exists: the client outlived it.",
                )
            })
    }
}

impl Default for Lambda {
    fn default() -> Self {
        Self::new()
    }
}

/// `provided:al2023.v7` and its ARN, as the INIT_START line shows them. The version number and
/// hash are seeded: real ones change as AWS patches the runtime.
fn runtime_version(runtime: &str, region: &str, ids: &mut IdGenerator) -> (String, String) {
    let split = runtime
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(runtime.len());
    let (family, release) = runtime.split_at(split);
    let release = release.trim_start_matches('.').trim_end_matches(".x");
    let patch = 1 + (ids.unit() * 40.0) as u32;
    (
        format!("{family}:{release}.v{patch}"),
        format!("arn:aws:lambda:{region}::runtime:{}", ids.hex(32)),
    )
}

/// The value for `key`, inserted as the default the first time. Unlike `entry`, it looks up
/// before inserting, so the usual case (the key is there) needs no owned copy of the key: on the
/// path of every invocation, that copy was a measurable share of the time.
pub(crate) fn value_for<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    map.get_mut(key).expect("inserted just above")
}
