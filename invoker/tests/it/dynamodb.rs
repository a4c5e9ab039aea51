//! DynamoDB tables: partition and sort keys, reads by key and by query, conditional puts, the
//! errors DynamoDB answers with, and calls made from inside a handler. (Streams of changes are
//! tested in `streams.rs`.)

use crate::kit::{capturing, reader, Events};
use invoker::aws_lambda_events::dynamodb::Event as DynamoDbEvent;
use invoker::{
    service_fn, Diagnostic, ErrorCode, EventSourceMapping, FunctionConfig, InvokeRequest, Lambda,
    LambdaEvent, ManagedPolicy, Role, ServiceError, StartingPosition,
};
use invoker::{SortKeyCondition, StreamViewType, MAX_ITEM_BYTES};
use serde_json::{json, Value};

/// A service with the table `visits`: partition key `user`, sort key `day`.
fn visits() -> Lambda {
    let lambda = Lambda::new();
    lambda
        .dynamodb()
        .create_table_with_sort_key("visits", "user", "day")
        .unwrap();
    lambda
}

/// A user's visit on a day: the key, and one more attribute.
fn visit(user: &str, day: &str) -> Value {
    json!({ "user": user, "day": day, "pages": 3 })
}

/// The sort keys of some items.
fn days(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["day"].as_str().unwrap()).collect()
}

#[tokio::test(start_paused = true)]
async fn a_query_reads_one_partition_in_sort_key_order() {
    let lambda = visits();
    let db = lambda.dynamodb();
    for (user, day) in [
        ("ada", "2025-01-03"),
        ("bob", "2025-01-02"),
        ("ada", "2025-02-01"),
        ("ada", "2025-01-01"),
        ("ada", "2024-12-31"),
    ] {
        db.put_item("visits", visit(user, day)).unwrap();
    }
    let all = db.query("visits", "ada", None).unwrap();
    assert_eq!(
        days(&all),
        ["2024-12-31", "2025-01-01", "2025-01-03", "2025-02-01"],
        "only ada's items, in sort-key order, whatever the order they were written in"
    );
    assert_eq!(all[0], visit("ada", "2024-12-31"), "whole items");
    let january = db
        .query(
            "visits",
            "ada",
            Some(SortKeyCondition::begins_with("2025-01")),
        )
        .unwrap();
    assert_eq!(days(&january), ["2025-01-01", "2025-01-03"]);
    let between = db
        .query(
            "visits",
            "ada",
            Some(SortKeyCondition::between("2025-01-01", "2025-01-03")),
        )
        .unwrap();
    assert_eq!(
        days(&between),
        ["2025-01-01", "2025-01-03"],
        "both ends included"
    );
    let one = db
        .query(
            "visits",
            "ada",
            Some(SortKeyCondition::equals("2025-02-01")),
        )
        .unwrap();
    assert_eq!(days(&one), ["2025-02-01"]);
    assert!(db.query("visits", "cyd", None).unwrap().is_empty());
    insta::assert_snapshot!(lambda.transcript());
}

#[tokio::test(start_paused = true)]
async fn get_item_needs_the_whole_key_and_a_put_replaces_the_item() {
    let lambda = visits();
    let db = lambda.dynamodb();
    db.put_item("visits", visit("ada", "2025-01-01")).unwrap();
    let key = json!({ "user": "ada", "day": "2025-01-01" });
    assert_eq!(
        db.get_item("visits", key.clone()).unwrap(),
        Some(visit("ada", "2025-01-01"))
    );
    let other_day = json!({ "user": "ada", "day": "2025-01-02" });
    assert_eq!(db.get_item("visits", other_day).unwrap(), None);
    let replacement = json!({ "user": "ada", "day": "2025-01-01", "note": "new" });
    db.put_item("visits", replacement.clone()).unwrap();
    assert_eq!(
        db.get_item("visits", key.clone()).unwrap(),
        Some(replacement),
        "the whole item is replaced: `pages` is gone"
    );
    db.delete_item("visits", key.clone()).unwrap();
    assert_eq!(db.get_item("visits", key).unwrap(), None);
    assert!(db.scan("visits").unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_scan_reads_every_item_in_key_order() {
    let lambda = visits();
    let db = lambda.dynamodb();
    for (user, day) in [("bob", "2"), ("ada", "3"), ("bob", "1"), ("ada", "1")] {
        db.put_item("visits", visit(user, day)).unwrap();
    }
    assert_eq!(
        db.scan("visits").unwrap(),
        [
            visit("ada", "1"),
            visit("ada", "3"),
            visit("bob", "1"),
            visit("bob", "2")
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_conditional_put_writes_once_and_then_fails_with_conditional_check_failed() {
    let lambda = visits();
    let db = lambda.dynamodb();
    let first = json!({ "user": "ada", "day": "2025-01-01", "by": "first" });
    let second = json!({ "user": "ada", "day": "2025-01-01", "by": "second" });
    db.put_item_if_absent("visits", first.clone()).unwrap();
    let error = db.put_item_if_absent("visits", second).unwrap_err();
    assert_eq!(
        (error.code, error.status, error.message.as_str()),
        (
            ErrorCode::ConditionalCheckFailedException,
            400,
            "The conditional request failed"
        )
    );
    let key = json!({ "user": "ada", "day": "2025-01-01" });
    assert_eq!(
        db.get_item("visits", key).unwrap(),
        Some(first),
        "the first write stays"
    );
    db.put_item_if_absent("visits", visit("ada", "2025-01-02"))
        .expect("another sort key is another item");
    insta::assert_snapshot!(lambda.transcript());
}

/// A refused call as `Code: message`; DynamoDB answers every refusal with HTTP 400.
fn message<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    let error = result.unwrap_err();
    assert_eq!(error.status, 400);
    format!("{}: {}", error.code, error.message)
}

#[tokio::test(start_paused = true)]
async fn dynamodb_refuses_what_aws_refuses() {
    let lambda = visits();
    let db = lambda.dynamodb();
    assert_eq!(
        message(db.create_table_with_sort_key("twins", "id", "id")),
        "ValidationException: Both the Hash Key and the Range Key element in the KeySchema have the same name"
    );
    let not_found = "ResourceNotFoundException: Requested resource not found";
    assert_eq!(
        message(db.get_item("carts", json!({ "id": "c" }))),
        not_found
    );
    assert_eq!(message(db.query("carts", "c", None)), not_found);
    assert_eq!(message(db.scan("carts")), not_found);
    assert_eq!(
        message(db.put_item_if_absent("carts", json!({ "id": "c" }))),
        not_found
    );
    assert_eq!(
        message(db.put_item("visits", json!({ "user": "ada" }))),
        "ValidationException: One or more parameter values were invalid: Missing the key day in the item"
    );
    assert_eq!(
        message(db.put_item("visits", json!({ "user": "ada", "day": 20250101 }))),
        "ValidationException: One or more parameter values were invalid: Type mismatch for key day expected: S actual: N"
    );
    assert_eq!(
        message(db.put_item("visits", json!({ "user": "ada", "day": "" }))),
        "ValidationException: One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: day"
    );
    let mismatch = "ValidationException: The provided key element does not match the schema";
    assert_eq!(
        message(db.get_item("visits", json!({ "user": "ada" }))),
        mismatch,
        "a get names the whole key"
    );
    assert_eq!(
        message(db.get_item("visits", json!({ "user": "ada", "day": "1", "pages": 2 }))),
        mismatch,
        "and nothing but the key"
    );
    assert_eq!(
        message(db.delete_item("visits", json!({ "user": "ada" }))),
        mismatch
    );
    assert_eq!(
        message(db.query("visits", "", None)),
        "ValidationException: One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: user"
    );
    assert_eq!(
        message(db.query("visits", "ada", Some(SortKeyCondition::between("b", "a")))),
        "ValidationException: Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"
    );
    db.create_table("orders", "id").unwrap();
    assert_eq!(
        message(db.query("orders", "o-1", Some(SortKeyCondition::begins_with("x")))),
        "ValidationException: Query key condition not supported",
        "a table without a sort key has no sort-key condition"
    );
    let big = "x".repeat(MAX_ITEM_BYTES);
    assert_eq!(
        message(db.put_item("orders", json!({ "id": "o-1", "note": big }))),
        "ValidationException: Item size has exceeded the maximum allowed size"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stream_record_of_a_table_with_a_sort_key_carries_both_key_attributes() {
    let events = Events::default();
    let lambda = Lambda::new();
    let stream = lambda
        .dynamodb()
        .create_table_with_sort_key("visits", "user", "day")
        .unwrap();
    lambda
        .create_function(
            reader("audit", ManagedPolicy::DynamoDbExecution),
            capturing(&events),
        )
        .unwrap();
    let mapping =
        EventSourceMapping::new(&stream, "audit").starting_position(StartingPosition::TrimHorizon);
    lambda.create_event_source_mapping(mapping).unwrap();
    let db = lambda.dynamodb();
    db.put_item_if_absent("visits", visit("ada", "2025-01-01"))
        .unwrap();
    db.put_item_if_absent("visits", visit("ada", "2025-01-01"))
        .unwrap_err();
    db.delete_item("visits", json!({ "user": "ada", "day": "2025-01-01" }))
        .unwrap();
    lambda.settle().await;

    let events = events.lock().unwrap();
    let event: DynamoDbEvent = serde_json::from_value(events[0].clone()).unwrap();
    let names: Vec<&str> = event
        .records
        .iter()
        .map(|r| r.event_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["INSERT", "REMOVE"],
        "a conditional put that fails changes nothing"
    );
    assert_eq!(
        events[0]["Records"][0]["dynamodb"]["Keys"],
        json!({ "user": { "S": "ada" }, "day": { "S": "2025-01-01" } })
    );
}

/// Each stream view shows its images of an insert, a change and a delete, and parses as
/// `aws_lambda_events`' DynamoDB event.
#[tokio::test(start_paused = true)]
async fn each_stream_view_shows_its_images() {
    let views = [
        (
            StreamViewType::KeysOnly,
            "KEYS_ONLY",
            [false; 3],
            [false; 3],
        ),
        (
            StreamViewType::NewImage,
            "NEW_IMAGE",
            [true, true, false],
            [false; 3],
        ),
        (
            StreamViewType::OldImage,
            "OLD_IMAGE",
            [false; 3],
            [false, true, true],
        ),
        (
            StreamViewType::NewAndOldImages,
            "NEW_AND_OLD_IMAGES",
            [true, true, false],
            [false, true, true],
        ),
    ];
    for (view, name, new_images, old_images) in views {
        let events = Events::default();
        let lambda = Lambda::new();
        let db = lambda.dynamodb();
        let stream = db.create_table("orders", "id").unwrap();
        db.set_stream_view_type("orders", view).unwrap();
        lambda
            .create_function(
                reader("audit", ManagedPolicy::DynamoDbExecution),
                capturing(&events),
            )
            .unwrap();
        let mapping = EventSourceMapping::new(&stream, "audit")
            .starting_position(StartingPosition::TrimHorizon);
        lambda.create_event_source_mapping(mapping).unwrap();
        db.put_item("orders", json!({ "id": "o-1", "total": 1 }))
            .unwrap();
        db.put_item("orders", json!({ "id": "o-1", "total": 2 }))
            .unwrap();
        db.delete_item("orders", json!({ "id": "o-1" })).unwrap();
        lambda.settle().await;

        let events = events.lock().unwrap();
        let _parses: DynamoDbEvent = serde_json::from_value(events[0].clone()).unwrap();
        let records = events[0]["Records"].as_array().unwrap();
        let has = |image: &str| -> Vec<bool> {
            records
                .iter()
                .map(|r| r["dynamodb"].get(image).is_some())
                .collect()
        };
        assert_eq!(has("NewImage"), new_images, "{name}: NewImage");
        assert_eq!(has("OldImage"), old_images, "{name}: OldImage");
        for record in records {
            assert_eq!(record["dynamodb"]["StreamViewType"], name);
            assert_eq!(record["dynamodb"]["Keys"], json!({ "id": { "S": "o-1" } }));
        }
    }
}

const VISITS_ARN: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/visits";

/// Calls a handler makes to DynamoDB appear inside its invocation, among its log lines.
#[tokio::test(start_paused = true)]
async fn calls_from_a_handler_show_inside_its_invocation() {
    let lambda = visits();
    let account = lambda.clone();
    let record_visit = service_fn(move |event: LambdaEvent<Value>| {
        let (event, ctx) = event.into_parts();
        let db = account.clone();
        async move {
            let user = event["user"].as_str().unwrap_or_default();
            match db.dynamodb().put_item_if_absent("visits", event.clone()) {
                Ok(()) => ctx.logger().info("first visit of the day"),
                Err(e) if e.code == ErrorCode::ConditionalCheckFailedException => {
                    ctx.logger().info("seen today already")
                }
                Err(e) => return Err(Diagnostic::from(e)),
            }
            let visits = db.dynamodb().query("visits", user, None)?;
            Ok::<_, Diagnostic>(json!({ "visits": visits.len() }))
        }
    });
    lambda
        .create_function(
            FunctionConfig::new("record-visit").role(
                Role::default()
                    .allow("dynamodb:PutItem", VISITS_ARN)
                    .allow("dynamodb:Query", VISITS_ARN),
            ),
            record_visit,
        )
        .unwrap();
    for _ in 0..2 {
        let response = lambda
            .invoke(InvokeRequest::new("record-visit").payload(visit("ada", "2025-01-01")))
            .await
            .unwrap();
        assert_eq!(response.payload_json().unwrap(), json!({ "visits": 1 }));
    }
    insta::assert_snapshot!(lambda.transcript());
}
