//! A function's tags: added, overwritten, listed and removed on the function, never on a
//! version or alias, with Lambda's own errors.

use invoker::{service_fn, Diagnostic, ErrorCode, FunctionConfig, Lambda, LambdaEvent};
use serde_json::Value;
use std::collections::BTreeMap;

fn service() -> Lambda {
    let lambda = Lambda::new();
    let echo =
        service_fn(|event: LambdaEvent<Value>| async move { Ok::<_, Diagnostic>(event.payload) });
    lambda
        .create_function(FunctionConfig::new("hello"), echo)
        .unwrap();
    lambda
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn tags_are_added_overwritten_and_removed_by_key() {
    let lambda = service();
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:hello";
    assert!(lambda.list_tags(arn).unwrap().is_empty());
    lambda
        .tag_resource(arn, tags(&[("team", "payments"), ("stage", "dev")]))
        .unwrap();
    lambda
        .tag_resource(arn, tags(&[("stage", "prod")]))
        .unwrap();
    assert_eq!(
        lambda.list_tags(arn).unwrap(),
        tags(&[("stage", "prod"), ("team", "payments")])
    );
    // A key that is not there is no error, as in Lambda.
    lambda
        .untag_resource(arn, &["team".into(), "absent".into()])
        .unwrap();
    assert_eq!(lambda.list_tags(arn).unwrap(), tags(&[("stage", "prod")]));
}

#[tokio::test]
async fn a_version_or_alias_cannot_be_tagged() {
    let lambda = service();
    lambda.publish_version("hello").unwrap();
    let refused = lambda
        .tag_resource("hello:1", tags(&[("team", "payments")]))
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidParameterValueException);
    assert_eq!(
        refused.message,
        "Tags on function aliases and versions are not supported. Please specify a function ARN."
    );
}

#[tokio::test]
async fn a_missing_function_is_not_found_and_the_limit_is_fifty_tags() {
    let lambda = service();
    let missing = lambda.list_tags("nobody").unwrap_err();
    assert_eq!(
        (missing.code, missing.message.as_str()),
        (
            ErrorCode::ResourceNotFoundException,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nobody"
        )
    );
    let fifty_one: BTreeMap<String, String> = (0..51)
        .map(|n| (format!("key{n}"), "v".to_owned()))
        .collect();
    let refused = lambda.tag_resource("hello", fifty_one).unwrap_err();
    assert_eq!(
        refused.message,
        "Number of tags exceeds resource tag limit."
    );
    assert!(lambda.list_tags("hello").unwrap().is_empty());
}
