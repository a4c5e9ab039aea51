use super::*;

// test_lambda_api.snapshot.json, TestLambdaFunction::test_ops_with_arn_qualifier_mismatch
// [delete_function], not_match_exception and match_exception: the version in the ARN and the
// qualifier must agree, and `$LATEST` is refused before Lambda looks for the function (there is
// none here).
#[tokio::test(start_paused = true)]
async fn a_qualifier_that_contradicts_the_arn_and_latest_are_refused() {
    let lambda = Lambda::new();
    assert_eq!(
        refusal(
            lambda
                .delete_version(&format!("{ARNS}:some-function:1"), "$LATEST")
                .unwrap_err()
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "The derived qualifier from the function name does not match the specified qualifier."
                .into()
        )
    );
    assert_eq!(
        refusal(
            lambda
                .delete_version(&format!("{ARNS}:some-function:$LATEST"), "$LATEST")
                .unwrap_err()
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "$LATEST version cannot be deleted without deleting the function.".into()
        )
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_delete_on_nonexisting_version: a
// version that does not exist is deleted without complaint, again and again; once the function
// is gone, Lambda names it by its unqualified ARN, with a qualifier or without.
#[tokio::test(start_paused = true)]
async fn a_missing_version_deletes_quietly_and_a_missing_function_is_not_found() {
    let lambda = service();
    lambda.delete_version("app", "1233").unwrap();
    lambda.delete_version("app", "1233").unwrap();
    lambda.delete_function("app").unwrap();
    let not_found = (
        ErrorCode::ResourceNotFoundException,
        404,
        format!("Function not found: {ARNS}:app"),
    );
    assert_eq!(
        refusal(lambda.delete_function("app").unwrap_err()),
        not_found
    );
    assert_eq!(
        refusal(lambda.delete_version("app", "1233").unwrap_err()),
        not_found
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_function_name_and_qualifier_validation
// [latest_version_with_additional_qualifier-delete_function]
#[tokio::test(start_paused = true)]
async fn a_version_besides_latest_in_the_arn_is_refused() {
    let lambda = Lambda::new();
    assert_eq!(
        refusal(
            lambda
                .delete_version(&format!("{ARNS}:my-function:$LATEST"), "1")
                .unwrap_err()
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "The derived qualifier from the function name does not match the specified qualifier."
                .into()
        )
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_function_name_and_qualifier_validation
// [lowercase_latest_qualifier-delete_function]: `$latest` is neither `$LATEST` nor an alias's
// name, so Lambda goes on to look for the function, and names it by its unqualified ARN.
#[tokio::test(start_paused = true)]
async fn a_lowercase_latest_is_looked_for_like_any_version() {
    let lambda = Lambda::new();
    assert_eq!(
        refusal(
            lambda
                .delete_version(&format!("{ARNS}:my-function"), "$latest")
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:my-function")
        )
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_ops_on_nonexisting_fn
// [delete_function]: a function never made is named by its unqualified ARN.
#[tokio::test(start_paused = true)]
async fn nonexisting_function() {
    let lambda = Lambda::new();
    assert_eq!(
        refusal(lambda.delete_function("i-dont-exist").unwrap_err()),
        function_not_found(&format!("{ARNS}:i-dont-exist"))
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_get_function_wrong_region
// [delete_function]: the function exists, but in this Region, and stays.
#[tokio::test(start_paused = true)]
async fn wrong_region_arn() {
    let lambda = service();
    assert_eq!(
        refusal(lambda.delete_function(WRONG_REGION_ARN).unwrap_err()),
        wrong_region()
    );
    assert_eq!(lambda.function_names(), ["app"]);
}
