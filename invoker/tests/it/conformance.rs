//! Conformance: the invoker answers as real Lambda did in the recorded scenarios.
//!
//! Each test reproduces one scenario of the AWS recordings (`../shared/aws-recorded/`, named in
//! its comment): the same call on the same kind of resource, and the exception name, HTTP status
//! and message AWS answered with. Grouped by API operation.

use invoker::{
    service_fn, Diagnostic, ErrorCode, FunctionConfig, Lambda, LambdaEvent, ServiceError,
};
use serde_json::{json, Value};

/// The ARN prefix of the default account and Region.
const ARNS: &str = "arn:aws:lambda:us-east-1:123456789012:function";

/// A service with one function, `app`, whose code answers `"ok"`.
fn service() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("app"), code())
        .unwrap();
    lambda
}

fn code() -> invoker::FunctionCode {
    service_fn(|_event: LambdaEvent<Value>| async move { Ok::<_, Diagnostic>(json!("ok")) })
}

/// The exception name, HTTP status and message of a refusal.
fn refusal(error: ServiceError) -> (ErrorCode, u16, String) {
    (error.code, error.status, error.message)
}

mod put_function_concurrency {
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
}

mod get_alias {
    use super::*;

    // test_lambda_api.snapshot.json, TestLambdaAlias::test_notfound_and_invalid_routingconfigs,
    // alias_does_not_exist_esc
    #[tokio::test(start_paused = true)]
    async fn alias_does_not_exist() {
        let lambda = service();
        lambda.publish_version("app").unwrap();
        assert_eq!(
            refusal(lambda.get_alias("app", "non-existent").unwrap_err()),
            (
                ErrorCode::ResourceNotFoundException,
                404,
                format!("Cannot find alias arn: {ARNS}:app:non-existent")
            )
        );
    }
}

mod put_provisioned_concurrency_config {
    use super::*;

    /// The refusal of `put_provisioned_concurrency_config(function, 1)`.
    async fn put(lambda: &Lambda, function: &str) -> (ErrorCode, u16, String) {
        refusal(
            lambda
                .put_provisioned_concurrency_config(function, 1)
                .await
                .unwrap_err(),
        )
    }

    // test_lambda_api.snapshot.json, TestLambdaProvisionedConcurrency::
    // test_provisioned_concurrency_exceptions, put_provisioned_qualifier_doesnotexist
    #[tokio::test(start_paused = true)]
    async fn qualifier_doesnotexist() {
        let lambda = service();
        lambda.publish_version("app").unwrap();
        assert_eq!(
            put(&lambda, "app:doesnotexist").await,
            (
                ErrorCode::ResourceNotFoundException,
                404,
                format!("Cannot find alias arn: {ARNS}:app:doesnotexist")
            )
        );
    }

    // Same test, put_provisioned_functionname_doesnotexist_alias
    #[tokio::test(start_paused = true)]
    async fn functionname_doesnotexist_alias() {
        let lambda = service();
        assert_eq!(
            put(&lambda, "doesnotexist:noalias").await,
            (
                ErrorCode::ResourceNotFoundException,
                404,
                format!("Cannot find alias arn: {ARNS}:doesnotexist:noalias")
            )
        );
    }

    // Same test, put_provisioned_functionname_doesnotexist_version and
    // put_provisioned_version_doesnotexist: a missing version stays a function not found.
    #[tokio::test(start_paused = true)]
    async fn version_doesnotexist() {
        let lambda = service();
        lambda.publish_version("app").unwrap();
        assert_eq!(
            put(&lambda, "doesnotexist:1").await,
            (
                ErrorCode::ResourceNotFoundException,
                404,
                format!("Function not found: {ARNS}:doesnotexist:1")
            )
        );
        assert_eq!(
            put(&lambda, "app:10").await,
            (
                ErrorCode::ResourceNotFoundException,
                404,
                format!("Function not found: {ARNS}:app:10")
            )
        );
    }
}

/// The recordings set the routing when the alias is made; the invoker takes a routing
/// configuration only in `update_alias`, which checks it the same way.
mod update_alias {
    use super::*;

    /// `app` with versions 1 and 2.
    fn two_versions() -> Lambda {
        let lambda = service();
        lambda.publish_version("app").unwrap();
        lambda.update_function_code("app", code()).unwrap();
        lambda.publish_version("app").unwrap();
        lambda
    }

    // test_lambda_api.snapshot.json, TestLambdaAlias::test_notfound_and_invalid_routingconfigs,
    // routing_config_exc_version_latest: `$LATEST` as the additional version breaks the map
    // key's pattern, a ValidationException.
    #[tokio::test(start_paused = true)]
    async fn routing_config_version_latest() {
        let lambda = two_versions();
        lambda.create_alias("app", "custom", "1").unwrap();
        assert_eq!(
            refusal(
                lambda
                    .update_alias("app", "custom", "1", Some(("$LATEST", 0.5)))
                    .unwrap_err()
            ),
            (
                ErrorCode::ValidationException,
                400,
                "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]".to_owned()
            )
        );
    }

    // Same test, target_version_exc_version_latest: `$LATEST` as the main version of a weighted
    // alias is still an InvalidParameterValueException.
    #[tokio::test(start_paused = true)]
    async fn target_version_latest_with_routing() {
        let lambda = two_versions();
        lambda.create_alias("app", "custom", "1").unwrap();
        assert_eq!(
            refusal(
                lambda
                    .update_alias("app", "custom", "$LATEST", Some(("2", 0.5)))
                    .unwrap_err()
            ),
            (
                ErrorCode::InvalidParameterValueException,
                400,
                "$LATEST is not supported for an alias pointing to more than 1 version".to_owned()
            )
        );
    }
}

mod create_function {
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
}

mod put_function_event_invoke_config {
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
                "You must specify at least one of error handling or destination setting."
                    .to_owned()
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
}
