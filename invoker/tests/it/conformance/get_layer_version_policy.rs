//! A layer version's policy read back (`get_layer_version_policy`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaLayer. The recordings' `RevisionId` is left out:
//! the invoker does not model a policy's revision.

use super::add_layer_version_permission::everyone;
use super::*;
use invoker::LayerPermission;

// test_layer_policy_exceptions, layer_permission_nopolicy_get
#[tokio::test(start_paused = true)]
async fn nopolicy() {
    let lambda = service_with_layer();
    assert_eq!(
        refusal(lambda.get_layer_version_policy("testlayer", 1).unwrap_err()),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            "No policy is associated with the given resource.".to_owned()
        )
    );
}

// test_layer_policy_exceptions, layer_permission_layername_doesnotexist_get and
// layer_permission_layerversion_doesnotexist_get
#[tokio::test(start_paused = true)]
async fn layer_or_version_doesnotexist() {
    let lambda = service_with_layer();
    for (layer, version) in [("testlayer-doesnotexist", 1), ("testlayer", 2)] {
        assert_eq!(
            refusal(lambda.get_layer_version_policy(layer, version).unwrap_err()),
            layer_version_does_not_exist(layer, version)
        );
    }
}

// test_layer_policy_lifecycle, get_layer_version_policy, get_layer_version_policy_postadd2,
// remove_s2 and get_layer_version_policy_postdeletes2: statements in the order they were added.
#[tokio::test(start_paused = true)]
async fn lifecycle() {
    let lambda = service_with_layer();
    let policy = |statements: Vec<Value>| json!({"Version": "2012-10-17", "Id": "default", "Statement": statements});
    let read = || lambda.get_layer_version_policy("testlayer", 1).unwrap();
    let add = |sid| {
        lambda
            .add_layer_version_permission("testlayer", 1, LayerPermission::new(sid, "*"))
            .unwrap()
    };
    add("s1");
    assert_eq!(read(), policy(vec![everyone("s1")]));
    add("s2");
    assert_eq!(read(), policy(vec![everyone("s1"), everyone("s2")]));
    lambda
        .remove_layer_version_permission("testlayer", 1, "s2")
        .unwrap();
    assert_eq!(read(), policy(vec![everyone("s1")]));
}
