//! # Exercise 13 — Configuration in environment variables: reference solution
//!
//! The exercise, with its instructions, is `exercises/13-config/src/lib.rs`. What the exercise
//! provides (types, stages, deploy) is its `src/given.rs`, shared with this crate.

#[path = "../../../exercises/13-config/src/given.rs"]
mod given;
pub use given::*;

use invoker::{service_fn, Context, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::{json, Value};

// ANCHOR: handler
/// The handler: stores `order` where the environment variables say, and answers where that was.
pub async fn store_order(event: LambdaEvent<Order>) -> Result<Value, Diagnostic> {
    let (order, ctx) = event.into_parts();
    // Each execution environment has its own variables: the same code finds dev's settings in
    // a dev environment and prod's in a prod one. Nothing about a stage is in the code.
    let table = required(&ctx, "TABLE_NAME")?;
    let bucket = required(&ctx, "BUCKET_NAME")?;
    // Variables are strings. Parse a flag strictly: a typo ("On", "yes") then fails the first
    // call, instead of quietly switching the feature off.
    let receipt_bucket = match required(&ctx, "FEATURE_RECEIPTS")? {
        "on" => Some(bucket),
        "off" => None,
        other => {
            return Err(Diagnostic {
                error_type: "ConfigError".into(),
                error_message: format!(
                    "FEATURE_RECEIPTS must be \"on\" or \"off\", not \"{other}\""
                ),
            })
        }
    };
    Ok(json!({
        "orderId": order.order_id,
        "table": table,
        "receiptBucket": receipt_bucket,
    }))
}
// ANCHOR_END: handler

/// A variable that must be set, or a `ConfigError` that names it: the message tells whoever
/// reads the logs exactly what to fix.
fn required<'a>(ctx: &'a Context, name: &str) -> Result<&'a str, Diagnostic> {
    ctx.env(name).ok_or_else(|| Diagnostic {
        error_type: "ConfigError".into(),
        error_message: format!("{name} is not set"),
    })
}

// ANCHOR: deploy
/// Deploys `orders` with a `dev` alias on a version configured with `dev`, and a `prod` alias on
/// a version configured with `prod`.
pub fn deploy_stages(lambda: &Lambda, dev: Stage, prod: Stage) -> Result<(), ServiceError> {
    // dev: create the function with dev's variables, and freeze that as a version.
    let config = FunctionConfig::new(FUNCTION)
        .description("Stores orders; callers use orders:dev or orders:prod");
    lambda.create_function(with_stage(config, dev), service_fn(store_order))?;
    let dev_version = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, "dev", &dev_version)?;

    // prod: the same code with prod's variables. The variables are part of a version, so this
    // publish makes a new one, and dev's version keeps dev's variables.
    lambda.update_function_configuration(FUNCTION, |config| with_stage(config, prod))?;
    let prod_version = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, "prod", &prod_version)?;
    Ok(())
}
// ANCHOR_END: deploy

/// `config` with a stage's settings as environment variables.
fn with_stage(config: FunctionConfig, stage: Stage) -> FunctionConfig {
    let receipts = if stage.receipts { "on" } else { "off" };
    config
        .env("TABLE_NAME", stage.table)
        .env("BUCKET_NAME", stage.bucket)
        .env("FEATURE_RECEIPTS", receipts)
}
