use super::*;

// test_lambda_api.snapshot.json, TestLambdaAlias::test_notfound_and_invalid_routingconfigs,
// alias_does_not_exist_esc
#[tokio::test(start_paused = true)]
async fn alias_does_not_exist() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    assert_eq!(
        refusal(lambda.get_alias("app", "non-existent").unwrap_err()),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Cannot find alias arn: {ARNS}:app:non-existent")
        )
    );
}
