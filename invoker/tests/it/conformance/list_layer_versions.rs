//! A layer's versions listed (`list_layer_versions`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaLayer.

use super::*;

/// The version ARNs `list_layer_versions` answers for `layer`, unfiltered.
fn listed(lambda: &Lambda, layer: &str) -> Vec<String> {
    (lambda.list_layer_versions(layer, None, None).into_iter())
        .map(|version| version.layer_version_arn)
        .collect()
}

// test_layer_exceptions, list_nonexistent_layer: a layer that does not exist has no versions;
// it is not refused.
#[tokio::test(start_paused = true)]
async fn nonexistent_layer() {
    let lambda = service_with_layer();
    assert_eq!(listed(&lambda, "layerdoesnotexist"), Vec::<String>::new());
}

// test_layer_lifecycle, list_layer_versions_predelete and list_layer_versions_postdelete:
// newest first, and none once both are deleted.
#[tokio::test(start_paused = true)]
async fn lifecycle_predelete_and_postdelete() {
    let lambda = service_with_layer();
    lambda
        .publish_layer_version("testlayer", python_layer())
        .unwrap();
    assert_eq!(
        listed(&lambda, "testlayer"),
        [
            format!("{LAYERS}:testlayer:2"),
            format!("{LAYERS}:testlayer:1")
        ]
    );
    lambda.delete_layer_version("testlayer", 1);
    lambda.delete_layer_version("testlayer", 2);
    assert_eq!(listed(&lambda, "testlayer"), Vec::<String>::new());
}
