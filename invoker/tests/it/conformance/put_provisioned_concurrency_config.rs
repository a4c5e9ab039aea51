use super::*;

/// The refusal of `put_provisioned_concurrency_config(function, 1)`.
async fn put(lambda: &Lambda, function: &str) -> (ErrorCode, u16, String) {
    refusal(
        lambda
            .put_provisioned_concurrency_config(function, 1)
            .await
            .unwrap_err(),
    )
}

// test_lambda_api.snapshot.json, TestLambdaProvisionedConcurrency::
// test_provisioned_concurrency_exceptions, put_provisioned_qualifier_doesnotexist
#[tokio::test(start_paused = true)]
async fn qualifier_doesnotexist() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    assert_eq!(
        put(&lambda, "app:doesnotexist").await,
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Cannot find alias arn: {ARNS}:app:doesnotexist")
        )
    );
}

// Same test, put_provisioned_functionname_doesnotexist_alias
#[tokio::test(start_paused = true)]
async fn functionname_doesnotexist_alias() {
    let lambda = service();
    assert_eq!(
        put(&lambda, "doesnotexist:noalias").await,
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Cannot find alias arn: {ARNS}:doesnotexist:noalias")
        )
    );
}

// Same test, put_provisioned_functionname_doesnotexist_version and
// put_provisioned_version_doesnotexist: a missing version stays a function not found.
#[tokio::test(start_paused = true)]
async fn version_doesnotexist() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    assert_eq!(
        put(&lambda, "doesnotexist:1").await,
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:doesnotexist:1")
        )
    );
    assert_eq!(
        put(&lambda, "app:10").await,
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:app:10")
        )
    );
}
