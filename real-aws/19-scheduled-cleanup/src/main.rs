//! # Exercise 19 on real AWS: the function `purge-sessions`
//!
//! The solution's `purge_expired_sessions` (`solutions/19-scheduled-cleanup/src/lib.rs`): it
//! purges the sessions that have expired at the time the Scheduled Event names, so a retry of
//! the same event, minutes later, purges as of the same minute. The exercise's session store is
//! a stand-in; here the sessions are in a DynamoDB table (`TABLE_NAME`, key `sessionId`,
//! attribute `expiresAt` in seconds since the epoch). (DynamoDB's own TTL deletes expired items
//! too, but only within days, not at a time you choose.) The schedule,
//! `cron(0 18 ? * SUN-THU *)`, is configuration: a `Schedule` event in SAM, as the chapter shows.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};

/// The table and its client, made at Init.
struct Sessions {
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
}

async fn purge_expired_sessions(
    sessions: &Sessions,
    event: LambdaEvent<EventBridgeEvent>,
) -> Result<Value, Error> {
    // The minute this run was scheduled for, not the clock: the run is idempotent.
    let time = event.payload.time.ok_or("a Scheduled Event has a time")?;
    let now = AttributeValue::N(time.timestamp().to_string());
    let expired = sessions
        .dynamodb
        .scan()
        .table_name(&sessions.table)
        .filter_expression("expiresAt <= :now")
        .expression_attribute_values(":now", now.clone())
        .projection_expression("sessionId")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    let mut purged = Vec::new();
    for item in expired {
        let Some(AttributeValue::S(id)) = item.get("sessionId") else {
            continue;
        };
        // Only if it is still expired: a session renewed since the scan stays.
        let delete = sessions
            .dynamodb
            .delete_item()
            .table_name(&sessions.table)
            .key("sessionId", AttributeValue::S(id.clone()))
            .condition_expression("expiresAt <= :now")
            .expression_attribute_values(":now", now.clone())
            .send()
            .await;
        match delete {
            Ok(_) => purged.push(id.clone()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!(purged = purged.len(), "sessions purged");
    Ok(json!({ "purged": purged }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let sessions = Sessions {
        dynamodb: aws_sdk_dynamodb::Client::new(&aws),
        table: std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set")?,
    };
    run(service_fn(|event| purge_expired_sessions(&sessions, event))).await
}
