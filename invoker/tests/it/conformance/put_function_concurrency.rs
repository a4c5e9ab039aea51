use super::*;

// test_lambda_api.snapshot.json, TestLambdaReservedConcurrency::
// test_function_concurrency_exceptions, put_function_concurrency_with_function_name_doesnotexist
#[tokio::test(start_paused = true)]
async fn with_function_name_doesnotexist() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .put_function_concurrency("doesnotexist", 1)
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:doesnotexist:$LATEST")
        )
    );
}

// Same recording and test, put_function_concurrency_with_function_name_doesnotexist_and_
// invalid_concurrency: the missing function is named before the number is weighed.
#[tokio::test(start_paused = true)]
async fn with_function_name_doesnotexist_and_invalid_concurrency() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .put_function_concurrency("doesnotexist", 100_000)
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:doesnotexist:$LATEST")
        )
    );
}

// Same recording and test, put_function_concurrency_with_qualified_arn
#[tokio::test(start_paused = true)]
async fn with_qualified_arn() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .put_function_concurrency(&format!("{ARNS}:app:$LATEST"), 1)
                .unwrap_err()
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.".to_owned()
        )
    );
}

// Same recording, TestLambdaReservedConcurrency::test_function_concurrency_limits,
// put_function_concurrency_account_limit_exceeded and
// put_function_concurrency_below_unreserved_min_value: the whole account's limit, or one unit
// more than leaves 100 unreserved.
#[tokio::test(start_paused = true)]
async fn account_limit_and_unreserved_minimum() {
    let lambda = service();
    for reserved in [1000, 901] {
        assert_eq!(
            refusal(lambda.put_function_concurrency("app", reserved).unwrap_err()),
            (
                ErrorCode::InvalidParameterValueException,
                400,
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].".to_owned()
            ),
            "{reserved} reserved"
        );
    }
    lambda.put_function_concurrency("app", 900).unwrap();
}
