//! A function's tags listed (`list_tags`), and tag calls on a function deleted, as recorded in
//! test_lambda_api.snapshot.json, TestLambdaTag and TestLambdaTags.

use super::tag_resource::tags;
use super::*;

// TestLambdaTags::test_tag_exceptions, list_tag_lambda_empty: a function never tagged has no
// tags; it is not refused.
#[tokio::test(start_paused = true)]
async fn lambda_empty() {
    let lambda = service();
    assert_eq!(lambda.list_tags(&format!("{ARNS}:app")), Ok(tags(&[])));
}

// TestLambdaTag::test_tag_nonexisting_resource, not_found_exception_tag,
// not_found_exception_untag and not_found_exception_list, and TestLambdaTags::test_tag_lifecycle,
// list_tags_postdelete: every tag call on a deleted function is a function not found.
#[tokio::test(start_paused = true)]
async fn nonexisting_resource() {
    let lambda = service();
    let arn = format!("{ARNS}:app");
    lambda.delete_function("app").unwrap();
    let not_found = (
        ErrorCode::ResourceNotFoundException,
        404,
        format!("Function not found: {arn}"),
    );
    let tagged = lambda.tag_resource(&arn, tags(&[("A", "B")]));
    assert_eq!(refusal(tagged.unwrap_err()), not_found, "tag");
    let untagged = lambda.untag_resource(&arn, &["A".to_owned()]);
    assert_eq!(refusal(untagged.unwrap_err()), not_found, "untag");
    assert_eq!(
        refusal(lambda.list_tags(&arn).unwrap_err()),
        not_found,
        "list"
    );
}
