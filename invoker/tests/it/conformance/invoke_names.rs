//! How Invoke reads the function name and qualifier it is given: the recorded
//! `test_function_name_and_qualifier_validation[<case>-invoke]` scenarios of
//! test_lambda_api.snapshot.json (TestLambdaFunction). The same cases were recorded for
//! GetFunction, DeleteFunction and CreateFunction; the invoker reads names for all of them in
//! one place (`base::arn`), and these tests hold it to Invoke's answers.

use super::*;
use invoker::InvokeRequest;

/// The pattern AWS quotes for a malformed function name.
const NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

/// The refusal of invoking `function` (with `qualifier`, if any).
async fn invoke_refusal(function: &str, qualifier: Option<&str>) -> (ErrorCode, u16, String) {
    let lambda = service();
    let mut request = InvokeRequest::new(function);
    if let Some(qualifier) = qualifier {
        request = request.qualifier(qualifier);
    }
    refusal(lambda.invoke(request).await.unwrap_err())
}

fn malformed_name(value: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ValidationException,
        400,
        format!("1 validation error detected: Value '{value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}"),
    )
}

// [function_name_is_single_invalid-invoke]
#[tokio::test(start_paused = true)]
async fn function_name_is_single_invalid() {
    assert_eq!(invoke_refusal("*", None).await, malformed_name("*"));
}

// [invalid_characters_in_function_name-invoke]
#[tokio::test(start_paused = true)]
async fn invalid_characters_in_function_name() {
    assert_eq!(
        invoke_refusal("my-function!", None).await,
        malformed_name("my-function!")
    );
}

// [invalid_characters_in_qualifier-invoke]
#[tokio::test(start_paused = true)]
async fn invalid_characters_in_qualifier() {
    assert_eq!(
        invoke_refusal("app", Some("invalid!")).await,
        (
            ErrorCode::ValidationException,
            400,
            r"1 validation error detected: Value 'invalid!' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+".to_owned()
        )
    );
}

// [qualifier_too_long0-invoke]
#[tokio::test(start_paused = true)]
async fn qualifier_too_long() {
    let qualifier = "a".repeat(129);
    assert_eq!(
        invoke_refusal("app", Some(&qualifier)).await,
        (
            ErrorCode::ValidationException,
            400,
            format!("1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128")
        )
    );
}

// [invalid_account_id_in_partial_arn-invoke]
#[tokio::test(start_paused = true)]
async fn invalid_account_id_in_partial_arn() {
    let name = "invalid-account:function:my-function";
    assert_eq!(invoke_refusal(name, None).await, malformed_name(name));
}

// [invalid_region_in_arn-invoke]
#[tokio::test(start_paused = true)]
async fn invalid_region_in_arn() {
    let name = "arn:aws:lambda:invalid-region:123456789012:function:my-function";
    assert_eq!(invoke_refusal(name, None).await, malformed_name(name));
}

// [non_lambda_arn-invoke]
#[tokio::test(start_paused = true)]
async fn non_lambda_arn() {
    let name = "arn:aws:ec2:us-east-1:123456789012:instance:i-1234567890abcdef0";
    assert_eq!(invoke_refusal(name, None).await, malformed_name(name));
}

// [function_name_too_long-invoke]: well formed, only too long to exist.
#[tokio::test(start_paused = true)]
async fn function_name_too_long() {
    let name = "a".repeat(65);
    assert_eq!(
        invoke_refusal(&name, None).await,
        function_not_found(&format!("{ARNS}:{name}:$LATEST"))
    );
}

// [qualifier_too_long1-invoke]: a 65-character qualifier is a version or alias that does not
// exist.
#[tokio::test(start_paused = true)]
async fn qualifier_of_65_characters() {
    let qualifier = "a".repeat(65);
    assert_eq!(
        invoke_refusal("my-function", Some(&qualifier)).await,
        function_not_found(&format!("{ARNS}:my-function:{qualifier}"))
    );
}

// [full_arn_with_multiple_qualifiers-invoke]
#[tokio::test(start_paused = true)]
async fn full_arn_with_multiple_qualifiers() {
    let name = format!("{ARNS}:my-function:1:2");
    assert_eq!(invoke_refusal(&name, None).await, malformed_name(&name));
}

// [incomplete_arn-invoke]: `function` is read as the name.
#[tokio::test(start_paused = true)]
async fn incomplete_arn() {
    let name = "arn:aws:lambda:us-east-1:123456789012:function";
    assert_eq!(
        invoke_refusal(name, None).await,
        function_not_found(&format!("{ARNS}:function:$LATEST"))
    );
}

// [partial_arn_with_extra_qualifier-invoke]
#[tokio::test(start_paused = true)]
async fn partial_arn_with_extra_qualifier() {
    let name = "function:my-function:$LATEST:extra";
    assert_eq!(invoke_refusal(name, None).await, malformed_name(name));
}

// [latest_version_with_additional_qualifier-invoke]
#[tokio::test(start_paused = true)]
async fn latest_version_with_additional_qualifier() {
    assert_eq!(
        invoke_refusal("app:$LATEST", Some("1")).await,
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "The derived qualifier from the function name does not match the specified qualifier."
                .to_owned()
        )
    );
}

// [lowercase_latest_qualifier-invoke]: `$latest` is a qualifier of its own, which does not
// exist.
#[tokio::test(start_paused = true)]
async fn lowercase_latest_qualifier() {
    assert_eq!(
        invoke_refusal("my-function", Some("$latest")).await,
        function_not_found(&format!("{ARNS}:my-function:$latest"))
    );
}

// [missing_region_in_arn-invoke] and [missing_account_id_in_arn-invoke]
#[tokio::test(start_paused = true)]
async fn missing_region_or_account_id_in_arn() {
    for name in [
        "arn:aws:lambda::123456789012:function:my-function",
        "arn:aws:lambda:us-east-1::function:my-function",
    ] {
        assert_eq!(invoke_refusal(name, None).await, malformed_name(name));
    }
}

// [misspelled_latest_in_arn-invoke]
#[tokio::test(start_paused = true)]
async fn misspelled_latest_in_arn() {
    let name = format!("{ARNS}:my-function:$LATES");
    assert_eq!(invoke_refusal(&name, None).await, malformed_name(&name));
}

// TestLambdaFunction::test_get_function_wrong_region[invoke]: the function exists, but in this
// Region.
#[tokio::test(start_paused = true)]
async fn wrong_region_arn() {
    assert_eq!(invoke_refusal(WRONG_REGION_ARN, None).await, wrong_region());
}
