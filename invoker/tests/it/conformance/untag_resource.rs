//! Tags removed from a function (`untag_resource`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaTags (the lifecycles are in tag_resource.rs).

use super::*;

// TestLambdaTags::test_tag_exceptions, untag_nomatch: a key the function does not have is no
// error.
#[tokio::test(start_paused = true)]
async fn nomatch() {
    let lambda = service();
    let arn = format!("{ARNS}:app");
    lambda
        .untag_resource(&arn, &["somekey".to_owned()])
        .unwrap();
    assert!(lambda.list_tags(&arn).unwrap().is_empty());
}

// TestLambdaTags::test_tag_exceptions, untag_empty_keys
#[tokio::test(start_paused = true)]
async fn empty_keys() {
    let lambda = service();
    assert_eq!(
        refusal(lambda.untag_resource(&format!("{ARNS}:app"), &[]).unwrap_err()),
        (
            ErrorCode::ValidationException,
            400,
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null".to_owned()
        )
    );
}
