//! The context object: what a handler knows about the invocation it is serving.
//!
//! Every runtime hands the handler a context beside the event. It names the request (its id is
//! in every log line, so one request can be followed through CloudWatch), the function and version
//! that run, the ARN the caller used, the memory limit, where the logs go, and how much time is
//! left before the timeout. A handler that works in a loop should watch
//! [`Context::remaining_time`] and stop early rather than be killed mid-way.
//!
//! The handler receives the context inside a [`LambdaEvent`], beside the event, with the field
//! names of the Rust runtime for Lambda (`lambda_runtime`): `event.payload`, `event.context`,
//! `event.context.request_id`, `event.context.env_config.function_name`.

use crate::base::clock::{self, VirtualClock, RFC3339_MILLIS_LEN};
use crate::base::logs::{LogEvent, LogSource, SharedLogs, StreamId};
use crate::lambda::cpu;
use crate::lambda::env_vars::EnvVars;
use crate::lambda::environment::Background;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::layers::store::Opt;
use crate::lambda::tmp::Tmp;
use crate::lambda::trace::Identity;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// The invocation's context, with the fields of `lambda_runtime::Context` and the same names, so
/// a handler that reads them moves to AWS unchanged.
///
/// Beside those fields, its methods give what the workbook's simulated environment provides and
/// a function on AWS reaches another way: [`logger`](Self::logger) (`tracing::info!` on AWS),
/// [`env`](Self::env) (`std::env::var`), [`tmp`](Self::tmp) and [`opt`](Self::opt) (`std::fs`
/// under `/tmp` and `/opt`), [`spawn`](Self::spawn) (`tokio::spawn`), [`kms`](Self::kms) (the
/// `aws-sdk-kms` client). Many simulated functions share one process, so none of that can be
/// the process's own.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Context {
    /// The request id: the same in the response, the log lines and (for async retries) every
    /// attempt.
    pub request_id: String,
    /// When the function times out, in milliseconds since the Unix epoch (of the virtual clock).
    pub deadline: u64,
    /// The ARN the caller used: unqualified, or with the version or alias they named.
    pub invoked_function_arn: String,
    /// The X-Ray trace id. Always `None`: the invoker does not model X-Ray traces (it keeps only
    /// the trace header's `Lineage`, for loop detection; see `crate::lambda::trace`).
    pub xray_trace_id: Option<String>,
    /// What a mobile app sent about itself (the Invoke call's `ClientContext`).
    pub client_context: Option<ClientContext>,
    /// Who called, when the caller is a mobile app signed in with Amazon Cognito.
    pub identity: Option<CognitoIdentity>,
    /// The function's name, memory, version and log destination, the same for every invocation
    /// an environment serves.
    pub env_config: Arc<Config>,
    /// The same moment as `deadline`, as the virtual clock's `Instant`.
    pub(crate) times_out_at: Instant,
    pub(crate) logger: Logger,
    pub(crate) resources: Arc<EnvironmentResources>,
}

/// What an environment knows about its function, read by `lambda_runtime` from the variables
/// Lambda sets (`AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The function's name.
    pub function_name: String,
    /// The configured memory in MB.
    pub memory: i32,
    /// The version that runs: `$LATEST` or a number.
    pub version: String,
    /// The environment's log stream, `YYYY/MM/DD/[<version>]<id>`.
    pub log_stream: String,
    /// The log group, `/aws/lambda/<function>`.
    pub log_group: String,
}

/// A function's input: the event and the context, as `lambda_runtime::LambdaEvent` holds them.
#[derive(Clone, Debug)]
pub struct LambdaEvent<T> {
    /// The event, deserialized into the handler's type.
    pub payload: T,
    /// What the handler knows about the invocation.
    pub context: Context,
}

impl<T> LambdaEvent<T> {
    /// An event with its context.
    pub fn new(payload: T, context: Context) -> Self {
        Self { payload, context }
    }

    /// The event and the context, apart.
    pub fn into_parts(self) -> (T, Context) {
        (self.payload, self.context)
    }
}

/// What an execution environment gives the code running in it, at init and on every invocation:
/// its environment variables, its files, and what a client of another service needs to call as
/// the function's role.
#[derive(Clone, Debug)]
pub(crate) struct EnvironmentResources {
    pub env_vars: EnvVars,
    /// How the clients the code makes (`init.s3()`, `ctx.kms()`) reach the account's services.
    pub services: LambdaHandle,
    /// Who the code is to the services it calls: built once per environment.
    pub identity: Arc<Identity>,
    pub tmp: Tmp,
    pub opt: Opt,
    pub background: Background,
    pub env_config: Arc<Config>,
}

/// What the init step receives: the environment, before any invocation.
///
/// Code outside the handler runs once per execution environment. It can read the environment
/// variables and call other services (to fetch a secret, open a connection), but there is no
/// request yet, so no request id and no deadline.
#[derive(Clone, Debug)]
pub struct InitContext {
    pub(crate) resources: Arc<EnvironmentResources>,
    pub(crate) logger: Logger,
}

impl InitContext {
    /// An environment variable: the function's own, or one the runtime provides.
    pub fn env(&self, key: &str) -> Option<&str> {
        self.resources.env_vars.get(key).map(String::as_str)
    }

    /// Every environment variable the function's process sees, in name order: what a runtime
    /// that starts a real process (a `bootstrap` speaking the Runtime API) hands it.
    pub fn env_vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.resources
            .env_vars
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// `/opt`: the function's layers, merged in order.
    pub fn opt(&self) -> &Opt {
        &self.resources.opt
    }

    /// The logger: its lines go to the new environment's log stream, before `START` (there is
    /// no request yet, so they carry no request id).
    pub fn logger(&self) -> &Logger {
        &self.logger
    }

    /// This environment's `/tmp`.
    pub fn tmp(&self) -> &Tmp {
        &self.resources.tmp
    }

    /// Starts work in the background; it runs only while the environment is not frozen.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.resources.background.spawn(task);
    }
}

impl Context {
    /// How long until the function times out, read from the virtual clock.
    pub fn remaining_time(&self) -> Duration {
        self.times_out_at.saturating_duration_since(Instant::now())
    }

    /// The deadline as a point in (virtual) time, as `lambda_runtime`'s `Context::deadline()`.
    pub fn deadline(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(self.deadline)
    }

    /// The logger: its lines go to this environment's log stream, tagged with the request id.
    pub fn logger(&self) -> &Logger {
        &self.logger
    }

    /// An environment variable: the function's own, or one the runtime provides
    /// (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_VERSION`, …). Read configuration here, not from
    /// `std::env`: each simulated environment has its own variables.
    pub fn env(&self, key: &str) -> Option<&str> {
        self.resources.env_vars.get(key).map(String::as_str)
    }

    /// This environment's `/tmp`: kept between invocations of this environment only.
    pub fn tmp(&self) -> &Tmp {
        &self.resources.tmp
    }

    /// `/opt`: the function's layers, merged in order. Read-only.
    pub fn opt(&self) -> &Opt {
        &self.resources.opt
    }

    /// Starts work in the background without waiting for it, like `tokio::spawn` in a handler
    /// on Lambda. It makes progress only while an invocation of this environment runs: once
    /// the handler returns, the environment is frozen (see `Background`).
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.resources.background.spawn(task);
    }

    /// Simulates CPU-bound work that takes `work_at_one_vcpu` on one full vCPU: at this
    /// function's memory size it takes longer (below 1,769 MB) on the virtual clock. See
    /// `crate::lambda::cpu`.
    pub async fn compute(&self, work_at_one_vcpu: Duration) {
        // `memory` is an `i32` because `lambda_runtime` reads it so; Lambda allows 128–10,240 MB.
        let memory_mb = u32::try_from(self.env_config.memory).expect("memory is 128–10,240 MB");
        tokio::time::sleep(cpu::duration_at(work_at_one_vcpu, memory_mb)).await;
    }

    /// All the environment variables this invocation sees.
    pub fn env_vars(&self) -> &std::collections::BTreeMap<String, String> {
        &self.resources.env_vars
    }
}

/// The identity of a Cognito-authenticated caller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CognitoIdentity {
    /// The Cognito identity id.
    pub identity_id: String,
    /// The identity pool it belongs to.
    pub identity_pool_id: String,
}

/// Facts a mobile client sends about itself and its app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientContext {
    /// App title, version, package name…
    #[serde(default)]
    pub client: HashMap<String, String>,
    /// Values the app chose to pass.
    #[serde(default)]
    pub custom: HashMap<String, String>,
    /// Platform and other environment facts.
    #[serde(default)]
    pub env: HashMap<String, String>,
}

/// Writes application log lines to an environment's log stream.
///
/// Lines look like `2025-01-01T00:00:00.000Z\t<request id>\tINFO\tmessage`, the layout the
/// Node.js runtime gives `console.log`: timestamp, request id and level first, so CloudWatch Logs
/// Insights can filter one request's lines out of a busy stream. Lines written during Init have
/// no request to name, so they leave that field out. The runtime's report of a failed invocation
/// is written the same way, `ERROR\tInvoke Error\t{"errorMessage":…,"errorType":…}`.
///
/// Simplified: a Rust function on AWS writes other lines, and the invoker keeps this one layout
/// for every function, so that transcripts show each line's time and request id alike. Lambda
/// stores what an OS-only runtime prints as it is, and `lambda_runtime` 0.14's
/// `tracing::init_default_subscriber()` sets up `tracing_subscriber`'s formatter without time or
/// target. In Lambda's text log format a line is the level, the span `lambda_runtime` opens
/// around each invocation, and the message with its fields (with colour codes, which
/// `tracing_subscriber` writes unless `NO_COLOR` is set):
/// ` INFO Lambda runtime invoke{requestId="8476…" xrayTraceId="Root=1-…"}: quoted price_cents=1234`.
/// In the JSON log format (`AWS_LAMBDA_LOG_FORMAT=JSON`) a line is one object:
/// `{"level":"INFO","fields":{"message":"quoted","price_cents":1234},"span":{"requestId":"8476…","xrayTraceId":"Root=1-…","name":"Lambda runtime invoke"},"spans":[…]}`.
/// A failed invocation is an `ERROR` event of the runtime's (the error's `Debug`; for a panic,
/// `user handler panicked`), in the same layout.
#[derive(Clone)]
pub struct Logger {
    pub(crate) logs: SharedLogs,
    /// Where the lines go: the log store's index of the stream.
    pub(crate) stream_id: StreamId,
    /// The stream's name, `2025/01/01/[$LATEST]…`: what a learner who prints a context sees.
    pub(crate) stream: Arc<str>,
    /// `None` during Init.
    pub(crate) request_id: Option<Arc<str>>,
    pub(crate) clock: VirtualClock,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("stream", &self.stream)
            .finish()
    }
}

impl Logger {
    /// Logs at INFO level.
    pub fn info(&self, message: impl AsRef<str>) {
        self.write("INFO", message.as_ref());
    }

    /// Logs at WARN level.
    pub fn warn(&self, message: impl AsRef<str>) {
        self.write("WARN", message.as_ref());
    }

    /// Logs at ERROR level.
    pub fn error(&self, message: impl AsRef<str>) {
        self.write("ERROR", message.as_ref());
    }

    /// Writes a line exactly as given, with no time, request id or level added: what a function's
    /// own process writes to its standard output or error reaches its log stream this way on
    /// Lambda (a `provided` runtime's process formats its lines itself).
    pub fn raw(&self, line: impl Into<String>) {
        let event = LogEvent {
            timestamp: self.clock.now(),
            message: line.into(),
            source: LogSource::Application,
        };
        self.logs.lock().put(self.stream_id, event);
    }

    /// Logs at ERROR level as the runtime: how an invocation failed, which Lambda reports
    /// whatever the code logs.
    pub(crate) fn runtime_error(&self, message: impl AsRef<str>) {
        self.write_as(LogSource::System, "ERROR", message.as_ref());
    }

    fn write(&self, level: &str, message: &str) {
        self.write_as(LogSource::Application, level, message);
    }

    fn write_as(&self, source: LogSource, level: &str, message: &str) {
        let timestamp = self.clock.now();
        // One string for the whole line, of the right size (handlers log a lot): the time is
        // written straight into it, the rest copied with `push_str`, quicker than `format!`.
        let id = self.request_id.as_deref();
        let mut line = String::with_capacity(
            RFC3339_MILLIS_LEN + id.map_or(0, |id| id.len() + 1) + level.len() + message.len() + 2,
        );
        clock::push_rfc3339_millis(&mut line, timestamp);
        for part in id.into_iter().chain([level, message]) {
            line.push('\t');
            line.push_str(part);
        }
        let message = line;
        let event = LogEvent {
            timestamp,
            message,
            source,
        };
        self.logs.lock().put(self.stream_id, event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_logger_names_its_log_stream() {
        let logs = SharedLogs::default();
        let name = "2025/01/01/[$LATEST]0a1b2c";
        let stream_id = logs.lock().open("/aws/lambda/hello", name);
        let logger = Logger {
            logs,
            stream_id,
            stream: name.into(),
            request_id: None,
            clock: VirtualClock::starting_at(SystemTime::UNIX_EPOCH),
        };
        assert_eq!(
            format!("{logger:?}"),
            r#"Logger { stream: "2025/01/01/[$LATEST]0a1b2c" }"#
        );
    }
}
