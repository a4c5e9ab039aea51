//! A statement added to a layer version's policy (`add_layer_version_permission`), as
//! recorded in test_lambda_api.snapshot.json, TestLambdaLayer. The recordings' `RevisionId`
//! (and the refusal of a wrong one, layer_permission_wrong_revision) are left out: the invoker
//! does not model a policy's revision.

use super::*;
use invoker::LayerPermission;

/// The statement that lets everyone use `testlayer:1`, with the id `sid`, as the policy shows it.
pub(super) fn everyone(sid: &str) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:GetLayerVersion",
        "Resource": format!("{LAYERS}:testlayer:1"),
    })
}

// test_layer_policy_exceptions, add_layer_permission_result, and test_layer_policy_lifecycle,
// add_policy_s1 and add_policy_s2
#[tokio::test(start_paused = true)]
async fn add_layer_permission_result() {
    let lambda = service_with_layer();
    for sid in ["s1", "s2"] {
        let statement = lambda
            .add_layer_version_permission("testlayer", 1, LayerPermission::new(sid, "*"))
            .unwrap();
        assert_eq!(statement, everyone(sid));
    }
}

// test_layer_policy_exceptions, layer_permission_action_invalid
#[tokio::test(start_paused = true)]
async fn action_invalid() {
    let lambda = service_with_layer();
    let permission = LayerPermission::new("s-1", "*").action("*");
    assert_eq!(
        refusal(
            lambda
                .add_layer_version_permission("testlayer", 1, permission)
                .unwrap_err()
        ),
        (
            ErrorCode::ValidationException,
            400,
            "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion".to_owned()
        )
    );
}

// test_layer_policy_exceptions, layer_permission_duplicate_statement
#[tokio::test(start_paused = true)]
async fn duplicate_statement() {
    let lambda = service_with_layer();
    let add =
        || lambda.add_layer_version_permission("testlayer", 1, LayerPermission::new("s1", "*"));
    add().unwrap();
    assert_eq!(
        refusal(add().unwrap_err()),
        (
            ErrorCode::ResourceConflictException,
            409,
            "The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.".to_owned()
        )
    );
}

// test_layer_policy_exceptions, layer_permission_layername_doesnotexist_add and
// layer_permission_layerversion_doesnotexist_add
#[tokio::test(start_paused = true)]
async fn layer_or_version_doesnotexist() {
    let lambda = service_with_layer();
    for (layer, version) in [("testlayer-doesnotexist", 1), ("testlayer", 2)] {
        let permission = LayerPermission::new("s-1", "*");
        assert_eq!(
            refusal(
                lambda
                    .add_layer_version_permission(layer, version, permission)
                    .unwrap_err()
            ),
            layer_version_does_not_exist(layer, version)
        );
    }
}
