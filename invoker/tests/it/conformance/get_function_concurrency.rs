//! A function's reserved concurrency as it is read (`get_function_concurrency`).

use super::*;

// test_lambda_api.snapshot.json, TestLambdaFunction::test_ops_on_nonexisting_fn
// [get_function_concurrency]: a function never made is named by its unqualified ARN.
#[tokio::test(start_paused = true)]
async fn nonexisting_function() {
    let lambda = Lambda::new();
    assert_eq!(
        refusal(lambda.get_function_concurrency("i-dont-exist").unwrap_err()),
        function_not_found(&format!("{ARNS}:i-dont-exist"))
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_get_function_wrong_region
// [get_function_concurrency]: the function exists, but in this Region.
#[tokio::test(start_paused = true)]
async fn wrong_region_arn() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .get_function_concurrency(WRONG_REGION_ARN)
                .unwrap_err()
        ),
        wrong_region()
    );
}
