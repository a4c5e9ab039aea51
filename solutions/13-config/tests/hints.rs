//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use config::*;
use invoker::{service_fn, Context, Diagnostic, FunctionConfig, Lambda, LambdaEvent, ServiceError};
use serde_json::{json, Value};

/// Hints 1 and 2: the handler.
pub async fn store_order(event: LambdaEvent<Order>) -> Result<Value, Diagnostic> {
    let (order, ctx) = event.into_parts();
    let Some(table) = ctx.env("TABLE_NAME") else {
        return Err(Diagnostic {
            error_type: "ConfigError".into(),
            error_message: "TABLE_NAME is not set".into(),
        });
    };
    let bucket = required(&ctx, "BUCKET_NAME")?;
    let receipt_bucket = match required(&ctx, "FEATURE_RECEIPTS")? {
        "on" => Some(bucket),
        "off" => None,
        other => {
            return Err(Diagnostic {
                error_type: "ConfigError".into(),
                error_message: format!("not {other}"),
            })
        }
    };
    Ok(json!({ "orderId": order.order_id, "table": table, "receiptBucket": receipt_bucket }))
}

/// Hint 2: the helper.
fn required<'a>(ctx: &'a Context, name: &str) -> Result<&'a str, Diagnostic> {
    ctx.env(name).ok_or_else(|| Diagnostic {
        error_type: "ConfigError".into(),
        error_message: format!("{name} is not set"),
    })
}

/// Hint 3: the deployment.
#[rustfmt::skip]
pub fn deploy_stages(lambda: &Lambda, dev: Stage, prod: Stage) -> Result<(), ServiceError> {
    let flag = |on: bool| if on { "on" } else { "off" };
    lambda.create_function(
        FunctionConfig::new(FUNCTION)
            .env("TABLE_NAME", dev.table)
            .env("BUCKET_NAME", dev.bucket)
            .env("FEATURE_RECEIPTS", flag(dev.receipts)),
        service_fn(store_order),
    )?;
    let v = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, "dev", &v)?;
    lambda.update_function_configuration(FUNCTION, |c| c.env("TABLE_NAME", prod.table).env("BUCKET_NAME", prod.bucket).env("FEATURE_RECEIPTS", flag(prod.receipts)))?;
    let v = lambda.publish_version(FUNCTION)?;
    lambda.create_alias(FUNCTION, "prod", &v)?;
    Ok(())
}
