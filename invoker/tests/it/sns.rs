//! SNS topics: fan-out to subscribed functions as asynchronous events, topics as dead-letter
//! queues and destinations, SNS's refusals, and the recursive loop through a topic.

use crate::kit::{capturing, failing, Events};
use invoker::aws_lambda_events::sns::SnsEvent;
use invoker::FailureCondition;
use invoker::MAX_RECURSIVE_INVOCATIONS;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventInvokeConfig, EventOutcome, FunctionConfig, Lambda,
    LambdaEvent, Permission, Role,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// Deploys `name`, which keeps every event it gets; returns its ARN.
fn deploy_capturing(lambda: &Lambda, name: &str, events: &Events) -> String {
    lambda
        .create_function(FunctionConfig::new(name), capturing(events))
        .unwrap()
}

/// Subscribes a function to a topic, after letting SNS invoke it for that topic (as SAM does for
/// an `SNS` event source); returns the subscription's ARN.
fn subscribe(lambda: &Lambda, topic: &str, function: &str) -> String {
    let name = topic.rsplit(':').next().unwrap_or_default();
    let statement = Permission::new(format!("sns-{name}"), "sns.amazonaws.com").source_arn(topic);
    lambda.add_permission(function, statement).unwrap();
    lambda.sns().subscribe(topic, "lambda", function).unwrap()
}

/// Code that always fails, as it does while the mail server is down.
fn always_fails() -> invoker::FunctionCode {
    failing("Unavailable", "the mail server is down")
}

#[tokio::test(start_paused = true)]
async fn a_published_message_reaches_the_function_as_an_sns_event() {
    let lambda = Lambda::new();
    let events = Events::default();
    let function = deploy_capturing(&lambda, "email", &events);
    let topic = lambda.sns().create_topic("orders").unwrap();
    assert_eq!(topic, "arn:aws:sns:us-east-1:123456789012:orders");
    let subscription = subscribe(&lambda, &topic, &function);
    let message_id = lambda
        .sns()
        .publish(&topic, r#"{"order":7}"#, Some("New order"))
        .await
        .unwrap();
    assert!(
        events.lock().unwrap().is_empty(),
        "SNS does not wait for the function"
    );
    lambda.settle().await;

    let event = events.lock().unwrap()[0].clone();
    let typed: SnsEvent = serde_json::from_value(event.clone()).expect("an SnsEvent");
    let record = &typed.records[0];
    assert_eq!(record.event_source, "aws:sns");
    assert_eq!(record.event_version, "1.0");
    assert_eq!(record.event_subscription_arn, subscription);
    let sns = &record.sns;
    assert_eq!(sns.sns_message_type, "Notification");
    assert_eq!(sns.message_id, message_id);
    assert_eq!(sns.topic_arn, topic);
    assert_eq!(sns.subject.as_deref(), Some("New order"));
    assert_eq!(sns.message, r#"{"order":7}"#);
    assert_eq!(sns.timestamp.to_rfc3339(), "2025-01-01T00:00:00+00:00");
    assert_eq!(sns.signature_version, "1");
    assert!(sns
        .signing_cert_url
        .starts_with("https://sns.us-east-1.amazonaws.com/"));
    assert!(sns.unsubscribe_url.ends_with(&subscription));
    assert!(sns.message_attributes.is_empty());
    insta::assert_json_snapshot!("sns_event", event);
    insta::assert_snapshot!("sns_transcript", lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn a_message_fans_out_to_every_subscribed_function() {
    let lambda = Lambda::new();
    let topic = lambda.sns().create_topic("orders").unwrap();
    let names = ["email", "invoice", "stock"];
    let inboxes: Vec<Events> = names.iter().map(|_| Events::default()).collect();
    for (name, inbox) in names.iter().zip(&inboxes) {
        let function = deploy_capturing(&lambda, name, inbox);
        subscribe(&lambda, &topic, &function);
    }
    let message_id = lambda.sns().publish(&topic, "order 7", None).await.unwrap();
    lambda.settle().await;
    for inbox in &inboxes {
        let events = inbox.lock().unwrap();
        assert_eq!(events.len(), 1, "each subscriber gets one copy");
        assert_eq!(
            events[0]["Records"][0]["Sns"]["MessageId"],
            message_id.as_str()
        );
        assert_eq!(events[0]["Records"][0]["Sns"]["Subject"], Value::Null);
    }
    let outcomes = lambda.event_outcomes();
    assert_eq!(
        outcomes.len(),
        3,
        "three asynchronous events, three request ids"
    );
    assert!(outcomes
        .values()
        .all(|o| *o == EventOutcome::Succeeded { attempts: 1 }));
    let subscriptions: BTreeSet<String> = inboxes
        .iter()
        .map(|i| i.lock().unwrap()[0]["Records"][0]["EventSubscriptionArn"].to_string())
        .collect();
    assert_eq!(subscriptions.len(), 3, "one subscription each");
}

/// Each delivery is an asynchronous event of its own: a failing subscriber is retried with the
/// same request id, and the others are not held up.
#[tokio::test(start_paused = true)]
async fn a_failing_subscriber_is_retried_without_holding_up_the_others() {
    let lambda = Lambda::new();
    let topic = lambda.sns().create_topic("orders").unwrap();
    let events = Events::default();
    let ok = deploy_capturing(&lambda, "invoice", &events);
    let failing = lambda
        .create_function(FunctionConfig::new("email"), always_fails())
        .unwrap();
    subscribe(&lambda, &topic, &failing);
    subscribe(&lambda, &topic, &ok);
    lambda.sns().publish(&topic, "order 7", None).await.unwrap();
    lambda.settle().await;
    let mut outcomes: Vec<EventOutcome> = lambda.event_outcomes().into_values().collect();
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(
        outcomes,
        [
            EventOutcome::Failed {
                condition: FailureCondition::RetriesExhausted,
                attempts: 3,
                sent_to: vec![]
            },
            EventOutcome::Succeeded { attempts: 1 },
        ]
    );
    assert_eq!(events.lock().unwrap().len(), 1);
}

/// A dead-letter queue can be an SNS topic: the failed event is published to it, with Lambda's
/// three attributes as message attributes.
#[tokio::test(start_paused = true)]
async fn a_topic_can_be_a_dead_letter_queue() {
    let lambda = Lambda::new();
    let dead_letters = lambda.sns().create_topic("dead-letters").unwrap();
    let alarms = Events::default();
    let alarm = deploy_capturing(&lambda, "alarm", &alarms);
    subscribe(&lambda, &dead_letters, &alarm);
    let config = FunctionConfig::new("email").dead_letter_queue(&dead_letters);
    lambda.create_function(config, always_fails()).unwrap();
    lambda
        .put_function_event_invoke_config(
            "email",
            EventInvokeConfig::default().maximum_retry_attempts(0),
        )
        .unwrap();
    let request = invoker::InvokeRequest::new("email")
        .invocation_type(invoker::InvocationType::Event)
        .payload(serde_json::json!({ "to": "ada@example.com" }));
    let accepted = lambda.invoke(request).await.unwrap();
    lambda.settle().await;
    let event: SnsEvent = serde_json::from_value(alarms.lock().unwrap()[0].clone()).unwrap();
    let sns = &event.records[0].sns;
    assert_eq!(
        sns.message, r#"{"to":"ada@example.com"}"#,
        "the event itself"
    );
    let attribute = |name: &str| {
        let a = &sns.message_attributes[name];
        (a.data_type.clone(), a.value.clone())
    };
    assert_eq!(
        attribute("RequestID"),
        ("String".to_owned(), accepted.request_id.clone())
    );
    assert_eq!(
        attribute("ErrorCode"),
        ("Number".to_owned(), "200".to_owned())
    );
    assert_eq!(
        attribute("ErrorMessage"),
        ("String".to_owned(), "the mail server is down".to_owned())
    );
    assert_eq!(
        lambda.event_outcomes()[&accepted.request_id],
        EventOutcome::Failed {
            condition: FailureCondition::RetriesExhausted,
            attempts: 1,
            sent_to: vec![dead_letters.clone()]
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_topic_can_be_an_on_failure_destination() {
    let lambda = Lambda::new();
    let failures = lambda.sns().create_topic("failures").unwrap();
    let records = Events::default();
    let watcher = deploy_capturing(&lambda, "watcher", &records);
    subscribe(&lambda, &failures, &watcher);
    lambda
        .create_function(FunctionConfig::new("email"), always_fails())
        .unwrap();
    let config = EventInvokeConfig::default()
        .maximum_retry_attempts(0)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("email", config)
        .unwrap();
    let request =
        invoker::InvokeRequest::new("email").invocation_type(invoker::InvocationType::Event);
    lambda.invoke(request).await.unwrap();
    lambda.settle().await;
    let message = records.lock().unwrap()[0]["Records"][0]["Sns"]["Message"]
        .as_str()
        .unwrap()
        .to_owned();
    let record: Value = serde_json::from_str(&message).expect("the invocation record");
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(record["responsePayload"]["errorType"], "Unavailable");
}

#[tokio::test(start_paused = true)]
async fn sns_refuses_what_sns_refuses() {
    let lambda = Lambda::new();
    let missing = "arn:aws:sns:us-east-1:123456789012:nope";
    let error = lambda.sns().publish(missing, "hi", None).await.unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (ErrorCode::NotFound, 404, "Topic does not exist")
    );
    let topic = lambda.sns().create_topic("orders").unwrap();
    let error = lambda.sns().publish(&topic, "", None).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::InvalidParameter,
            "Invalid parameter: Empty message"
        )
    );
    let error = lambda
        .sns()
        .subscribe(
            &topic,
            "pigeon",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
        )
        .unwrap_err();
    assert_eq!(
        error.message,
        "Invalid parameter: Amazon SNS does not support this protocol string: pigeon"
    );
    let error = lambda.sns().create_topic("no spaces").unwrap_err();
    assert_eq!(error.message, "Invalid parameter: Topic Name");

    // SNS does not check the function when it subscribes; the delivery fails, and says so.
    let gone = "arn:aws:lambda:us-east-1:123456789012:function:gone";
    lambda.sns().subscribe(&topic, "lambda", gone).unwrap();
    lambda.sns().publish(&topic, "hi", None).await.unwrap();
    assert!(lambda
        .transcript()
        .contains("failed (ResourceNotFoundException); the message is lost for this subscriber"));
    assert_eq!(lambda.sns().delivery_counts(&topic).failed, 1);
}

/// A subscriber that publishes to its own topic loops; Lambda stops it at the 17th invocation.
#[tokio::test(start_paused = true)]
async fn a_function_that_publishes_to_its_own_topic_is_stopped_as_a_recursive_loop() {
    let lambda = Lambda::new();
    let topic = lambda.sns().create_topic("echo").unwrap();
    let (service, target) = (lambda.clone(), topic.clone());
    let echo = service_fn(move |event: LambdaEvent<SnsEvent>| {
        let event = event.payload;
        let (service, target) = (service.clone(), target.clone());
        async move {
            let message = event.records[0].sns.message.clone();
            service.sns().publish(&target, message, None).await?;
            Ok::<_, Diagnostic>(Value::Null)
        }
    });
    let role = Role::default().allow("sns:Publish", &topic);
    let function = lambda
        .create_function(FunctionConfig::new("echo").role(role), echo)
        .unwrap();
    subscribe(&lambda, &topic, &function);
    lambda.sns().publish(&topic, "again", None).await.unwrap();
    lambda.settle().await;
    assert_eq!(
        lambda.usage("echo").invocations,
        u64::from(MAX_RECURSIVE_INVOCATIONS)
    );
    let stopped: Vec<EventOutcome> = lambda
        .event_outcomes()
        .into_values()
        .filter(|o| matches!(o, EventOutcome::Failed { .. }))
        .collect();
    assert_eq!(
        stopped,
        [EventOutcome::Failed {
            condition: FailureCondition::RecursiveLoop,
            attempts: 0,
            sent_to: vec![]
        }]
    );
    assert!(lambda
        .transcript()
        .contains("» sns:Publish to arn:aws:sns:us-east-1:123456789012:echo"));
}
