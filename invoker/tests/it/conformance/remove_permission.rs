//! Statements removed from a resource-based policy (`remove_permission`), as refused in
//! test_lambda_api.snapshot.json, TestLambdaPermissions.

use super::*;
use invoker::Permission;

fn not_found(message: String) -> (ErrorCode, u16, String) {
    (ErrorCode::ResourceNotFoundException, 404, message)
}

// test_permission_exceptions, remove_permission_fn_doesnotexist
#[tokio::test(start_paused = true)]
async fn function_doesnotexist() {
    let lambda = service();
    assert_eq!(
        refusal(lambda.remove_permission("doesnotexist", "s3").unwrap_err()),
        not_found(format!("No policy found for: {ARNS}:doesnotexist"))
    );
}

// test_permission_exceptions, remove_permission_policy_doesnotexist
#[tokio::test(start_paused = true)]
async fn policy_doesnotexist() {
    let lambda = service();
    assert_eq!(
        refusal(lambda.remove_permission("app", "s3").unwrap_err()),
        not_found("No policy is associated with the given resource.".to_owned())
    );
}

// test_permission_exceptions, remove_permission_fn_alias_doesnotexist
#[tokio::test(start_paused = true)]
async fn alias_doesnotexist() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .remove_permission("app:alias-doesnotexist", "s3")
                .unwrap_err()
        ),
        not_found(format!(
            "Cannot find alias arn: {ARNS}:app:alias-doesnotexist"
        ))
    );
}

// test_remove_multi_permissions, remove_permission_exception_nonexisting_sid
#[tokio::test(start_paused = true)]
async fn nonexisting_statement_id() {
    let lambda = service();
    lambda
        .add_permission("app", Permission::new("s3", "s3.amazonaws.com"))
        .unwrap();
    assert_eq!(
        refusal(lambda.remove_permission("app", "non-existent").unwrap_err()),
        not_found("Statement non-existent is not found in resource policy.".to_owned())
    );
}
