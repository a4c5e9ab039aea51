//! Statements added to a function's resource-based policy (`add_permission`), as refused in
//! test_lambda_api.snapshot.json, TestLambdaPermissions::test_permission_exceptions.

use super::*;
use invoker::Permission;

/// The refusal of letting S3 invoke `function` under the statement id `s3`.
fn add_for_s3(lambda: &Lambda, function: &str) -> (ErrorCode, u16, String) {
    refusal(
        lambda
            .add_permission(function, Permission::new("s3", "s3.amazonaws.com"))
            .unwrap_err(),
    )
}

fn not_found(message: String) -> (ErrorCode, u16, String) {
    (ErrorCode::ResourceNotFoundException, 404, message)
}

// add_permission_invalid_statement_id
#[tokio::test(start_paused = true)]
async fn invalid_statement_id() {
    let lambda = service();
    let refused = lambda
        .add_permission("app", Permission::new("example.com", "s3.amazonaws.com"))
        .unwrap_err();
    assert_eq!(
        refusal(refused),
        (
            ErrorCode::ValidationException,
            400,
            "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)".to_owned()
        )
    );
}

// add_permission_fn_qualifier_latest
#[tokio::test(start_paused = true)]
async fn qualifier_latest() {
    let lambda = service();
    assert_eq!(
        add_for_s3(&lambda, "app:$LATEST"),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "We currently do not support adding policies for $LATEST.".to_owned()
        )
    );
}

// add_permission_principal_invalid
#[tokio::test(start_paused = true)]
async fn principal_invalid() {
    let lambda = service();
    let refused = lambda
        .add_permission("app", Permission::new("lambda", "invalid.nonaws.com"))
        .unwrap_err();
    assert_eq!(
        refusal(refused),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "The provided principal was invalid. Please check the principal and try again."
                .to_owned()
        )
    );
}

// add_permission_fn_doesnotexist
#[tokio::test(start_paused = true)]
async fn function_doesnotexist() {
    let lambda = service();
    assert_eq!(
        add_for_s3(&lambda, "doesnotexist"),
        not_found(format!("Function not found: {ARNS}:doesnotexist"))
    );
}

// add_permission_fn_alias_doesnotexist
#[tokio::test(start_paused = true)]
async fn alias_doesnotexist() {
    let lambda = service();
    assert_eq!(
        add_for_s3(&lambda, "app:alias-doesnotexist"),
        not_found(format!(
            "Cannot find alias arn: {ARNS}:app:alias-doesnotexist"
        ))
    );
}

// add_permission_fn_version_doesnotexist
#[tokio::test(start_paused = true)]
async fn version_doesnotexist() {
    let lambda = service();
    assert_eq!(
        add_for_s3(&lambda, "app:42"),
        not_found(format!("Function not found: {ARNS}:app:42"))
    );
}

// add_permission_conflicting_statement_id
#[tokio::test(start_paused = true)]
async fn conflicting_statement_id() {
    let lambda = service();
    lambda
        .add_permission("app", Permission::new("s3", "s3.amazonaws.com"))
        .unwrap();
    assert_eq!(
        add_for_s3(&lambda, "app"),
        (
            ErrorCode::ResourceConflictException,
            409,
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.".to_owned()
        )
    );
}
