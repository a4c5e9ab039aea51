use super::*;

// test_lambda_api.snapshot.json, TestLambdaFunction::test_function_name_and_qualifier_
// validation[function_name_too_long-create_function]
#[tokio::test(start_paused = true)]
async fn function_name_too_long() {
    let lambda = Lambda::new();
    let name = "a".repeat(65);
    let error = lambda
        .create_function(FunctionConfig::new(&name), code())
        .unwrap_err();
    assert_eq!(
        refusal(error),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            format!("1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64")
        )
    );
    assert!(lambda.function_names().is_empty());
}
