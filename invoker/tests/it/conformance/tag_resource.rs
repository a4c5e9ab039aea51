//! Tags added to a function (`tag_resource`), as recorded in test_lambda_api.snapshot.json,
//! TestLambdaTag and TestLambdaTags.

use super::*;
use std::collections::BTreeMap;

/// Tags from `(key, value)` pairs.
pub(super) fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    (pairs.iter())
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// The refusal of `tag_resource(resource, {"key_a": "value_a"})`.
fn tag(lambda: &Lambda, resource: &str) -> (ErrorCode, u16, String) {
    refusal(
        lambda
            .tag_resource(resource, tags(&[("key_a", "value_a")]))
            .unwrap_err(),
    )
}

// TestLambdaTags::test_tag_exceptions, tag_lambda_invalidarn
#[tokio::test(start_paused = true)]
async fn invalidarn() {
    let lambda = service();
    assert_eq!(
        tag(&lambda, "arn:aws:something"),
        (
            ErrorCode::ValidationException,
            400,
            "1 validation error detected: Value 'arn:aws:something' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)".to_owned()
        )
    );
}

// TestLambdaTags::test_tag_exceptions, tag_lambda_doesnotexist
#[tokio::test(start_paused = true)]
async fn doesnotexist() {
    let lambda = service();
    assert_eq!(
        tag(&lambda, &format!("{ARNS}:doesnotexist")),
        (
            ErrorCode::ResourceNotFoundException,
            404,
            format!("Function not found: {ARNS}:doesnotexist")
        )
    );
}

// TestLambdaTags::test_tag_exceptions, tag_lambda_qualifier_doesnotexist: a qualified ARN is
// refused, whether or not the qualifier exists.
#[tokio::test(start_paused = true)]
async fn qualifier_doesnotexist() {
    let lambda = service();
    assert_eq!(
        tag(&lambda, &format!("{ARNS}:app:v1")),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "Tags on function aliases and versions are not supported. Please specify a function ARN.".to_owned()
        )
    );
}

// TestLambdaTags::test_tag_exceptions, tag_empty_tags
#[tokio::test(start_paused = true)]
async fn empty_tags() {
    let lambda = service();
    assert_eq!(
        refusal(
            lambda
                .tag_resource(&format!("{ARNS}:app"), BTreeMap::new())
                .unwrap_err()
        ),
        (
            ErrorCode::InvalidParameterValueException,
            400,
            "An error occurred and the request cannot be processed.".to_owned()
        )
    );
}

// TestLambdaTag::test_tag_lifecycle: tags added one, then several at a time; a key tagged again
// takes the new value; untagging removes keys, and a key that is not there is no error.
#[tokio::test(start_paused = true)]
async fn lifecycle() {
    let lambda = service();
    let arn = format!("{ARNS}:app");
    let listed = || lambda.list_tags(&arn).unwrap();
    let untag = |keys: &[&str]| {
        let keys: Vec<String> = keys.iter().map(|key| key.to_string()).collect();
        lambda.untag_resource(&arn, &keys).unwrap();
    };
    lambda.tag_resource(&arn, tags(&[("A", "tag-a")])).unwrap();
    assert_eq!(
        listed(),
        tags(&[("A", "tag-a")]),
        "tag_single_response_listtags"
    );
    (lambda.tag_resource(&arn, tags(&[("B", "tag-b"), ("C", "tag-c")]))).unwrap();
    assert_eq!(
        listed(),
        tags(&[("A", "tag-a"), ("B", "tag-b"), ("C", "tag-c")]),
        "tag_multiple_response_listtags"
    );
    (lambda.tag_resource(&arn, tags(&[("C", "tag-c-newsuffix"), ("D", "tag-d")]))).unwrap();
    assert_eq!(
        listed(),
        tags(&[
            ("A", "tag-a"),
            ("B", "tag-b"),
            ("C", "tag-c-newsuffix"),
            ("D", "tag-d")
        ]),
        "tag_overlap_response_listtags"
    );
    untag(&["A"]);
    assert_eq!(
        listed(),
        tags(&[("B", "tag-b"), ("C", "tag-c-newsuffix"), ("D", "tag-d")]),
        "untag_single_response_listtags"
    );
    untag(&["B", "C"]);
    assert_eq!(
        listed(),
        tags(&[("D", "tag-d")]),
        "untag_multiple_response_listtags"
    );
    untag(&["F"]);
    assert_eq!(
        listed(),
        tags(&[("D", "tag-d")]),
        "untag_nonexisting_response_listtags"
    );
    untag(&["D", "F"]);
    assert_eq!(
        listed(),
        tags(&[]),
        "untag_existing_and_nonexisting_response_listtags"
    );
}

// TestLambdaTags::test_tag_lifecycle, from list_tags_response_postaddtags to
// list_tags_response_postuntagall. The function is created without tags and `key_a` tagged
// after (the invoker's FunctionConfig takes no tags), so list_tags_response_postfncreate is left
// out, as are the get_fn_response_… steps (the Rust API's get_function has no Tags).
#[tokio::test(start_paused = true)]
async fn lifecycle_overwrite_and_untag() {
    let lambda = service();
    let arn = format!("{ARNS}:app");
    let listed = || lambda.list_tags(&arn).unwrap();
    lambda
        .tag_resource(&arn, tags(&[("key_a", "value_a")]))
        .unwrap();
    let added = [
        ("key_b", "value_b"),
        ("key_c", "value_c"),
        ("key_d", "value_d"),
        ("key_e", "value_e"),
    ];
    lambda.tag_resource(&arn, tags(&added)).unwrap();
    let all = [
        ("key_a", "value_a"),
        ("key_b", "value_b"),
        ("key_c", "value_c"),
        ("key_d", "value_d"),
        ("key_e", "value_e"),
    ];
    assert_eq!(listed(), tags(&all), "list_tags_response_postaddtags");
    (lambda.tag_resource(&arn, tags(&[("key_b", "value_b"), ("key_c", "value_x")]))).unwrap();
    let overwritten = [
        ("key_a", "value_a"),
        ("key_b", "value_b"),
        ("key_c", "value_x"),
        ("key_d", "value_d"),
        ("key_e", "value_e"),
    ];
    assert_eq!(listed(), tags(&overwritten), "list_tags_response_overwrite");
    let keys = |keys: &[&str]| keys.iter().map(|key| key.to_string()).collect::<Vec<_>>();
    lambda
        .untag_resource(&arn, &keys(&["key_c", "key_d"]))
        .unwrap();
    assert_eq!(
        listed(),
        tags(&[
            ("key_a", "value_a"),
            ("key_b", "value_b"),
            ("key_e", "value_e")
        ]),
        "list_tags_response_postuntag"
    );
    lambda
        .untag_resource(&arn, &keys(&["key_a", "key_b", "key_e"]))
        .unwrap();
    assert_eq!(listed(), tags(&[]), "list_tags_response_postuntagall");
}
