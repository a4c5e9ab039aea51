//! A statement removed from a layer version's policy (`remove_layer_version_permission`), as
//! recorded in test_lambda_api.snapshot.json, TestLambdaLayer. The refusal of a wrong
//! `RevisionId` (layer_permission_wrong_revision_remove) is left out: the invoker does not
//! model a policy's revision.

use super::*;
use invoker::LayerPermission;

// test_layer_policy_exceptions, layer_permission_layername_doesnotexist_remove and
// layer_permission_layerversion_doesnotexist_remove
#[tokio::test(start_paused = true)]
async fn layer_or_version_doesnotexist() {
    let lambda = service_with_layer();
    for (layer, version) in [("testlayer-doesnotexist", 1), ("testlayer", 2)] {
        assert_eq!(
            refusal(
                lambda
                    .remove_layer_version_permission(layer, version, "s1")
                    .unwrap_err()
            ),
            layer_version_does_not_exist(layer, version)
        );
    }
}

// test_layer_policy_exceptions, layer_permission_statementid_doesnotexist_remove: the policy
// has a statement, but not this one.
#[tokio::test(start_paused = true)]
async fn statementid_doesnotexist() {
    let lambda = service_with_layer();
    lambda
        .add_layer_version_permission("testlayer", 1, LayerPermission::new("s1", "*"))
        .unwrap();
    assert_eq!(
        refusal(
            lambda
                .remove_layer_version_permission("testlayer", 1, "doesnotexist")
                .unwrap_err()
        ),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            "Statement doesnotexist is not found in resource policy.".to_owned()
        )
    );
}
