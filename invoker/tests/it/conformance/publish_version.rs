//! Versions as they are published (`publish_version`), read back (`get_function_configuration`
//! of `f:N`) and listed (`list_versions`).
//!
//! The invoker's `publish_version` takes no description (AWS's `Description` parameter gives the
//! new version a description of its own), and `list_versions` lists the published versions only,
//! where AWS lists `$LATEST` first; the scenarios compare the rest. What the recordings hold that
//! the invoker does not model (RevisionId, CodeSha256, LastModified, State) is not compared.

use super::*;
use invoker::InvokeRequest;

// test_lambda_api.snapshot.json, TestLambdaVersions::test_version_lifecycle: a function made
// with no version (list_versions_result); first_publish_response is version 1, and an update of
// `$LATEST` leaves it as it was (first_publish_get_function_after_update); the next publish is
// version 2, with `$LATEST`'s description (second_publish_response), and a publish with nothing
// changed since answers
// version 2 again (third_publish_response, asked with a new description); the versions are 1
// and 2 (list_versions_result_after_third_publish), and 2 alone once `f:1` is deleted
// (list_versions_result_after_deletion_of_first_version). Left out: the descriptions given to
// publish_version itself, which the invoker has no parameter for.
#[tokio::test(start_paused = true)]
async fn version_lifecycle() {
    let lambda = Lambda::new();
    lambda
        .create_function(
            FunctionConfig::new("app").description("No version :("),
            code(),
        )
        .unwrap();
    assert_eq!(lambda.list_versions("app").unwrap(), Vec::<String>::new());
    let describe =
        |description: &'static str| move |config: FunctionConfig| config.description(description);
    lambda
        .update_function_configuration("app", describe("First version :)"))
        .unwrap();
    assert_eq!(lambda.publish_version("app").unwrap(), "1");
    let first = lambda.get_function_configuration("app:1").unwrap();
    lambda
        .update_function_configuration("app", describe("Second version :))"))
        .unwrap();
    assert_eq!(lambda.get_function_configuration("app:1").unwrap(), first);
    assert_eq!(lambda.publish_version("app").unwrap(), "2");
    assert_eq!(lambda.publish_version("app").unwrap(), "2");
    let second = lambda.get_function_configuration("app:2").unwrap();
    assert_eq!(second.description, "Second version :))");
    assert_eq!(lambda.list_versions("app").unwrap(), ["1", "2"]);
    lambda.delete_function("app:1").unwrap();
    assert_eq!(lambda.list_versions("app").unwrap(), ["2"]);
}

// test_lambda_api.snapshot.json, TestLambdaVersions::test_publish_with_update: new code
// published at once is version 1 (update_function_code_result), and both version 1 and
// `$LATEST` hold it (get_function_version_result and get_function_latest_result have the new
// code's CodeSha256, here: both run the new code). The invoker's update_function_code has no
// `Publish` flag, so the scenario publishes in a second call; the State and LastUpdateStatus
// the recording shows are not modelled.
#[tokio::test(start_paused = true)]
async fn publish_with_update() {
    let lambda = service();
    let updated =
        service_fn(|_event: LambdaEvent<Value>| async move { Ok::<_, Diagnostic>(json!("v2")) });
    lambda.update_function_code("app", updated).unwrap();
    assert_eq!(lambda.publish_version("app").unwrap(), "1");
    for qualifier in ["1", "$LATEST"] {
        let request = InvokeRequest::new("app").qualifier(qualifier);
        let response = lambda.invoke(request).await.unwrap();
        assert_eq!(response.payload_json().unwrap(), "v2", "{qualifier}");
    }
}
