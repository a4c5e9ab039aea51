//! Resource-based policies: `add-permission`, `get-policy`, `remove-permission`, and the check
//! when a service invokes. Shapes and messages as recorded from AWS.

use invoker::{handler_fn, Context, FunctionConfig, HandlerError, InvokeRequest, Lambda};
use invoker::{Permission, Principal};
use serde_json::{json, Value};

async fn ok(_: Value, _: Context) -> Result<Value, HandlerError> {
    Ok(json!("ok"))
}

fn deployed() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("thumbnails"), handler_fn(ok))
        .unwrap();
    lambda
}

fn from_bucket(bucket: &str) -> Principal {
    Principal::Service {
        service: "s3.amazonaws.com".into(),
        source_arn: format!("arn:aws:s3:::{bucket}"),
        source_account: "123456789012".into(),
    }
}

const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:thumbnails";

#[tokio::test(start_paused = true)]
async fn add_permission_answers_the_statement_and_get_policy_the_document() {
    let lambda = deployed();
    let statement = lambda
        .add_permission(
            "thumbnails",
            Permission::new("s3", "s3.amazonaws.com").source_arn("arn:aws:s3:::photos"),
        )
        .unwrap();
    let expected = json!({
        "Sid": "s3",
        "Effect": "Allow",
        "Principal": { "Service": "s3.amazonaws.com" },
        "Action": "lambda:InvokeFunction",
        "Resource": FUNCTION_ARN,
        "Condition": { "ArnLike": { "AWS:SourceArn": "arn:aws:s3:::photos" } },
    });
    assert_eq!(statement, expected);
    assert_eq!(
        lambda.get_policy("thumbnails").unwrap(),
        json!({ "Version": "2012-10-17", "Id": "default", "Statement": [expected] })
    );
}

#[tokio::test(start_paused = true)]
async fn a_service_may_invoke_only_with_a_matching_statement() {
    let lambda = deployed();
    let from_photos = || InvokeRequest::new("thumbnails").principal(from_bucket("photos"));
    let denied = lambda.invoke(from_photos()).await.unwrap_err();
    assert_eq!((denied.code, denied.status), ("AccessDeniedException", 403));

    lambda
        .add_permission(
            "thumbnails",
            Permission::new("s3", "s3.amazonaws.com")
                .source_arn("arn:aws:s3:::photos")
                .source_account("123456789012"),
        )
        .unwrap();
    assert_eq!(lambda.invoke(from_photos()).await.unwrap().status_code, 200);
    let other_bucket = InvokeRequest::new("thumbnails").principal(from_bucket("other"));
    assert_eq!(
        lambda.invoke(other_bucket).await.unwrap_err().code,
        "AccessDeniedException",
        "least privilege: the statement names one bucket"
    );
    assert_eq!(
        lambda
            .invoke(InvokeRequest::new("thumbnails"))
            .await
            .unwrap()
            .status_code,
        200,
        "you, in the same account, need no statement"
    );
}

#[tokio::test(start_paused = true)]
async fn each_version_and_alias_has_a_policy_of_its_own() {
    let lambda = deployed();
    lambda.publish_version("thumbnails").unwrap();
    lambda.create_alias("thumbnails", "prod", "1").unwrap();
    lambda
        .add_permission("thumbnails", Permission::new("s3", "s3.amazonaws.com"))
        .unwrap();
    let to_prod = InvokeRequest::new("thumbnails:prod").principal(from_bucket("photos"));
    assert_eq!(
        lambda.invoke(to_prod.clone()).await.unwrap_err().code,
        "AccessDeniedException",
        "the unqualified function's policy does not cover the alias"
    );
    let statement = lambda
        .add_permission("thumbnails:prod", Permission::new("s3", "s3.amazonaws.com"))
        .unwrap();
    assert_eq!(statement["Resource"], format!("{FUNCTION_ARN}:prod"));
    assert_eq!(lambda.invoke(to_prod).await.unwrap().status_code, 200);
}

#[tokio::test(start_paused = true)]
async fn mistakes_are_refused_in_aws_words() {
    let lambda = deployed();
    let s3 = || Permission::new("s3", "s3.amazonaws.com");
    lambda.add_permission("thumbnails", s3()).unwrap();
    let cases = [
        (
            lambda.add_permission("thumbnails", s3()).unwrap_err(),
            "ResourceConflictException",
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.",
        ),
        (
            lambda
                .add_permission("thumbnails", Permission::new("example.com", "s3.amazonaws.com"))
                .unwrap_err(),
            "ValidationException",
            "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
        ),
        (
            lambda
                .add_permission("thumbnails", Permission::new("x", "s3"))
                .unwrap_err(),
            "InvalidParameterValueException",
            "The provided principal was invalid. Please check the principal and try again.",
        ),
        (
            lambda.add_permission("thumbnails:$LATEST", s3()).unwrap_err(),
            "InvalidParameterValueException",
            "We currently do not support adding policies for $LATEST.",
        ),
        (
            lambda.add_permission("thumbnails:nope", s3()).unwrap_err(),
            "ResourceNotFoundException",
            "Cannot find alias arn: arn:aws:lambda:us-east-1:123456789012:function:thumbnails:nope",
        ),
        (
            lambda.add_permission("missing", s3()).unwrap_err(),
            "ResourceNotFoundException",
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing",
        ),
        (
            lambda.remove_permission("thumbnails", "non-existent").unwrap_err(),
            "ResourceNotFoundException",
            "Statement non-existent is not found in resource policy.",
        ),
        (
            lambda.remove_permission("missing", "s3").unwrap_err(),
            "ResourceNotFoundException",
            "No policy found for: arn:aws:lambda:us-east-1:123456789012:function:missing",
        ),
    ];
    for (error, code, message) in cases {
        assert_eq!((error.code, error.message.as_str()), (code, message));
    }
    lambda.remove_permission("thumbnails", "s3").unwrap();
    let gone = lambda.get_policy("thumbnails").unwrap_err();
    assert_eq!(
        (gone.code, gone.message.as_str()),
        (
            "ResourceNotFoundException",
            "The resource you requested does not exist."
        )
    );
}
