use super::*;
use invoker::EventInvokeConfig;

/// The refusal of `put_function_event_invoke_config(function, config)`.
fn put(lambda: &Lambda, function: &str, config: EventInvokeConfig) -> (ErrorCode, u16, String) {
    refusal(
        lambda
            .put_function_event_invoke_config(function, config)
            .unwrap_err(),
    )
}

fn not_found() -> (ErrorCode, u16, String) {
    (
        ErrorCode::ResourceNotFoundException,
        404,
        "The function doesn't exist.".to_owned(),
    )
}

// test_lambda_api.snapshot.json, TestLambdaEventInvokeConfig::
// test_lambda_eventinvokeconfig_exceptions, put_functionname_name_notfound and
// put_functionname_arn_notfound
#[tokio::test(start_paused = true)]
async fn functionname_notfound() {
    let lambda = service();
    let config = || EventInvokeConfig::default().maximum_retry_attempts(1);
    assert_eq!(put(&lambda, "doesnotexist", config()), not_found());
    assert_eq!(
        put(&lambda, &format!("{ARNS}:doesnotexist"), config()),
        not_found()
    );
}

// Same test, put_alias_doesnotexist
#[tokio::test(start_paused = true)]
async fn alias_doesnotexist() {
    let lambda = service();
    lambda.publish_version("app").unwrap();
    lambda.create_alias("app", "eventinvokealias", "1").unwrap();
    assert_eq!(
        put(
            &lambda,
            "app:doesnotexist",
            EventInvokeConfig::default().maximum_retry_attempts(1)
        ),
        not_found()
    );
}

// Same test, put_functionname_nootherargs
#[tokio::test(start_paused = true)]
async fn functionname_nootherargs() {
    let lambda = service();
    assert_eq!(
        put(&lambda, "app", EventInvokeConfig::default()),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "You must specify at least one of error handling or destination setting.".to_owned()
        )
    );
}

// Same test, put_destination_lambda_doesntexist
#[tokio::test(start_paused = true)]
async fn destination_lambda_doesntexist() {
    let lambda = service();
    let destination = format!("{ARNS}:doesnotexist");
    assert_eq!(
        put(
            &lambda,
            "app",
            EventInvokeConfig::default().on_success(&destination)
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            format!("The destination ARN {destination} is invalid.")
        )
    );
}

// Same test, put_destination_recursive
#[tokio::test(start_paused = true)]
async fn destination_recursive() {
    let lambda = service();
    assert_eq!(
        put(
            &lambda,
            "app",
            EventInvokeConfig::default().on_success(format!("{ARNS}:app"))
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "You can't specify the function as a destination for itself.".to_owned()
        )
    );
}

// Same test, put_destination_other_lambda: another function that exists is accepted.
#[tokio::test(start_paused = true)]
async fn destination_other_lambda() {
    let lambda = service();
    lambda
        .create_function(FunctionConfig::new("other"), code())
        .unwrap();
    lambda
        .put_function_event_invoke_config(
            "app",
            EventInvokeConfig::default().on_success(format!("{ARNS}:other")),
        )
        .unwrap();
}
