//! The exercise tests' kit: the three steps nearly every test takes, written once.
//!
//! An exercise test deploys the exercise into a fresh service, invokes a function, and reads its
//! answer. Each step has a rule that is easy to get subtly wrong, and before this module each
//! test file wrote its own copy of it:
//!
//! - [`deployed`] (and [`deployed_returning`], for a deploy function that hands something back):
//!   a fresh [`Lambda`] built with a seed, with the exercise deployed into it. The seed fixes the
//!   request ids and every other random choice, so a transcript snapshot comes out byte for byte
//!   the same on every run; each exercise keeps its own seed, because its snapshots were written
//!   with it.
//! - [`invoke`]: an Invoke call that must itself succeed. A *service error* (no such function, a
//!   throttle, a refused permission) means the function never ran, and a test that only wanted
//!   the function's response stops there and says so. A *function error* is still a response:
//!   it is returned, to be checked.
//! - [`HandlerAnswer::answer`]: the handler's JSON in a response, after checking that the handler
//!   did not fail: `invoke(&lambda, request).await.answer()`. A failed handler stops the test
//!   with its `errorType` and `errorMessage`, at the test's own line, which is what the learner
//!   needs to read, rather than with a puzzling difference between `null` and the expected JSON.
//!   [`InvokeResponse::result`] is the same check as a `Result`, for a test that expects a
//!   failure or looks at both.
//! - [`capturing`]: a function that keeps every event it receives, for a test that checks what a
//!   service sends (an S3 notification, a destination record, a scheduled event) rather than
//!   what a function answers.
//!
//! ```
//! use invoker::testing::{deployed, invoke, HandlerAnswer};
//! use invoker::{service_fn, Error, FunctionConfig, InvokeRequest, Lambda, LambdaEvent};
//! use serde_json::{json, Value};
//!
//! async fn hello(event: LambdaEvent<Value>) -> Result<Value, Error> {
//!     Ok(json!({ "hello": event.payload["name"] }))
//! }
//!
//! /// What an exercise's `deploy` does: create its functions (and queues, buckets, …).
//! fn deploy(lambda: &Lambda) -> Result<(), invoker::ServiceError> {
//!     lambda.create_function(FunctionConfig::new("hello"), service_fn(hello))?;
//!     Ok(())
//! }
//!
//! invoker::run(async {
//!     let lambda = deployed(1, deploy);
//!     let request = InvokeRequest::new("hello").payload(json!({ "name": "Ada" }));
//!     assert_eq!(invoke(&lambda, request).await.answer(), json!({ "hello": "Ada" }));
//! });
//! ```
//!
//! # Why it lives here, as a module of its own
//!
//! Every exercise already depends on the invoker and on nothing else of the workbook's, so the
//! kit costs no dependency, no build and no line in any `Cargo.toml`. It is a module rather than
//! root re-exports because it is not part of the Lambda being simulated: `invoker::testing::…`
//! says at the place of use that this is test scaffolding, so a learner moving a solved handler
//! to AWS knows that these lines stay behind. It is not behind `#[cfg(test)]` (which would
//! hide it from the exercises, which are other crates) nor behind a Cargo feature (which every
//! exercise would have to switch on): it is a few small functions of the public face, and uses
//! nothing but the public face, so that a learner can read every step it takes.
//!
//! What the kit leaves to each test file is what belongs to the exercise: its seed, its deploy
//! function, and the requests it sends (a small function that builds an [`InvokeRequest`] reads
//! best, e.g. `order(n)`).

use crate::{
    service_fn, Diagnostic, FunctionCode, InvokeRequest, InvokeResponse, Lambda, LambdaEvent,
};
use serde_json::Value;
use std::fmt::Display;
use std::sync::{Arc, Mutex};

/// A fresh service, seeded with `seed`, with `deploy` run on it: the service an exercise test
/// starts from. `deploy` is the exercise's deploy function (`deployed(1, deploy)`) or a closure
/// that hands it what it needs (`deployed(6, |lambda| deploy_to(lambda, &db))`).
///
/// # Panics
/// If `deploy` fails, with its error (AWS's exception name and message), at the line of the test
/// that called `deployed`: there is nothing to test until the exercise is deployed.
#[track_caller]
pub fn deployed<E: Display>(seed: u64, deploy: impl FnOnce(&Lambda) -> Result<(), E>) -> Lambda {
    deployed_returning(seed, deploy).0
}

/// [`deployed`], for a deploy function that returns something the test needs too (an API's id,
/// the queues it created, …): the service and what `deploy` returned.
///
/// # Panics
/// If `deploy` fails, as [`deployed`] does.
#[track_caller]
pub fn deployed_returning<T, E: Display>(
    seed: u64,
    deploy: impl FnOnce(&Lambda) -> Result<T, E>,
) -> (Lambda, T) {
    let lambda = Lambda::builder().seed(seed).build();
    match deploy(&lambda) {
        Ok(deployment) => (lambda, deployment),
        Err(error) => panic!("deploying the exercise failed: {error}"),
    }
}

/// Sends `request` and returns the response, whatever the function did: a function error comes
/// back as a response (HTTP 200 with `function_error` set), to be checked by the test.
///
/// # Panics
/// If the Invoke call itself fails (a service error: no such function, a throttle, a refused
/// permission): then the function never ran, and there is no response to check. A test about
/// service errors calls [`Lambda::invoke`] and looks at the `Err`.
pub async fn invoke(lambda: &Lambda, request: InvokeRequest) -> InvokeResponse {
    lambda
        .invoke(request)
        .await
        .unwrap_or_else(|error| panic!("the Invoke call itself failed: {error}"))
}

/// The handler's answer in an Invoke response: `invoke(&lambda, request).await.answer()`.
///
/// A trait, so that it reads as a method of the response and reports a failure at the line of
/// the test that asked for the answer: `#[track_caller]`, which gives a panic its caller's
/// location, works on a method like this one, not on an `async fn` such as [`invoke`]. Like any
/// trait's method, `answer` needs the trait in scope: `use invoker::testing::HandlerAnswer;`.
pub trait HandlerAnswer {
    /// The handler's answer, as JSON, after checking that the handler did not fail:
    /// [`InvokeResponse::result`], for a test in which a failure is a mistake.
    ///
    /// # Panics
    /// If the handler failed, with its `errorType` and `errorMessage`, at the line of the test
    /// that called `answer`.
    fn answer(&self) -> Value;
}

impl HandlerAnswer for InvokeResponse {
    #[track_caller]
    fn answer(&self) -> Value {
        // A `match`, not `unwrap_or_else`: a panic inside a closure would be reported at this
        // file's line instead of the test's.
        match self.result() {
            Ok(answer) => answer,
            Err(error) => panic!("the handler failed: {error}"),
        }
    }
}

/// The events a [`capturing`] function received, oldest first, shared with the test.
pub type Events = Arc<Mutex<Vec<Value>>>;

/// Code that keeps every event it gets in `events`, as it got it, and answers `null`.
pub fn capturing(events: &Events) -> FunctionCode {
    let events = Arc::clone(events);
    service_fn(move |event: LambdaEvent<Value>| {
        // A test that panicked while holding the lock has failed already; keep recording.
        events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(event.payload);
        async { Ok::<_, Diagnostic>(Value::Null) }
    })
}
