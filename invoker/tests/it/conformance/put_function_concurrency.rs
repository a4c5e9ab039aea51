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
