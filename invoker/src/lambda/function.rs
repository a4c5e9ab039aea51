//! Function code: a handler, and optionally an init step that runs once per environment.
//!
//! Every Lambda runtime has the same programming model: `handler(event, context)` returns a
//! response or an error. The Rust runtime for Lambda, `lambda_runtime`, writes it as an async
//! function from a [`LambdaEvent`] (the typed event as `payload`, and the `context`) to a
//! `Result`; so does the invoker, with the same names:
//!
//! ```
//! use invoker::{service_fn, Error, LambdaEvent};
//! use serde_json::{json, Value};
//!
//! async fn hello(event: LambdaEvent<Value>) -> Result<Value, Error> {
//!     event.context.logger().info(format!("event: {}", event.payload));
//!     Ok(json!({ "message": "hello" }))
//! }
//! let code = service_fn(hello);
//! ```
//!
//! On AWS the same handler runs with `lambda_runtime::run(service_fn(hello)).await`: only the
//! imports change, and the workbook's extras (the logger here) become their AWS counterparts.
//!
//! Code outside the handler runs once, when an execution environment starts (the Init phase), and
//! what it builds lives as long as the environment. That is where SDK clients and connections go.
//! [`with_init`] models it: the init step runs on a cold start only, and its state is shared with
//! every invocation the environment serves.
//!
//! # Function errors
//!
//! A handler's error becomes the `{"errorType", "errorMessage"}` payload through [`Diagnostic`],
//! as in `lambda_runtime`: return a `Diagnostic` to choose the `errorType` callers see, or return
//! [`Error`] (any error, boxed, what `?` makes of it) and the `errorType` is the name of the box
//! itself, `&alloc::boxed::Box<dyn core::error::Error + …>`, whatever it holds, which is what a
//! Rust function on AWS reports too.

use crate::base::error::ServiceError;
use crate::lambda::context::{Context, InitContext, LambdaEvent};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use std::{any, fmt, future::Future, pin::Pin, sync::Arc};

/// A boxed future; `Send`, as `lambda_runtime` asks of a handler's future, so that a
/// multi-threaded runtime (the HTTP server's) may poll it on any of its threads.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a handler returns once its response is JSON: the response, or a function error.
pub(crate) type HandlerResult = Result<Value, Diagnostic>;

/// A handler ready to run: event and context in, response out. Built by the init step. Calling
/// it runs none of the function's code: that runs when the future it returns is polled, in the
/// sandbox.
pub(crate) type Handler = Arc<dyn Fn(Value, Context) -> BoxFuture<HandlerResult> + Send + Sync>;

/// The init step: runs once per execution environment and returns the handler it serves with.
pub(crate) type Init =
    Arc<dyn Fn(InitContext) -> BoxFuture<Result<Handler, Diagnostic>> + Send + Sync>;

/// Any error, boxed: `lambda_runtime::Error`. `?` turns every `std::error::Error` into one.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A function error as Lambda reports it: `{"errorType": …, "errorMessage": …}`, with the fields
/// of `lambda_runtime::Diagnostic`.
///
/// Return one to choose a short, stable `errorType` that callers can match on:
///
/// ```
/// use invoker::Diagnostic;
/// let refused = Diagnostic {
///     error_type: "ValidationError".into(),
///     error_message: "name is missing".into(),
/// };
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// The `errorType` field.
    pub error_type: String,
    /// The `errorMessage` field.
    pub error_message: String,
}

impl Diagnostic {
    /// A diagnostic the invoker makes (a timeout, a panic, an oversized response, a service
    /// error). Function code builds its own with the struct's fields, as with `lambda_runtime`.
    pub(crate) fn new(error_type: impl Into<String>, error_message: impl Into<String>) -> Self {
        Self {
            error_type: error_type.into(),
            error_message: error_message.into(),
        }
    }

    /// The error payload a caller receives.
    pub fn to_payload(&self) -> Value {
        serde_json::to_value(self).expect("two strings always serialize")
    }

    /// A diagnostic named after the type of `value`: how the invoker itself reports an error of
    /// its own making (a response that does not serialize).
    pub(crate) fn named_after<T: fmt::Display + ?Sized>(value: &T) -> Self {
        Self {
            error_type: any::type_name_of_val(value).to_owned(),
            error_message: value.to_string(),
        }
    }

    /// A diagnostic named as `lambda_runtime` names the errors it converts: by the type of a
    /// reference to them (it calls its `type_name_of_val` on `&value`).
    fn named_as_lambda_runtime_names<T: fmt::Display>(value: &T) -> Self {
        Self {
            error_type: any::type_name::<&T>().to_owned(),
            error_message: value.to_string(),
        }
    }
}

// The conversions `lambda_runtime` provides, so that a handler that compiles here compiles on
// AWS. Each names the error as `lambda_runtime` 0.14 does: the type name of a *reference* to the
// value, hence the leading `&` (`&alloc::boxed::Box<dyn core::error::Error + …>`), which is what a
// Rust function on AWS reports.
impl From<Error> for Diagnostic {
    fn from(error: Error) -> Self {
        Self::named_as_lambda_runtime_names(&error)
    }
}

impl From<Box<dyn std::error::Error>> for Diagnostic {
    fn from(error: Box<dyn std::error::Error>) -> Self {
        Self::named_as_lambda_runtime_names(&error)
    }
}

impl From<std::io::Error> for Diagnostic {
    fn from(error: std::io::Error) -> Self {
        Self::named_as_lambda_runtime_names(&error)
    }
}

impl From<String> for Diagnostic {
    fn from(message: String) -> Self {
        Self::named_as_lambda_runtime_names(&message)
    }
}

impl From<&'static str> for Diagnostic {
    fn from(message: &'static str) -> Self {
        Self::named_as_lambda_runtime_names(&message)
    }
}

// One more, the workbook's own: a failed call to a simulated service is named after its
// exception (`NoSuchKey`, `TooManyRequestsException`), so `?` on one in a handler that returns
// `Result<_, Diagnostic>` reports what went wrong. (Returning `Error`, `?` boxes it instead, and
// the box names it.)
// On AWS an SDK error has no such conversion; a handler gets the same by writing it, from the
// error's `code()` and message.
impl From<ServiceError> for Diagnostic {
    fn from(error: ServiceError) -> Self {
        Self::new(error.code.as_str(), error.message)
    }
}

impl From<std::convert::Infallible> for Diagnostic {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

/// The workbook's own, for tests and logs (`lambda_runtime::Diagnostic` has no `Display`):
/// `errorType: errorMessage`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.error_message)
    }
}

/// Deployable function code: what `create_function` takes beside the configuration.
#[derive(Clone)]
pub struct FunctionCode {
    pub(crate) init: Init,
    /// Whether the code's own runtime logs a failed invocation (see
    /// [`FunctionCode::logging_its_own_errors`]).
    pub(crate) logs_own_errors: bool,
}

impl FunctionCode {
    /// Code whose runtime writes its own log line when an invocation fails, as a real
    /// `lambda_runtime` process does (an `ERROR` line of its `tracing` setup): the invoker then
    /// adds no `Invoke Error` line of its own. For a runtime outside the invoker, such as a
    /// real `bootstrap` behind the Runtime API of the `invoker-http` crate.
    pub fn logging_its_own_errors(mut self) -> Self {
        self.logs_own_errors = true;
        self
    }
}

impl fmt::Debug for FunctionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FunctionCode")
    }
}

/// Function code from a handler alone: `async fn(LambdaEvent<E>) -> Result<R, Err>`, the shape
/// `lambda_runtime::service_fn` takes.
///
/// The event and response can be `serde_json::Value` or any serde type, such as the event
/// structs of the `aws_lambda_events` crate. An event that does not fit the type is a function
/// error, as with the Rust runtime on AWS.
pub fn service_fn<E, R, Err, F, Fut>(handler: F) -> FunctionCode
where
    E: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
    Err: Into<Diagnostic> + Send + 'static,
    F: Fn(LambdaEvent<E>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, Err>> + Send + 'static,
{
    let handler = Arc::new(handler);
    with_init(
        |_init: InitContext| async { Ok::<(), Diagnostic>(()) },
        move |_state: Arc<()>, event| handler(event),
    )
}

/// Function code with an init step, Lambda's "set up outside the handler".
///
/// `init` runs once when an execution environment starts (a cold start), with an [`InitContext`]
/// for the environment variables and service clients; its result is shared,
/// through an `Arc`, with every invocation that environment serves. An `Err` from `init` fails the
/// cold start: the invocation gets a function error and the environment is thrown away.
///
/// On AWS the same split is `main`: build the state, then
/// `run(service_fn(|event| handler(state.clone(), event)))`.
///
/// ```
/// use invoker::{with_init, Error, InitContext, LambdaEvent};
/// use serde_json::{json, Value};
/// use std::sync::Arc;
///
/// struct Client { endpoint: String }
///
/// let code = with_init(
///     |init: InitContext| async move {
///         let endpoint = init.env("DB_ENDPOINT").unwrap_or("db.local").to_owned();
///         Ok::<_, Error>(Client { endpoint })
///     },
///     |client: Arc<Client>, _event: LambdaEvent<Value>| async move {
///         Ok::<_, Error>(json!({ "using": client.endpoint }))
///     },
/// );
/// ```
pub fn with_init<S, I, IFut, IErr, E, R, Err, F, Fut>(init: I, handler: F) -> FunctionCode
where
    S: Send + Sync + 'static,
    I: Fn(InitContext) -> IFut + Send + Sync + 'static,
    IFut: Future<Output = Result<S, IErr>> + Send + 'static,
    IErr: Into<Diagnostic> + Send + 'static,
    E: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
    Err: Into<Diagnostic> + Send + 'static,
    F: Fn(Arc<S>, LambdaEvent<E>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, Err>> + Send + 'static,
{
    let (init, handler) = (Arc::new(init), Arc::new(handler));
    let init: Init = Arc::new(move |context: InitContext| {
        let (init, handler) = (Arc::clone(&init), Arc::clone(&handler));
        Box::pin(async move {
            // `init` is called here, inside the future, not before it: the code a closure runs
            // before it returns its future is init code too, and runs in the sandbox with the rest.
            let state = Arc::new(init(context).await.map_err(Into::into)?);
            let serve: Handler = Arc::new(move |event: Value, ctx: Context| {
                // The handler closure, too, is called inside the future (`typed_call` is an
                // `async fn`: calling it runs nothing yet), so all of it is sandboxed.
                Box::pin(typed_call(
                    Arc::clone(&handler),
                    Arc::clone(&state),
                    event,
                    ctx,
                ))
            });
            Ok(serve)
        })
    });
    FunctionCode {
        init,
        logs_own_errors: false,
    }
}

/// Converts the JSON event to the handler's type, calls it, and converts the response back: the
/// work `lambda_runtime` does around every Rust handler.
async fn typed_call<S, E, R, Err, F, Fut>(
    handler: Arc<F>,
    state: Arc<S>,
    event: Value,
    context: Context,
) -> HandlerResult
where
    E: DeserializeOwned + 'static,
    R: Serialize + 'static,
    Err: Into<Diagnostic>,
    F: Fn(Arc<S>, LambdaEvent<E>) -> Fut,
    Fut: Future<Output = Result<R, Err>>,
{
    let payload: E = from_json(event).map_err(|e| undeserializable_event(&e))?;
    let response = handler(state, LambdaEvent::new(payload, context))
        .await
        .map_err(Into::into)?;
    to_json(response).map_err(|e| Diagnostic::named_after(&e))
}

/// The function error of an event that does not fit the handler's type, as `lambda_runtime`
/// 0.14 reports it: named after a reference to its `DeserializeError` (the leading `&`), and
/// written with `writeln!` (the message ends in a newline).
///
/// Simplified: `lambda_runtime` reads the event from the request's bytes through
/// `serde_path_to_error`, so its message also says where serde stopped (`at line 1 column 42`)
/// and, for a field below the top level, its path (`[items[0].sku] items[0].sku: …`). The invoker
/// converts the parsed event, whose errors name neither.
fn undeserializable_event(error: &serde_json::Error) -> Diagnostic {
    Diagnostic {
        error_type: "&lambda_runtime::deserializer::DeserializeError".into(),
        error_message: format!(
            "failed to deserialize the incoming data into the function's payload type: {error}\n"
        ),
    }
}

/// `serde_json::from_value`, except that a handler taking the JSON itself (`Value`, the most
/// common event type) gets the event as it is. Converting a `Value` into a `Value` would give an
/// equal copy, rebuilt node by node: for a batch of 100 stream records, thousands of allocations
/// that change nothing.
fn from_json<E: DeserializeOwned + 'static>(event: Value) -> Result<E, serde_json::Error> {
    match take_as::<Value, E>(event) {
        Ok(same) => Ok(same),
        Err(event) => serde_json::from_value(event),
    }
}

/// `serde_json::to_value`, except that a response that is already a `Value` is kept as it is
/// (see [`from_json`]).
fn to_json<R: Serialize + 'static>(response: R) -> Result<Value, serde_json::Error> {
    match take_as::<R, Value>(response) {
        Ok(same) => Ok(same),
        Err(response) => serde_json::to_value(response),
    }
}

/// `value` as a `U` if `T` and `U` are the same type, or `value` back: a generic function's way
/// to find out that it was given the very type it needs.
fn take_as<T: 'static, U: 'static>(value: T) -> Result<U, T> {
    let mut slot = Some(value);
    match (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<U>>() {
        Some(same) => Ok(same.take().expect("the slot was filled just above")),
        None => Err(slot.expect("the slot is only emptied when it is the same type")),
    }
}
