//! Tests for exercise 14. Most deploy `partner-api` with `deploy_with_key`, which uses your
//! `execution_role`, `load_api_key` and `check_api_key`, and count the `kms:Decrypt` lines of
//! the transcript: one per execution environment, none per request.

use assert_json_diff::assert_json_eq;
use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::{FunctionConfig, InvokeRequest, Lambda};
use secret_at_init::{code, deploy_with_key, execution_role, ENCRYPTED_KEY_VAR, FUNCTION};
use serde_json::{json, Map, Value};

/// The API key the tests deploy with.
const API_KEY: &str = "pk_test_9b1e77";

/// A fresh service with `partner-api` deployed with [`API_KEY`].
fn service() -> Lambda {
    deployed(5, |lambda| deploy_with_key(lambda, API_KEY))
}

/// A request to `partner-api` that sends `api_key`.
fn with_key(api_key: &str) -> InvokeRequest {
    InvokeRequest::new(FUNCTION).payload(json!({ "apiKey": api_key }))
}

/// The answers to two calls with the right key, sent at the same moment.
async fn two_at_once(lambda: &Lambda) -> (Value, Value) {
    let (first, second) = tokio::join!(
        invoke(lambda, with_key(API_KEY)),
        invoke(lambda, with_key(API_KEY)),
    );
    (first.answer(), second.answer())
}

/// How many times the function called KMS to decrypt.
fn decrypts(lambda: &Lambda) -> usize {
    lambda.transcript().matches("» kms:Decrypt with").count()
}

#[tokio::test(start_paused = true)]
async fn a_request_with_the_right_api_key_is_authorized() {
    let lambda = service();
    assert_json_eq!(
        invoke(&lambda, with_key(API_KEY)).await.answer(),
        json!({ "authorized": true })
    );
}

#[tokio::test(start_paused = true)]
async fn a_wrong_or_missing_api_key_is_not_authorized() {
    let lambda = service();
    // Keyed by request, so that a difference names the request it is about.
    let (mut answers, mut refusals) = (Map::new(), Map::new());
    for request in [
        json!({ "apiKey": "pk_test_9b1e78" }),
        json!({ "apiKey": "" }),
        json!({}),
    ] {
        let sent = InvokeRequest::new(FUNCTION).payload(request.clone());
        let answer = invoke(&lambda, sent).await.answer();
        answers.insert(request.to_string(), answer);
        refusals.insert(request.to_string(), json!({ "authorized": false }));
    }
    assert_json_eq!(answers, refusals);
}

#[tokio::test(start_paused = true)]
async fn ten_calls_in_a_row_decrypt_the_key_once() {
    let lambda = service();
    for _ in 0..10 {
        assert_json_eq!(
            invoke(&lambda, with_key(API_KEY)).await.answer(),
            json!({ "authorized": true })
        );
    }
    assert_eq!(
        decrypts(&lambda),
        1,
        "one environment served all ten calls, so it decrypts once, at init:\n{}",
        lambda.transcript()
    );
}

#[tokio::test(start_paused = true)]
async fn two_concurrent_calls_start_two_environments_that_each_decrypt_once() {
    let lambda = service();
    let (first, second) = two_at_once(&lambda).await;
    assert_json_eq!(
        (&first, &second),
        (
            &json!({ "authorized": true }),
            &json!({ "authorized": true })
        )
    );
    assert_eq!(lambda.log_streams(FUNCTION).len(), 2, "two environments");
    assert_eq!(decrypts(&lambda), 2, "one decrypt per environment");

    // Both environments are warm now: more calls decrypt nothing.
    invoke(&lambda, with_key(API_KEY)).await.answer();
    invoke(&lambda, with_key(API_KEY)).await.answer();
    assert_eq!(
        decrypts(&lambda),
        2,
        "warm environments reuse their key:\n{}",
        lambda.transcript()
    );
}

/// Deploys the function's code alone, with the API key encrypted under a new KMS key, and a
/// `config` that is missing something; returns the error payload of one call.
async fn error_of_a_call_with(config: impl FnOnce(String) -> FunctionConfig) -> Value {
    let lambda = Lambda::builder().seed(5).build();
    let key_arn = lambda.create_kms_key();
    let encrypted = lambda.kms_encrypt(&key_arn, API_KEY).unwrap();
    lambda.create_function(config(encrypted), code()).unwrap();
    let response = invoke(&lambda, with_key(API_KEY)).await;
    assert_eq!(
        response.function_error.as_deref(),
        Some("Unhandled"),
        "the call fails: {}",
        response.payload_text()
    );
    response.payload_json().expect("the error payload is JSON")
}

#[tokio::test(start_paused = true)]
async fn without_kms_decrypt_in_its_role_the_function_fails_with_access_denied() {
    // Role::default() may only write logs.
    let error = error_of_a_call_with(|encrypted| {
        FunctionConfig::new(FUNCTION).env(ENCRYPTED_KEY_VAR, encrypted)
    })
    .await;
    let message = error["errorMessage"].as_str().unwrap_or_default();
    // KMS's exception is named either as the error's type (a `Diagnostic` made from the
    // service error, as `?` does) or at the start of its message (a boxed `Error`).
    let named = error["errorType"] == "AccessDeniedException"
        || message.starts_with("AccessDeniedException: ");
    assert!(
        named
            && message
                .contains("is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:"),
        "the decrypt's own error reaches the caller: {error}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_encrypted_key_variable_is_a_config_error() {
    let error = error_of_a_call_with(|_encrypted| FunctionConfig::new(FUNCTION)).await;
    assert_json_eq!(
        error,
        json!({ "errorType": "ConfigError", "errorMessage": "API_KEY_ENCRYPTED is not set" })
    );
}

#[tokio::test(start_paused = true)]
async fn the_role_may_decrypt_with_this_key_and_do_nothing_else() {
    let key = "arn:aws:kms:us-east-1:123456789012:key/1f2e3d4c-0000-4000-8000-000000000001";
    let other_key = "arn:aws:kms:us-east-1:123456789012:key/9a8b7c6d-0000-4000-8000-000000000002";
    let role = execution_role(key);
    assert!(role.allows("kms:Decrypt", key), "{role:?}");
    assert!(
        !role.allows("kms:Decrypt", other_key),
        "only this function's key, not every key: {role:?}"
    );
    for action in ["kms:Encrypt", "kms:ScheduleKeyDeletion", "s3:GetObject"] {
        assert!(
            !role.allows(action, key),
            "{action} is not needed: {role:?}"
        );
    }
    assert!(
        role.allows(
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/partner-api:*"
        ),
        "the function still writes its logs: {role:?}"
    );
}

/// One decrypt per cold start, as a transcript you can read in `tests/snapshots/`: two calls at
/// once start two environments, then two calls in a row reuse them.
#[tokio::test(start_paused = true)]
async fn transcript_of_one_decrypt_per_cold_start() {
    let lambda = service();
    two_at_once(&lambda).await;
    invoke(&lambda, with_key(API_KEY)).await.answer();
    invoke(&lambda, with_key("a guess")).await.answer();
    // What your own code logs is up to you, so the snapshot leaves it out.
    let transcript = lambda.transcript_view().without_application_logs();
    insta::assert_snapshot!(transcript.to_string());
}
