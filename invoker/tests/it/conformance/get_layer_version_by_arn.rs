//! A layer version read back by its ARN (`get_layer_version_by_arn`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaLayer.

use super::*;

// test_layer_exceptions, get_layer_version_by_arn_exc_invalidarn: the layer's ARN, without a
// version, is not a layer version's.
#[tokio::test(start_paused = true)]
async fn invalidarn() {
    let lambda = service_with_layer();
    let arn = format!("{LAYERS}:testlayer");
    assert_eq!(
        refusal(lambda.get_layer_version_by_arn(&arn).unwrap_err()),
        (
            ErrorCode::ValidationException,
            400,
            format!("1 validation error detected: Value '{arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{{2}}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{{1}}:\\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)")
        )
    );
}

// test_layer_exceptions, get_layer_version_by_arn_exc_nonexistentversion
#[tokio::test(start_paused = true)]
async fn nonexistentversion() {
    let lambda = service_with_layer();
    assert_eq!(
        refusal(
            lambda
                .get_layer_version_by_arn(&format!("{LAYERS}:testlayer:2"))
                .unwrap_err()
        ),
        does_not_exist()
    );
}

// test_layer_lifecycle, get_layer_by_arn_version: the same version as by name.
#[tokio::test(start_paused = true)]
async fn lifecycle_get_layer_by_arn_version() {
    let lambda = service_with_layer();
    let arn = format!("{LAYERS}:testlayer:1");
    let read = lambda.get_layer_version_by_arn(&arn).unwrap();
    assert_eq!(read.layer_version_arn, arn);
    assert_eq!(read, lambda.get_layer_version("testlayer", 1).unwrap());
}
