//! The Invoke API: run a function and get its answer.
//!
//! A synchronous invoke (`RequestResponse`, what API Gateway and `aws lambda invoke` do) goes
//! through these steps, each of which can end the call early, as on AWS:
//!
//! 1. **Validate the request**: the function name or ARN, the qualifier, the payload size (6 MB)
//!    and that the payload is JSON. Failures are *service errors* (4xx); no code runs.
//! 2. **Find an environment**: a warm, idle one, or a new one (a cold start, which runs the Init
//!    phase and writes `INIT_START`).
//! 3. **Invoke**: `START`, the handler under the function's timeout, `END` and `REPORT`.
//! 4. **Answer**: always HTTP 200 once the code ran. If the handler failed (returned an error,
//!    panicked, timed out, or answered more than 6 MB) the response says so with
//!    `FunctionError: Unhandled` and an error payload `{"errorType", "errorMessage"}`.
//!
//! A dry run (`DryRun`) stops after step 1 with 204: "you could have invoked this". An
//! asynchronous invoke (`Event`) stops after step 1 with 202 and queues the event; steps 2–4
//! happen later, with retries (see [`crate::async_invoke`]).

use crate::arn::{FunctionRef, LATEST};
use crate::clock;
use crate::concurrency::Busy;
use crate::context::{
    ClientContext, CognitoIdentity, Context, EnvironmentResources, InitContext, Logger,
};
use crate::env_vars;
use crate::environment::Environment;
use crate::error::ServiceError;
use crate::function::{HandlerError, HandlerResult};
use crate::kms::KmsClient;
use crate::logs::{self, LogEvent, Report};
use crate::sandbox::Fault;
use crate::service::Lambda;
use crate::transcript::{Entry, Invocation};
use crate::versions::Version;
use base64::Engine;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The largest request and response payload of a synchronous invoke: 6 MB.
pub const MAX_SYNC_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// The largest event of an asynchronous invoke: 1 MB since October 2025 (older guides: 256 KB).
pub const MAX_ASYNC_PAYLOAD_BYTES: usize = 1024 * 1024;
/// The response limit as Lambda's error message states it (it allows a little framing).
const MAX_SYNC_RESPONSE_BYTES: usize = 6_291_556;
/// The Init phase may take at most 10 seconds.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of the log an invoke with `LogType: Tail` returns.
const LOG_TAIL_BYTES: usize = 4096;
/// The invoker's model of a small runtime's memory use, shown as `Max Memory Used`.
const BASELINE_MEMORY_MB: u32 = 16;

/// How the caller waits for the function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InvocationType {
    /// Wait for the answer (HTTP 200).
    #[default]
    RequestResponse,
    /// Queue the event and return at once (HTTP 202).
    Event,
    /// Only check that the call would be allowed (HTTP 204).
    DryRun,
}

impl InvocationType {
    /// The name the API and CLI use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestResponse => "RequestResponse",
            Self::Event => "Event",
            Self::DryRun => "DryRun",
        }
    }
}

/// Whether the response carries the tail of the invocation's log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogType {
    /// No log in the response.
    #[default]
    None,
    /// The last 4 KB of the log, base64-encoded, in `log_result`.
    Tail,
}

/// An Invoke call, built like the SDK's: `InvokeRequest::new("hello").payload(json!({…}))`.
#[derive(Clone, Debug, Default)]
pub struct InvokeRequest {
    function_name: String,
    qualifier: Option<String>,
    invocation_type: InvocationType,
    log_type: LogType,
    payload: Vec<u8>,
    identity: Option<CognitoIdentity>,
    client_context: Option<ClientContext>,
}

impl InvokeRequest {
    /// A call to `function_name`: a name, a partial ARN or a full ARN, optionally with a
    /// `:qualifier`. With no payload the function receives `{}`.
    pub fn new(function_name: impl Into<String>) -> Self {
        Self {
            function_name: function_name.into(),
            ..Self::default()
        }
    }

    /// The version or alias to invoke.
    pub fn qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// How to invoke: synchronously (default), asynchronously or as a dry run.
    pub fn invocation_type(mut self, invocation_type: InvocationType) -> Self {
        self.invocation_type = invocation_type;
        self
    }

    /// Ask for the log tail in the response.
    pub fn log_type(mut self, log_type: LogType) -> Self {
        self.log_type = log_type;
        self
    }

    /// The event, as JSON.
    pub fn payload(mut self, event: Value) -> Self {
        self.payload = event.to_string().into_bytes();
        self
    }

    /// The event as raw bytes, exactly as sent: they are checked to be JSON, as AWS checks them.
    pub fn raw_payload(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.payload = bytes.into();
        self
    }

    /// The Cognito identity of the caller, passed to the handler's context.
    pub fn identity(mut self, identity: CognitoIdentity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// The client context of a mobile caller, passed to the handler's context.
    pub fn client_context(mut self, client_context: ClientContext) -> Self {
        self.client_context = Some(client_context);
        self
    }
}

/// What an Invoke call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvokeResponse {
    /// 200 for RequestResponse, 202 for Event, 204 for DryRun.
    pub status_code: u16,
    /// `Some("Unhandled")` when the function failed: the `X-Amz-Function-Error` header.
    pub function_error: Option<String>,
    /// The version that ran (`X-Amz-Executed-Version`).
    pub executed_version: Option<String>,
    /// The base64-encoded log tail, when asked for with [`LogType::Tail`].
    pub log_result: Option<String>,
    /// The request id of the invocation.
    pub request_id: String,
    /// The response payload: the handler's JSON, or an error payload.
    pub payload: Vec<u8>,
}

impl InvokeResponse {
    /// The payload parsed as JSON (`Value::Null` for an empty payload).
    pub fn payload_json(&self) -> Result<Value, serde_json::Error> {
        if self.payload.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.payload)
    }

    /// The payload as text.
    pub fn payload_text(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }

    /// The log tail, decoded: what `--log-type Tail` shows after `base64 --decode`.
    pub fn log_tail(&self) -> Option<String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.log_result.as_deref()?)
            .ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// How one invocation of the handler ended.
enum Outcome {
    Response(Vec<u8>),
    Failed(HandlerError),
    Crashed(HandlerError),
    TimedOut(HandlerError),
}

impl Lambda {
    /// Invokes a function: the `Invoke` API. A service error means the function did not run (or
    /// its answer could not be returned); a function error comes back inside an `Ok` response,
    /// flagged by [`InvokeResponse::function_error`].
    pub async fn invoke(&self, request: InvokeRequest) -> Result<InvokeResponse, ServiceError> {
        let at = self.inner.clock.elapsed();
        let result = self.try_invoke(&request).await;
        if let Err(error) = &result {
            self.state().transcript.push(Entry::Refused {
                at,
                target: describe_target(&request),
                error: error.clone(),
            });
        }
        result
    }

    async fn try_invoke(&self, request: &InvokeRequest) -> Result<InvokeResponse, ServiceError> {
        let target = self
            .inner
            .scope
            .parse(&request.function_name, request.qualifier.as_deref())?;
        self.check_target(&target)?;
        let limit = match request.invocation_type {
            InvocationType::Event => MAX_ASYNC_PAYLOAD_BYTES,
            InvocationType::RequestResponse | InvocationType::DryRun => MAX_SYNC_PAYLOAD_BYTES,
        };
        if request.payload.len() > limit {
            return Err(ServiceError::request_too_large(match request.invocation_type {
                InvocationType::Event => format!(
                    "{} byte payload is too large for the Event invocation type (limit {limit} bytes)",
                    request.payload.len()
                ),
                _ => format!("Request must be smaller than {limit} bytes for the InvokeFunction operation"),
            }));
        }
        let event: Value = if request.payload.is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_slice(&request.payload).map_err(|e| {
                ServiceError::invalid_request_content(format!(
                    "Could not parse request body into json: Could not parse payload into json: {e}"
                ))
            })?
        };
        let request_id = self.state().ids.request_id();
        match request.invocation_type {
            InvocationType::RequestResponse => {
                let version = self.resolve_version(&target)?;
                let run = Run {
                    request,
                    target: &target,
                    version: &version,
                    event,
                    request_id,
                    kind: InvocationType::RequestResponse.as_str().to_owned(),
                };
                Ok(self.run(run).await?.0)
            }
            InvocationType::DryRun => Ok(self.dry_run(request, request_id)),
            InvocationType::Event => Ok(self.enqueue(request.clone(), target, event, request_id)),
        }
    }

    /// The function exists and the qualifier names one of its versions or aliases.
    fn check_target(&self, target: &FunctionRef) -> Result<(), ServiceError> {
        let exists = self
            .state()
            .functions
            .get(&target.name)
            .and_then(|f| f.resolve(target.qualifier.as_deref(), || 1.0))
            .is_some();
        if exists {
            return Ok(());
        }
        // AWS names the qualified ARN it looked for: `:$LATEST` when no qualifier was given.
        let qualifier = target.qualifier.as_deref().unwrap_or(LATEST);
        Err(ServiceError::resource_not_found(format!(
            "Function not found: {}",
            self.inner.scope.qualified_arn(&target.name, qualifier)
        )))
    }

    /// The version a call will run: the qualifier's version, or the version its alias picks
    /// (by a seeded roll for a weighted alias). AWS names the qualified ARN it looked for.
    pub(crate) fn resolve_version(&self, target: &FunctionRef) -> Result<String, ServiceError> {
        let mut state = self.state();
        let state = &mut *state;
        let routing = &mut state.routing;
        state
            .functions
            .get(&target.name)
            .and_then(|f| f.resolve(target.qualifier.as_deref(), || routing.unit()))
            .ok_or_else(|| {
                let qualifier = target.qualifier.as_deref().unwrap_or(LATEST);
                ServiceError::resource_not_found(format!(
                    "Function not found: {}",
                    self.inner.scope.qualified_arn(&target.name, qualifier)
                ))
            })
    }

    fn dry_run(&self, request: &InvokeRequest, request_id: String) -> InvokeResponse {
        let at = self.inner.clock.elapsed();
        self.state().transcript.push(Entry::Invoked(Invocation {
            at,
            finished: at,
            target: describe_target(request),
            executed_version: None,
            invocation_type: InvocationType::DryRun.as_str().to_owned(),
            environment: None,
            log_group: String::new(),
            log_stream: String::new(),
            log_lines: 0..0,
            status: 204,
            function_error: None,
            payload: String::new(),
        }));
        InvokeResponse {
            status_code: 204,
            function_error: None,
            executed_version: None,
            log_result: None,
            request_id,
            payload: Vec::new(),
        }
    }

    /// Steps 2–4 of an invocation (see the module docs): a synchronous call, or one attempt at
    /// an asynchronous event. Returns the response and whether the function failed, or the
    /// throttling error if no concurrency was left to run it.
    pub(crate) async fn run(
        &self,
        run: Run<'_>,
    ) -> Result<(InvokeResponse, Option<HandlerError>), ServiceError> {
        let Run {
            request,
            target,
            version,
            event,
            request_id,
            kind,
        } = run;
        let at = self.inner.clock.elapsed();
        // Counted as busy until this invocation ends, however it ends.
        let _busy = Busy::claim(&self.inner)?;
        let Acquired {
            mut env,
            cold,
            code,
        } = self.acquire(&target.name, version);
        let config = &code.config;
        let group: Arc<str> = logs::log_group_name(config.name()).into();
        let stream: Arc<str> = env.log_stream.as_str().into();
        let first_line = self.inner.logs.lock().stream(&group, &stream).len();
        let platform_log = |message: String| {
            let event = LogEvent {
                timestamp: self.inner.clock.now(),
                message,
            };
            self.inner.logs.lock().put(&group, &stream, event);
        };

        // Init: only on a cold start.
        let mut init_duration = None;
        let mut init_failure = None;
        if cold {
            platform_log(logs::init_start_line(
                &code.runtime_version,
                &code.runtime_version_arn,
            ));
            let started = Instant::now();
            tokio::time::sleep(self.inner.runtime_startup).await;
            let init_context = InitContext {
                resources: env.resources.clone(),
                logger: Logger {
                    logs: self.inner.logs.clone(),
                    group: Arc::clone(&group),
                    stream: Arc::clone(&stream),
                    request_id: None,
                    clock: self.inner.clock,
                },
            };
            let init = tokio::time::timeout(
                INIT_TIMEOUT,
                self.inner.sandbox.run((code.code.init)(init_context)),
            )
            .await;
            init_duration = Some(started.elapsed());
            match init {
                Ok(Ok(Ok(handler))) => env.handler = Some(handler),
                Ok(Ok(Err(error))) => init_failure = Some(error),
                Ok(Err(Fault::Panicked(message))) => init_failure = Some(panicked(&message)),
                Ok(Err(Fault::Runaway)) | Err(_) => {
                    init_failure = Some(HandlerError::new(
                        "Runtime.InitTimeout",
                        "Init phase exceeded the 10 second limit",
                    ))
                }
            }
            if let Some(error) = &init_failure {
                platform_log(format!(
                    "INIT_REPORT Init Duration: {} ms\tPhase: init\tStatus: error\tError Type: {}",
                    logs::millis(started.elapsed()),
                    error.error_type
                ));
            }
        }

        // Invoke.
        platform_log(logs::start_line(&request_id, version));
        let started = Instant::now();
        let deadline = started + config.timeout();
        let outcome = match (&env.handler, init_failure) {
            (_, Some(error)) => Outcome::Crashed(error),
            (Some(handler), None) => {
                let context = Context {
                    aws_request_id: request_id.clone(),
                    function_name: config.name().to_owned(),
                    function_version: version.to_owned(),
                    invoked_function_arn: self.inner.scope.arn_of(target),
                    memory_limit_in_mb: config.memory_mb(),
                    log_group_name: group.to_string(),
                    log_stream_name: stream.to_string(),
                    identity: request.identity.clone(),
                    client_context: request.client_context.clone(),
                    deadline,
                    clock: self.inner.clock,
                    logger: Logger {
                        logs: self.inner.logs.clone(),
                        group: Arc::clone(&group),
                        stream: Arc::clone(&stream),
                        request_id: Some(request_id.as_str().into()),
                        clock: self.inner.clock,
                    },
                    resources: env.resources.clone(),
                };
                let logger = context.logger.clone();
                let call = self.inner.sandbox.run(handler(event, context));
                let result = tokio::time::timeout_at(deadline, call).await;
                self.outcome(result, deadline, &request_id, config.timeout(), &logger)
                    .await
            }
            (None, None) => unreachable!("an environment without a handler has failed its init"),
        };
        let duration = Instant::now().duration_since(started);
        let status = match &outcome {
            Outcome::TimedOut(_) => Some("timeout"),
            Outcome::Crashed(_) => Some("error"),
            Outcome::Response(_) | Outcome::Failed(_) => None,
        };
        platform_log(logs::end_line(&request_id));
        platform_log(
            Report {
                request_id: &request_id,
                duration,
                init_duration,
                memory_size_mb: config.memory_mb(),
                max_memory_used_mb: BASELINE_MEMORY_MB.min(config.memory_mb()),
                status,
            }
            .line(),
        );

        // Answer, and keep the environment only if it ended cleanly.
        let (payload, failure) = match outcome {
            Outcome::Response(bytes) => (bytes, None),
            Outcome::Failed(e) | Outcome::Crashed(e) | Outcome::TimedOut(e) => {
                (e.to_payload().to_string().into_bytes(), Some(e))
            }
        };
        // Every kind of failure reaches the caller the same way, as an "Unhandled" function error.
        let function_error = failure.as_ref().map(|_| "Unhandled".to_owned());
        let environment = Some((env.number, cold));
        if status.is_none() {
            let mut state = self.state();
            let pool = state
                .functions
                .get_mut(config.name())
                .and_then(|f| f.environments.get_mut(version));
            // The pool is gone if the version was deleted or $LATEST updated meanwhile: then the
            // environment is not reused.
            if let Some(pool) = pool {
                pool.release(env, Instant::now());
            }
        }
        let log_lines = first_line..self.inner.logs.lock().stream(&group, &stream).len();
        let log_result = (request.log_type == LogType::Tail)
            .then(|| self.log_tail(&group, &stream, log_lines.clone()));
        self.state().transcript.push(Entry::Invoked(Invocation {
            at,
            finished: self.inner.clock.elapsed(),
            target: describe_target(request),
            executed_version: target
                .qualifier
                .as_deref()
                .filter(|q| *q != version)
                .map(|_| version.to_owned()),
            invocation_type: kind,
            environment,
            log_group: group.to_string(),
            log_stream: stream.to_string(),
            log_lines,
            status: 200,
            function_error: function_error.clone(),
            payload: String::from_utf8_lossy(&payload).into_owned(),
        }));
        let response = InvokeResponse {
            status_code: 200,
            function_error,
            executed_version: Some(version.to_owned()),
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
        deadline: Instant,
        request_id: &str,
        timeout: Duration,
        logger: &Logger,
    ) -> Outcome {
        let timed_out = || {
            HandlerError::new(
                "Sandbox.Timedout",
                format!(
                    "RequestId: {request_id} Error: Task timed out after {:.2} seconds",
                    timeout.as_secs_f64()
                ),
            )
        };
        match result {
            Ok(Ok(Ok(response))) => {
                let bytes = response.to_string().into_bytes();
                if bytes.len() > MAX_SYNC_PAYLOAD_BYTES {
                    let error = HandlerError::new(
                        "Function.ResponseSizeTooLarge",
                        format!("Response payload size exceeded maximum allowed payload size ({MAX_SYNC_RESPONSE_BYTES} bytes)."),
                    );
                    return Outcome::Failed(error);
                }
                Outcome::Response(bytes)
            }
            Ok(Ok(Err(error))) => {
                logger.error(format!("Invoke Error\t{}", error.to_payload()));
                Outcome::Failed(error)
            }
            Ok(Err(Fault::Panicked(message))) => {
                let error = panicked(&message);
                logger.error(&error.error_message);
                Outcome::Crashed(error)
            }
            Ok(Err(Fault::Runaway)) => {
                // The handler's thread is stuck; in virtual time it runs until the deadline.
                tokio::time::sleep_until(deadline).await;
                Outcome::TimedOut(timed_out())
            }
            Err(_elapsed) => Outcome::TimedOut(timed_out()),
        }
    }

    /// The last 4 KB of an invocation's log lines, base64-encoded as the API returns them.
    fn log_tail(&self, group: &str, stream: &str, lines: std::ops::Range<usize>) -> String {
        let logs = self.inner.logs.lock();
        let text: String = logs.stream(group, stream)[lines]
            .iter()
            .map(|event| format!("{}\n", event.message))
            .collect();
        let tail = &text.as_bytes()[text.len().saturating_sub(LOG_TAIL_BYTES)..];
        base64::engine::general_purpose::STANDARD.encode(tail)
    }

    /// Takes a warm environment of `version` or creates a cold one, with everything the
    /// invocation needs from the function, in one short critical section.
    fn acquire(&self, function_name: &str, version: &str) -> Acquired {
        let now = Instant::now();
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
        let pool = function.environments.entry(version.to_owned()).or_default();
        for expired in pool.expire_idle(now, self.inner.idle_timeout) {
            state.transcript.push(Entry::Expired {
                at: self.inner.clock.elapsed() - now.duration_since(expired.at),
                function: format!("{function_name}:{version}"),
                environment: expired.number,
                idle: self.inner.idle_timeout,
            });
        }
        let (env, cold) = match pool.take_warm() {
            Some(env) => (env, false),
            None => {
                let number = pool.next_number();
                let log_stream = format!(
                    "{}/[{version}]{}",
                    clock::log_stream_date(self.inner.clock.now()),
                    state.ids.hex(16)
                );
                let resources =
                    self.environment_resources(&code.config, version, number, &log_stream);
                let env = Environment {
                    number,
                    log_stream,
                    handler: None,
                    resources,
                    idle_since: now,
                };
                (env, true)
            }
        };
        Acquired { env, cold, code }
    }

    /// The variables and clients of a new environment.
    fn environment_resources(
        &self,
        config: &crate::FunctionConfig,
        version: &str,
        number: u32,
        log_stream: &str,
    ) -> EnvironmentResources {
        let log_group = logs::log_group_name(config.name());
        let mut vars = env_vars::runtime_provided(&env_vars::RuntimeFacts {
            region: &self.inner.scope.region,
            function_name: config.name(),
            version,
            memory_mb: config.memory_mb(),
            log_group: &log_group,
            log_stream,
            handler: config.handler_name(),
            runtime: config.runtime_id(),
        });
        // The function's own variables come last: they may override the unreserved ones.
        vars.extend(config.environment().clone());
        EnvironmentResources {
            env_vars: Arc::new(vars),
            kms: KmsClient {
                service: Arc::downgrade(&self.inner),
                role: config.execution_role().clone(),
                caller: format!("{}:{version} (environment {number})", config.name()),
                function: config.name().to_owned(),
                log_group,
                log_stream: log_stream.to_owned(),
            },
        }
    }
}

/// One run of a function, as [`Lambda::run`] takes it.
pub(crate) struct Run<'a> {
    pub request: &'a InvokeRequest,
    pub target: &'a FunctionRef,
    pub version: &'a str,
    pub event: Value,
    /// The request id: new for a synchronous call, the event's own for every async attempt.
    pub request_id: String,
    /// `RequestResponse`, or `Event, attempt 2`: how the transcript names the run.
    pub kind: String,
}

/// What [`Lambda::acquire`] hands an invocation.
struct Acquired {
    env: Environment,
    cold: bool,
    code: Arc<Version>,
}

/// A panic, reported as the Rust runtime for Lambda reports one.
fn panicked(message: &str) -> HandlerError {
    HandlerError::new(
        "alloc::boxed::Box<dyn core::any::Any + core::marker::Send>",
        format!("Lambda panicked: {message}"),
    )
}

/// The function as the caller named it, for the transcript: `hello`, `hello:prod`.
pub(crate) fn describe_target(request: &InvokeRequest) -> String {
    match &request.qualifier {
        Some(q) => format!("{}:{q}", request.function_name),
        None => request.function_name.clone(),
    }
}
