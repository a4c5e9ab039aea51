//! Aliases as they are made (`create_alias`).

use super::*;

// test_lambda_api.snapshot.json, TestLambdaAlias::test_notfound_and_invalid_routingconfigs,
// target_version_doesnotexist
#[tokio::test(start_paused = true)]
async fn target_version_doesnotexist() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    assert_eq!(
        refusal(lambda.create_alias("app", "custom", "10").unwrap_err()),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:app:10")
        )
    );
}

// Same test, routing_config_exc_fn_doesnotexist: the missing function is named with the version.
#[tokio::test(start_paused = true)]
async fn function_doesnotexist() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .create_alias("app-unknown", "custom", "1")
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:app-unknown:1")
        )
    );
}

// Same test, routing_config_exc_already_exist
#[tokio::test(start_paused = true)]
async fn already_exists() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "custom", "1").unwrap();
    assert_eq!(
        refusal(lambda.create_alias("app", "custom", "1").unwrap_err()),
        (
            ErrorCode::ResourceConflictException,
            409,
            format!("Alias already exists: {ARNS}:app:custom")
        )
    );
}

// TestLambdaAlias::test_alias_naming, create_alias_number_exception: a name of digits only
// would read as a version.
#[tokio::test(start_paused = true)]
async fn name_of_digits_only() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    assert_eq!(
        refusal(lambda.create_alias("app", "2024", "1").unwrap_err()),
        (
            ErrorCode::ValidationException,
            400,
            "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)".to_owned()
        )
    );
}

// TestLambdaAlias::test_alias_lifecycle, create_alias_1_2 / get_alias_1_2, create_alias_1_3 /
// get_alias_1_3 and create_alias_2 / get_alias_2: CreateAlias answers the alias's ARN (the
// function's, with the alias's name), and GetAlias the version it points to, with no routing.
// The Description and RevisionId the recording also holds are not modelled.
#[tokio::test(start_paused = true)]
async fn alias_lifecycle() {
    let lambda = staging_and_prod();
    for (alias, version) in [
        ("aliasname1_2", "1"),
        ("aliasname1_3", "1"),
        ("aliasname2", "2"),
    ] {
        assert_eq!(
            lambda.create_alias("app", alias, version).unwrap(),
            format!("{ARNS}:app:{alias}")
        );
        assert_eq!(
            lambda.get_alias("app", alias).unwrap(),
            Alias {
                function_version: version.into(),
                routing: None
            }
        );
    }
}
