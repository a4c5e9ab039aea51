//! A minimal Amazon DynamoDB: tables of items, each with a **stream** of its changes that an
//! event source mapping can read (see [`crate::event_source_mapping::stream`]).
//!
//! A DynamoDB stream is the table's change log. Every write that changes an item appends one
//! record: `INSERT` for a new item, `MODIFY` for a changed one, `REMOVE` for a deleted one. With
//! the `NEW_AND_OLD_IMAGES` view (the one the invoker uses) a record carries the item's key, its
//! image after the change and its image before. A write that changes nothing (putting an item
//! equal to the one stored, deleting one that is not there) writes no record. Records stay in
//! the stream for 24 hours.
//!
//! Items go in as plain JSON (`{"id": "o-1", "total": 12}`), as an SDK's document client takes
//! them; the stream shows them as DynamoDB writes them, in *DynamoDB JSON*, where every value
//! names its type: `{"id": {"S": "o-1"}, "total": {"N": "12"}}`. A function reading the stream
//! meets that shape, so it is worth seeing once.
//!
//! ```
//! use invoker::Lambda;
//! use serde_json::json;
//! invoker::run(async {
//!     let lambda = Lambda::new();
//!     let stream_arn = lambda.dynamodb().create_table("orders", "id").unwrap();
//!     assert!(stream_arn.starts_with("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"));
//!     lambda.dynamodb().put_item("orders", json!({ "id": "o-1", "total": 12 })).unwrap();
//!     lambda.dynamodb().delete_item("orders", json!({ "id": "o-1" })).unwrap();
//! });
//! ```
//!
//! A handler needs `dynamodb:PutItem` or `dynamodb:DeleteItem` on the table's ARN,
//! `arn:aws:dynamodb:<region>:<account>:table/<name>`, in its execution role (see
//! [`crate::iam`]); DynamoDB refuses with `AccessDeniedException` (400).
//!
//! Simplified here, on purpose, so the stream is the lesson: a table has a string partition key
//! only (no sort key), the stream is always on with `NEW_AND_OLD_IMAGES` and has one shard, and
//! there is no reading the table back yet. `SizeBytes` is approximate.

use crate::arn::Scope;
use crate::clock::{self, VirtualClock};
use crate::error::ServiceError;
use crate::service::{Lambda, State};
use crate::shard::{Record, RecordBody, Shard, Stream, StreamKind};
use crate::transcript::Entry;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long a DynamoDB stream keeps a record: 24 hours, fixed.
pub const STREAM_RETENTION: Duration = Duration::from_secs(24 * 3600);
/// The largest item, 400 KB (the invoker measures its plain JSON text).
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// A table: its key attribute, its items by key, and its stream.
#[derive(Debug)]
pub(crate) struct Table {
    key_attribute: String,
    items: BTreeMap<String, Value>,
    pub stream: Stream,
}

/// The DynamoDB part of the simulated account: `lambda.dynamodb().create_table("orders", "id")`.
pub struct DynamoDb<'a> {
    lambda: &'a Lambda,
}

impl Lambda {
    /// The account's DynamoDB tables.
    pub fn dynamodb(&self) -> DynamoDb<'_> {
        DynamoDb { lambda: self }
    }
}

impl DynamoDb<'_> {
    /// Creates a table whose items are keyed by the string attribute `key_attribute`, with its
    /// stream enabled (`NEW_AND_OLD_IMAGES`), like `aws dynamodb create-table
    /// --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES`. Returns the
    /// stream's ARN (the table's `LatestStreamArn`), which is what an event source mapping reads:
    /// `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<creation time>`.
    pub fn create_table(&self, name: &str, key_attribute: &str) -> Result<String, ServiceError> {
        let valid_name = (3..=255).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid_name {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255"
            )));
        }
        if key_attribute.is_empty() {
            return Err(ServiceError::validation(
                "One or more parameter values were invalid: the key attribute name is empty",
            ));
        }
        let Scope { region, account_id } = &self.lambda.inner.scope;
        let at = self.lambda.elapsed();
        let now = self.lambda.inner.clock.now();
        let mut state = self.lambda.state();
        if state.dynamodb.contains_key(name) {
            return Err(dynamodb_error(
                "ResourceInUseException",
                format!("Table already exists: {name}"),
            ));
        }
        // The stream's label is its creation time; its one shard's id looks like AWS's:
        // `shardId-<creation time in ms, 20 digits>-<8 hex digits>`.
        let label = clock::rfc3339_millis(now).trim_end_matches('Z').to_owned();
        let arn = format!("arn:aws:dynamodb:{region}:{account_id}:table/{name}/stream/{label}");
        let shard_id = format!(
            "shardId-{:020}-{}",
            clock::epoch_millis(now),
            state.ids.hex(4)
        );
        let stream = Stream {
            kind: StreamKind::DynamoDb,
            arn: arn.clone(),
            name: name.to_owned(),
            shards: vec![Shard::new(shard_id, "1".to_owned())],
            retention: STREAM_RETENTION,
            readers: Vec::new(),
        };
        state.dynamodb.insert(
            name.to_owned(),
            Table {
                key_attribute: key_attribute.to_owned(),
                items: BTreeMap::new(),
                stream,
            },
        );
        state.transcript.push(Entry::Api {
            at,
            text: format!(
                "dynamodb:CreateTable {name} (key {key_attribute}), stream NEW_AND_OLD_IMAGES: {arn}"
            ),
        });
        Ok(arn)
    }

    /// Writes an item (a JSON object with the table's key attribute, a string), replacing any item
    /// with the same key, like `aws dynamodb put-item`. The stream gets an `INSERT` or `MODIFY`
    /// record, or none if the item did not change.
    pub fn put_item(&self, table: &str, item: Value) -> Result<(), ServiceError> {
        let text = item.to_string();
        let Value::Object(attributes) = item else {
            return Err(ServiceError::validation(
                "One or more parameter values were invalid: an item must be a JSON object of attributes",
            ));
        };
        self.authorize("dynamodb:PutItem", table)?;
        if text.len() > MAX_ITEM_BYTES {
            return Err(ServiceError::validation(
                "Item size has exceeded the maximum allowed size",
            ));
        }
        let at = self.lambda.elapsed();
        let mut state = self.lambda.state();
        let found = table_mut(&mut state.dynamodb, table)?;
        let key = key_of(&found.key_attribute, &attributes)?;
        let item = Value::Object(attributes);
        let old = found.items.insert(key.clone(), item.clone());
        let change = Change::of(found, key);
        let outcome = match old {
            Some(old) if old == item => "unchanged, no stream record".to_owned(),
            Some(old) => {
                change.record(self.lambda, &mut state, "MODIFY", Some(&item), Some(old))?
            }
            None => change.record(self.lambda, &mut state, "INSERT", Some(&item), None)?,
        };
        state.transcript.push(Entry::Api {
            at,
            text: format!("dynamodb:PutItem {table} {text}: {outcome}"),
        });
        Ok(())
    }

    /// Deletes the item with this key (`{"id": "o-1"}`), like `aws dynamodb delete-item`. The
    /// stream gets a `REMOVE` record, or none if there was no such item.
    pub fn delete_item(&self, table: &str, key: Value) -> Result<(), ServiceError> {
        self.authorize("dynamodb:DeleteItem", table)?;
        let text = key.to_string();
        let at = self.lambda.elapsed();
        let mut state = self.lambda.state();
        let found = table_mut(&mut state.dynamodb, table)?;
        let mismatch =
            || ServiceError::validation("The provided key element does not match the schema");
        let key = match key {
            Value::Object(attributes) if attributes.len() == 1 => {
                key_of(&found.key_attribute, &attributes).map_err(|_| mismatch())?
            }
            _ => return Err(mismatch()),
        };
        let change = Change::of(found, key);
        let outcome = match found.items.remove(&change.key) {
            Some(old) => change.record(self.lambda, &mut state, "REMOVE", None, Some(old))?,
            None => "no such item, no stream record".to_owned(),
        };
        state.transcript.push(Entry::Api {
            at,
            text: format!("dynamodb:DeleteItem {table} {text}: {outcome}"),
        });
        Ok(())
    }
}

impl DynamoDb<'_> {
    /// Checks a call from function code against its execution role: `action` on the table.
    fn authorize(&self, action: &str, table: &str) -> Result<(), ServiceError> {
        let Scope { region, account_id } = &self.lambda.inner.scope;
        let arn = format!("arn:aws:dynamodb:{region}:{account_id}:table/{table}");
        self.lambda
            .authorize(action, &arn)
            .map_err(|denied| dynamodb_error("AccessDeniedException", denied.message()))
    }
}

/// A table by name, or DynamoDB's `ResourceNotFoundException`.
fn table_mut<'t>(
    tables: &'t mut BTreeMap<String, Table>,
    name: &str,
) -> Result<&'t mut Table, ServiceError> {
    tables.get_mut(name).ok_or_else(not_found)
}

/// DynamoDB's answer for a table that does not exist.
fn not_found() -> ServiceError {
    dynamodb_error(
        "ResourceNotFoundException",
        "Requested resource not found".to_owned(),
    )
}

/// A change to one item of a table, on its way to the table's stream.
struct Change {
    stream_arn: String,
    key_attribute: String,
    key: String,
}

impl Change {
    /// A change to the item with this key.
    fn of(table: &Table, key: String) -> Self {
        Self {
            stream_arn: table.stream.arn.clone(),
            key_attribute: table.key_attribute.clone(),
            key,
        }
    }

    /// Appends the change to the stream as an `INSERT`, `MODIFY` or `REMOVE` record with the
    /// item's images; returns how the transcript tells it.
    fn record(
        self,
        lambda: &Lambda,
        state: &mut State,
        event_name: &'static str,
        new_image: Option<&Value>,
        old_image: Option<Value>,
    ) -> Result<String, ServiceError> {
        let mut change = Map::new();
        change.insert(
            "Keys".into(),
            json!({ self.key_attribute: attribute_value(&json!(self.key)) }),
        );
        if let Some(image) = new_image {
            change.insert("NewImage".into(), attribute_value(image)["M"].take());
        }
        if let Some(image) = &old_image {
            change.insert("OldImage".into(), attribute_value(image)["M"].take());
        }
        let size = Value::Object(change.clone()).to_string().len();
        change.insert("SizeBytes".into(), json!(size));
        change.insert("StreamViewType".into(), json!("NEW_AND_OLD_IMAGES"));
        let body = RecordBody::DynamoDb {
            event_id: state.ids.hex(16),
            event_name,
            change: Value::Object(change),
        };
        // A table's stream has one shard.
        let (_, record, readers) = state
            .append_record(&self.stream_arn, |_| 0, self.key, body)
            .ok_or_else(not_found)?;
        // Counted while the lock is held: no reader can finish the record before it is counted.
        lambda.work_started(readers);
        Ok(format!(
            "{event_name}, stream sequence number {}",
            record.sequence_number
        ))
    }
}

/// The value of the key attribute, which must be a non-empty string.
fn key_of(key_attribute: &str, attributes: &Map<String, Value>) -> Result<String, ServiceError> {
    let invalid = |detail: String| {
        ServiceError::validation(format!(
            "One or more parameter values were invalid: {detail}"
        ))
    };
    match attributes.get(key_attribute) {
        None => Err(invalid(format!("Missing the key {key_attribute} in the item"))),
        Some(Value::String(key)) if key.is_empty() => Err(ServiceError::validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: {key_attribute}"
        ))),
        Some(Value::String(key)) => Ok(key.clone()),
        Some(other) => Err(invalid(format!(
            "Type mismatch for key {key_attribute} expected: S actual: {}",
            type_name(other)
        ))),
    }
}

/// A plain JSON value in DynamoDB JSON: `"a"` → `{"S": "a"}`, `12` → `{"N": "12"}`, …
fn attribute_value(value: &Value) -> Value {
    json!({ type_name(value): match value {
        Value::Null => json!(true),
        Value::Bool(b) => json!(b),
        Value::Number(n) => json!(n.to_string()),
        Value::String(s) => json!(s),
        Value::Array(items) => Value::Array(items.iter().map(attribute_value).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, field)| (name.clone(), attribute_value(field)))
                .collect(),
        ),
    } })
}

/// DynamoDB's name for the type of a value.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "BOOL",
        Value::Number(_) => "N",
        Value::String(_) => "S",
        Value::Array(_) => "L",
        Value::Object(_) => "M",
    }
}

/// A DynamoDB error: DynamoDB answers every client error with HTTP 400.
fn dynamodb_error(code: &'static str, message: String) -> ServiceError {
    ServiceError {
        code,
        status: 400,
        message,
        reason: None,
    }
}

/// A change as the function receives it in a DynamoDB `Event`, with the time of the change (in
/// whole epoch seconds, as DynamoDB gives it) and its sequence number.
pub(crate) fn event_record(
    scope: &Scope,
    clock: &VirtualClock,
    stream_arn: &str,
    record: &Record,
    event_id: &str,
    event_name: &str,
    change: &Value,
) -> Value {
    let mut change = change.clone();
    change["ApproximateCreationDateTime"] =
        json!(clock::epoch_millis(clock.wall_time(record.arrived)) / 1000);
    change["SequenceNumber"] = json!(record.sequence_number);
    let mut event = json!({
        "eventID": event_id,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": scope.region,
        "eventSourceARN": stream_arn,
    });
    event["dynamodb"] = change;
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_json_becomes_dynamodb_json() {
        let item = json!({ "id": "o-1", "total": 12.5, "paid": true, "note": null, "tags": ["a"], "address": { "city": "Oslo" } });
        assert_eq!(
            attribute_value(&item),
            json!({ "M": {
                "id": { "S": "o-1" },
                "total": { "N": "12.5" },
                "paid": { "BOOL": true },
                "note": { "NULL": true },
                "tags": { "L": [{ "S": "a" }] },
                "address": { "M": { "city": { "S": "Oslo" } } },
            } })
        );
    }
}
