//! # Exercise 13 — Configuration in environment variables
//!
//! Read first: `book/src/environment-variables.md` (`cargo xtask book --serve`).
//!
//! The `orders` function stores an order in a table and, if receipts are switched on, writes a
//! receipt to a bucket. The same code runs in two stages with different settings, so the settings
//! live in environment variables, never in the code:
//!
//! | variable           | meaning                           | dev (`DEV`)     | prod (`PROD`)    |
//! |--------------------|-----------------------------------|-----------------|------------------|
//! | `TABLE_NAME`       | where orders go                   | `orders-dev`    | `orders-prod`    |
//! | `BUCKET_NAME`      | where receipts go                 | `receipts-dev`  | `receipts-prod`  |
//! | `FEATURE_RECEIPTS` | `on` or `off`: write receipts?    | `on`            | `off`            |
//!
//! **1. The handler, `store_order`.** Read the three variables with `ctx.env(..)` and answer
//! where the order went:
//!
//! | the variables           | answer to `{"orderId":"A-1"}`                                           |
//! |-------------------------|-------------------------------------------------------------------------|
//! | `DEV`'s (receipts on)   | `{"orderId":"A-1","table":"orders-dev","receiptBucket":"receipts-dev"}` |
//! | `PROD`'s (receipts off) | `{"orderId":"A-1","table":"orders-prod","receiptBucket":null}`          |
//!
//! A variable that is wrong is a function error with the `errorType` `ConfigError`:
//!
//! - a missing variable, e.g. `TABLE_NAME`: `TABLE_NAME is not set`;
//! - `FEATURE_RECEIPTS` neither `on` nor `off`, e.g. `yes`:
//!   `FEATURE_RECEIPTS must be "on" or "off", not "yes"`.
//!
//! All three variables must be set, whatever the flag says: a half-configured stage is a
//! deployment mistake, and it should fail loudly on the first call.
//!
//! **2. The deployment, `deploy_stages`.** One function, two stages, each frozen in its own
//! version behind its own alias:
//!
//! 1. create `orders` with `dev`'s variables and `service_fn(store_order)`;
//!    publish a version and point a `dev` alias at it;
//! 2. `update_function_configuration` to `prod`'s variables;
//!    publish again and point a `prod` alias at that version.
//!
//! The types, the stages `DEV` and `PROD`, and `deploy` (which calls your `deploy_stages`) are in
//! `src/given.rs`: read it, you don't need to change it.
//!
//! Log what you like with `ctx.logger()`: the tests leave your own log lines out of the
//! transcript they compare.
//!
//! Check your work: `cargo xtask verify config`.
//! Stuck? `cargo xtask hint config` shows the next hint.

mod given;
pub use given::*;

use invoker::{Diagnostic, Lambda, LambdaEvent, ServiceError};
use serde_json::Value;

// ANCHOR: handler
/// The handler: stores `order` where the environment variables say, and answers where that was.
pub async fn store_order(event: LambdaEvent<Order>) -> Result<Value, Diagnostic> {
    let (order, ctx) = event.into_parts();
    // TODO: read TABLE_NAME, BUCKET_NAME and FEATURE_RECEIPTS with `ctx.env(..)`, turn a missing
    // or invalid one into a `Diagnostic` whose `error_type` is "ConfigError", and answer as the
    // second table above says (`serde_json::json!` builds the answer).
    let _ = (order, ctx);
    todo!("answer where the order went, from the environment variables")
}
// ANCHOR_END: handler

// ANCHOR: deploy
/// Deploys `orders` with a `dev` alias on a version configured with `dev`, and a `prod` alias on
/// a version configured with `prod`.
pub fn deploy_stages(lambda: &Lambda, dev: Stage, prod: Stage) -> Result<(), ServiceError> {
    // TODO: create the function with dev's variables, publish, alias `dev`; then update the
    // configuration to prod's variables, publish, alias `prod`. (`invoker::FunctionConfig` and
    // `invoker::service_fn` make the function.)
    let _ = (lambda, dev, prod);
    todo!("deploy a dev and a prod stage of `orders`")
}
// ANCHOR_END: deploy
