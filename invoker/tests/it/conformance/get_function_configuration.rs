//! A function's configuration as it is read (`get_function_configuration`), and how a name
//! that finds nothing is refused. The recordings of GetFunction answer the same configuration
//! and the same refusals; the invoker has GetFunctionConfiguration only, so those are compared
//! here too.

use super::*;

// test_lambda_api.snapshot.json, TestLambdaAlias::test_alias_lifecycle, get_function_alias_1_1
// and get_function_byarn_alias_1_1: an alias, named by qualifier or in its ARN, reads as the
// version it points to (version 1, `testenv=staging`), not the one it routes 20% of the calls
// to.
#[tokio::test(start_paused = true)]
async fn alias_reads_as_its_version() {
    let lambda = staging_and_prod();
    lambda.create_alias("app", "aliasname1_1", "1").unwrap();
    lambda
        .update_alias("app", "aliasname1_1", "1", Some(("2", 0.2)))
        .unwrap();
    for name in ["app:aliasname1_1", &format!("{ARNS}:app:aliasname1_1")] {
        let config = lambda.get_function_configuration(name).unwrap();
        assert_eq!(config.env["testenv"], "staging", "{name}");
    }
}

// Same test, get_function_alias_notfound_exc and get_function_alias_byarn_notfound_exc: an alias
// that does not exist is refused with the qualified ARN, whichever way it was named.
#[tokio::test(start_paused = true)]
async fn alias_does_not_exist() {
    let lambda = staging_and_prod();
    for name in [
        "app:aliasdoesnotexist",
        &format!("{ARNS}:app:aliasdoesnotexist"),
    ] {
        assert_eq!(
            refusal(lambda.get_function_configuration(name).unwrap_err()),
            function_not_found(&format!("{ARNS}:app:aliasdoesnotexist")),
            "{name}"
        );
    }
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_ops_on_nonexisting_fn
// [get_function_configuration] and [get_function]: the unqualified ARN of the missing function.
#[tokio::test(start_paused = true)]
async fn nonexisting_function() {
    let lambda = Lambda::new();
    assert_eq!(
        refusal(
            lambda
                .get_function_configuration("i-dont-exist")
                .unwrap_err()
        ),
        function_not_found(&format!("{ARNS}:i-dont-exist"))
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_ops_on_nonexisting_version
// [get_function_configuration] and [get_function]: a version the function does not have is
// named with the qualified ARN.
#[tokio::test(start_paused = true)]
async fn nonexisting_version() {
    let lambda = service();
    assert_eq!(
        refusal(lambda.get_function_configuration("app:1221").unwrap_err()),
        function_not_found(&format!("{ARNS}:app:1221"))
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_get_function_wrong_region
// [get_function_configuration] and [get_function]: the function exists, but in this Region.
#[tokio::test(start_paused = true)]
async fn wrong_region_arn() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .get_function_configuration(WRONG_REGION_ARN)
                .unwrap_err()
        ),
        wrong_region()
    );
}

// test_lambda_api.snapshot.json, TestLambdaFunction::test_function_lifecycle: the configuration
// as made (get_function_response), as updated (update_func_conf_response and
// get_function_response_postupdate), unchanged by new code (update_code_response,
// get_function_response_postcodeupdate); then the function is deleted (delete_response) and a
// second deletion is refused (delete_postdelete). The CodeSha256, CodeSize, RevisionId,
// LastModified and State the recording also holds are not modelled.
#[tokio::test(start_paused = true)]
async fn function_lifecycle() {
    let lambda = Lambda::new();
    let created = FunctionConfig::new("app")
        .runtime("python3.12")
        .handler("handler.handler")
        .memory_size(256)
        .timeout_secs(5);
    lambda.create_function(created.clone(), code()).unwrap();
    let read = lambda.get_function_configuration("app").unwrap();
    assert_eq!(
        (
            read.runtime.as_str(),
            read.handler.as_str(),
            read.description.as_str(),
            read.memory_size,
            read.timeout_secs,
            read.ephemeral_storage_mb,
            read.env.len()
        ),
        ("python3.12", "handler.handler", "", 256, 5, 512, 0)
    );
    lambda
        .update_function_configuration("app", |config| {
            config
                .runtime("python3.11")
                .description("Changed-Description")
                .memory_size(512)
                .timeout_secs(10)
                .env("ENV_A", "a")
        })
        .unwrap();
    let updated = lambda.get_function_configuration("app").unwrap();
    assert_eq!(
        updated,
        created
            .runtime("python3.11")
            .description("Changed-Description")
            .memory_size(512)
            .timeout_secs(10)
            .env("ENV_A", "a")
    );
    lambda.update_function_code("app", code()).unwrap();
    assert_eq!(lambda.get_function_configuration("app").unwrap(), updated);
    lambda.delete_function("app").unwrap();
    assert_eq!(
        refusal(lambda.delete_function("app").unwrap_err()),
        function_not_found(&format!("{ARNS}:app"))
    );
}
