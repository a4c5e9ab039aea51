//! S3 buckets and their event notifications: the push model, filters, S3's refusals,
//! asynchronous retries, and the recursive loop of a function that writes where it is triggered.

use crate::kit::{capturing, records_in, Events};
use invoker::aws_lambda_events::s3::S3Event;
use invoker::MAX_RECURSIVE_INVOCATIONS;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventInvokeConfig, EventOutcome, FunctionConfig, Lambda,
    LambdaEvent, Permission, Role,
};
use invoker::{
    url_decode_key, url_encode_key, LambdaFunctionConfiguration, NotificationConfiguration,
};
use serde_json::Value;

/// Deploys `name`, which keeps every event it gets and which S3 may invoke for `photos`; returns
/// its ARN.
fn deploy_capturing(lambda: &Lambda, name: &str, events: &Events) -> String {
    let arn = lambda
        .create_function(FunctionConfig::new(name), capturing(events))
        .unwrap();
    s3_may_invoke(lambda, name, "photos");
    arn
}

/// Lets S3 invoke `function` for events of `bucket` in this account, as SAM does for an `S3`
/// event source.
fn s3_may_invoke(lambda: &Lambda, function: &str, bucket: &str) {
    let statement = Permission::new(format!("s3-{bucket}"), "s3.amazonaws.com")
        .source_arn(format!("arn:aws:s3:::{bucket}"))
        .source_account(lambda.account_id());
    lambda.add_permission(function, statement).unwrap();
}

/// A role that may write its logs and read and write the objects of `photos`.
fn photos_role() -> Role {
    Role::default()
        .allow("s3:GetObject", "arn:aws:s3:::photos/*")
        .allow("s3:PutObject", "arn:aws:s3:::photos/*")
}

/// The `(eventName, key)` of every record received.
fn received(events: &Events) -> Vec<(String, String)> {
    events
        .lock()
        .unwrap()
        .iter()
        .map(|e| {
            let record = &e["Records"][0];
            (
                record["eventName"].as_str().unwrap().to_owned(),
                record["s3"]["object"]["key"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn notify(lambda: &Lambda, bucket: &str, config: LambdaFunctionConfiguration) {
    lambda
        .s3()
        .put_bucket_notification_configuration(
            bucket,
            NotificationConfiguration::default().lambda_function(config),
        )
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_new_object_invokes_the_function_asynchronously_with_an_s3_event() {
    let lambda = Lambda::new();
    let events = Events::default();
    let function = deploy_capturing(&lambda, "on-upload", &events);
    lambda.s3().create_bucket("photos").unwrap();
    let config = LambdaFunctionConfiguration::new(&function)
        .id("thumbnails")
        .event("s3:ObjectCreated:*");
    notify(&lambda, "photos", config);
    let e_tag = lambda
        .s3()
        .put_object("photos", "uploads/cat.jpg", b"meow".to_vec())
        .await
        .unwrap();
    assert_eq!(
        e_tag,
        format!("\"{}\"", invoker::md5_hex(b"meow")),
        "the ETag of a simple object is the MD5 of its content, quoted"
    );
    assert!(
        events.lock().unwrap().is_empty(),
        "S3 does not wait for the function"
    );
    lambda.settle().await;

    let event = events.lock().unwrap()[0].clone();
    let typed: S3Event = serde_json::from_value(event.clone()).expect("an S3Event");
    let record = &typed.records[0];
    assert_eq!(record.event_version.as_deref(), Some("2.1"));
    assert_eq!(record.event_source.as_deref(), Some("aws:s3"));
    assert_eq!(record.aws_region.as_deref(), Some("us-east-1"));
    assert_eq!(record.event_name.as_deref(), Some("ObjectCreated:Put"));
    assert_eq!(record.event_time.to_rfc3339(), "2025-01-01T00:00:00+00:00");
    assert_eq!(record.s3.configuration_id.as_deref(), Some("thumbnails"));
    assert_eq!(record.s3.bucket.name.as_deref(), Some("photos"));
    assert_eq!(record.s3.bucket.arn.as_deref(), Some("arn:aws:s3:::photos"));
    let object = &record.s3.object;
    assert_eq!(object.key.as_deref(), Some("uploads/cat.jpg"));
    assert_eq!(object.size, Some(4));
    assert_eq!(
        object.e_tag.as_deref(),
        Some(invoker::md5_hex(b"meow").as_str())
    );
    assert!(object.sequencer.is_some());
    insta::assert_json_snapshot!("s3_event", event);
    insta::assert_snapshot!("s3_transcript", lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn keys_in_events_are_url_encoded_as_on_aws() {
    assert_eq!(
        url_encode_key("uploads/my cat (1).jpg"),
        "uploads/my+cat+%281%29.jpg"
    );
    assert_eq!(url_encode_key("café/ü.png"), "caf%C3%A9/%C3%BC.png");
    for key in ["uploads/my cat (1).jpg", "café/ü.png", "a+b%c.txt"] {
        assert_eq!(url_decode_key(&url_encode_key(key)), key);
    }
    let lambda = Lambda::new();
    let events = Events::default();
    let function = deploy_capturing(&lambda, "on-upload", &events);
    lambda.s3().create_bucket("photos").unwrap();
    notify(
        &lambda,
        "photos",
        LambdaFunctionConfiguration::new(&function).event("s3:ObjectCreated:Put"),
    );
    lambda
        .s3()
        .put_object("photos", "my cat.jpg", b"x".to_vec())
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(
        received(&events),
        [("ObjectCreated:Put".to_owned(), "my+cat.jpg".to_owned())]
    );
}

#[tokio::test(start_paused = true)]
async fn prefix_and_suffix_filters_choose_the_writes_that_notify() {
    let lambda = Lambda::new();
    let events = Events::default();
    let function = deploy_capturing(&lambda, "on-upload", &events);
    lambda.s3().create_bucket("photos").unwrap();
    let config = LambdaFunctionConfiguration::new(&function)
        .event("s3:ObjectCreated:*")
        .prefix("uploads/")
        .suffix(".jpg");
    notify(&lambda, "photos", config);
    for key in [
        "uploads/a.jpg",
        "uploads/a.png",
        "thumbnails/a.jpg",
        "uploads/b.jpg",
    ] {
        lambda
            .s3()
            .put_object("photos", key, b"x".to_vec())
            .await
            .unwrap();
    }
    lambda.settle().await;
    let keys: Vec<String> = received(&events).into_iter().map(|(_, k)| k).collect();
    assert_eq!(keys, ["uploads/a.jpg", "uploads/b.jpg"]);
    assert_eq!(
        lambda.s3().list_objects("photos", "uploads/").unwrap(),
        ["uploads/a.jpg", "uploads/a.png", "uploads/b.jpg"],
        "every object is stored, notified or not"
    );
}

#[tokio::test(start_paused = true)]
async fn a_deleted_object_sends_object_removed_and_a_missing_one_sends_nothing() {
    let lambda = Lambda::new();
    let events = Events::default();
    let function = deploy_capturing(&lambda, "on-delete", &events);
    lambda.s3().create_bucket("photos").unwrap();
    notify(
        &lambda,
        "photos",
        LambdaFunctionConfiguration::new(&function).event("s3:ObjectRemoved:*"),
    );
    lambda
        .s3()
        .put_object("photos", "a.jpg", b"x".to_vec())
        .await
        .unwrap();
    lambda.s3().delete_object("photos", "a.jpg").await.unwrap();
    lambda
        .s3()
        .delete_object("photos", "never-there.jpg")
        .await
        .expect("deleting a missing key succeeds, as on S3");
    lambda.settle().await;
    assert_eq!(
        received(&events),
        [("ObjectRemoved:Delete".to_owned(), "a.jpg".to_owned())]
    );
    let event: S3Event = serde_json::from_value(events.lock().unwrap()[0].clone()).unwrap();
    assert_eq!(
        event.records[0].s3.object.size, None,
        "a removed object has no size"
    );
    let error = lambda.s3().get_object("photos", "a.jpg").unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (
            ErrorCode::NoSuchKey,
            404,
            "The specified key does not exist."
        )
    );
}

#[tokio::test(start_paused = true)]
async fn overlapping_configurations_are_refused_in_s3s_words() {
    let lambda = Lambda::new();
    let a = deploy_capturing(&lambda, "a", &Events::default());
    let b = deploy_capturing(&lambda, "b", &Events::default());
    lambda.s3().create_bucket("photos").unwrap();
    let put = |configs: Vec<LambdaFunctionConfiguration>| {
        let configuration = configs
            .into_iter()
            .fold(NotificationConfiguration::default(), |c, f| {
                c.lambda_function(f)
            });
        lambda
            .s3()
            .put_bucket_notification_configuration("photos", configuration)
    };
    let created = |arn: &str| LambdaFunctionConfiguration::new(arn).event("s3:ObjectCreated:*");

    let error = put(vec![created(&a), created(&b)]).unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            400,
            "Configurations overlap. Configurations on the same bucket cannot share a common event type."
        )
    );
    let put_only = LambdaFunctionConfiguration::new(&b)
        .event("s3:ObjectCreated:Put")
        .prefix("uploads/raw/");
    let error = put(vec![created(&a).prefix("uploads/"), put_only]).unwrap_err();
    assert_eq!(
        error.message,
        "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type."
    );

    // Prefixes that do not overlap, different suffixes, or different event types are fine.
    put(vec![
        created(&a).prefix("uploads/"),
        created(&b).prefix("thumbnails/"),
    ])
    .unwrap();
    put(vec![created(&a).suffix(".jpg"), created(&b).suffix(".png")]).unwrap();
    put(vec![
        created(&a),
        LambdaFunctionConfiguration::new(&b).event("s3:ObjectRemoved:*"),
    ])
    .unwrap();
}

#[tokio::test(start_paused = true)]
async fn unknown_functions_events_buckets_and_keys_are_refused() {
    let lambda = Lambda::new();
    lambda.s3().create_bucket("photos").unwrap();
    let put = |config: LambdaFunctionConfiguration| {
        lambda.s3().put_bucket_notification_configuration(
            "photos",
            NotificationConfiguration::default().lambda_function(config),
        )
    };
    let missing = "arn:aws:lambda:us-east-1:123456789012:function:nope";
    let error =
        put(LambdaFunctionConfiguration::new(missing).event("s3:ObjectCreated:*")).unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::InvalidArgument,
            "Unable to validate the following destination configurations"
        )
    );
    let function = deploy_capturing(&lambda, "f", &Events::default());
    let error =
        put(LambdaFunctionConfiguration::new(&function).event("s3:ObjectCreated")).unwrap_err();
    assert_eq!(
        error.message,
        "The event is not supported for notifications"
    );
    let error = put(LambdaFunctionConfiguration::new(&function)).unwrap_err();
    assert_eq!(
        error.code,
        ErrorCode::MalformedXML,
        "an entry needs an event"
    );

    let error = lambda
        .s3()
        .put_object("no-such-bucket", "k", b"x".to_vec())
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (
            ErrorCode::NoSuchBucket,
            404,
            "The specified bucket does not exist"
        )
    );
    // A missing bucket is reported before anything wrong in the configuration.
    let error = lambda
        .s3()
        .put_bucket_notification_configuration(
            "no-such-bucket",
            NotificationConfiguration::default()
                .lambda_function(LambdaFunctionConfiguration::new(&function)),
        )
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NoSuchBucket);
    let error = lambda.s3().create_bucket("photos").unwrap_err();
    assert_eq!(
        (error.code, error.status),
        (ErrorCode::BucketAlreadyOwnedByYou, 409)
    );
    let error = lambda.s3().create_bucket("Bad_Name").unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::InvalidBucketName,
            "The specified bucket is not valid."
        )
    );
}

/// S3 invokes asynchronously, so Lambda retries a failing function twice, with the same request
/// id, and hands the event to the dead-letter queue in the end.
#[tokio::test(start_paused = true)]
async fn a_failing_function_is_retried_as_an_asynchronous_event() {
    let lambda = Lambda::new();
    let dlq = lambda.sqs().create_queue("uploads-dlq");
    let failing = service_fn(|_event: LambdaEvent<S3Event>| async {
        Err::<Value, _>(Diagnostic {
            error_type: "CorruptImage".into(),
            error_message: "not a JPEG".into(),
        })
    });
    let function = lambda
        .create_function(
            FunctionConfig::new("resize").dead_letter_queue(&dlq),
            failing,
        )
        .unwrap();
    s3_may_invoke(&lambda, "resize", "photos");
    lambda.s3().create_bucket("photos").unwrap();
    notify(
        &lambda,
        "photos",
        LambdaFunctionConfiguration::new(&function).event("s3:ObjectCreated:*"),
    );
    lambda
        .s3()
        .put_object("photos", "broken.jpg", b"??".to_vec())
        .await
        .unwrap();
    lambda.settle().await;
    let outcomes = lambda.event_outcomes();
    assert_eq!(outcomes.len(), 1);
    let (request_id, outcome) = outcomes.iter().next().unwrap();
    assert!(matches!(outcome, EventOutcome::Failed { attempts: 3, .. }));
    let starts: Vec<String> = lambda
        .log_lines("resize")
        .into_iter()
        .filter(|l| l.starts_with("START"))
        .collect();
    assert_eq!(starts.len(), 3);
    assert!(starts.iter().all(|l| l.contains(request_id.as_str())));
    let dead = lambda.sqs().messages(&dlq);
    let event: S3Event = serde_json::from_str(&dead[0].body).expect("the S3 event itself");
    assert_eq!(
        event.records[0].s3.object.key.as_deref(),
        Some("broken.jpg")
    );
}

/// A function that writes into the bucket and prefix that trigger it calls itself forever.
/// Lambda stops the chain: the 17th invocation does not happen, and the event goes to the
/// on-failure destination.
#[tokio::test(start_paused = true)]
async fn a_function_that_writes_where_it_is_triggered_is_stopped_after_16_invocations() {
    let lambda = Lambda::new();
    let failures = lambda.sqs().create_queue("loops");
    let service = lambda.clone();
    let copier = service_fn(move |event: LambdaEvent<S3Event>| {
        let ctx = event.context;
        let service = service.clone();
        async move {
            // Each copy lands under the same prefix, so it triggers the function again.
            let copy = format!("uploads/copy-{}", &ctx.request_id[..8]);
            service
                .s3()
                .put_object("photos", &copy, b"x".to_vec())
                .await?;
            Ok::<_, Diagnostic>(Value::Null)
        }
    });
    let function = lambda
        .create_function(FunctionConfig::new("copier").role(photos_role()), copier)
        .unwrap();
    s3_may_invoke(&lambda, "copier", "photos");
    lambda
        .put_function_event_invoke_config(
            "copier",
            EventInvokeConfig::default().on_failure(&failures),
        )
        .unwrap();
    lambda.s3().create_bucket("photos").unwrap();
    notify(
        &lambda,
        "photos",
        LambdaFunctionConfiguration::new(&function)
            .event("s3:ObjectCreated:*")
            .prefix("uploads/"),
    );
    lambda
        .s3()
        .put_object("photos", "uploads/a", b"x".to_vec())
        .await
        .unwrap();
    lambda.settle().await;

    assert_eq!(
        lambda.usage("copier").invocations,
        u64::from(MAX_RECURSIVE_INVOCATIONS)
    );
    assert_eq!(
        lambda
            .s3()
            .list_objects("photos", "uploads/")
            .unwrap()
            .len(),
        17,
        "the first upload and 16 copies; the 17th event is not delivered"
    );
    let record = &records_in(&lambda, &failures)[0];
    assert_eq!(
        record["requestContext"]["condition"],
        "RecursiveInvocationException"
    );
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 0);
    let transcript = lambda.transcript();
    assert!(transcript.contains("recursive loop detected: copier would be invoked more than 16 times in one request chain; not invoked (RecursiveInvocationsDropped)"));
    // The last rounds, readable in tests/snapshots/.
    let tail: Vec<&str> = transcript.lines().rev().take(14).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    insta::assert_snapshot!(tail.join("\n"));
}

/// Written to another prefix, the derived object does not trigger the function again.
#[tokio::test(start_paused = true)]
async fn writing_outside_the_filter_does_not_loop() {
    let lambda = Lambda::new();
    let service = lambda.clone();
    let thumbnail = service_fn(move |event: LambdaEvent<S3Event>| {
        let event = event.payload;
        let service = service.clone();
        async move {
            let key = event.records[0].s3.object.key.clone().unwrap_or_default();
            let name = key.trim_start_matches("uploads/");
            service
                .s3()
                .put_object(
                    "photos",
                    format!("thumbnails/{name}").as_str(),
                    b"small".to_vec(),
                )
                .await?;
            Ok::<_, Diagnostic>(Value::Null)
        }
    });
    let function = lambda
        .create_function(
            FunctionConfig::new("thumbnail").role(photos_role()),
            thumbnail,
        )
        .unwrap();
    s3_may_invoke(&lambda, "thumbnail", "photos");
    lambda.s3().create_bucket("photos").unwrap();
    notify(
        &lambda,
        "photos",
        LambdaFunctionConfiguration::new(&function)
            .event("s3:ObjectCreated:*")
            .prefix("uploads/"),
    );
    lambda
        .s3()
        .put_object("photos", "uploads/cat.jpg", b"big".to_vec())
        .await
        .unwrap();
    lambda.settle().await;
    assert_eq!(lambda.usage("thumbnail").invocations, 1);
    assert_eq!(
        lambda
            .s3()
            .get_object("photos", "thumbnails/cat.jpg")
            .unwrap(),
        b"small"
    );
    assert!(lambda
        .transcript()
        .contains("    » s3:PutObject photos/thumbnails/cat.jpg (5 bytes)"));
}
