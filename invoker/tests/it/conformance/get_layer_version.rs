//! A layer version read back (`get_layer_version`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaLayer.

use super::*;

// test_layer_exceptions, get_layer_version_exc_layer_doesnotexist and
// get_layer_version_exc_layer_version_doesnotexist_2: a layer, or a version of it, that does
// not exist. (The recorded versions -1 and 0, refused as "Layer Version Cannot be less than 1",
// are the HTTP server's to refuse: the Rust API's version is a `u32`.)
#[tokio::test(start_paused = true)]
async fn layer_or_version_doesnotexist() {
    let lambda = service_with_layer();
    for (layer, version) in [("layerdoesnotexist", 1), ("testlayer", 2)] {
        assert_eq!(
            refusal(lambda.get_layer_version(layer, version).unwrap_err()),
            does_not_exist(),
            "{layer}:{version}"
        );
    }
}

// test_layer_lifecycle, get_layer_ver_result: the version as published (its `Content` and
// `CreatedDate` left out, as in publish_layer_version.rs).
#[tokio::test(start_paused = true)]
async fn lifecycle_get_layer_ver_result() {
    let lambda = Lambda::new();
    let content = python_layer()
        .description("description-1")
        .license_info("licenseinfo-1");
    let published = lambda.publish_layer_version("testlayer", content).unwrap();
    let read = lambda.get_layer_version("testlayer", 1).unwrap();
    assert_eq!(read, published);
    assert_eq!(read.layer_version_arn, format!("{LAYERS}:testlayer:1"));
    assert_eq!(read.license_info.as_deref(), Some("licenseinfo-1"));
}
