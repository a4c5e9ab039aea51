//! A resource-based policy read back (`get_policy`), as refused in
//! test_lambda_api.snapshot.json, TestLambdaPermissions.

use super::*;
use invoker::Permission;

// test_permission_exceptions, get_policy_fn_doesnotexist and
// get_policy_fn_version_doesnotexist
#[tokio::test(start_paused = true)]
async fn function_or_version_doesnotexist() {
    let lambda = service();
    for function in ["doesnotexist", "app:42"] {
        assert_eq!(
            refusal(lambda.get_policy(function).unwrap_err()),
            does_not_exist(),
            "{function}"
        );
    }
}

// test_remove_multi_permissions, get_policy_exception_removed_all: a policy whose last
// statement was removed is gone.
#[tokio::test(start_paused = true)]
async fn removed_all() {
    let lambda = service();
    lambda
        .add_permission("app", Permission::new("s3", "s3.amazonaws.com"))
        .unwrap();
    lambda.remove_permission("app", "s3").unwrap();
    assert_eq!(
        refusal(lambda.get_policy("app").unwrap_err()),
        does_not_exist()
    );
}

// TestLambdaPermissions::test_lambda_permission_versioning, get_policy_after_publishing_new_version:
// a version published after a statement was added has no policy of its own.
#[tokio::test(start_paused = true)]
async fn after_publishing_new_version() {
    let lambda = service();
    lambda
        .add_permission("app", Permission::new("s3", "s3.amazonaws.com"))
        .unwrap();
    let version = lambda.publish_version("app").unwrap();
    assert_eq!(
        refusal(lambda.get_policy(&format!("app:{version}")).unwrap_err()),
        does_not_exist()
    );
}
