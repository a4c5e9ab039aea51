//! The worked examples of chapter 10, "Permissions: who may invoke, what the function may
//! do": the chapter (`book/src/permissions.md`) includes their code and their transcripts.

use invoker::aws_lambda_events::s3::S3Event;
use invoker::{
    service_fn, Diagnostic, EventSourceMapping, FunctionConfig, InvocationType, InvokeRequest,
    Lambda, LambdaEvent, ManagedPolicy, Permission, Principal, Role, ServiceError,
};
use invoker::{url_decode_key, LambdaFunctionConfiguration, NotificationConfiguration};
use invoker::{with_init, InitContext, S3};
use serde_json::Value;
use std::sync::Arc;

/// A function that does nothing: in these examples only its permissions matter.
async fn ok(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    Ok(Value::Null)
}

/// A bucket's notification configuration: every new object under `uploads/` invokes
/// `function_arn`.
fn on_new_uploads(function_arn: &str) -> NotificationConfiguration {
    let uploads = LambdaFunctionConfiguration::new(function_arn)
        .event("s3:ObjectCreated:*")
        .prefix("uploads/");
    NotificationConfiguration::default().lambda_function(uploads)
}

/// An answer as the book prints it: what was accepted, or AWS's refusal.
fn answer<T>(result: Result<T, ServiceError>) -> String {
    match result {
        Ok(_) => "accepted".to_owned(),
        Err(e) => format!("{} ({}): {}", e.code, e.status, e.message),
    }
}

#[tokio::test(start_paused = true)]
async fn permissions_who_may_invoke() {
    // ANCHOR: permissions_policy
    let lambda = Lambda::builder().seed(2025).build();
    let bucket = lambda.s3().create_bucket("photos").unwrap();
    let function = lambda
        .create_function(FunctionConfig::new("thumbnail"), service_fn(ok))
        .unwrap();
    let notify = || {
        lambda
            .s3()
            .put_bucket_notification_configuration("photos", on_new_uploads(&function))
    };
    let mut answers = Vec::new();
    answers.push(format!(
        "S3 notification, no statement: {}",
        answer(notify())
    ));

    // `aws lambda add-permission`: S3 may invoke the function, for this bucket of this account.
    let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn(&bucket)
        .source_account(lambda.account_id());
    let statement = lambda.add_permission("thumbnail", s3_may_invoke).unwrap();
    answers.push(format!("add-permission answered: {statement:#}"));
    answers.push(format!("S3 notification, with it: {}", answer(notify())));

    // Other callers, as the policy sees them: a bucket called `photos` in another account,
    // and SNS for a topic.
    let callers = [
        ("s3.amazonaws.com", "arn:aws:s3:::photos", "111122223333"),
        (
            "sns.amazonaws.com",
            "arn:aws:sns:us-east-1:123456789012:alerts",
            "123456789012",
        ),
    ];
    for (service, source_arn, source_account) in callers {
        let principal = Principal::Service {
            service: service.into(),
            source_arn: source_arn.into(),
            source_account: source_account.into(),
        };
        let request = InvokeRequest::new("thumbnail")
            .invocation_type(InvocationType::Event)
            .principal(principal);
        let result = lambda.invoke(request).await;
        answers.push(format!(
            "{service} for {source_arn} of {source_account}: {}",
            answer(result)
        ));
    }
    // ANCHOR_END: permissions_policy
    insta::assert_snapshot!(answers.join("\n"));
}

// ANCHOR: permissions_role_code
/// Makes a thumbnail of each new upload, then tidies up by deleting the upload. Or tries to.
async fn thumbnail_and_tidy_up(s3: &S3, event: LambdaEvent<S3Event>) -> Result<(), Diagnostic> {
    let (event, ctx) = event.into_parts();
    for record in event.records {
        let key = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        let photo = s3.get_object("photos", &key)?;
        let name = key.trim_start_matches("uploads/");
        let small = photo[..photo.len().min(16)].to_vec();
        s3.put_object("photos", &format!("thumbnails/{name}"), small)
            .await?;
        ctx.logger().info(format!("thumbnails/{name} written"));
        if let Err(refused) = s3.delete_object("photos", &key).await {
            ctx.logger().warn(format!("{key} kept: {}", refused.code));
        }
    }
    Ok(())
}
// ANCHOR_END: permissions_role_code

#[tokio::test(start_paused = true)]
async fn permissions_what_the_function_may_do() {
    // ANCHOR: permissions_role
    let lambda = Lambda::builder().seed(2025).build();
    let bucket = lambda.s3().create_bucket("photos").unwrap();
    // The execution role: its logs, reading uploads, writing thumbnails. Nothing else.
    let role = Role::new("thumbnail-role")
        .attach(ManagedPolicy::BasicExecution)
        .allow("s3:GetObject", format!("{bucket}/uploads/*"))
        .allow("s3:PutObject", format!("{bucket}/thumbnails/*"));
    // Its S3 client is made once, at init, and lent to each invocation.
    let code = with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>(init.s3()) },
        |s3: Arc<S3>, event: LambdaEvent<S3Event>| async move {
            thumbnail_and_tidy_up(&s3, event).await
        },
    );
    let config = FunctionConfig::new("thumbnail").role(role.clone());
    let function = lambda.create_function(config, code).unwrap();
    let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
        .source_arn(&bucket)
        .source_account(lambda.account_id());
    lambda.add_permission("thumbnail", s3_may_invoke).unwrap();
    lambda
        .s3()
        .put_bucket_notification_configuration("photos", on_new_uploads(&function))
        .unwrap();
    let photo = b"PHOTO 1024x768 ...".to_vec();
    let s3 = lambda.s3();
    s3.put_object("photos", "uploads/cat.jpg", photo.clone())
        .await
        .unwrap();
    lambda.settle().await;

    // The same role without the managed policy for logs.
    let no_logs = Role::new("thumbnail-role")
        .allow("s3:GetObject", format!("{bucket}/uploads/*"))
        .allow("s3:PutObject", format!("{bucket}/thumbnails/*"));
    lambda
        .update_function_configuration("thumbnail", |c| c.role(no_logs))
        .unwrap();
    s3.put_object("photos", "uploads/dog.jpg", photo)
        .await
        .unwrap();
    lambda.settle().await;
    // ANCHOR_END: permissions_role
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn permissions_the_pull_model_uses_the_role() {
    // ANCHOR: permissions_pull
    let lambda = Lambda::builder().seed(2025).build();
    let queue = lambda.sqs().create_queue("orders");
    lambda
        .create_function(FunctionConfig::new("ship"), service_fn(ok))
        .unwrap();
    let mut answers = Vec::new();
    let mapping = || EventSourceMapping::new(&queue, "ship");
    let refused = lambda.create_event_source_mapping(mapping());
    answers.push(format!("with the basic role: {}", answer(refused)));

    // The managed policy for SQS mappings: receive, delete, read the queue's attributes.
    let poller = Role::new("ship-role").attach(ManagedPolicy::SqsQueueExecution);
    lambda
        .update_function_configuration("ship", |c| c.role(poller))
        .unwrap();
    let created = lambda.create_event_source_mapping(mapping());
    answers.push(format!(
        "with AWSLambdaSQSQueueExecutionRole: {}",
        answer(created)
    ));
    // ANCHOR_END: permissions_pull
    insta::assert_snapshot!(answers.join("\n"));
}
