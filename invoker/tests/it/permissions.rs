//! Permissions, both kinds. Resource-based policies: `add-permission`, `get-policy`,
//! `remove-permission` (shapes and messages as recorded from AWS), and the check when S3, SNS or
//! EventBridge invokes. Execution roles: every call a handler (or its init code) makes to a
//! service, a function invoking another, the polling of an event source mapping, and the logs.

use invoker::aws_lambda_events::s3::S3Event;
use invoker::Email;
use invoker::{
    service_fn, with_init, Diagnostic, Error, ErrorCode, FunctionConfig, InvokeRequest, Lambda,
};
use invoker::{EventSourceMapping, StartingPosition};
use invoker::{InitContext, LambdaEvent, ManagedPolicy, Permission, Principal, Role, ServiceError};
use invoker::{LambdaFunctionConfiguration, NotificationConfiguration};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

async fn ok(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    Ok(json!("ok"))
}

fn deployed() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("thumbnails"), service_fn(ok))
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
    assert_eq!(
        (denied.code, denied.status),
        (ErrorCode::AccessDeniedException, 403)
    );

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
        ErrorCode::AccessDeniedException,
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
        ErrorCode::AccessDeniedException,
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
            ErrorCode::ResourceConflictException,
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.",
        ),
        (
            lambda
                .add_permission("thumbnails", Permission::new("example.com", "s3.amazonaws.com"))
                .unwrap_err(),
            ErrorCode::ValidationException,
            "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
        ),
        (
            lambda
                .add_permission("thumbnails", Permission::new("x", "s3"))
                .unwrap_err(),
            ErrorCode::InvalidParameterValueException,
            "The provided principal was invalid. Please check the principal and try again.",
        ),
        (
            lambda.add_permission("thumbnails:$LATEST", s3()).unwrap_err(),
            ErrorCode::InvalidParameterValueException,
            "We currently do not support adding policies for $LATEST.",
        ),
        (
            lambda.add_permission("thumbnails:nope", s3()).unwrap_err(),
            ErrorCode::ResourceNotFoundException,
            "Cannot find alias arn: arn:aws:lambda:us-east-1:123456789012:function:thumbnails:nope",
        ),
        (
            lambda.add_permission("missing", s3()).unwrap_err(),
            ErrorCode::ResourceNotFoundException,
            "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing",
        ),
        (
            lambda.remove_permission("thumbnails", "non-existent").unwrap_err(),
            ErrorCode::ResourceNotFoundException,
            "Statement non-existent is not found in resource policy.",
        ),
        (
            lambda.remove_permission("missing", "s3").unwrap_err(),
            ErrorCode::ResourceNotFoundException,
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
            ErrorCode::ResourceNotFoundException,
            "The resource you requested does not exist."
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Pushing services and the resource-based policy

/// A function, a bucket, a topic and an hourly rule that all want to invoke it.
async fn pushers() -> (Lambda, String) {
    let lambda = Lambda::builder().seed(21).build();
    let arn = lambda
        .create_function(FunctionConfig::new("thumbnails"), service_fn(ok))
        .unwrap();
    lambda.s3().create_bucket("photos").unwrap();
    (lambda, arn)
}

fn notify_on_upload(lambda: &Lambda, function_arn: &str) -> Result<(), ServiceError> {
    let configuration = NotificationConfiguration::default().lambda_function(
        LambdaFunctionConfiguration::new(function_arn).event("s3:ObjectCreated:*"),
    );
    lambda
        .s3()
        .put_bucket_notification_configuration("photos", configuration)
}

/// S3 checks the function's policy when the notification is configured, as AWS does, and
/// refuses a destination it could not invoke.
#[tokio::test(start_paused = true)]
async fn s3_refuses_a_notification_to_a_function_it_may_not_invoke() {
    let (lambda, function_arn) = pushers().await;
    let refused = notify_on_upload(&lambda, &function_arn).unwrap_err();
    assert_eq!(
        (refused.code, refused.status, refused.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            400,
            "Unable to validate the following destination configurations"
        )
    );
    let other_bucket = Permission::new("s3-other", "s3.amazonaws.com")
        .source_arn("arn:aws:s3:::other")
        .source_account("123456789012");
    lambda.add_permission("thumbnails", other_bucket).unwrap();
    assert!(
        notify_on_upload(&lambda, &function_arn).is_err(),
        "another bucket's statement"
    );
    let photos = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn("arn:aws:s3:::photos")
        .source_account("123456789012");
    lambda.add_permission("thumbnails", photos).unwrap();
    notify_on_upload(&lambda, &function_arn).unwrap();

    // Removed later, the statement no longer lets the events in: each is refused, visibly.
    lambda.remove_permission("thumbnails", "s3-photos").unwrap();
    lambda
        .s3()
        .put_object("photos", "cat.jpg", b"meow".to_vec())
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(lambda.usage("thumbnails").invocations, 0);
    assert!(lambda.transcript().contains(
        "invoke thumbnails: 403 AccessDeniedException: s3.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:thumbnails because no resource-based policy allows the lambda:InvokeFunction action"
    ));
}

/// A bucket ARN names no account: without `source_account`, a statement for bucket `photos` lets
/// S3 invoke the function for a bucket of that name in any account (the confused deputy).
#[tokio::test(start_paused = true)]
async fn the_source_account_keeps_other_accounts_buckets_out() {
    let (lambda, _) = pushers().await;
    let from_account = |account: &str| {
        InvokeRequest::new("thumbnails").principal(Principal::Service {
            service: "s3.amazonaws.com".into(),
            source_arn: "arn:aws:s3:::photos".into(),
            source_account: account.into(),
        })
    };
    let bucket_only =
        Permission::new("s3-photos", "s3.amazonaws.com").source_arn("arn:aws:s3:::photos");
    lambda.add_permission("thumbnails", bucket_only).unwrap();
    assert_eq!(
        lambda
            .invoke(from_account("111122223333"))
            .await
            .unwrap()
            .status_code,
        200,
        "a stranger's bucket called photos gets in"
    );
    lambda.remove_permission("thumbnails", "s3-photos").unwrap();
    let pinned = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn("arn:aws:s3:::photos")
        .source_account(lambda.account_id());
    lambda.add_permission("thumbnails", pinned).unwrap();
    assert_eq!(
        lambda
            .invoke(from_account("111122223333"))
            .await
            .unwrap_err()
            .code,
        ErrorCode::AccessDeniedException
    );
    assert_eq!(
        lambda
            .invoke(from_account("123456789012"))
            .await
            .unwrap()
            .status_code,
        200
    );
}

/// SNS does not check when it subscribes; each delivery Lambda refuses is lost for that
/// subscriber, written down and counted.
#[tokio::test(start_paused = true)]
async fn an_sns_delivery_without_permission_is_lost_written_down_and_counted() {
    let (lambda, function_arn) = pushers().await;
    let topic = lambda.sns().create_topic("alerts").unwrap();
    lambda
        .sns()
        .subscribe(&topic, "lambda", &function_arn)
        .unwrap();
    let message_id = lambda
        .sns()
        .publish(&topic, "disk full", None)
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(lambda.usage("thumbnails").invocations, 0);
    let counts = lambda.sns().delivery_counts(&topic);
    assert_eq!((counts.delivered, counts.failed), (0, 1));
    assert!(lambda.transcript().contains(&format!(
        "sns: delivery of message {message_id} to {topic}:"
    )));
    assert!(lambda
        .transcript()
        .contains("failed (AccessDeniedException); the message is lost for this subscriber"));

    let sns = Permission::new("sns-alerts", "sns.amazonaws.com").source_arn(&topic);
    lambda.add_permission("thumbnails", sns).unwrap();
    lambda
        .sns()
        .publish(&topic, "disk full again", None)
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(lambda.usage("thumbnails").invocations, 1);
    let counts = lambda.sns().delivery_counts(&topic);
    assert_eq!((counts.delivered, counts.failed), (1, 1));
}

/// EventBridge invokes for the rule: without a statement, each firing's invocation fails.
#[tokio::test(start_paused = true)]
async fn an_eventbridge_rule_may_not_invoke_without_a_statement_for_the_rule() {
    let (lambda, function_arn) = pushers().await;
    let events = lambda.eventbridge();
    let rule = events.put_rule("hourly", "rate(1 hour)").unwrap();
    events.put_targets("hourly", &function_arn).unwrap();
    tokio::time::sleep(Duration::from_secs(3601)).await;
    lambda.settle().await;
    assert_eq!(lambda.usage("thumbnails").invocations, 0);
    assert!(lambda.transcript().contains(
        "403 AccessDeniedException: events.amazonaws.com is not authorized to perform: lambda:InvokeFunction"
    ));
    lambda
        .add_permission(
            "thumbnails",
            Permission::new("hourly", "events.amazonaws.com").source_arn(rule),
        )
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    lambda.settle().await;
    assert_eq!(lambda.usage("thumbnails").invocations, 1);
}

// ---------------------------------------------------------------------------------------------
// The execution role: what the code may call

/// An account with one of everything a handler may call.
async fn account() -> Lambda {
    let lambda = Lambda::builder().seed(7).build();
    lambda.s3().create_bucket("uploads").unwrap();
    lambda.s3().create_bucket("indexes").unwrap();
    lambda
        .s3()
        .put_object("uploads", "cat.jpg", b"meow".to_vec())
        .await
        .unwrap();
    lambda.sqs().create_queue("jobs");
    lambda.sns().create_topic("alerts").unwrap();
    lambda.dynamodb().create_table("orders", "id").unwrap();
    lambda.kinesis().create_stream("clicks", 1).unwrap();
    lambda.ses().verify_email_identity("shop@example.com");
    lambda.ses().grant_production_access();
    lambda
}

/// Makes one call to a service by name, as a handler (or a test) would.
async fn call(lambda: &Lambda, name: &str) -> Result<(), ServiceError> {
    let queue = "arn:aws:sqs:us-east-1:123456789012:jobs";
    let topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    match name {
        "s3:GetObject" => lambda.s3().get_object("uploads", "cat.jpg").map(drop),
        "s3:GetObject (missing key)" => lambda.s3().get_object("uploads", "dog.jpg").map(drop),
        "s3:PutObject" => lambda
            .s3()
            .put_object("indexes", "cat.json", b"{}".to_vec())
            .await
            .map(drop),
        "s3:DeleteObject" => lambda.s3().delete_object("uploads", "cat.jpg").await,
        "s3:ListBucket" => lambda.s3().list_objects("uploads", "").map(drop),
        "sqs:SendMessage" => lambda
            .sqs()
            .send_message(queue, "job".into(), BTreeMap::new())
            .map(drop),
        "sns:Publish" => lambda.sns().publish(topic, "hi", None).await.map(drop),
        "ses:SendEmail" => lambda
            .ses()
            .send_email(Email::new(
                "shop@example.com",
                "ada@example.com",
                "Hi",
                "Hello",
            ))
            .map(drop),
        "dynamodb:PutItem" => lambda.dynamodb().put_item("orders", json!({ "id": "o-1" })),
        "kinesis:PutRecord" => lambda.kinesis().put_record("clicks", "k", b"{}").map(drop),
        other => panic!("no call {other}"),
    }
}

const CALLS: [&str; 10] = [
    "s3:GetObject",
    "s3:GetObject (missing key)",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "sqs:SendMessage",
    "sns:Publish",
    "ses:SendEmail",
    "dynamodb:PutItem",
    "kinesis:PutRecord",
];

/// Deploys `probe` with `role`: a handler that makes the calls its event names and answers with
/// what each gave, `"ok"` or the service's error.
fn deploy_probe(lambda: &Lambda, role: Role) {
    let service = lambda.clone();
    let probe = service_fn(move |event: LambdaEvent<Vec<String>>| {
        let calls = event.payload;
        let service = service.clone();
        async move {
            let mut results = BTreeMap::new();
            for name in calls {
                let result = match call(&service, &name).await {
                    Ok(()) => json!("ok"),
                    Err(e) => {
                        json!({ "code": e.code.as_str(), "status": e.status, "message": e.message })
                    }
                };
                results.insert(name, result);
            }
            Ok::<_, Diagnostic>(results)
        }
    });
    lambda
        .create_function(FunctionConfig::new("probe").role(role), probe)
        .unwrap();
}

async fn probe(lambda: &Lambda, calls: &[&str]) -> Value {
    let response = lambda
        .invoke(InvokeRequest::new("probe").payload(json!(calls)))
        .await
        .unwrap();
    response.payload_json().unwrap()
}

/// With the basic role, each call is refused by its service, in that service's words; the
/// messages name the role's session, the action and the resource.
#[tokio::test(start_paused = true)]
async fn each_service_refuses_a_call_the_role_does_not_allow_in_its_own_words() {
    let lambda = account().await;
    deploy_probe(
        &lambda,
        Role::new("probe-role").attach(ManagedPolicy::BasicExecution),
    );
    let results = probe(&lambda, &CALLS).await;
    let codes: Vec<(&str, &str, u64)> = CALLS
        .iter()
        .map(|c| {
            let r = &results[*c];
            (
                *c,
                r["code"].as_str().unwrap(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("s3:GetObject", "AccessDenied", 403),
            ("s3:GetObject (missing key)", "AccessDenied", 403),
            ("s3:PutObject", "AccessDenied", 403),
            ("s3:DeleteObject", "AccessDenied", 403),
            ("s3:ListBucket", "AccessDenied", 403),
            ("sqs:SendMessage", "AccessDenied", 403),
            ("sns:Publish", "AuthorizationError", 403),
            ("ses:SendEmail", "AccessDenied", 403),
            ("dynamodb:PutItem", "AccessDeniedException", 400),
            ("kinesis:PutRecord", "AccessDeniedException", 400),
        ]
    );
    assert_eq!(
        results["s3:PutObject"]["message"],
        r#"User: arn:aws:sts::123456789012:assumed-role/probe-role/probe is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::indexes/cat.json" because no identity-based policy allows the s3:PutObject action"#
    );
    insta::assert_json_snapshot!(results);
    assert!(lambda.s3().list_objects("indexes", "").unwrap().is_empty());
}

/// A role that allows exactly these calls, each on its one resource: everything works. Reading
/// a missing key then says so, because the role may list the bucket.
#[tokio::test(start_paused = true)]
async fn a_role_that_allows_each_call_on_its_resource_lets_them_all_through() {
    let lambda = account().await;
    let role = Role::new("probe-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("s3:GetObject", "arn:aws:s3:::uploads/*")
        .allow("s3:DeleteObject", "arn:aws:s3:::uploads/*")
        .allow("s3:ListBucket", "arn:aws:s3:::uploads")
        .allow("s3:PutObject", "arn:aws:s3:::indexes/*")
        .allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:jobs")
        .allow("sns:Publish", "arn:aws:sns:us-east-1:123456789012:alerts")
        .allow(
            "ses:SendEmail",
            "arn:aws:ses:us-east-1:123456789012:identity/shop@example.com",
        )
        .allow(
            "dynamodb:PutItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        )
        .allow(
            "kinesis:PutRecord",
            "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
        );
    deploy_probe(&lambda, role);
    let results = probe(&lambda, &CALLS).await;
    for name in CALLS {
        let expected = match name {
            "s3:GetObject (missing key)" => json!({
                "code": "NoSuchKey", "status": 404, "message": "The specified key does not exist."
            }),
            _ => json!("ok"),
        };
        assert_eq!(results[name], expected, "{name}");
    }
}

/// Outside any handler, a call is made as the account, and needs no role.
#[tokio::test(start_paused = true)]
async fn calls_from_outside_any_handler_are_made_as_the_account() {
    let lambda = account().await;
    for name in CALLS {
        let result = call(&lambda, name).await;
        match name {
            "s3:GetObject (missing key)" => {
                assert_eq!(result.unwrap_err().code, ErrorCode::NoSuchKey)
            }
            _ => result.unwrap_or_else(|e| panic!("{name}: {e}")),
        }
    }
}

/// Init code runs as the function too: a read it may not make fails the cold start.
#[tokio::test(start_paused = true)]
async fn init_code_calls_as_the_function() {
    let lambda = account().await;
    let service = lambda.clone();
    let code = with_init(
        move |_init: InitContext| {
            let service = service.clone();
            async move { Ok::<_, Diagnostic>(service.s3().get_object("uploads", "cat.jpg")?) }
        },
        |config: std::sync::Arc<Vec<u8>>, _event: LambdaEvent<Value>| async move {
            Ok::<_, Diagnostic>(json!(config.len()))
        },
    );
    lambda
        .create_function(FunctionConfig::new("reader"), code)
        .unwrap();
    let response = lambda.invoke(InvokeRequest::new("reader")).await.unwrap();
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert!(response
        .payload_text()
        .contains("not authorized to perform: s3:GetObject"));
    let role = Role::default().allow("s3:GetObject", "arn:aws:s3:::uploads/cat.jpg");
    lambda
        .update_function_configuration("reader", |c| c.role(role))
        .unwrap();
    let response = lambda.invoke(InvokeRequest::new("reader")).await.unwrap();
    assert_eq!(response.payload_json().unwrap(), json!(4));
}

/// Within one account, a statement in the target's policy that names the caller's role is
/// enough: no identity-based policy needed.
#[tokio::test(start_paused = true)]
async fn a_statement_naming_the_callers_role_lets_it_invoke() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("target"), service_fn(ok))
        .unwrap();
    let service = lambda.clone();
    let caller = service_fn(move |_event: LambdaEvent<Value>| {
        let service = service.clone();
        async move {
            let response = service.invoke(InvokeRequest::new("target")).await?;
            Ok::<_, Error>(response.payload_json()?)
        }
    });
    let role = Role::new("caller-role").attach(ManagedPolicy::BasicExecution);
    lambda
        .create_function(FunctionConfig::new("caller").role(role), caller)
        .unwrap();
    let refused = lambda.invoke(InvokeRequest::new("caller")).await.unwrap();
    // The caller's `?` boxed Lambda's refusal: its message names the exception.
    let message = refused.payload_json().unwrap()["errorMessage"].clone();
    assert!(
        message
            .as_str()
            .is_some_and(|m| m.starts_with("AccessDeniedException: ")),
        "{message}"
    );
    let statement = Permission::new("caller", "arn:aws:iam::123456789012:role/caller-role");
    lambda.add_permission("target", statement).unwrap();
    let answered = lambda.invoke(InvokeRequest::new("caller")).await.unwrap();
    assert_eq!(answered.payload_json().unwrap(), json!("ok"));
}

// ---------------------------------------------------------------------------------------------
// The pull model: mappings read the source as the role

#[tokio::test(start_paused = true)]
async fn a_mapping_is_refused_when_the_role_may_not_read_its_source() {
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("reader"), service_fn(ok))
        .unwrap();
    let queue = lambda.sqs().create_queue("jobs");
    let kinesis = lambda.kinesis().create_stream("clicks", 1).unwrap();
    let table = lambda.dynamodb().create_table("orders", "id").unwrap();
    let refused = |source: &str| {
        let mut mapping = EventSourceMapping::new(source, "reader");
        if !source.starts_with("arn:aws:sqs:") {
            mapping = mapping.starting_position(StartingPosition::TrimHorizon);
        }
        let error = lambda.create_event_source_mapping(mapping).unwrap_err();
        assert_eq!(
            (error.code, error.status),
            (ErrorCode::InvalidParameterValueException, 400)
        );
        error.message
    };
    assert_eq!(
        refused(&queue),
        "The function execution role does not have permissions to call ReceiveMessage on SQS"
    );
    assert_eq!(
        refused(&kinesis),
        "Cannot access stream arn:aws:kinesis:us-east-1:123456789012:stream/clicks. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, ListShards, and ListStreams Actions on your stream in IAM."
    );
    assert_eq!(
        refused(&table),
        format!("Cannot access stream {table}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.")
    );
    // Receiving alone is not enough: Lambda deletes what the function processed.
    let receive_only = Role::default().allow("sqs:ReceiveMessage", &queue);
    lambda
        .update_function_configuration("reader", |c| c.role(receive_only))
        .unwrap();
    assert_eq!(
        refused(&queue),
        "The function execution role does not have permissions to call DeleteMessage on SQS"
    );
    // The managed policies allow it all, on every resource.
    let role = Role::new("reader-role")
        .attach(ManagedPolicy::SqsQueueExecution)
        .attach(ManagedPolicy::KinesisExecution)
        .attach(ManagedPolicy::DynamoDbExecution);
    lambda
        .update_function_configuration("reader", |c| c.role(role))
        .unwrap();
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&queue, "reader"))
        .unwrap();
    for stream in [&kinesis, &table] {
        let mapping = EventSourceMapping::new(stream, "reader")
            .starting_position(StartingPosition::TrimHorizon);
        lambda.create_event_source_mapping(mapping).unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn a_least_privilege_poller_names_its_queue() {
    let lambda = Lambda::new();
    let queue = lambda.sqs().create_queue("jobs");
    let role = ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"]
        .iter()
        .fold(Role::default(), |role, action| {
            role.allow(format!("sqs:{action}"), &queue)
        });
    lambda
        .create_function(FunctionConfig::new("reader").role(role), service_fn(ok))
        .unwrap();
    lambda
        .create_event_source_mapping(EventSourceMapping::new(&queue, "reader"))
        .unwrap();
    let other = lambda.sqs().create_queue("other");
    let error = lambda
        .create_event_source_mapping(EventSourceMapping::new(&other, "reader"))
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidParameterValueException);
}

// ---------------------------------------------------------------------------------------------
// Logs

async fn chatty(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let ctx = event.context;
    ctx.logger().info("working");
    Ok(json!("done"))
}

/// Without `logs:CreateLogStream` and `logs:PutLogEvents` the function runs, but CloudWatch gets
/// none of its lines; the transcript says so once per environment.
#[tokio::test(start_paused = true)]
async fn without_the_logs_permissions_the_function_runs_and_its_logs_are_dropped() {
    let lambda = Lambda::builder().seed(5).build();
    let silent = Role::new("silent-role");
    lambda
        .create_function(
            FunctionConfig::new("quiet").role(silent),
            service_fn(chatty),
        )
        .unwrap();
    for _ in 0..2 {
        let response = lambda.invoke(InvokeRequest::new("quiet")).await.unwrap();
        assert_eq!(response.payload_json().unwrap(), json!("done"));
    }
    assert!(
        lambda.log_lines("quiet").is_empty(),
        "not even START and REPORT"
    );
    assert!(lambda.log_streams("quiet").is_empty());
    assert_eq!(lambda.usage("quiet").invocations, 2);
    let transcript = lambda.transcript();
    assert_eq!(
        transcript
            .matches("dropped: role silent-role may not")
            .count(),
        1,
        "{transcript}"
    );
    insta::assert_snapshot!(transcript);

    // The usual least-privilege statement, on the function's own log group, is enough.
    let own_group = Role::new("silent-role")
        .allow(
            "logs:CreateLogStream",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/quiet:*",
        )
        .allow(
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/quiet:*",
        );
    lambda
        .update_function_configuration("quiet", |c| c.role(own_group))
        .unwrap();
    lambda.invoke(InvokeRequest::new("quiet")).await.unwrap();
    assert!(lambda
        .log_lines("quiet")
        .iter()
        .any(|l| l.ends_with("working")));
}

// ---------------------------------------------------------------------------------------------
// One scenario, as the transcript tells it

/// S3 invokes `index-upload` for `uploads`; its role may read the upload and write the index,
/// nothing more, so a stray write to `uploads` is refused inside the invocation.
#[tokio::test(start_paused = true)]
async fn transcript_of_an_upload_indexed_with_least_privilege() {
    let lambda = Lambda::builder().seed(2025).build();
    let uploads = lambda.s3().create_bucket("uploads").unwrap();
    lambda.s3().create_bucket("indexes").unwrap();
    let service = lambda.clone();
    let index = service_fn(move |event: LambdaEvent<S3Event>| {
        let (event, ctx) = event.into_parts();
        let service = service.clone();
        async move {
            let key = event.records[0].s3.object.key.clone().unwrap_or_default();
            let upload = service.s3().get_object("uploads", &key)?;
            let entry = json!({ "key": key, "size": upload.len() }).to_string();
            service
                .s3()
                .put_object("indexes", &format!("{key}.json"), entry)
                .await?;
            // Not allowed: the function must not change what it was given.
            if let Err(refused) = service.s3().delete_object("uploads", &key).await {
                ctx.logger()
                    .warn(format!("{}: {}", refused.code, refused.message));
            }
            Ok::<_, Diagnostic>(())
        }
    });
    let role = Role::new("index-upload-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("s3:GetObject", "arn:aws:s3:::uploads/*")
        .allow("s3:PutObject", "arn:aws:s3:::indexes/*");
    let function = lambda
        .create_function(FunctionConfig::new("index-upload").role(role), index)
        .unwrap();
    let s3 = Permission::new("s3-uploads", "s3.amazonaws.com")
        .source_arn(&uploads)
        .source_account(lambda.account_id());
    lambda.add_permission("index-upload", s3).unwrap();
    notify_bucket(&lambda, "uploads", &function);
    lambda
        .s3()
        .put_object("uploads", "cat.jpg", b"meow".to_vec())
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.s3().list_objects("indexes", "").unwrap(),
        ["cat.jpg.json"]
    );
    insta::assert_snapshot!(lambda.transcript());
}

fn notify_bucket(lambda: &Lambda, bucket: &str, function_arn: &str) {
    let configuration = NotificationConfiguration::default().lambda_function(
        LambdaFunctionConfiguration::new(function_arn).event("s3:ObjectCreated:*"),
    );
    lambda
        .s3()
        .put_bucket_notification_configuration(bucket, configuration)
        .unwrap();
}
