//! Running one invocation in an execution environment: the heart of the invoker.
//!
//! Whatever called (a synchronous `Invoke`, an attempt at an asynchronous event), an invocation
//! goes through the same steps, as on Lambda:
//!
//! 1. **Claim concurrency.** Over the limit, the invocation is throttled (see
//!    [`crate::lambda::concurrency`]).
//! 2. **Find an environment** of the version that runs: a warm one, or a new one, whose **Init**
//!    phase (runtime start-up, then the code outside the handler, at most 10 seconds) writes
//!    `INIT_START` and counts as `Init Duration`.
//! 3. **Invoke**: `START`, the handler in the sandbox under the function's timeout, `END` and
//!    `REPORT`.
//! 4. **Keep or discard the environment**: kept (frozen) after a normal end or a function error;
//!    discarded after a timeout or a crash, so the next call starts cold. What the code kept in a
//!    discarded environment is dropped in the sandbox (see [`crate::lambda::sandbox`]).
//!
//! Simplified: after a timeout or a crash Lambda *resets* the environment rather than discarding
//! it. The next request it serves starts the runtime again (Init runs, the old globals are gone)
//! but finds `/tmp` as it was, half-written files included. The invoker starts a new
//! environment with an empty `/tmp` instead; the book's execution-environment chapter says so.

use crate::base::arn::FunctionRef;
use crate::base::clock;
use crate::base::error::{ServiceError, ThrottleReason};
use crate::base::logs::{self, LogEvent, LogSource, Report, StreamId};
use crate::base::transcript::{Entry, Invocation};
use crate::lambda::concurrency::{Busy, THROTTLE_ROUND_TRIP};
use crate::lambda::config::FunctionConfig;
use crate::lambda::context::{Config, Context, EnvironmentResources, InitContext, Logger};
use crate::lambda::cpu;
use crate::lambda::env_vars;
use crate::lambda::environment::{Background, Environment};
use crate::lambda::function::{Diagnostic, HandlerResult};
use crate::lambda::invoke::{
    describe_target, json_bytes, InvokeRequest, InvokeResponse, LogType, MAX_SYNC_PAYLOAD_BYTES,
};
use crate::lambda::sandbox::Fault;
use crate::lambda::service::{value_for, Lambda, State};
use crate::lambda::tmp::Tmp;
use crate::lambda::trace::{self, Caller, Identity, Lineage};
use crate::lambda::versions::Version;
use base64::Engine;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// The response limit as Lambda's error message states it (it allows a little framing).
const MAX_SYNC_RESPONSE_BYTES: usize = 6_291_556;
/// The Init phase may take at most 10 seconds.
pub(crate) const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of the log an invoke with `LogType: Tail` returns.
const LOG_TAIL_BYTES: usize = 4096;
/// The invoker's model of a small runtime's memory use, shown as `Max Memory Used`.
const BASELINE_MEMORY_MB: u32 = 16;

/// How one invocation of the handler ended.
enum Outcome {
    Response(Vec<u8>),
    Failed(Diagnostic),
    Crashed(Diagnostic),
    TimedOut(Diagnostic),
}

impl Lambda {
    /// Steps 2–4 of an invocation (see the module docs): a synchronous call, or one attempt at
    /// an asynchronous event. Returns the response and whether the function failed, or the
    /// throttling error if no concurrency was left to run it.
    pub(crate) async fn run(
        &self,
        run: Run<'_>,
    ) -> Result<(InvokeResponse, Option<Diagnostic>), ServiceError> {
        let Run {
            request,
            target,
            version,
            event,
            request_id,
            kind,
            caused_by,
        } = run;
        // Virtual time moves only while this task awaits, so the clock is read once for each
        // stretch between two awaits (under tokio's test clock, every read takes a lock).
        let arrived = Instant::now();
        let at = self.inner.platform.clock.elapsed_at(arrived);
        // Counted as busy until this invocation ends, however it ends; a throttle drops it.
        let claimed = Busy::claim(self, &target.name)
            .and_then(|busy| Ok((busy, self.acquire(&target.name, &version, arrived)?)));
        let (_busy, acquired) = match claimed {
            Ok(claimed) => claimed,
            Err(throttled) => {
                tokio::time::sleep(THROTTLE_ROUND_TRIP).await;
                return Err(throttled);
            }
        };
        let Acquired {
            mut env,
            cold,
            code,
        } = acquired;
        let config = &code.config;
        let identity = Arc::clone(&env.identity);
        let log = identity.log_stream_id;
        let first_line = self.inner.platform.logs.stream_len(log);
        let platform_log = |at: Instant, message: String| {
            self.platform_line(log, self.inner.platform.clock.wall_time(at), message)
        };

        // Init: only on a cold start.
        let (init_duration, init_failure) = match cold {
            true => {
                let (duration, failure) = self.initialize(&mut env, &code).await;
                (Some(duration), failure)
            }
            false => (None, None),
        };

        // Invoke. Only the Init phase, on a cold start, has let time move since it arrived.
        let started = match cold {
            true => Instant::now(),
            false => arrived,
        };
        platform_log(started, logs::start_line(&request_id, &version));
        let started_at = self.inner.platform.clock.elapsed_at(started);
        let deadline = started + config.timeout();
        let logger = self.logger_of(&identity, Some(&request_id));
        let outcome = match (&env.handler, init_failure) {
            (_, Some(error)) => Outcome::Crashed(error),
            (Some(handler), None) => {
                let context = Context {
                    request_id: request_id.clone(),
                    deadline: clock::epoch_millis(self.inner.platform.clock.wall_time(deadline)),
                    invoked_function_arn: self.inner.platform.scope.arn_of(target),
                    xray_trace_id: None,
                    client_context: request.client_context.clone(),
                    identity: request.identity.clone(),
                    env_config: Arc::clone(&env.resources.env_config),
                    times_out_at: deadline,
                    logger: logger.clone(),
                    resources: env.resources.clone(),
                };
                let thawed = env.resources.background.clone();
                // The handler's calls to other services continue this invocation's chain.
                let caller = Caller {
                    caused_by: Some(caused_by),
                    identity: Arc::clone(&env.identity),
                };
                let teardown_log = logger.clone();
                // Calling the handler runs none of the function's code yet (see `Handler`): it
                // hands back the boxed future that does, small to move into the layers below.
                let served = handler(event.into_value(), context);
                let call = self.inner.sandbox.run(
                    trace::within(caller, thawed.thawed_while(served)),
                    move |fault| teardown_log.runtime_error(teardown_failed(&fault)),
                );
                let result = tokio::time::timeout_at(deadline, call).await;
                let ends = Ending {
                    deadline,
                    request_id: &request_id,
                    timeout: config.timeout(),
                    logger: &logger,
                    logs_own_errors: code.code.logs_own_errors,
                };
                self.outcome(result, ends).await
            }
            (None, None) => unreachable!("an environment without a handler has failed its init"),
        };
        let ended = Instant::now();
        let duration = ended.duration_since(started);
        let status = match &outcome {
            Outcome::TimedOut(_) => Some("timeout"),
            Outcome::Crashed(_) => Some("error"),
            Outcome::Response(_) | Outcome::Failed(_) => None,
        };
        if status.is_some() {
            // The environment is thrown away. What the code kept in it, the state its init built
            // and its background tasks, runs the code's `Drop` impls when dropped: in the sandbox.
            let leftovers = (env.handler.take(), env.resources.background.take());
            if let Err(fault) = self.inner.sandbox.dispose(leftovers) {
                logger.runtime_error(teardown_failed(&fault));
            }
        }
        platform_log(ended, logs::end_line(&request_id));
        let report = Report {
            request_id: &request_id,
            duration,
            init_duration,
            memory_size_mb: config.memory_size,
            max_memory_used_mb: BASELINE_MEMORY_MB.min(config.memory_size),
            status,
        };
        // The invocation's lines end with its REPORT.
        let last_line = platform_log(ended, report.line());
        let billed_ms = report.billed_ms();
        let gb_seconds = cpu::gb_seconds(config.memory_size, billed_ms);
        let cost = self.inner.show_cost.then(|| {
            format!(
                "{billed_ms} ms billed × {} GB = {gb_seconds:.6} GB-s",
                f64::from(config.memory_size) / 1024.0
            )
        });
        let finished = self.inner.platform.clock.elapsed_at(ended);
        {
            let mut state = self.state();
            state.timeline.busy(env.history, started_at, finished);
            if status.is_some() {
                state.timeline.ended(env.history, finished);
            }
            let usage = value_for(&mut state.usage, &config.name);
            usage.invocations += 1;
            usage.cold_starts += u64::from(cold);
            usage.billed_ms += billed_ms;
            usage.gb_seconds += gb_seconds;
            usage.max_duration = usage.max_duration.max(duration);
        }

        // Answer, and keep the environment only if it ended cleanly.
        let (payload, failure) = match outcome {
            Outcome::Response(bytes) => (bytes, None),
            Outcome::Failed(e) | Outcome::Crashed(e) | Outcome::TimedOut(e) => {
                (json_bytes(&e.to_payload()), Some(e))
            }
        };
        // Every kind of failure reaches the caller the same way, as an "Unhandled" function error.
        let function_error = failure.as_ref().map(|_| "Unhandled".to_owned());
        let environment = Some((env.number, cold));
        let provisioned = env.provisioned;
        if status.is_none() {
            let mut state = self.state();
            let pool = state
                .functions
                .get_mut(&config.name)
                .and_then(|f| f.environments.get_mut(&version));
            // The pool is gone if the version was deleted or $LATEST updated meanwhile: then the
            // environment is not reused.
            if let Some(pool) = pool {
                pool.release(env, ended);
            }
        }
        let log_lines = first_line..last_line;
        let log_result =
            (request.log_type == LogType::Tail).then(|| self.log_tail(log, log_lines.clone()));
        self.inner.platform.record(Entry::Invoked(Invocation {
            at,
            finished,
            target: describe_target(request),
            executed_version: target
                .qualifier
                .as_deref()
                .filter(|q| *q != version)
                .map(|_| version.clone()),
            invocation_type: kind,
            environment,
            provisioned,
            cost,
            log_group: Arc::clone(&identity.log_group),
            log_stream: Arc::clone(&identity.log_stream),
            log_lines,
            status: 200,
            function_error: function_error.clone(),
            payload: String::from_utf8_lossy(&payload).into_owned(),
        }));
        let response = InvokeResponse {
            status_code: 200,
            function_error,
            executed_version: Some(version),
            log_result,
            request_id,
            payload,
        };
        Ok((response, failure))
    }

    /// Turns how the handler ended into an outcome, logging what the runtime would log.
    async fn outcome(
        &self,
        result: Result<Result<HandlerResult, Fault>, tokio::time::error::Elapsed>,
        ends: Ending<'_>,
    ) -> Outcome {
        let Ending {
            deadline,
            request_id,
            timeout,
            logger,
            logs_own_errors,
        } = ends;
        let timed_out = || {
            Diagnostic::new(
                "Sandbox.Timedout",
                format!(
                    "RequestId: {request_id} Error: Task timed out after {:.2} seconds",
                    timeout.as_secs_f64()
                ),
            )
        };
        match result {
            Ok(Ok(Ok(response))) => {
                let bytes = json_bytes(&response);
                if bytes.len() > MAX_SYNC_PAYLOAD_BYTES {
                    let error = Diagnostic::new(
                        "Function.ResponseSizeTooLarge",
                        format!("Response payload size exceeded maximum allowed payload size ({MAX_SYNC_RESPONSE_BYTES} bytes)."),
                    );
                    return Outcome::Failed(error);
                }
                Outcome::Response(bytes)
            }
            Ok(Ok(Err(error))) => {
                // A runtime of the code's own (a real process) has logged it already.
                if !logs_own_errors {
                    logger.runtime_error(format!("Invoke Error\t{}", error.to_payload()));
                }
                Outcome::Failed(error)
            }
            Ok(Err(Fault::Panicked(message))) => {
                let error = panicked(&message);
                logger.runtime_error(&error.error_message);
                Outcome::Crashed(error)
            }
            Ok(Err(Fault::Runaway)) => {
                // The handler held the thread past the runaway limit, which no real code does in
                // no time at all: in virtual time it ran until the deadline.
                tokio::time::sleep_until(deadline).await;
                Outcome::TimedOut(timed_out())
            }
            Err(_elapsed) => Outcome::TimedOut(timed_out()),
        }
    }

    /// The last 4 KB of an invocation's log lines, base64-encoded as the API returns them.
    fn log_tail(&self, stream: StreamId, lines: std::ops::Range<usize>) -> String {
        let logs = self.inner.platform.logs.lock();
        let text: String = logs.lines(stream)[lines]
            .iter()
            .map(|event| format!("{}\n", event.message))
            .collect();
        let tail = &text.as_bytes()[text.len().saturating_sub(LOG_TAIL_BYTES)..];
        base64::engine::general_purpose::STANDARD.encode(tail)
    }

    /// Takes a warm environment of `version` or creates a cold one, with everything the
    /// invocation needs from the function, in one short critical section. A new environment is
    /// refused (throttled) when the function has already created its scaling rate's worth in
    /// the last 10 seconds.
    fn acquire(
        &self,
        function_name: &str,
        version: &str,
        now: Instant,
    ) -> Result<Acquired, ServiceError> {
        let elapsed = self.inner.platform.clock.elapsed_at(now);
        let mut state = self.state();
        let state = &mut *state;
        let function = state
            .functions
            .get_mut(function_name)
            .expect("resolve_version found the function");
        let code = Arc::clone(
            function
                .version(version)
                .expect("resolve_version found the version"),
        );
        let pool = value_for(&mut function.environments, version);
        for expired in pool.expire_idle(now, self.inner.idle_timeout) {
            let at = elapsed - now.duration_since(expired.at);
            state.timeline.ended(expired.history, at);
            self.inner.platform.record(Entry::Expired {
                at,
                function: format!("{function_name}:{version}"),
                environment: expired.number,
                idle: self.inner.idle_timeout,
                unfinished: expired.unfinished,
            });
        }
        let (env, cold) = match pool.take_warm() {
            Some(env) => (env, false),
            None => {
                if !function.scaling.allow_new_environment(elapsed) {
                    return Err(ServiceError::too_many_requests(
                        ThrottleReason::ConcurrentInvocationLimitExceeded,
                    ));
                }
                let number = pool.next_number();
                let env = self.new_environment(state, &code, version, number, false);
                (env, true)
            }
        };
        Ok(Acquired { env, cold, code })
    }

    /// A new, uninitialised environment: its log stream, variables and clients.
    pub(crate) fn new_environment(
        &self,
        state: &mut State,
        code: &Version,
        version: &str,
        number: u32,
        provisioned: bool,
    ) -> Environment {
        let config = &code.config;
        let log_stream = format!(
            "{}/[{version}]{}",
            clock::log_stream_date(self.inner.platform.clock.now()),
            self.inner.platform.ids().hex(16)
        );
        let history = state
            .timeline
            .created(&config.name, version, number, self.elapsed());
        let log_group = logs::log_group_name(&config.name);
        let log_group_arc: Arc<str> = log_group.as_str().into();
        let log = self
            .inner
            .platform
            .logs
            .lock()
            .open(&log_group, &log_stream);
        self.check_log_permissions(config, version, number, log, &log_group, &log_stream);
        let mut vars = env_vars::runtime_provided(&env_vars::RuntimeFacts {
            region: &self.inner.platform.scope.region,
            function_name: &config.name,
            version,
            memory_mb: config.memory_size,
            log_group: &log_group,
            log_stream: &log_stream,
            handler: &config.handler,
            runtime: &config.runtime,
            initialization_type: match provisioned {
                true => "provisioned-concurrency",
                false => "on-demand",
            },
        });
        // The function's own variables come last: they may override the unreserved ones.
        vars.extend(config.env.clone());
        let log_stream_arc: Arc<str> = log_stream.as_str().into();
        // Who this environment's code is, to the services it calls: built once, shared by every
        // invocation and by the clients the environment hands out.
        let identity = Arc::new(Identity {
            function: config.name.clone(),
            role: config.role.clone(),
            name: format!("{}:{version} (environment {number})", config.name),
            log_group: log_group_arc,
            log_stream: log_stream_arc,
            log_stream_id: log,
        });
        let resources = EnvironmentResources {
            env_vars: Arc::new(vars),
            services: self.handle(),
            identity: Arc::clone(&identity),
            tmp: Tmp::new(config.ephemeral_storage_mb),
            opt: code.opt.clone(),
            background: Background::default(),
            env_config: Arc::new(Config {
                function_name: config.name.clone(),
                memory: i32::try_from(config.memory_size).expect("at most 10,240 MB"),
                version: version.to_owned(),
                log_stream,
                log_group,
            }),
        };
        Environment {
            number,
            identity,
            handler: None,
            resources: Arc::new(resources),
            provisioned,
            history,
            idle_since: Instant::now(),
        }
    }

    /// Writes a line of Lambda's own (`INIT_START`, `START`, `END`, `REPORT`) to an
    /// environment's stream; returns how many lines the stream then holds.
    fn platform_line(&self, stream: StreamId, timestamp: SystemTime, message: String) -> usize {
        let event = LogEvent {
            timestamp,
            message,
            source: LogSource::System,
        };
        self.inner.platform.logs.lock().put(stream, event)
    }

    /// The logger an environment's code writes with: in its stream, with the request id of the
    /// invocation (`None` during Init).
    fn logger_of(&self, identity: &Identity, request_id: Option<&str>) -> Logger {
        Logger {
            logs: self.inner.platform.logs.clone(),
            stream_id: identity.log_stream_id,
            stream: Arc::clone(&identity.log_stream),
            request_id: request_id.map(Arc::from),
            clock: self.inner.platform.clock,
        }
    }

    /// Mutes a new environment's log stream if the execution role may not write it (see
    /// [`crate::base::logs`]), and says so in the transcript: the one trace of its logs.
    fn check_log_permissions(
        &self,
        config: &FunctionConfig,
        version: &str,
        number: u32,
        log: StreamId,
        group: &str,
        stream: &str,
    ) {
        let scope = &self.inner.platform.scope;
        let arn = logs::log_stream_arn(&scope.region, &scope.account_id, group, stream);
        let role = &config.role;
        let Some(missing) = logs::LOG_ACTIONS
            .into_iter()
            .find(|action| !role.allows(action, &arn))
        else {
            return;
        };
        self.inner.platform.logs.lock().mute(log);
        self.inner.platform.record(Entry::Api {
            at: self.elapsed(),
            text: format!(
                "logs of {}:{version} (environment {number}) dropped: role {} may not {missing} on {arn}",
                config.name,
                role.name()
            ),
        });
    }

    /// The Init phase of a new environment: the runtime starts, then the function's init code
    /// runs in the sandbox, within [`INIT_TIMEOUT`]. Returns how long it took and, if it failed,
    /// the error the invocation reports.
    pub(crate) async fn initialize(
        &self,
        env: &mut Environment,
        code: &Version,
    ) -> (Duration, Option<Diagnostic>) {
        let log = env.identity.log_stream_id;
        let platform_log = |message: String| {
            self.platform_line(log, self.inner.platform.clock.now(), message);
        };
        platform_log(logs::init_start_line(
            &code.runtime_version,
            &code.runtime_version_arn,
        ));
        let started = Instant::now();
        tokio::time::sleep(self.inner.runtime_startup).await;
        let logger = self.logger_of(&env.identity, None);
        let init_context = InitContext {
            resources: env.resources.clone(),
            logger: logger.clone(),
        };
        // Init code calls other services as the function too, outside any request chain.
        let caller = Caller {
            caused_by: None,
            identity: Arc::clone(&env.identity),
        };
        let init = tokio::time::timeout(
            INIT_TIMEOUT,
            self.inner.sandbox.run(
                trace::within(
                    caller,
                    env.resources
                        .background
                        .clone()
                        .thawed_while((code.code.init)(init_context)),
                ),
                move |fault| logger.runtime_error(teardown_failed(&fault)),
            ),
        )
        .await;
        let failure = match init {
            Ok(Ok(Ok(handler))) => {
                env.handler = Some(handler);
                let now = self.elapsed();
                self.state().timeline.ready(env.history, now);
                None
            }
            Ok(Ok(Err(error))) => Some(error),
            Ok(Err(Fault::Panicked(message))) => Some(panicked(&message)),
            Ok(Err(Fault::Runaway)) | Err(_) => Some(Diagnostic::new(
                "Runtime.InitTimeout",
                "Init phase exceeded the 10 second limit",
            )),
        };
        if let Some(error) = &failure {
            let status = match error.error_type.as_str() {
                "Runtime.InitTimeout" => "timeout",
                _ => "error",
            };
            platform_log(format!(
                "INIT_REPORT Init Duration: {} ms\tPhase: init\tStatus: {status}\tError Type: {}",
                logs::report_millis(started.elapsed()),
                error.error_type
            ));
        }
        (started.elapsed(), failure)
    }
}

/// One run of a function, as [`Lambda::run`] takes it.
pub(crate) struct Run<'a> {
    pub request: &'a InvokeRequest,
    pub target: &'a FunctionRef,
    pub version: String,
    pub event: Event,
    /// The request id: new for a synchronous call, the event's own for every async attempt.
    pub request_id: String,
    /// `RequestResponse`, or `Event, attempt 2`: how the transcript names the run.
    pub kind: Cow<'static, str>,
    /// The request chain that caused this invocation, its own function not counted (see
    /// [`trace`]).
    pub caused_by: Lineage,
}

/// The event a run hands its handler.
pub(crate) enum Event {
    /// Made already: a caller's payload, parsed before anything ran to check that it is JSON.
    Ready(Value),
    /// Made just before the handler is called, after Init: a batch of stream records, a tree
    /// of thousands of small allocations that the handler frees when it is done. Made right
    /// before it is used, it takes the memory the last batch freed, still warm; made when the
    /// run starts, with the run's own allocations in between, the Kinesis bench runs 5% slower
    /// (measured). A throttled run never makes it at all.
    Deferred(Box<dyn FnOnce() -> Value + Send>),
}

impl Event {
    /// The event itself, made now if it was deferred.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Event::Ready(event) => event,
            Event::Deferred(make) => make(),
        }
    }
}

/// What [`Lambda::outcome`] needs to know of the invocation that ended.
struct Ending<'a> {
    deadline: Instant,
    request_id: &'a str,
    timeout: Duration,
    logger: &'a Logger,
    /// The code's runtime logs a failed invocation itself (see
    /// [`crate::FunctionCode::logging_its_own_errors`]).
    logs_own_errors: bool,
}

/// What [`Lambda::acquire`] hands an invocation.
struct Acquired {
    env: Environment,
    cold: bool,
    code: Arc<Version>,
}

/// The runtime's log line for code that failed while the invoker dropped what a failed or
/// stopped run left behind (see [`crate::lambda::sandbox`]). Lambda stops the runtime instead, so no
/// log of AWS has this line: it is the invoker's own, so that such a failure is seen, not lost.
fn teardown_failed(fault: &Fault) -> String {
    match fault {
        Fault::Panicked(message) => format!("Lambda panicked in a Drop during teardown: {message}"),
        Fault::Runaway => "A Drop blocked past the runaway limit during teardown".into(),
    }
}

/// A panic, reported as the Rust runtime for Lambda (0.14) reports one: named after a reference
/// to the panic's payload, `&Box<dyn Any + Send>` (its `type_name_of_val(err)` with `err` a
/// reference), hence the leading `&`.
fn panicked(message: &str) -> Diagnostic {
    Diagnostic::new(
        "&alloc::boxed::Box<dyn core::any::Any + core::marker::Send>",
        format!("Lambda panicked: {message}"),
    )
}
