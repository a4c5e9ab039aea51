//! Aliases as they are deleted (`delete_alias`).

use super::*;

// test_lambda_api.snapshot.json, TestLambdaAlias::test_alias_lifecycle, delete_alias_response
// and list_aliases_for_fnname_afterdelete: the deleted alias is gone (GetAlias no longer finds
// it, in GetAlias's words) and the others stay. The invoker has no ListAliases; GetAlias reads
// each alias instead.
#[tokio::test(start_paused = true)]
async fn alias_lifecycle() {
    let lambda = staging_and_prod();
    for (alias, version) in [
        ("aliasname1_1", "1"),
        ("aliasname1_2", "1"),
        ("aliasname1_3", "1"),
        ("aliasname2", "2"),
    ] {
        lambda.create_alias("app", alias, version).unwrap();
    }
    lambda.delete_alias("app", "aliasname1_1").unwrap();
    assert_eq!(
        refusal(lambda.get_alias("app", "aliasname1_1").unwrap_err()),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Cannot find alias arn: {ARNS}:app:aliasname1_1")
        )
    );
    for alias in ["aliasname1_2", "aliasname1_3", "aliasname2"] {
        assert!(lambda.get_alias("app", alias).is_ok(), "{alias}");
    }
}

// test_lambda_api.snapshot.json, TestLambdaAlias::test_non_existent_alias_deletion: deleting an
// alias that was never made succeeds (204, no error).
#[tokio::test(start_paused = true)]
async fn non_existent_alias() {
    let lambda = service();
    lambda.delete_alias("app", "non-existent").unwrap();
}
