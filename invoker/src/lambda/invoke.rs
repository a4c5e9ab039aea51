//! The Invoke API: run a function and get its answer.
//!
//! A synchronous invoke (`RequestResponse`, what API Gateway and `aws lambda invoke` do) goes
//! through these steps, each of which can end the call early, as on AWS (this module does the
//! first; [`crate::lambda::execution`] the others):
//!
//! 1. **Validate the request**: the function name or ARN (of this account and region), the
//!    qualifier, the payload size (6 MB) and that the payload is JSON. Failures are *service
//!    errors* (4xx); no code runs.
//! 2. **Find an environment**: a warm, idle one, or a new one (a cold start, which runs the Init
//!    phase and writes `INIT_START`).
//! 3. **Invoke**: `START`, the handler under the function's timeout, `END` and `REPORT`.
//! 4. **Answer**: always HTTP 200 once the code ran. If the handler failed (returned an error,
//!    panicked, timed out, or answered more than 6 MB) the response says so with
//!    `FunctionError: Unhandled` and an error payload `{"errorType", "errorMessage"}`.
//!
//! A dry run (`DryRun`) stops after step 1 with 204: "you could have invoked this". An
//! asynchronous invoke (`Event`) stops after step 1 with 202 and queues the event; steps 2–4
//! happen later, with retries (see [`crate::lambda::async_invoke`]).

use crate::base::arn::{FunctionRef, LATEST};
use crate::base::error::ServiceError;
use crate::base::transcript::{Entry, Invocation};
use crate::lambda::context::{ClientContext, CognitoIdentity, Context, InitContext};
use crate::lambda::execution::{Event, Run};
use crate::lambda::function::Diagnostic;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;
use crate::lambda::trace;
use base64::Engine;
use serde_json::Value;

/// The largest request and response payload of a synchronous invoke: 6 MB.
pub(crate) const MAX_SYNC_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// The largest event of an asynchronous invoke: 1 MB since October 2025 (older guides: 256 KB).
pub(crate) const MAX_ASYNC_PAYLOAD_BYTES: usize = 1024 * 1024;

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
    pub(crate) function_name: String,
    pub(crate) qualifier: Option<String>,
    pub(crate) invocation_type: InvocationType,
    pub(crate) log_type: LogType,
    pub(crate) payload: Vec<u8>,
    pub(crate) identity: Option<CognitoIdentity>,
    pub(crate) client_context: Option<ClientContext>,
    pub(crate) principal: Principal,
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

    /// Who is calling, for the function's resource-based policy: you (the default), or a
    /// service acting for a bucket or topic. See `crate::lambda::permissions`.
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = principal;
        self
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
        self.payload = json_bytes(&event);
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
#[derive(Clone, PartialEq, Eq)]
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

/// The payload shows as its text, `{"message":"Hello"}`, not as the bytes it travels in, so a
/// failed assertion on a response can be read.
impl std::fmt::Debug for InvokeResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvokeResponse")
            .field("status_code", &self.status_code)
            .field("function_error", &self.function_error)
            .field("executed_version", &self.executed_version)
            .field("log_result", &self.log_result)
            .field("request_id", &self.request_id)
            .field("payload", &format_args!("{}", self.payload_text()))
            .finish()
    }
}

impl InvokeResponse {
    /// The payload parsed as JSON (`Value::Null` for an empty payload).
    pub fn payload_json(&self) -> Result<Value, serde_json::Error> {
        if self.payload.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.payload)
    }

    /// The function's answer as a `Result`: `Ok` with the response's JSON, or `Err` with the
    /// function error (its `errorType` and `errorMessage`). This is how a caller that awaits a
    /// function sees it, and how a test says "the handler did not fail" in one step:
    /// `response.result().expect("the handler succeeds")`.
    pub fn result(&self) -> Result<Value, Diagnostic> {
        match self.function_error {
            None => self.payload_json().map_err(|e| Diagnostic::named_after(&e)),
            Some(_) => Err(serde_json::from_slice(&self.payload)
                .unwrap_or_else(|e| Diagnostic::named_after(&e))),
        }
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

impl Lambda {
    /// Invokes a function: the `Invoke` API. A service error means the function did not run (or
    /// its answer could not be returned); a function error comes back inside an `Ok` response,
    /// flagged by [`InvokeResponse::function_error`].
    pub async fn invoke(&self, request: InvokeRequest) -> Result<InvokeResponse, ServiceError> {
        let at = self.inner.platform.clock.elapsed();
        let result = self.try_invoke(&request).await;
        if let Err(error) = &result {
            self.inner.platform.record(Entry::Refused {
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
            .platform
            .scope
            .parse(&request.function_name, request.qualifier.as_deref())?;
        if let Some(account) = self
            .inner
            .platform
            .scope
            .other_account(&request.function_name)
        {
            return Err(self.denied_to_other_account(&request.principal, account, &target));
        }
        self.check_target(&target)?;
        self.may_invoke(&request.principal, &target)?;
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
        let request_id = self.inner.platform.ids().request_id();
        // A call from a handler continues the handler's request chain (see `crate::lambda::trace`).
        let chain = trace::current_lineage();
        match request.invocation_type {
            InvocationType::RequestResponse => {
                let version = self.resolve_version(&target)?;
                let run = Run {
                    request,
                    target: &target,
                    version,
                    event: Event::Ready(event),
                    request_id,
                    kind: InvocationType::RequestResponse.as_str().into(),
                    caused_by: chain,
                };
                Ok(self.run(run).await?.0)
            }
            InvocationType::DryRun => Ok(self.dry_run(request, request_id)),
            InvocationType::Event => {
                let queued = self.enqueue(request.clone(), target, event, request_id, chain);
                Ok(queued)
            }
        }
    }

    /// The function exists and the qualifier names one of its versions or aliases.
    pub(crate) fn check_target(&self, target: &FunctionRef) -> Result<(), ServiceError> {
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
            self.inner
                .platform
                .scope
                .qualified_arn(&target.name, qualifier)
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
            .map(str::to_owned)
            .ok_or_else(|| {
                let qualifier = target.qualifier.as_deref().unwrap_or(LATEST);
                ServiceError::resource_not_found(format!(
                    "Function not found: {}",
                    self.inner
                        .platform
                        .scope
                        .qualified_arn(&target.name, qualifier)
                ))
            })
    }

    fn dry_run(&self, request: &InvokeRequest, request_id: String) -> InvokeResponse {
        let at = self.inner.platform.clock.elapsed();
        self.inner.platform.record(Entry::Invoked(Invocation {
            at,
            finished: at,
            target: describe_target(request),
            executed_version: None,
            invocation_type: InvocationType::DryRun.as_str().into(),
            environment: None,
            provisioned: false,
            cost: None,
            log_group: "".into(),
            log_stream: "".into(),
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
}

/// The function as the caller named it, for the transcript: `hello`, `hello:prod`.
pub(crate) fn describe_target(request: &InvokeRequest) -> String {
    match &request.qualifier {
        Some(q) => [&request.function_name, ":", q].concat(),
        None => request.function_name.clone(),
    }
}

impl LambdaHandle {
    /// Invokes a function, as the `Invoke` API does: how a service around Lambda invokes.
    pub(crate) async fn invoke(
        &self,
        request: InvokeRequest,
    ) -> Result<InvokeResponse, ServiceError> {
        self.lambda()?.invoke(request).await
    }

    /// Whether `target` exists and `principal` may invoke it, checked when a service is set up
    /// to invoke it later (an S3 notification, an SNS subscription), as AWS checks then.
    pub(crate) fn may_invoke_later(
        &self,
        principal: &Principal,
        target: &FunctionRef,
    ) -> Result<(), ServiceError> {
        let lambda = self.lambda()?;
        lambda.check_target(target)?;
        lambda.may_invoke(principal, target)
    }
}

/// Lambda's Invoke API as a function's code calls it, to invoke another function: made at init
/// (`init.lambda()`), as a real function makes an `aws_sdk_lambda::Client` once, or from the
/// context (`ctx.lambda()`). The call is made as the function's execution role, which must allow
/// `lambda:InvokeFunction` on the function it invokes, and it continues the request chain of the
/// invocation that makes it.
#[derive(Clone, Debug)]
pub struct LambdaClient {
    lambda: LambdaHandle,
}

impl LambdaClient {
    /// Invokes a function, as [`Lambda::invoke`] does.
    pub async fn invoke(&self, request: InvokeRequest) -> Result<InvokeResponse, ServiceError> {
        self.lambda.invoke(request).await
    }
}

impl InitContext {
    /// A client of Lambda's Invoke API for the function's code, made once at init as a real
    /// function makes its SDK clients; its calls are made as the function's role.
    pub fn lambda(&self) -> LambdaClient {
        LambdaClient {
            lambda: self.resources.services.clone(),
        }
    }
}

impl Context {
    /// A client of Lambda's Invoke API for the handler; its calls are made as the function's
    /// role. Made at init instead (`init.lambda()`), it is made once.
    pub fn lambda(&self) -> LambdaClient {
        LambdaClient {
            lambda: self.resources.services.clone(),
        }
    }
}

/// The compact JSON text of `value`, as bytes: what a payload travels as. (`to_string` gives the
/// same text, but through `Display`'s formatting machinery, several times slower, and every
/// invocation serializes its event and its response.)
pub(crate) fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a Value always serializes: its keys are strings")
}
