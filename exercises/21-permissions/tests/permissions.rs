//! Tests for exercise 21. Each deploys the buckets and `index-upload` with your statement and
//! your role. The first ones upload a document and look for its index and the function's logs.
//! The others attack: another bucket, another account and another service try to invoke the
//! function, and a probe function running as your role tries what `index-upload` must not do.
//! Every attempt must be refused.
//!
//! Deploying checks your statement already: S3 accepts the notification on `uploads` only if
//! the statement lets S3 invoke the function for that bucket, and answers `InvalidArgument:
//! Unable to validate the following destination configurations` when it does not.

use assert_json_diff::assert_json_eq;
use invoker::testing::{deployed, invoke};
use invoker::{service_fn, Diagnostic, ErrorCode, FunctionConfig, InvokeRequest, Lambda};
use invoker::{LambdaEvent, Principal, ServiceError, Sqs, S3};
use invoker::{LambdaFunctionConfiguration, NotificationConfiguration};
use permissions::{deploy, execution_role, index_key, FUNCTION, INDEXES, UPLOADS};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:index-upload";
const DOCUMENT: &str = "Meeting notes\nShip the index by Friday.\n";

/// Uploads a document, as the app does, and waits for S3's event to be processed.
async fn upload(lambda: &Lambda, key: &str, text: &str) {
    lambda
        .s3()
        .put_object(UPLOADS, key, text.as_bytes().to_vec())
        .await
        .expect("the bucket exists");
    lambda.settle().await;
}

#[tokio::test(start_paused = true)]
async fn an_upload_gets_its_index_record() {
    let lambda = deployed(21, deploy);
    upload(&lambda, "notes/monday.txt", DOCUMENT).await;
    let index = lambda
        .s3()
        .get_object(INDEXES, &index_key("notes/monday.txt"))
        .expect("index-upload read the document and wrote indexes/notes/monday.txt.json");
    let index: Value = serde_json::from_slice(&index).unwrap();
    assert_json_eq!(
        index,
        json!({ "key": "notes/monday.txt", "bytes": 40, "words": 7, "title": "Meeting notes" })
    );
}

#[tokio::test(start_paused = true)]
async fn the_function_logs_reach_cloudwatch() {
    let lambda = deployed(21, deploy);
    upload(&lambda, "notes/monday.txt", DOCUMENT).await;
    let logs = lambda.log_lines(FUNCTION);
    assert!(
        logs.iter()
            .any(|line| line.ends_with("indexed notes/monday.txt: 7 words")),
        "no log lines arrived: Lambda writes them with the function's role, which must allow \
         logs:CreateLogStream and logs:PutLogEvents. Its logs: {logs:?}"
    );
}

/// A sibling bucket of the same account asks S3 to notify the function: S3 checks the policy
/// and must refuse.
#[tokio::test(start_paused = true)]
async fn s3_may_not_invoke_the_function_for_another_bucket() {
    let lambda = deployed(21, deploy);
    lambda.s3().create_bucket("uploads-archive").unwrap();
    let notification = NotificationConfiguration::default().lambda_function(
        LambdaFunctionConfiguration::new(FUNCTION_ARN).event("s3:ObjectCreated:*"),
    );
    let refused = lambda
        .s3()
        .put_bucket_notification_configuration("uploads-archive", notification)
        .expect_err(
            "S3 accepted a notification from the bucket uploads-archive: the statement's source \
             ARN must name the bucket uploads exactly (no source ARN, or a wildcard, lets other \
             buckets in)",
        );
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            "Unable to validate the following destination configurations"
        )
    );
}

/// S3 acting for a bucket called `uploads` in another account: the confused deputy.
#[tokio::test(start_paused = true)]
async fn s3_may_not_invoke_the_function_for_another_accounts_bucket() {
    let lambda = deployed(21, deploy);
    let strangers_bucket = Principal::Service {
        service: "s3.amazonaws.com".into(),
        source_arn: format!("arn:aws:s3:::{UPLOADS}"),
        source_account: "111122223333".into(),
    };
    let request = InvokeRequest::new(FUNCTION).principal(strangers_bucket);
    let refused = lambda.invoke(request).await.expect_err(
        "S3 invoked the function for the account 111122223333's bucket: the statement needs a \
         source account",
    );
    assert_eq!(
        (refused.code, refused.status),
        (ErrorCode::AccessDeniedException, 403)
    );
}

/// SNS and EventBridge are not S3: no statement lets them in.
#[tokio::test(start_paused = true)]
async fn no_other_service_may_invoke_the_function() {
    let lambda = deployed(21, deploy);
    let topic = lambda.sns().create_topic("everything").unwrap();
    lambda
        .sns()
        .subscribe(&topic, "lambda", FUNCTION_ARN)
        .unwrap();
    lambda.sns().publish(&topic, "hello", None).await.unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.sns().delivery_counts(&topic).failed,
        1,
        "SNS delivered to the function: the statement's principal must be s3.amazonaws.com"
    );
    let rule = Principal::Service {
        service: "events.amazonaws.com".into(),
        source_arn: format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/hourly"),
        source_account: ACCOUNT.into(),
    };
    let refused = lambda
        .invoke(InvokeRequest::new(FUNCTION).principal(rule))
        .await
        .expect_err("EventBridge invoked the function");
    assert_eq!(refused.code, ErrorCode::AccessDeniedException);
    assert_eq!(lambda.usage(FUNCTION).invocations, 0);
}

#[tokio::test(start_paused = true)]
async fn the_policy_has_one_statement_that_only_allows_invoking() {
    let lambda = deployed(21, deploy);
    let policy = lambda.get_policy(FUNCTION).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{policy:#}");
    let statement = &statements[0];
    assert_eq!(
        statement["Action"], "lambda:InvokeFunction",
        "{statement:#}"
    );
    assert_json_eq!(
        statement["Principal"],
        json!({ "Service": "s3.amazonaws.com" })
    );
    assert_json_eq!(
        statement["Condition"],
        json!({
            "ArnLike": { "AWS:SourceArn": "arn:aws:s3:::uploads" },
            "StringEquals": { "AWS:SourceAccount": ACCOUNT },
        })
    );
}

/// What the probe tries, one call each, and whether `index-upload`'s role must allow it.
const ATTEMPTS: [(&str, bool); 10] = [
    ("read a document of uploads", true),
    ("write an index record", true),
    ("overwrite a document of uploads", false),
    ("delete a document of uploads", false),
    ("list the documents of uploads", false),
    ("read an index record back", false),
    ("delete an index record", false),
    ("read another bucket", false),
    ("write to another bucket", false),
    ("send a message to a queue", false),
];

/// Makes one of the [`ATTEMPTS`] with the clients of the code running now.
async fn attempt(s3: &S3, sqs: &Sqs, what: &str) -> Result<(), ServiceError> {
    match what {
        "read a document of uploads" => s3.get_object(UPLOADS, "notes/monday.txt").map(drop),
        "write an index record" => s3
            .put_object(INDEXES, "probe.json", b"{}".to_vec())
            .await
            .map(drop),
        "overwrite a document of uploads" => s3
            .put_object(UPLOADS, "notes/monday.txt", b"gone".to_vec())
            .await
            .map(drop),
        "delete a document of uploads" => s3.delete_object(UPLOADS, "notes/monday.txt").await,
        "list the documents of uploads" => s3.list_objects(UPLOADS, "").map(drop),
        "read an index record back" => s3.get_object(INDEXES, "notes/monday.txt.json").map(drop),
        "delete an index record" => s3.delete_object(INDEXES, "notes/monday.txt.json").await,
        "read another bucket" => s3.get_object("payroll", "salaries.csv").map(drop),
        "write to another bucket" => s3
            .put_object("payroll", "salaries.csv", b"x".to_vec())
            .await
            .map(drop),
        "send a message to a queue" => sqs
            .send_message(
                &format!("arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"),
                "x".into(),
                BTreeMap::new(),
            )
            .map(drop),
        other => panic!("no attempt {other}"),
    }
}

/// Deploys `probe`, a function that runs as your role and makes the attempts its event lists;
/// it answers, for each, `"allowed"` or the service's error code.
fn deploy_probe(lambda: &Lambda) {
    let probe = service_fn(|event: LambdaEvent<Vec<String>>| async move {
        let (attempts, ctx) = event.into_parts();
        let (s3, sqs) = (ctx.s3(), ctx.sqs());
        let mut results = BTreeMap::new();
        for what in attempts {
            let outcome = match attempt(&s3, &sqs, &what).await {
                Ok(()) => "allowed".to_owned(),
                Err(e) => e.code.as_str().to_owned(),
            };
            results.insert(what, outcome);
        }
        Ok::<_, Diagnostic>(results)
    });
    let config = FunctionConfig::new("probe").role(execution_role());
    lambda.create_function(config, probe).unwrap();
}

/// Code running as your role (a bug in `index-upload`, or someone who took it over) may do what
/// the function needs and nothing else.
#[tokio::test(start_paused = true)]
async fn the_role_allows_reading_uploads_and_writing_indexes_and_nothing_more() {
    let lambda = deployed(21, deploy);
    lambda.s3().create_bucket("payroll").unwrap();
    lambda
        .s3()
        .put_object("payroll", "salaries.csv", b"ada,1".to_vec())
        .await
        .unwrap();
    lambda.sqs().create_queue("jobs");
    upload(&lambda, "notes/monday.txt", DOCUMENT).await;
    deploy_probe(&lambda);
    let attempts: Vec<&str> = ATTEMPTS.iter().map(|(what, _)| *what).collect();
    let probe = InvokeRequest::new("probe").payload(json!(attempts));
    let response = invoke(&lambda, probe).await;
    let results: BTreeMap<String, String> =
        serde_json::from_value(response.payload_json().unwrap()).unwrap();
    for (what, needed) in ATTEMPTS {
        let outcome = &results[what];
        match needed {
            true => assert_eq!(
                outcome, "allowed",
                "the role must allow the function to {what}"
            ),
            false => assert!(
                outcome.starts_with("AccessDenied"),
                "the role allowed code to {what} ({outcome}): least privilege allows only what \
                 index-upload does, on the narrowest resources"
            ),
        }
    }
}

/// A sweep of what no statement may allow: other S3 actions, other buckets, other services.
#[tokio::test(start_paused = true)]
async fn the_role_has_no_wildcard_that_lets_more_through() {
    let role = execution_role();
    let forbidden = [
        (
            "s3:GetObject",
            "arn:aws:s3:::uploads-archive/notes/monday.txt",
        ),
        ("s3:GetObject", "arn:aws:s3:::indexes/notes/monday.txt.json"),
        ("s3:PutObject", "arn:aws:s3:::uploads/notes/monday.txt"),
        ("s3:PutObject", "arn:aws:s3:::indexes-old/x.json"),
        ("s3:DeleteObject", "arn:aws:s3:::indexes/x.json"),
        ("s3:PutObjectAcl", "arn:aws:s3:::indexes/x.json"),
        ("s3:GetObjectAcl", "arn:aws:s3:::uploads/notes/monday.txt"),
        ("s3:DeleteBucket", "arn:aws:s3:::uploads"),
        ("s3:PutBucketPolicy", "arn:aws:s3:::indexes"),
        ("s3:ListAllMyBuckets", "*"),
        (
            "dynamodb:PutItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        ),
        ("lambda:InvokeFunction", FUNCTION_ARN),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/admin"),
        ("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/1234"),
    ];
    for (action, resource) in forbidden {
        assert!(
            !role.allows(action, resource),
            "the role allows {action} on {resource}: least privilege names each action and its \
             resource, with no wildcard that reaches further"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn transcript_of_one_upload() {
    let lambda = deployed(21, deploy);
    upload(&lambda, "notes/monday.txt", DOCUMENT).await;
    insta::assert_snapshot!(lambda.transcript());
}
