//! A layer version deleted (`delete_layer_version`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaLayer.

use super::*;

// test_layer_exceptions, delete_nonexistent_response, delete_nonexistent_version_response,
// delete_layer_response and delete_layer_again_response: deleting succeeds whether or not
// there is anything to delete, and the one real delete removes the version. (The recorded
// version -1, refused as "Layer Version Cannot be less than 1", is the HTTP server's to
// refuse: the Rust API's version is a `u32`.)
#[tokio::test(start_paused = true)]
async fn deletes_are_idempotent() {
    let lambda = service_with_layer();
    lambda.delete_layer_version("layerdoesnotexist", 1);
    lambda.delete_layer_version("testlayer", 2);
    assert!(lambda.get_layer_version("testlayer", 1).is_ok());
    lambda.delete_layer_version("testlayer", 1);
    lambda.delete_layer_version("testlayer", 1);
    assert_eq!(
        refusal(lambda.get_layer_version("testlayer", 1).unwrap_err()),
        does_not_exist()
    );
}

// test_layer_lifecycle, update_fn_config, get_fn_config, delete_layer_1 and
// get_fn_config_postdelete: a function keeps a layer version deleted after it was configured.
// (The recorded LastUpdateStatus, RevisionId and CodeSize are left out.)
#[tokio::test(start_paused = true)]
async fn lifecycle_function_keeps_deleted_layer() {
    let lambda = service_with_layer();
    lambda
        .create_function(FunctionConfig::new("app"), code())
        .unwrap();
    let layer = format!("{LAYERS}:testlayer:1");
    lambda
        .update_function_configuration("app", |config| config.layer(&layer))
        .unwrap();
    let configured =
        || lambda.get_function_configuration("app").unwrap().layers == [layer.as_str()];
    assert!(configured());
    lambda.delete_layer_version("testlayer", 1);
    assert!(configured(), "still configured after the delete");
}
