//! Provided by the exercise: the function's name, its alias, how many environments to keep
//! ready, the `checkout` code and its deployment. Read it, but you don't need to change it: your
//! part is `go_live`, in `lib.rs`.

use invoker::{
    with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    ServiceError,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The function this exercise deploys.
pub const FUNCTION: &str = "checkout";
/// The alias the shop calls.
pub const ALIAS: &str = "prod";
/// How many environments of `prod` to keep initialised: the shop makes at most two checkout
/// calls at once.
pub const PROVISIONED: usize = 2;
/// How long `checkout`'s init step takes: it loads the price catalogue and sets up the payment
/// provider's SDK. A customer who meets a cold start waits this long before the handler runs.
pub const INIT_WORK: Duration = Duration::from_millis(800);
/// How long one checkout takes once the environment is ready.
pub const CHECKOUT_WORK: Duration = Duration::from_millis(40);

/// What the init step loads, once per environment.
#[derive(Debug)]
pub struct Catalogue {
    /// How many prices it holds.
    pub prices: usize,
}

// ANCHOR: checkout
/// The code of `checkout`. Its answer says how the environment that served the call was
/// started: `AWS_LAMBDA_INITIALIZATION_TYPE` is `on-demand` for an environment Lambda started for
/// a request, and `provisioned-concurrency` for one it started ahead of time.
pub fn checkout() -> FunctionCode {
    with_init(
        |_init: InitContext| async {
            invoker::sleep(INIT_WORK).await;
            Ok::<_, Diagnostic>(Catalogue { prices: 12_000 })
        },
        |catalogue: Arc<Catalogue>, event: LambdaEvent<Value>| async move {
            let ctx = event.context;
            invoker::sleep(CHECKOUT_WORK).await;
            Ok::<_, Diagnostic>(json!({
                "paid": true,
                "pricesLoaded": catalogue.prices,
                "initializationType": ctx.env("AWS_LAMBDA_INITIALIZATION_TYPE"),
            }))
        },
    )
}
// ANCHOR_END: checkout

/// Creates `checkout`: `$LATEST` only, with no version, alias or provisioned concurrency yet.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config = FunctionConfig::new(FUNCTION)
        .description("Takes payment for a basket; the shop calls checkout:prod");
    lambda.create_function(config, checkout())?;
    Ok(())
}
