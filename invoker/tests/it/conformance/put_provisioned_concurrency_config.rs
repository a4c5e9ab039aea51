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

/// A resource conflict with this message.
fn conflict(message: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceConflictException,
        409,
        message.to_owned(),
    )
}

// TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle,
// put_provisioned_on_version, put_provisioned_on_alias_versionconflict,
// delete_provisioned_version, get_provisioned_version_postdelete, put_provisioned_on_alias,
// put_provisioned_on_version_conflict, delete_alias_result and
// get_provisioned_alias_postaliasdelete, list_response_postdeletes: a version is provisioned either itself or through an
// alias, not both, and an alias's provisioned concurrency goes when the alias does. (The
// recorded Status IN_PROGRESS and the allocated counts of a put are left out: the invoker's
// environments are ready when the put returns, and it answers only the count asked for.)
#[tokio::test(start_paused = true)]
async fn lifecycle() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "live", "1").unwrap();

    lambda
        .put_provisioned_concurrency_config("app:1", 1)
        .await
        .unwrap();
    assert_eq!(lambda.get_provisioned_concurrency_config("app:1"), Ok(1));
    assert_eq!(
        put(&lambda, "app:live").await,
        conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
    );
    lambda
        .delete_provisioned_concurrency_config("app:1")
        .unwrap();
    assert_eq!(
        refusal(
            lambda
                .get_provisioned_concurrency_config("app:1")
                .unwrap_err()
        ),
        (
            ErrorCode::ProvisionedConcurrencyConfigNotFoundException,
            404,
            "No Provisioned Concurrency Config found for this function".to_owned()
        )
    );

    lambda
        .put_provisioned_concurrency_config("app:live", 1)
        .await
        .unwrap();
    assert_eq!(
        put(&lambda, "app:1").await,
        conflict("Version is pointed by a Provisioned Concurrency alias")
    );
    lambda.delete_alias("app", "live").unwrap();
    assert_eq!(
        refusal(
            lambda
                .get_provisioned_concurrency_config("app:live")
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Cannot find alias arn: {ARNS}:app:live")
        )
    );
    // list_response_postdeletes: nothing is left provisioned, so the version may be again.
    lambda
        .put_provisioned_concurrency_config("app:1", 1)
        .await
        .unwrap();
}
