//! Tests for exercise 17. Most deploy `notify` with `deploy` and send it an order update, then
//! read SES's outbox; the others deploy your code with other variables, one missing, or a
//! recipient SES has not verified.

use assert_json_diff::assert_json_eq;
use email::{deploy, notifier, notifier_role, FUNCTION, PREFIX, SHOP, STAFF};
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::Email;
use invoker::{FunctionConfig, InvokeRequest, Lambda};
use serde_json::{json, Value};

/// Order A-1 was shipped.
fn shipped() -> Value {
    json!({
        "orderId": "A-1",
        "status": "shipped",
        "items": ["Rust in Action", "Zero to Production in Rust"],
    })
}

#[tokio::test(start_paused = true)]
async fn an_order_update_is_emailed_from_the_sender_to_the_recipient() {
    let lambda = deployed(17, deploy);
    let update = InvokeRequest::new(FUNCTION).payload(shipped());
    invoke(&lambda, update).await.answer();
    let outbox = lambda.ses().outbox();
    assert_eq!(outbox.len(), 1, "one update, one email");
    assert_eq!(
        outbox[0].email,
        Email::new(
            SHOP,
            STAFF,
            "[Bookshop] Order A-1: shipped",
            "Order A-1 is now shipped.\n\nItems:\n- Rust in Action\n- Zero to Production in Rust\n",
        )
    );
}

#[tokio::test(start_paused = true)]
async fn the_answer_is_the_message_id_ses_gave() {
    let lambda = deployed(17, deploy);
    let update = InvokeRequest::new(FUNCTION).payload(shipped());
    let answer = invoke(&lambda, update).await.answer();
    let sent = &lambda.ses().outbox()[0];
    assert_json_eq!(answer, json!({ "messageId": sent.message_id }));
}

/// Verifies `addresses` in SES and deploys your code as `notify-test`, with `variables`.
fn deploy_with(lambda: &Lambda, addresses: &[&str], variables: &[(&str, &str)]) {
    for address in addresses {
        lambda.ses().verify_email_identity(address);
    }
    let config = variables.iter().fold(
        FunctionConfig::new("notify-test").role(notifier_role(lambda)),
        |config, (key, value)| config.env(*key, *value),
    );
    lambda.create_function(config, notifier()).unwrap();
}

#[tokio::test(start_paused = true)]
async fn other_variables_prove_nothing_is_hard_coded() {
    let lambda = Lambda::builder().seed(17).build();
    deploy_with(
        &lambda,
        &["robot@books.example", "night-shift@books.example"],
        &[
            ("SENDER", "robot@books.example"),
            ("RECIPIENT", "night-shift@books.example"),
            ("SUBJECT_PREFIX", "(test)"),
        ],
    );
    let update = json!({ "orderId": "B-7", "status": "delivered", "items": ["Dune"] });
    let request = InvokeRequest::new("notify-test").payload(update);
    invoke(&lambda, request).await.answer();
    assert_eq!(
        lambda.ses().outbox()[0].email,
        Email::new(
            "robot@books.example",
            "night-shift@books.example",
            "(test) Order B-7: delivered",
            "Order B-7 is now delivered.\n\nItems:\n- Dune\n",
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_variable_is_a_config_error_that_names_it_and_no_email_is_sent() {
    let all = [
        ("SENDER", SHOP),
        ("RECIPIENT", STAFF),
        ("SUBJECT_PREFIX", PREFIX),
    ];
    for (missing, _) in all {
        let lambda = Lambda::builder().seed(17).build();
        let others: Vec<(&str, &str)> = all.into_iter().filter(|(k, _)| *k != missing).collect();
        deploy_with(&lambda, &[SHOP, STAFF], &others);
        let update = InvokeRequest::new("notify-test").payload(shipped());
        let response = invoke(&lambda, update).await;
        assert_eq!(
            response.function_error.as_deref(),
            Some("Unhandled"),
            "without {missing} the call fails: {}",
            response.payload_text()
        );
        assert_json_eq!(
            response.payload_json().unwrap(),
            json!({ "errorType": "ConfigError", "errorMessage": format!("{missing} is not set") })
        );
        assert!(
            lambda.ses().outbox().is_empty(),
            "without {missing}, nothing is sent"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn the_ses_sandbox_rejects_an_unverified_recipient_and_the_function_says_why() {
    let lambda = Lambda::builder().seed(17).build();
    // Only the shop's address is verified: the account is still in the SES sandbox.
    deploy_with(
        &lambda,
        &[SHOP],
        &[
            ("SENDER", SHOP),
            ("RECIPIENT", "ada@example.com"),
            ("SUBJECT_PREFIX", PREFIX),
        ],
    );
    let update = InvokeRequest::new("notify-test").payload(shipped());
    let response = invoke(&lambda, update).await;
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_json_eq!(
        response.payload_json().unwrap(),
        json!({
            "errorType": "MessageRejected",
            "errorMessage": "Email address is not verified. The following identities failed the check in region US-EAST-1: ada@example.com",
        })
    );
    assert!(lambda.ses().outbox().is_empty());
}

/// The deployment, one email sent and one refused, as a transcript you can read in
/// `tests/snapshots/`. What your own code logs is up to you, so it is left out.
#[tokio::test(start_paused = true)]
async fn transcript_of_an_email_sent_and_one_refused() {
    let lambda = deployed(17, deploy);
    let update = InvokeRequest::new(FUNCTION).payload(shipped());
    invoke(&lambda, update).await.answer();
    // Someone points the function at an address SES has never verified.
    lambda
        .update_function_configuration(FUNCTION, |c| c.env("RECIPIENT", "ada@example.com"))
        .unwrap();
    let refused = invoke(&lambda, InvokeRequest::new(FUNCTION).payload(shipped())).await;
    assert_eq!(refused.function_error.as_deref(), Some("Unhandled"));
    let transcript = lambda.transcript_view().without_application_logs();
    insta::assert_snapshot!(transcript.to_string());
}
