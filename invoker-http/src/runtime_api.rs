//! Real functions under the invoker: a `bootstrap` built with `lambda_runtime` (or any program
//! that speaks Lambda's Runtime API) runs as a function, one process per execution environment.
//!
//! On Lambda a `provided` runtime is a process that asks the Runtime API at
//! `$AWS_LAMBDA_RUNTIME_API` for its next event, works, and posts the response or the error:
//!
//! ```text
//!  process                                   Runtime API (one per environment)
//!     │ GET  /2018-06-01/runtime/invocation/next ───▶  waits for an invocation
//!     │ ◀── event, Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn, …
//!     │ POST /2018-06-01/runtime/invocation/{id}/response   (or …/{id}/error)
//!     │ GET  …/next                                          (ready for the next one)
//!     │ POST /2018-06-01/runtime/init/error                  (if its init fails)
//! ```
//!
//! [`bootstrap`] makes such a program a [`FunctionCode`]: the environment's Init phase starts the
//! process with the variables Lambda sets (the environment's own, plus `AWS_LAMBDA_RUNTIME_API`
//! naming a Runtime API served for that environment alone) and ends when the process first asks
//! for an event; each invocation hands the event over and waits for the answer. Everything else
//! is the invoker's, as for an in-process handler: START, END and REPORT, timeouts, cold and
//! warm starts, one environment per concurrent request, retries of asynchronous events. An
//! environment thrown away (a timeout, an idle one reclaimed) takes its process with it.
//!
//! What the process writes on its standard output and error goes to the environment's log
//! stream, line by line as written (a `provided` runtime formats its own lines). It is read when
//! the process answers, so a line written before the answer is logged before `END`.
//!
//! **Virtual time.** Under the invoker's paused clock (in tests), time stands still while the
//! function's process works: waiting for it happens on a blocking thread, and tokio does not
//! advance a paused clock while a blocking task runs. So a real function reports `Duration: 0.00
//! ms` there, and its retries and timeouts stay deterministic; a process that does not answer
//! within the function's timeout, in real time, is timed out in virtual time. On a running clock
//! (`cargo xtask serve`) the durations are real.
//!
//! The program's working directory is its own folder, not `/var/task`, and the response is
//! taken as JSON (a response that is not JSON becomes a JSON string). A process that exits
//! ends its invocation with `Runtime.ExitError`, and the next event starts it again, as Lambda
//! does; the new start writes no `INIT_START` and no `Init Duration` here.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use invoker::{with_init, Diagnostic, FunctionCode, InitContext, LambdaEvent, Logger};
use serde_json::{json, Value};
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Lambda's limit on the Init phase.
const INIT_LIMIT: Duration = Duration::from_secs(10);
/// How often a wait for the process looks at its output and whether it has exited.
const LOOK_EVERY: Duration = Duration::from_millis(10);

/// A function whose code is the program at `path`, run as Lambda runs a `provided` runtime's
/// `bootstrap` (see the module docs).
pub fn bootstrap(path: impl Into<PathBuf>) -> FunctionCode {
    let path: PathBuf = path.into();
    with_init(
        move |init: InitContext| {
            let path = path.clone();
            async move { Process::start(path, init).await }
        },
        |process: Arc<Process>, event: LambdaEvent<Value>| async move { process.invoke(event).await },
    )
    // lambda_runtime logs a failed invocation itself (its `tracing` ERROR line).
    .logging_its_own_errors()
}

/// One environment's process, and the Runtime API it talks to.
pub struct Process {
    /// How the process is started: again, after it has exited.
    command: Mutex<Command>,
    logger: Logger,
    child: Mutex<Child>,
    /// What the Runtime API hands the process next.
    invocations: UnboundedSender<Invocation>,
    /// What the process told the Runtime API: ready, an answer, an init error.
    told: Mutex<mpsc::Receiver<Told>>,
    output: Mutex<Output>,
    server: tokio::task::AbortHandle,
}

/// One invocation on its way to the process.
struct Invocation {
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// What the process told its Runtime API.
enum Told {
    /// It asked for its next event: its init is done, or its last invocation.
    Ready,
    Response {
        request_id: String,
        body: Vec<u8>,
    },
    Error {
        request_id: String,
        error: Diagnostic,
    },
    InitError(Diagnostic),
}

/// The Runtime API's side of one environment.
struct Api {
    invocations: tokio::sync::Mutex<UnboundedReceiver<Invocation>>,
    told: mpsc::Sender<Told>,
}

impl Process {
    /// The Init phase: serve a Runtime API, start the process, and wait until it asks for its
    /// first event (or reports an init error, or exits).
    async fn start(path: PathBuf, init: InitContext) -> Result<Process, Diagnostic> {
        let (invocations, queue) = unbounded_channel();
        let (told, heard) = mpsc::channel();
        let api = Arc::new(Api {
            invocations: tokio::sync::Mutex::new(queue),
            told,
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| {
                runtime_error(
                    "Runtime.Unknown",
                    format!("no port for the Runtime API: {e}"),
                )
            })?;
        let address = listener
            .local_addr()
            .map_err(|e| runtime_error("Runtime.Unknown", e.to_string()))?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, routes(api)).await;
        })
        .abort_handle();

        let mut command = Command::new(&path);
        command
            .env_clear()
            .envs(init.env_vars())
            .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
            command.current_dir(folder);
        }
        let mut child = command.spawn().map_err(|e| {
            server.abort();
            runtime_error(
                "Runtime.InvalidEntrypoint",
                format!("cannot start {}: {e}", path.display()),
            )
        })?;
        let output = Output::of(&mut child, init.logger().clone());
        let process = Process {
            command: Mutex::new(command),
            logger: init.logger().clone(),
            child: Mutex::new(child),
            invocations,
            told: Mutex::new(heard),
            output: Mutex::new(output),
            server,
        };
        let process = Arc::new(process);
        match process.until_ready().await {
            Waited::Told(Ok(())) => {}
            Waited::Told(Err(error)) | Waited::Exited(error) => return Err(error),
            Waited::TooLong => {
                // In virtual time, the Init phase's own limit ends it.
                tokio::time::sleep(INIT_LIMIT).await;
                return Err(runtime_error(
                    "Runtime.InitTimeout",
                    "no answer from the process",
                ));
            }
        }
        Arc::into_inner(process)
            .ok_or_else(|| runtime_error("Runtime.Unknown", "the process is still in use"))
    }

    /// One invocation: hand the event over and wait for the process's answer, until the
    /// deadline.
    async fn invoke(self: Arc<Self>, event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        let (payload, ctx) = event.into_parts();
        let mut headers = vec![
            ("lambda-runtime-aws-request-id", ctx.request_id.clone()),
            ("lambda-runtime-deadline-ms", ctx.deadline.to_string()),
            (
                "lambda-runtime-invoked-function-arn",
                ctx.invoked_function_arn.clone(),
            ),
            ("lambda-runtime-trace-id", trace_header(&ctx)),
        ];
        if let Some(context) = &ctx.client_context {
            headers.push(("lambda-runtime-client-context", json!(context).to_string()));
        }
        if let Some(identity) = &ctx.identity {
            headers.push((
                "lambda-runtime-cognito-identity",
                json!(identity).to_string(),
            ));
        }
        let request_id = ctx.request_id.clone();
        let invocation = Invocation {
            headers,
            body: payload.to_string().into_bytes(),
        };
        if let Some(error) = self.restart_if_exited().await {
            return Err(error);
        }
        if self.invocations.send(invocation).is_err() {
            return Err(runtime_error(
                "Runtime.Unknown",
                "the Runtime API has stopped",
            ));
        }
        let budget = ctx.remaining_time();
        let waiting = Arc::clone(&self);
        let answer = wait(move || {
            waiting.wait_until(budget, |told| match told {
                Told::Response {
                    request_id: id,
                    body,
                } if id == request_id => Some(Ok(body)),
                Told::Error {
                    request_id: id,
                    error,
                } if id == request_id => Some(Err(error)),
                _ => None,
            })
        })
        .await;
        match answer {
            Waited::Told(Ok(body)) => Ok(serde_json::from_slice(&body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))),
            Waited::Told(Err(error)) | Waited::Exited(error) => Err(error),
            Waited::TooLong => {
                // Past the deadline in real time: let the invoker's timeout end it in virtual time.
                tokio::time::sleep(ctx.remaining_time() + Duration::from_millis(1)).await;
                Err(runtime_error(
                    "Sandbox.Timedout",
                    "the process did not answer",
                ))
            }
        }
    }

    /// After `Runtime.ExitError`, Lambda starts the runtime again with the next event: so does
    /// this, and waits for the new process to ask for it. `Some` is why it could not.
    async fn restart_if_exited(self: &Arc<Self>) -> Option<Diagnostic> {
        let exited = self
            .child
            .lock()
            .map(|mut child| matches!(child.try_wait(), Ok(Some(_))))
            .unwrap_or(false);
        if !exited {
            return None;
        }
        let spawned = self
            .command
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => return Some(runtime_error("Runtime.InvalidEntrypoint", e.to_string())),
        };
        let output = Output::of(&mut child, self.logger.clone());
        if let (Ok(mut old), Ok(mut logged)) = (self.child.lock(), self.output.lock()) {
            *old = child;
            *logged = output;
        }
        match self.until_ready().await {
            Waited::Told(Ok(())) => None,
            Waited::Told(Err(error)) | Waited::Exited(error) => Some(error),
            Waited::TooLong => Some(runtime_error(
                "Runtime.InitTimeout",
                "no answer from the process",
            )),
        }
    }

    /// Waits until the process asks for its first event (its init is done), reports an init
    /// error, or exits: at most Lambda's 10 seconds for an Init phase.
    async fn until_ready(self: &Arc<Self>) -> Waited<Result<(), Diagnostic>> {
        let waiting = Arc::clone(self);
        wait(move || {
            waiting.wait_until(INIT_LIMIT, |told| match told {
                Told::Ready => Some(Ok(())),
                Told::InitError(error) => Some(Err(error)),
                _ => None,
            })
        })
        .await
    }

    /// Waits, in real time and at most `limit`, for what `wanted` picks out of what the process
    /// tells its Runtime API; meanwhile logs its output and notices if it exits.
    fn wait_until<T>(&self, limit: Duration, wanted: impl Fn(Told) -> Option<T>) -> Waited<T> {
        let started = Instant::now();
        let told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let heard = told.recv_timeout(LOOK_EVERY);
            // Read after hearing: what the process wrote before it answered is in its pipes now.
            self.log_output();
            match heard {
                Ok(message) => {
                    if let Some(found) = wanted(message) {
                        return Waited::Told(found);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Waited::Exited(self.exit_error()),
                Err(RecvTimeoutError::Timeout) => {}
            }
            let exited = self.child.lock().map(|mut c| c.try_wait());
            if let Ok(Ok(Some(_))) = exited {
                self.log_output();
                return Waited::Exited(self.exit_error());
            }
            if started.elapsed() > limit {
                return Waited::TooLong;
            }
        }
    }

    fn log_output(&self) {
        self.output.lock().unwrap_or_else(|p| p.into_inner()).log();
    }

    /// `Runtime.ExitError`, with the exit status as Lambda reports it.
    fn exit_error(&self) -> Diagnostic {
        let status = self
            .child
            .lock()
            .ok()
            .and_then(|mut child| child.try_wait().ok().flatten())
            .map_or_else(|| "unknown".to_owned(), |status| status.to_string());
        runtime_error(
            "Runtime.ExitError",
            format!("Runtime exited with error: {status}"),
        )
    }
}

/// An environment thrown away takes its process and its Runtime API with it.
impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.server.abort();
    }
}

/// Lambda sends every invocation an X-Ray trace header, traced or not (recursive-loop detection
/// reads it), and `lambda_runtime` names it in its log lines (`xrayTraceId=…`). The invoker
/// does not trace, so the header is made from what it has: the root from the invocation's time
/// and request id, the parent from the request id, not sampled. It is the same on every run.
fn trace_header(ctx: &invoker::Context) -> String {
    let remaining_ms = u64::try_from(ctx.remaining_time().as_millis()).unwrap_or(0);
    let started_ms = ctx.deadline.saturating_sub(remaining_ms);
    let hex: String = ctx
        .request_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect();
    let (root, parent) = (hex.get(..24).unwrap_or(&hex), hex.get(16..).unwrap_or(&hex));
    format!(
        "Root=1-{:08x}-{root};Parent={parent};Sampled=0",
        started_ms / 1000
    )
}

/// How a wait for the process ended.
enum Waited<T> {
    Told(T),
    Exited(Diagnostic),
    TooLong,
}

/// Runs a wait on a blocking thread, which keeps a paused clock from moving meanwhile (see the
/// module docs).
async fn wait<T: Send + 'static>(
    waiting: impl FnOnce() -> Waited<T> + Send + 'static,
) -> Waited<T> {
    tokio::task::spawn_blocking(waiting)
        .await
        .unwrap_or_else(|_| {
            Waited::Exited(runtime_error(
                "Runtime.Unknown",
                "the wait for the process panicked",
            ))
        })
}

fn runtime_error(error_type: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        error_type: error_type.to_owned(),
        error_message: message.into(),
    }
}

/// The Runtime API's routes, for one environment.
fn routes(api: Arc<Api>) -> Router {
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(api)
}

/// `GET …/next`: the process is ready; it gets the next invocation when there is one.
async fn next(State(api): State<Arc<Api>>) -> Response {
    let _ = api.told.send(Told::Ready);
    let Some(invocation) = api.invocations.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let mut response = (StatusCode::OK, invocation.body).into_response();
    for (name, value) in invocation.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// `POST …/{id}/response`.
async fn response(
    State(api): State<Arc<Api>>,
    Path(request_id): Path<String>,
    body: Bytes,
) -> Response {
    let _ = api.told.send(Told::Response {
        request_id,
        body: body.to_vec(),
    });
    accepted()
}

/// `POST …/{id}/error`: `{"errorType": …, "errorMessage": …}`.
async fn error(
    State(api): State<Arc<Api>>,
    Path(request_id): Path<String>,
    body: Bytes,
) -> Response {
    let _ = api.told.send(Told::Error {
        request_id,
        error: diagnostic(&body),
    });
    accepted()
}

/// `POST /runtime/init/error`.
async fn init_error(State(api): State<Arc<Api>>, body: Bytes) -> Response {
    let _ = api.told.send(Told::InitError(diagnostic(&body)));
    accepted()
}

/// The error a runtime posts, as the handler's error; a body that is not the documented JSON is
/// reported as it came.
fn diagnostic(body: &[u8]) -> Diagnostic {
    let posted: Value = serde_json::from_slice(body).unwrap_or_default();
    match (
        posted["errorType"].as_str(),
        posted["errorMessage"].as_str(),
    ) {
        (Some(error_type), Some(message)) => runtime_error(error_type, message),
        _ => runtime_error("Runtime.Unknown", String::from_utf8_lossy(body)),
    }
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, r#"{"status":"OK"}"#).into_response()
}

/// The process's standard output and error, read without blocking, into its log stream.
struct Output {
    pipes: Vec<(File, Vec<u8>)>,
    logger: Logger,
}

impl Output {
    fn of(child: &mut Child, logger: Logger) -> Output {
        let stdout = child
            .stdout
            .take()
            .map(|pipe| File::from(std::os::fd::OwnedFd::from(pipe)));
        let stderr = child
            .stderr
            .take()
            .map(|pipe| File::from(std::os::fd::OwnedFd::from(pipe)));
        let pipes = [stdout, stderr]
            .into_iter()
            .flatten()
            .filter(|file| rustix::fs::fcntl_setfl(file, rustix::fs::OFlags::NONBLOCK).is_ok())
            .map(|file| (file, Vec::new()))
            .collect();
        Output { pipes, logger }
    }

    /// Logs every whole line written so far; a line not yet ended waits for its end.
    fn log(&mut self) {
        let mut chunk = [0; 8192];
        for (pipe, pending) in &mut self.pipes {
            loop {
                match pipe.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(read) => pending.extend_from_slice(&chunk[..read]),
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let text = String::from_utf8_lossy(&line[..end]);
                self.logger.raw(text.trim_end_matches('\r'));
            }
        }
    }
}
