//! Tests for exercise 13. Most deploy with your `deploy_stages` and call `orders:dev` and
//! `orders:prod`; the error tests deploy your `store_order` on their own with a variable missing
//! or wrong.

use assert_json_diff::assert_json_eq;
use config::{deploy, deploy_stages, store_order, Stage, FUNCTION};
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::{service_fn, FunctionConfig, InvokeRequest, InvokeResponse, Lambda};
use serde_json::json;

/// Order `A-1`, to send to `function` (a name, optionally with `:qualifier`).
fn order_to(function: &str) -> InvokeRequest {
    InvokeRequest::new(function).payload(json!({ "orderId": "A-1" }))
}

#[tokio::test(start_paused = true)]
async fn dev_stores_orders_in_the_dev_table_and_writes_receipts() {
    let lambda = deployed(4, deploy);
    assert_json_eq!(
        invoke(&lambda, order_to("orders:dev")).await.answer(),
        json!({ "orderId": "A-1", "table": "orders-dev", "receiptBucket": "receipts-dev" })
    );
}

#[tokio::test(start_paused = true)]
async fn prod_stores_orders_in_the_prod_table_without_receipts() {
    let lambda = deployed(4, deploy);
    assert_json_eq!(
        invoke(&lambda, order_to("orders:prod")).await.answer(),
        json!({ "orderId": "A-1", "table": "orders-prod", "receiptBucket": null })
    );
}

#[tokio::test(start_paused = true)]
async fn other_settings_prove_nothing_is_hard_coded() {
    let test = Stage {
        table: "shop-test-orders",
        bucket: "shop-test-receipts",
        receipts: false,
    };
    let live = Stage {
        table: "shop-live-orders",
        bucket: "shop-live-receipts",
        receipts: true,
    };
    let lambda = deployed(4, |lambda| deploy_stages(lambda, test, live));
    assert_json_eq!(
        invoke(&lambda, order_to("orders:dev")).await.answer(),
        json!({ "orderId": "A-1", "table": "shop-test-orders", "receiptBucket": null })
    );
    assert_json_eq!(
        invoke(&lambda, order_to("orders:prod")).await.answer(),
        json!({
            "orderId": "A-1",
            "table": "shop-live-orders",
            "receiptBucket": "shop-live-receipts",
        })
    );
}

#[tokio::test(start_paused = true)]
async fn each_stage_is_a_published_version_that_later_changes_do_not_touch() {
    let lambda = deployed(4, deploy);
    let dev = invoke(&lambda, order_to("orders:dev")).await;
    let prod = invoke(&lambda, order_to("orders:prod")).await;
    let (dev, prod) = (dev.executed_version, prod.executed_version);
    assert_ne!(dev, prod, "dev and prod run different versions");
    for version in [&dev, &prod] {
        assert_ne!(
            version.as_deref(),
            Some("$LATEST"),
            "an alias points at a published version"
        );
    }
    // Someone experiments on $LATEST: the published stages do not change.
    lambda
        .update_function_configuration(FUNCTION, |c| c.env("TABLE_NAME", "scratch"))
        .unwrap();
    assert_eq!(
        invoke(&lambda, order_to("orders:dev")).await.answer()["table"],
        "orders-dev"
    );
    assert_eq!(
        invoke(&lambda, order_to("orders:prod")).await.answer()["table"],
        "orders-prod"
    );
}

/// Deploys `store_order` alone as `name`, with the given variables, and sends it order `A-1`.
async fn store_with(variables: &[(&str, &str)]) -> InvokeResponse {
    let lambda = Lambda::builder().seed(4).build();
    let config = variables.iter().fold(
        FunctionConfig::new("orders-test"),
        |config, (key, value)| config.env(*key, *value),
    );
    lambda
        .create_function(config, service_fn(store_order))
        .unwrap();
    invoke(&lambda, order_to("orders-test")).await
}

#[tokio::test(start_paused = true)]
async fn a_missing_variable_is_a_config_error_that_names_it() {
    // All three must be set whatever the flag says: BUCKET_NAME too when receipts are off.
    for flag in ["on", "off"] {
        let all = [
            ("TABLE_NAME", "t"),
            ("BUCKET_NAME", "b"),
            ("FEATURE_RECEIPTS", flag),
        ];
        for (missing, _) in all {
            let others: Vec<(&str, &str)> =
                all.into_iter().filter(|(k, _)| *k != missing).collect();
            let response = store_with(&others).await;
            assert_eq!(
                response.function_error.as_deref(),
                Some("Unhandled"),
                "without {missing} (and receipts {flag}) the call fails: {}",
                response.payload_text()
            );
            // Keyed by the case, so that a difference names it.
            let case = format!("without {missing}, receipts {flag}");
            let message = format!("{missing} is not set");
            assert_json_eq!(
                json!({ case.clone(): response.payload_json().unwrap() }),
                json!({ case: { "errorType": "ConfigError", "errorMessage": message } })
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_feature_flag_that_is_neither_on_nor_off_is_a_config_error() {
    let response = store_with(&[
        ("TABLE_NAME", "t"),
        ("BUCKET_NAME", "b"),
        ("FEATURE_RECEIPTS", "yes"),
    ])
    .await;
    assert_json_eq!(
        response.payload_json().unwrap(),
        json!({
            "errorType": "ConfigError",
            "errorMessage": "FEATURE_RECEIPTS must be \"on\" or \"off\", not \"yes\"",
        })
    );
}

/// The deployment and one order per stage, as a transcript you can read in `tests/snapshots/`.
#[tokio::test(start_paused = true)]
async fn transcript_of_an_order_in_each_stage() {
    let lambda = deployed(4, deploy);
    invoke(&lambda, order_to("orders:dev")).await.answer();
    invoke(&lambda, order_to("orders:prod")).await.answer();
    // What your own code logs is up to you, so the snapshot leaves it out.
    let transcript = lambda.transcript_view().without_application_logs();
    insta::assert_snapshot!(transcript.to_string());
}
