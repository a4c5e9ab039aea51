//! The recordings set the routing when the alias is made; the invoker takes a routing
//! configuration only in `update_alias`, which checks it the same way.

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

/// AWS's refusal of an additional version's weight outside 0–1, as the request spelled it.
fn weight_out_of_range(routing: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ValidationException,
        400,
        format!("1 validation error detected: Value '{routing}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"),
    )
}

// test_lambda_api.snapshot.json, TestLambdaAlias::test_notfound_and_invalid_routingconfigs,
// routing_config_exc_toohigh and routing_config_exc_subzero
#[tokio::test(start_paused = true)]
async fn routing_config_weight_too_high_or_below_zero() {
    let lambda = two_versions();
    lambda.create_alias("app", "custom", "1").unwrap();
    for (weight, spelled) in [(2.0, "{2=2.0}"), (-1.0, "{2=-1.0}")] {
        assert_eq!(
            refusal(
                lambda
                    .update_alias("app", "custom", "1", Some(("2", weight)))
                    .unwrap_err()
            ),
            weight_out_of_range(spelled)
        );
    }
}

// Same test, routing_config_exc_sameversion
#[tokio::test(start_paused = true)]
async fn routing_config_same_version() {
    let lambda = two_versions();
    lambda.create_alias("app", "custom", "1").unwrap();
    assert_eq!(
        refusal(
            lambda
                .update_alias("app", "custom", "1", Some(("1", 0.5)))
                .unwrap_err()
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "Invalid function version 1. Function version 1 is already included in routing configuration.".to_owned()
        )
    );
}

// Same test, routing_config_exc_version_doesnotexist
#[tokio::test(start_paused = true)]
async fn routing_config_version_doesnotexist() {
    let lambda = two_versions();
    lambda.create_alias("app", "custom", "1").unwrap();
    assert_eq!(
        refusal(
            lambda
                .update_alias("app", "custom", "1", Some(("10", 0.5)))
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:app:10")
        )
    );
}

// TestLambdaAlias::test_non_existent_alias_update, update_alias_response
#[tokio::test(start_paused = true)]
async fn non_existent_alias() {
    let lambda = two_versions();
    assert_eq!(
        refusal(
            lambda
                .update_alias("app", "non-existent", "1", None)
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Alias not found: {ARNS}:app:non-existent")
        )
    );
}

// TestLambdaAlias::test_alias_lifecycle, create_alias_1_1 / get_alias_1_1: an alias on version
// 1 that sends 20% of the calls to version 2 (the recording sets the routing as the alias is
// made, see above); update_alias_1_1 / get_alias_1_1_after_update: an empty routing
// configuration removes the routing, and the answer is the alias's ARN. The Description and
// RevisionId the recording also holds are not modelled.
#[tokio::test(start_paused = true)]
async fn routing_set_then_removed() {
    let lambda = staging_and_prod();
    let arn = format!("{ARNS}:app:aliasname1_1");
    assert_eq!(
        lambda.create_alias("app", "aliasname1_1", "1").unwrap(),
        arn
    );
    assert_eq!(
        lambda
            .update_alias("app", "aliasname1_1", "1", Some(("2", 0.2)))
            .unwrap(),
        arn
    );
    assert_eq!(
        lambda.get_alias("app", "aliasname1_1").unwrap(),
        Alias {
            function_version: "1".into(),
            routing: Some(("2".into(), 0.2))
        }
    );
    assert_eq!(
        lambda
            .update_alias("app", "aliasname1_1", "1", None)
            .unwrap(),
        arn
    );
    assert_eq!(
        lambda.get_alias("app", "aliasname1_1").unwrap(),
        Alias {
            function_version: "1".into(),
            routing: None
        }
    );
}

// Same test, update_alias_1_2 / get_alias_1_2_after_update: an update that changes nothing
// answers the alias as it was. (The recorded call gave no version; the invoker's update_alias
// takes one, so the scenario gives the alias's own.)
#[tokio::test(start_paused = true)]
async fn update_without_changes() {
    let lambda = staging_and_prod();
    lambda.create_alias("app", "aliasname1_2", "1").unwrap();
    let before = lambda.get_alias("app", "aliasname1_2").unwrap();
    assert_eq!(
        lambda
            .update_alias("app", "aliasname1_2", &before.function_version, None)
            .unwrap(),
        format!("{ARNS}:app:aliasname1_2")
    );
    assert_eq!(lambda.get_alias("app", "aliasname1_2").unwrap(), before);
}
