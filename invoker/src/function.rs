//! Function code: a handler, and optionally an init step that runs once per environment.
//!
//! Every Lambda runtime has the same programming model: `handler(event, context)` returns a
//! response or an error. Rust's `lambda_runtime` writes it as an async function from a typed event
//! to a typed response; so does the invoker:
//!
//! ```
//! use invoker::{handler_fn, Context, HandlerError};
//! use serde_json::{json, Value};
//!
//! async fn hello(event: Value, ctx: Context) -> Result<Value, HandlerError> {
//!     ctx.logger().info(format!("event: {event}"));
//!     Ok(json!({ "message": "hello" }))
//! }
//! let code = handler_fn(hello);
//! ```
//!
//! Code outside the handler runs once, when an execution environment starts (the Init phase), and
//! what it builds lives as long as the environment. That is where SDK clients and connections go.
//! [`with_init`] models it: the init step runs on a cold start only, and its state is shared with
//! every invocation the environment serves.

use crate::context::{Context, InitContext};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::{fmt, future::Future, pin::Pin, sync::Arc};

/// A boxed future that can move to the sandbox thread.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a handler returns: the JSON response, or a function error.
pub type HandlerResult = Result<Value, HandlerError>;

/// A handler ready to run: event and context in, response out. Built by the init step.
pub(crate) type Handler = Arc<dyn Fn(Value, Context) -> BoxFuture<HandlerResult> + Send + Sync>;

/// The init step: runs once per execution environment and returns the handler it serves with.
pub(crate) type Init =
    Arc<dyn Fn(InitContext) -> BoxFuture<Result<Handler, HandlerError>> + Send + Sync>;

/// A function error as Lambda reports it: `{"errorType": …, "errorMessage": …}`.
///
/// Any `std::error::Error` converts into one with `?`; its `errorType` is then the error's Rust
/// type name, which is what the Rust runtime for Lambda reports too. Use [`HandlerError::new`] to
/// choose a short, stable `errorType` that callers can match on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerError {
    /// The `errorType` field.
    pub error_type: String,
    /// The `errorMessage` field.
    pub error_message: String,
}

impl HandlerError {
    /// An error with a chosen type, e.g. `HandlerError::new("ValidationError", "name is missing")`.
    pub fn new(error_type: impl Into<String>, error_message: impl Into<String>) -> Self {
        Self {
            error_type: error_type.into(),
            error_message: error_message.into(),
        }
    }

    /// The error payload a caller receives.
    pub fn to_payload(&self) -> Value {
        serde_json::json!({ "errorType": self.error_type, "errorMessage": self.error_message })
    }
}

// No `impl Error for HandlerError`: with it, this blanket conversion would overlap `From<T> for T`.
impl<E: std::error::Error> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self::new(std::any::type_name::<E>(), error.to_string())
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.error_message)
    }
}

/// Deployable function code: what `create_function` takes beside the configuration.
#[derive(Clone)]
pub struct FunctionCode {
    pub(crate) init: Init,
}

impl fmt::Debug for FunctionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FunctionCode")
    }
}

/// Function code from a handler alone: `async fn(event, Context) -> Result<response, error>`.
///
/// The event and response can be `serde_json::Value` or any serde type, such as the event
/// structs of the `aws_lambda_events` crate. An event that does not fit the type is a function
/// error, as with the Rust runtime on AWS.
pub fn handler_fn<E, R, Err, F, Fut>(handler: F) -> FunctionCode
where
    E: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
    Err: Into<HandlerError> + Send + 'static,
    F: Fn(E, Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, Err>> + Send + 'static,
{
    let handler = Arc::new(handler);
    with_init(
        |_init: InitContext| async { Ok::<(), HandlerError>(()) },
        move |_state: Arc<()>, event, ctx| handler(event, ctx),
    )
}

/// Function code with an init step, Lambda's "set up outside the handler".
///
/// `init` runs once when an execution environment starts (a cold start), with an [`InitContext`]
/// for the environment variables and service clients; its result is shared,
/// through an `Arc`, with every invocation that environment serves. An `Err` from `init` fails the
/// cold start: the invocation gets a function error and the environment is thrown away.
///
/// ```
/// use invoker::{with_init, Context, HandlerError, InitContext};
/// use serde_json::{json, Value};
/// use std::sync::Arc;
///
/// struct Client { endpoint: String }
///
/// let code = with_init(
///     |init: InitContext| async move {
///         let endpoint = init.env("DB_ENDPOINT").unwrap_or("db.local").to_owned();
///         Ok::<_, HandlerError>(Client { endpoint })
///     },
///     |client: Arc<Client>, _event: Value, _ctx: Context| async move {
///         Ok::<_, HandlerError>(json!({ "using": client.endpoint }))
///     },
/// );
/// ```
pub fn with_init<S, I, IFut, IErr, E, R, Err, F, Fut>(init: I, handler: F) -> FunctionCode
where
    S: Send + Sync + 'static,
    I: Fn(InitContext) -> IFut + Send + Sync + 'static,
    IFut: Future<Output = Result<S, IErr>> + Send + 'static,
    IErr: Into<HandlerError> + Send + 'static,
    E: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
    Err: Into<HandlerError> + Send + 'static,
    F: Fn(Arc<S>, E, Context) -> Fut + Send + Sync + 'static,
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
                let (state, handler) = (Arc::clone(&state), Arc::clone(&handler));
                // The handler closure, too, is called inside the future, so all of it is sandboxed.
                Box::pin(async move { typed_call(&*handler, state, event, ctx).await })
            });
            Ok(serve)
        })
    });
    FunctionCode { init }
}

/// Converts the JSON event to the handler's type, calls it, and converts the response back: the
/// work `lambda_runtime` does around every Rust handler.
async fn typed_call<S, E, R, Err, F, Fut>(
    handler: &F,
    state: Arc<S>,
    event: Value,
    ctx: Context,
) -> HandlerResult
where
    E: DeserializeOwned,
    R: Serialize,
    Err: Into<HandlerError>,
    F: Fn(Arc<S>, E, Context) -> Fut,
    Fut: Future<Output = Result<R, Err>>,
{
    let event: E = serde_json::from_value(event).map_err(|e| {
        HandlerError::new(
            "lambda_runtime::deserializer::DeserializeError",
            format!(
                "failed to deserialize the incoming data into the function's payload type: {e}"
            ),
        )
    })?;
    let response = handler(state, event, ctx).await.map_err(Into::into)?;
    Ok(serde_json::to_value(response)?)
}
