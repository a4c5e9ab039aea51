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

// test_lambda_eventinvokeconfig_lifecycle, put_invokeconfig_retries_0, put_invokeconfig_eventage_60,
// get_invokeconfig, get_invokeconfig_latest, put_published_invokeconfig,
// get_published_invokeconfig and list_paging_nolimit_postdelete: a put replaces what was put
// before; `app` and `app:$LATEST` are one configuration, `app:1` another, which stays when
// `app`'s is deleted. Left out: the update_… steps (the invoker has no
// update_function_event_invoke_config, which changes only the settings given), the list_…
// steps (no list_function_event_invoke_configs), the answer's FunctionArn and LastModified
// (the Rust API answers the settings only), and the answer's shape: AWS leaves out the
// settings not given (put_invokeconfig_eventage_60 has no MaximumRetryAttempts), where
// `to_json` shows their defaults.
#[tokio::test(start_paused = true)]
async fn lifecycle() {
    let lambda = service();
    let setting = |function: &str, field: &str| {
        lambda
            .get_function_event_invoke_config(function)
            .unwrap()
            .to_json()[field]
            .clone()
    };
    let put = |function: &str, config: EventInvokeConfig| {
        lambda
            .put_function_event_invoke_config(function, config)
            .unwrap()
    };
    put(
        "app",
        EventInvokeConfig::default().maximum_retry_attempts(0),
    );
    assert_eq!(setting("app", "MaximumRetryAttempts"), 0);
    put(
        "app",
        EventInvokeConfig::default().maximum_event_age_secs(60),
    );
    assert_eq!(setting("app", "MaximumEventAgeInSeconds"), 60);
    assert_eq!(
        setting("app", "MaximumRetryAttempts"),
        2,
        "the retries put before are replaced"
    );
    assert_eq!(
        lambda.get_function_event_invoke_config("app:$LATEST"),
        lambda.get_function_event_invoke_config("app")
    );

    lambda.publish_version("app").unwrap();
    put(
        "app:1",
        EventInvokeConfig::default().maximum_event_age_secs(120),
    );
    assert_eq!(setting("app:1", "MaximumEventAgeInSeconds"), 120);
    lambda.delete_function_event_invoke_config("app").unwrap();
    assert_eq!(setting("app:1", "MaximumEventAgeInSeconds"), 120);
    assert!(lambda.get_function_event_invoke_config("app").is_err());
}
