//! Layers a function lists, checked when its configuration changes (`layers` on
//! `update_function_configuration`; the recordings call it with `Layers=[…]`).

use super::*;
use invoker::LayerContent;

/// `app`, and `versions` published versions of the layer `libs`, by ARN.
fn with_layer_versions(versions: usize) -> (Lambda, Vec<String>) {
    let lambda = service();
    let arns = (0..versions)
        .map(|_| {
            lambda
                .publish_layer_version("libs", LayerContent::new().file("lib/a.so", "a"))
                .unwrap()
                .layer_version_arn
        })
        .collect();
    (lambda, arns)
}

/// The refusal of giving `app` the layers `arns`, in that order.
fn set_layers(lambda: &Lambda, arns: &[&String]) -> (ErrorCode, u16, String) {
    refusal(
        lambda
            .update_function_configuration("app", |config| {
                arns.iter().fold(config, |config, arn| config.layer(*arn))
            })
            .unwrap_err(),
    )
}

fn same_layer_twice(first: &str, second: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::InvalidParameterValueException,
        400,
        format!("Two different versions of the same layer are not allowed to be referenced in the same function. {first} and {second} are versions of the same layer."),
    )
}

// test_lambda_api.snapshot.json, TestLambdaLayer::test_layer_function_exceptions,
// two_layer_versions_single_function_exc
#[tokio::test(start_paused = true)]
async fn two_layer_versions_single_function() {
    let (lambda, arns) = with_layer_versions(2);
    assert_eq!(
        set_layers(&lambda, &[&arns[0], &arns[1]]),
        same_layer_twice(&arns[0], &arns[1])
    );
}

// Same test, three_layer_versions_single_function_exc: the first pair is named.
#[tokio::test(start_paused = true)]
async fn three_layer_versions_single_function() {
    let (lambda, arns) = with_layer_versions(3);
    assert_eq!(
        set_layers(&lambda, &[&arns[0], &arns[1], &arns[2]]),
        same_layer_twice(&arns[0], &arns[1])
    );
}

// Same test, two_identical_layer_versions_single_function_exc
#[tokio::test(start_paused = true)]
async fn two_identical_layer_versions_single_function() {
    let (lambda, arns) = with_layer_versions(1);
    assert_eq!(
        set_layers(&lambda, &[&arns[0], &arns[0]]),
        same_layer_twice(&arns[0], &arns[0])
    );
}

// Same test, add_nonexistent_layer_exc and add_nonexistent_layer_version_exc
#[tokio::test(start_paused = true)]
async fn nonexistent_layer_and_layer_version() {
    let (lambda, arns) = with_layer_versions(1);
    let missing_layer = arns[0].replace(":libs:1", ":doesnotexist:1");
    let missing_version = arns[0].replace(":libs:1", ":libs:9");
    for arn in [missing_layer, missing_version] {
        assert_eq!(
            set_layers(&lambda, &[&arn]),
            (
                ErrorCode::InvalidParameterValueException,
                400,
                format!("Layer version {arn} does not exist.")
            )
        );
    }
}

// Same test, add_layer_arn_without_version_exc: today's length limit (2048) and pattern.
#[tokio::test(start_paused = true)]
async fn layer_arn_without_version() {
    let (lambda, arns) = with_layer_versions(1);
    let unversioned = arns[0].trim_end_matches(":1").to_owned();
    assert_eq!(
        set_layers(&lambda, &[&unversioned]),
        (
            ErrorCode::ValidationException,
            400,
            format!("1 validation error detected: Value '[{unversioned}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{{2}}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{{1}}:\\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]")
        )
    );
}

// Same test, create_function_with_layer_in_different_region.
#[tokio::test(start_paused = true)]
#[ignore = "differs: the invoker's account lives in one Region and finds a layer by name, whatever Region its ARN names"]
async fn layer_in_different_region() {
    let (lambda, arns) = with_layer_versions(1);
    let elsewhere = arns[0].replace(":us-east-1:", ":eu-west-1:");
    assert_eq!(
        set_layers(&lambda, &[&elsewhere]),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.".to_owned()
        )
    );
}
