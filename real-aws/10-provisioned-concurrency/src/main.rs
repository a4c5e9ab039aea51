//! # Exercise 10 on real AWS: the function `checkout`
//!
//! The exercise's `checkout` (`exercises/10-provisioned-concurrency/src/given.rs`): a slow Init
//! (it loads the price catalogue) and an answer that says how its environment was started.
//! The solution's part (publish a version, point the alias `prod` at it, provision
//! environments for `prod`) is configuration on AWS: `publish-version`, `create-alias` and
//! `put-provisioned-concurrency-config`, or `AutoPublishAlias` and
//! `ProvisionedConcurrencyConfig` in SAM, as the chapter shows.

use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The price catalogue: product → price in cents.
type Catalogue = HashMap<String, u64>;

/// The slow part of Init. A real function would read the catalogue from S3 or a database and
/// set up its payment provider's SDK; a customer who meets a cold start waits for all of it.
fn load_catalogue() -> Catalogue {
    (0..12_000u64)
        .map(|n| (format!("product-{n}"), 100 + n % 9_900))
        .collect()
}

async fn checkout(_event: LambdaEvent<Value>, catalogue: &Catalogue) -> Result<Value, Error> {
    Ok(json!({
        "paid": true,
        "pricesLoaded": catalogue.len(),
        // `on-demand` for an environment Lambda started for a request, and
        // `provisioned-concurrency` for one it started ahead of time.
        "initializationType": std::env::var("AWS_LAMBDA_INITIALIZATION_TYPE").ok(),
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let catalogue = load_catalogue(); // Init: once per environment, before any request
    run(service_fn(|event| checkout(event, &catalogue))).await
}
