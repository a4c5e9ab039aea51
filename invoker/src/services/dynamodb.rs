//! A minimal Amazon DynamoDB: tables of items that functions write and read back by key, each
//! with a **stream** of its changes that an event source mapping can read (see
//! [`crate::event_source_mapping::stream`]).
//!
//! ## Keys, reads and conditional writes
//!
//! Every item has a primary key. A table keyed by a **partition key** alone
//! (`create_table("orders", "id")`) holds one item per key value, like a map. A table with a
//! **sort key** as well (`create_table_with_sort_key("jobs", "job", "part")`) holds any number of
//! items per partition key value, kept in the order of their sort key: each partition is a small
//! sorted list. [`DynamoDb::get_item`] reads one item by its whole key; [`DynamoDb::query`] reads
//! one partition in sort-key order, or the part of it whose sort keys equal a value, begin with a
//! prefix, or fall between two values ([`SortKeyCondition`]). That is how DynamoDB is meant to be
//! read: by key, never by searching. ([`DynamoDb::scan`] reads the whole table; it is for tests
//! and small tables.)
//!
//! A put replaces the whole item with the same key. [`DynamoDb::put_item_if_absent`] writes only
//! if no item has that key, the `ConditionExpression` `attribute_not_exists(<partition key>)`,
//! and otherwise fails with `ConditionalCheckFailedException`. Of several writers of one key,
//! exactly one wins, and the others learn that they lost: the building block of a handler that
//! does its work once although its event arrives twice.
//!
//! ## Streams
//!
//! A DynamoDB stream is the table's change log. Every write that changes an item appends one
//! record: `INSERT` for a new item, `MODIFY` for a changed one, `REMOVE` for a deleted one. A
//! record carries the item's key and, depending on the stream's view ([`StreamViewType`]), its
//! image after the change, before it, or both: `NEW_AND_OLD_IMAGES`, which a table here starts
//! with, or `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` ([`DynamoDb::set_stream_view_type`]). A write that changes nothing (putting an item
//! equal to the one stored, deleting one that is not there, a conditional put that fails) writes
//! no record. Records stay in the stream for 24 hours.
//!
//! Items go in as plain JSON (`{"id": "o-1", "total": 12}`), as an SDK's document client takes
//! them; the stream shows them as DynamoDB writes them, in *DynamoDB JSON*, where every value
//! names its type: `{"id": {"S": "o-1"}, "total": {"N": "12"}}`. A function reading the stream
//! meets that shape, so it is worth seeing once.
//!
//! ```
//! use invoker::SortKeyCondition;
//! use invoker::{ErrorCode, Lambda};
//! use serde_json::json;
//! invoker::run(async {
//!     let lambda = Lambda::new();
//!     let db = lambda.dynamodb();
//!     let stream_arn = db.create_table("orders", "id").unwrap();
//!     assert!(stream_arn.starts_with("arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"));
//!     db.put_item("orders", json!({ "id": "o-1", "total": 12 })).unwrap();
//!     assert_eq!(db.get_item("orders", json!({ "id": "o-1" })).unwrap(), Some(json!({ "id": "o-1", "total": 12 })));
//!     db.delete_item("orders", json!({ "id": "o-1" })).unwrap();
//!
//!     db.create_table_with_sort_key("visits", "user", "day").unwrap();
//!     for day in ["2025-01-03", "2025-01-01", "2025-02-01"] {
//!         db.put_item("visits", json!({ "user": "ada", "day": day })).unwrap();
//!     }
//!     let january = db.query("visits", "ada", Some(SortKeyCondition::begins_with("2025-01"))).unwrap();
//!     assert_eq!(january, [json!({ "user": "ada", "day": "2025-01-01" }), json!({ "user": "ada", "day": "2025-01-03" })]);
//!     let again = db.put_item_if_absent("visits", json!({ "user": "ada", "day": "2025-01-01" })).unwrap_err();
//!     assert_eq!(again.code, ErrorCode::ConditionalCheckFailedException);
//! });
//! ```
//!
//! A handler needs the matching action (`dynamodb:PutItem`, `GetItem`, `Query`, `Scan`,
//! `DeleteItem`) on the table's ARN, `arn:aws:dynamodb:<region>:<account>:table/<name>`, in its
//! execution role (see [`crate::lambda::iam`]); DynamoDB refuses with `AccessDeniedException` (400).
//!
//! Called from a handler, a DynamoDB call shows inside that invocation's block in the transcript.
//! It does not carry the request chain on (see [`crate::lambda::trace`]): AWS does not follow a chain
//! through DynamoDB, so a loop through a table's stream is not stopped.
//!
//! Simplified here, on purpose: key attributes are strings (no number or binary keys), and no
//! attribute is binary; the 400 KB item limit is checked on the item's JSON text; reads are strongly consistent (on AWS, `GetItem` and `Query`
//! are eventually consistent unless the call asks for `ConsistentRead`, so a read right after
//! another writer's write may miss it); a query returns all its items at once (AWS returns pages
//! of up to 1 MB); there are no secondary indexes, no `UpdateItem`, and no other condition than
//! "absent". The stream is always on and has one shard; its view changes in place (on AWS, a new
//! stream replaces it).

use crate::base::arn::Scope;
use crate::base::clock::{self, VirtualClock};
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::platform::{lock, Platform};
use crate::base::transcript::{count, Entry};
use crate::lambda::handle::LambdaHandle;
use crate::lambda::service::Lambda;
use crate::services::shard::{Record, RecordBody, Shard, Stream, StreamKind};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long a DynamoDB stream keeps a record: 24 hours, fixed.
pub(crate) const STREAM_RETENTION: Duration = Duration::from_secs(24 * 3600);
/// The largest item, 400 KB (the invoker measures its plain JSON text).
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// A table: its key schema, its items in key order, and its stream.
#[derive(Debug)]
pub(crate) struct Table {
    schema: KeySchema,
    items: BTreeMap<Key, Value>,
    pub stream: Stream,
    /// What each stream record shows of the item.
    stream_view: StreamViewType,
}

/// What a table's stream records show of the changed item (`StreamViewType`): every record holds
/// the item's key; the view decides which images come with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamViewType {
    /// `KEYS_ONLY`: the key alone.
    KeysOnly,
    /// `NEW_IMAGE`: the item after the change (none for a `REMOVE`).
    NewImage,
    /// `OLD_IMAGE`: the item before the change (none for an `INSERT`).
    OldImage,
    /// `NEW_AND_OLD_IMAGES`: both.
    NewAndOldImages,
}

impl StreamViewType {
    /// The name AWS gives the view.
    pub fn name(self) -> &'static str {
        match self {
            Self::KeysOnly => "KEYS_ONLY",
            Self::NewImage => "NEW_IMAGE",
            Self::OldImage => "OLD_IMAGE",
            Self::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }

    fn shows_new_image(self) -> bool {
        matches!(self, Self::NewImage | Self::NewAndOldImages)
    }

    fn shows_old_image(self) -> bool {
        matches!(self, Self::OldImage | Self::NewAndOldImages)
    }
}

/// The names of a table's key attributes: a partition key and, optionally, a sort key.
#[derive(Debug)]
struct KeySchema {
    partition: String,
    sort: Option<String>,
}

/// The primary key of an item. Keys order by partition key, then sort key, so the items of one
/// partition sit together in sort-key order, the order a query returns them in. `String`s
/// compare byte by byte, as DynamoDB compares string keys (by their UTF-8 bytes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    partition: String,
    sort: Option<String>,
}

/// Which items of a partition a [`DynamoDb::query`] returns, by their sort key: the sort-key
/// part of a `KeyConditionExpression`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortKeyCondition {
    /// `sk = :value`
    Equals(String),
    /// `begins_with(sk, :prefix)`
    BeginsWith(String),
    /// `sk BETWEEN :low AND :high`, both ends included.
    Between(String, String),
}

impl SortKeyCondition {
    /// Sort keys equal to `value`.
    pub fn equals(value: impl Into<String>) -> Self {
        Self::Equals(value.into())
    }

    /// Sort keys that begin with `prefix`.
    pub fn begins_with(prefix: impl Into<String>) -> Self {
        Self::BeginsWith(prefix.into())
    }

    /// Sort keys from `low` to `high`, both included.
    pub fn between(low: impl Into<String>, high: impl Into<String>) -> Self {
        Self::Between(low.into(), high.into())
    }

    fn matches(&self, sort_key: &str) -> bool {
        match self {
            Self::Equals(value) => sort_key == value,
            Self::BeginsWith(prefix) => sort_key.starts_with(prefix.as_str()),
            Self::Between(low, high) => (low.as_str()..=high.as_str()).contains(&sort_key),
        }
    }

    /// The condition as a `KeyConditionExpression` writes it, with the values in place of their
    /// placeholders: `begins_with(part, "p#")`.
    fn expression(&self, name: &str) -> String {
        match self {
            Self::Equals(value) => format!("{name} = {}", json!(value)),
            Self::BeginsWith(prefix) => format!("begins_with({name}, {})", json!(prefix)),
            Self::Between(low, high) => {
                format!("{name} BETWEEN {} AND {}", json!(low), json!(high))
            }
        }
    }

    /// Refuses what DynamoDB refuses: an empty value, or a `BETWEEN` whose bounds are reversed.
    fn validate(&self, name: &str) -> Result<(), ServiceError> {
        let values = match self {
            Self::Equals(value) | Self::BeginsWith(value) => vec![value],
            Self::Between(low, high) => vec![low, high],
        };
        if values.iter().any(|value| value.is_empty()) {
            return Err(empty_key(name));
        }
        match self {
            Self::Between(low, high) if low > high => Err(ServiceError::validation(format!(
                "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {{S:{low}}}, upper bound operand: AttributeValue: {{S:{high}}}"
            ))),
            _ => Ok(()),
        }
    }
}

/// DynamoDB's state: its tables, by name.
pub(crate) type Tables = BTreeMap<String, Table>;

/// The DynamoDB part of the simulated account: `lambda.dynamodb().create_table("orders", "id")`.
#[derive(Clone)]
pub struct DynamoDb {
    lambda: LambdaHandle,
    dynamodb: Arc<Mutex<Tables>>,
}

impl Lambda {
    /// The account's DynamoDB tables.
    pub fn dynamodb(&self) -> DynamoDb {
        DynamoDb::new(self.handle())
    }
}

impl DynamoDb {
    pub(crate) fn new(lambda: LambdaHandle) -> Self {
        let dynamodb = lambda.platform().state();
        Self { lambda, dynamodb }
    }

    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Tables> {
        lock(&self.dynamodb)
    }

    /// Runs `read` on the table stream with this ARN, for a mapping's poller; `None` if there is
    /// none.
    pub(crate) fn with_stream<R>(
        &self,
        arn: &str,
        read: impl FnOnce(&mut Stream) -> R,
    ) -> Option<R> {
        self.state()
            .values_mut()
            .map(|table| &mut table.stream)
            .find(|stream| stream.arn == arn)
            .map(read)
    }

    /// Creates a table whose items are keyed by the string attribute `partition_key`, with its
    /// stream enabled (`NEW_AND_OLD_IMAGES`), like `aws dynamodb create-table
    /// --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES`. Returns the
    /// stream's ARN (the table's `LatestStreamArn`), which is what an event source mapping reads:
    /// `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<creation time>`.
    pub fn create_table(&self, name: &str, partition_key: &str) -> Result<String, ServiceError> {
        self.create(name, partition_key, None)
    }

    /// Creates a table whose items are keyed by two string attributes: `partition_key` (the
    /// `HASH` key) and `sort_key` (the `RANGE` key). One partition key value can then hold many
    /// items, in sort-key order, which [`DynamoDb::query`] reads. Otherwise like
    /// [`DynamoDb::create_table`].
    pub fn create_table_with_sort_key(
        &self,
        name: &str,
        partition_key: &str,
        sort_key: &str,
    ) -> Result<String, ServiceError> {
        self.create(name, partition_key, Some(sort_key))
    }

    fn create(
        &self,
        name: &str,
        partition_key: &str,
        sort_key: Option<&str>,
    ) -> Result<String, ServiceError> {
        let valid_name = (3..=255).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid_name {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255"
            )));
        }
        if partition_key.is_empty() || sort_key.is_some_and(str::is_empty) {
            return Err(ServiceError::validation(
                "One or more parameter values were invalid: the key attribute name is empty",
            ));
        }
        if sort_key == Some(partition_key) {
            return Err(ServiceError::validation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name",
            ));
        }
        let Scope { region, account_id } = &self.lambda.platform().scope;
        let at = self.lambda.platform().elapsed();
        let now = self.lambda.platform().clock.now();
        let mut state = self.state();
        if state.contains_key(name) {
            return Err(dynamodb_error(
                ErrorCode::ResourceInUseException,
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
            self.lambda.platform().ids().hex(4)
        );
        let stream = Stream::new(
            StreamKind::DynamoDb,
            arn.clone(),
            name.to_owned(),
            vec![Shard::new(shard_id, "1".to_owned())],
            STREAM_RETENTION,
        );
        let keys = match sort_key {
            None => format!("key {partition_key}"),
            Some(sort_key) => format!("key {partition_key}, sort key {sort_key}"),
        };
        state.insert(
            name.to_owned(),
            Table {
                schema: KeySchema {
                    partition: partition_key.to_owned(),
                    sort: sort_key.map(str::to_owned),
                },
                items: BTreeMap::new(),
                stream,
                stream_view: StreamViewType::NewAndOldImages,
            },
        );
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("dynamodb:CreateTable {name} ({keys}), stream NEW_AND_OLD_IMAGES: {arn}"),
        });
        Ok(arn)
    }

    /// Sets what the records of a table's stream show from now on, like `aws dynamodb
    /// update-table --stream-specification StreamEnabled=true,StreamViewType=NEW_IMAGE`; a table
    /// starts with [`StreamViewType::NewAndOldImages`]. (On AWS the view of an enabled stream
    /// cannot change: the stream is disabled and enabled again, under a new ARN. Here the
    /// stream stays, and the records already in it keep their shape.)
    pub fn set_stream_view_type(
        &self,
        table: &str,
        view: StreamViewType,
    ) -> Result<(), ServiceError> {
        let at = self.lambda.platform().elapsed();
        table_mut(&mut self.state(), table)?.stream_view = view;
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("dynamodb:UpdateTable {table}: stream {}", view.name()),
        });
        Ok(())
    }

    /// Writes an item (a JSON object holding the table's key attributes, strings), replacing any
    /// item with the same key, like `aws dynamodb put-item`. The stream gets an `INSERT` or
    /// `MODIFY` record, or none if the item did not change.
    pub fn put_item(&self, table: &str, item: Value) -> Result<(), ServiceError> {
        self.put(table, item, false)
    }

    /// Writes an item only if the table holds no item with its key, like `aws dynamodb put-item
    /// --condition-expression "attribute_not_exists(<partition key>)"`. If one is there, nothing
    /// changes and the call fails with `ConditionalCheckFailedException` ("The conditional
    /// request failed"): of several callers writing one key, exactly one succeeds.
    pub fn put_item_if_absent(&self, table: &str, item: Value) -> Result<(), ServiceError> {
        self.put(table, item, true)
    }

    fn put(&self, table: &str, item: Value, only_if_absent: bool) -> Result<(), ServiceError> {
        self.authorize("dynamodb:PutItem", table)?;
        let text = item.to_string();
        let Value::Object(attributes) = item else {
            return Err(ServiceError::validation(
                "One or more parameter values were invalid: an item must be a JSON object of attributes",
            ));
        };
        if text.len() > MAX_ITEM_BYTES {
            return Err(ServiceError::validation(
                "Item size has exceeded the maximum allowed size",
            ));
        }
        let mut state = self.state();
        let found = table_mut(&mut state, table)?;
        let key = found.schema.key_of_item(&attributes)?;
        let mut call = format!("dynamodb:PutItem {table} {text}");
        if only_if_absent {
            call.push_str(&format!(
                " if attribute_not_exists({})",
                found.schema.partition
            ));
            if found.items.contains_key(&key) {
                drop(state);
                self.lambda.record_call(format!(
                    "{call}: ConditionalCheckFailedException, the item exists"
                ));
                return Err(dynamodb_error(
                    ErrorCode::ConditionalCheckFailedException,
                    "The conditional request failed".to_owned(),
                ));
            }
        }
        let item = Value::Object(attributes);
        let old = found.items.insert(key.clone(), item.clone());
        let change = Change::of(found, &key);
        let outcome = match old {
            Some(old) if old == item => "unchanged, no stream record".to_owned(),
            Some(old) => change.record(
                self.lambda.platform(),
                &mut found.stream,
                "MODIFY",
                Some(&item),
                Some(old),
            )?,
            None => change.record(
                self.lambda.platform(),
                &mut found.stream,
                "INSERT",
                Some(&item),
                None,
            )?,
        };
        drop(state);
        self.lambda.record_call(format!("{call}: {outcome}"));
        Ok(())
    }

    /// The item with this key (`{"id": "o-1"}`, with the sort key too if the table has one), or
    /// `None`, like `aws dynamodb get-item`.
    pub fn get_item(&self, table: &str, key: Value) -> Result<Option<Value>, ServiceError> {
        self.authorize("dynamodb:GetItem", table)?;
        let state = self.state();
        let found = state.get(table).ok_or_else(not_found)?;
        let item = found
            .items
            .get(&found.schema.key_of_request(&key)?)
            .cloned();
        drop(state);
        let outcome = match item {
            Some(_) => "found",
            None => "no such item",
        };
        self.lambda
            .record_call(format!("dynamodb:GetItem {table} {key}: {outcome}"));
        Ok(item)
    }

    /// The items whose partition key is `partition_key`, in sort-key order, and only those whose
    /// sort key meets `sort_key` if it is given, like `aws dynamodb query
    /// --key-condition-expression "job = :job AND begins_with(part, :prefix)"`.
    ///
    /// A sort-key condition on a table without a sort key is refused ("Query key condition not
    /// supported").
    pub fn query(
        &self,
        table: &str,
        partition_key: &str,
        sort_key: Option<SortKeyCondition>,
    ) -> Result<Vec<Value>, ServiceError> {
        self.authorize("dynamodb:Query", table)?;
        let state = self.state();
        let found = state.get(table).ok_or_else(not_found)?;
        let schema = &found.schema;
        if partition_key.is_empty() {
            return Err(empty_key(&schema.partition));
        }
        let mut expression = format!("{} = {}", schema.partition, json!(partition_key));
        if let Some(condition) = &sort_key {
            let name = schema
                .sort
                .as_deref()
                .ok_or_else(|| ServiceError::validation("Query key condition not supported"))?;
            condition.validate(name)?;
            expression.push_str(&format!(" AND {}", condition.expression(name)));
        }
        let first = Key {
            partition: partition_key.to_owned(),
            sort: None,
        };
        let items: Vec<Value> = found
            .items
            .range(first..)
            .take_while(|(key, _)| key.partition == partition_key)
            .filter(|(key, _)| match (&sort_key, &key.sort) {
                (Some(condition), Some(sort)) => condition.matches(sort),
                _ => true,
            })
            .map(|(_, item)| item.clone())
            .collect();
        drop(state);
        self.lambda.record_call(format!(
            "dynamodb:Query {table} {expression}: {}",
            count(items.len(), "item")
        ));
        Ok(items)
    }

    /// Every item of the table, in key order, like `aws dynamodb scan`. A scan reads (and on AWS,
    /// bills) the whole table: fine for a test or a small table, not for a request path.
    pub fn scan(&self, table: &str) -> Result<Vec<Value>, ServiceError> {
        self.authorize("dynamodb:Scan", table)?;
        let state = self.state();
        let found = state.get(table).ok_or_else(not_found)?;
        let items: Vec<Value> = found.items.values().cloned().collect();
        drop(state);
        self.lambda.record_call(format!(
            "dynamodb:Scan {table}: {}",
            count(items.len(), "item")
        ));
        Ok(items)
    }

    /// Deletes the item with this key (`{"id": "o-1"}`, with the sort key too if the table has
    /// one), like `aws dynamodb delete-item`. The stream gets a `REMOVE` record, or none if there
    /// was no such item.
    pub fn delete_item(&self, table: &str, key: Value) -> Result<(), ServiceError> {
        self.authorize("dynamodb:DeleteItem", table)?;
        let mut state = self.state();
        let found = table_mut(&mut state, table)?;
        let item_key = found.schema.key_of_request(&key)?;
        let old = found.items.remove(&item_key);
        let change = Change::of(found, &item_key);
        let outcome = match old {
            Some(old) => change.record(
                self.lambda.platform(),
                &mut found.stream,
                "REMOVE",
                None,
                Some(old),
            )?,
            None => "no such item, no stream record".to_owned(),
        };
        drop(state);
        self.lambda
            .record_call(format!("dynamodb:DeleteItem {table} {key}: {outcome}"));
        Ok(())
    }
}

impl KeySchema {
    /// How many key attributes an item has: one, or two with a sort key.
    fn len(&self) -> usize {
        1 + usize::from(self.sort.is_some())
    }

    /// The key of an item to write, which must hold every key attribute as a non-empty string.
    fn key_of_item(&self, item: &Map<String, Value>) -> Result<Key, ServiceError> {
        Ok(Key {
            partition: key_value(&self.partition, item)?,
            sort: match &self.sort {
                Some(name) => Some(key_value(name, item)?),
                None => None,
            },
        })
    }

    /// The key that a read or a delete names: the key attributes and nothing else.
    fn key_of_request(&self, key: &Value) -> Result<Key, ServiceError> {
        let mismatch =
            || ServiceError::validation("The provided key element does not match the schema");
        match key {
            Value::Object(attributes) if attributes.len() == self.len() => {
                self.key_of_item(attributes).map_err(|_| mismatch())
            }
            _ => Err(mismatch()),
        }
    }

    /// A key in DynamoDB JSON, as a stream record's `Keys` holds it: `{"id": {"S": "o-1"}}`.
    fn attribute_values(&self, key: &Key) -> Value {
        let mut keys = Map::new();
        keys.insert(
            self.partition.clone(),
            attribute_value(&json!(key.partition)),
        );
        if let (Some(name), Some(value)) = (&self.sort, &key.sort) {
            keys.insert(name.clone(), attribute_value(&json!(value)));
        }
        Value::Object(keys)
    }
}

impl DynamoDb {
    /// Checks a call from function code against its execution role: `action` on the table.
    fn authorize(&self, action: &str, table: &str) -> Result<(), ServiceError> {
        let Scope { region, account_id } = &self.lambda.platform().scope;
        let arn = format!("arn:aws:dynamodb:{region}:{account_id}:table/{table}");
        self.lambda
            .authorize(action, &arn)
            .map_err(|denied| dynamodb_error(ErrorCode::AccessDeniedException, denied.message()))
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
        ErrorCode::ResourceNotFoundException,
        "Requested resource not found".to_owned(),
    )
}

/// DynamoDB's answer for an empty string where a key attribute's value goes.
fn empty_key(name: &str) -> ServiceError {
    ServiceError::validation(format!(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: {name}"
    ))
}

/// A change to one item of a table, on its way to the table's stream.
struct Change {
    /// The item's key in DynamoDB JSON, the record's `Keys`.
    keys: Value,
    /// The key's size as DynamoDB measures it (see [`attribute_size`]).
    key_size: usize,
    /// The partition key's value, which the stream record keeps as its partition key.
    partition_key: String,
    /// What the record shows of the item.
    view: StreamViewType,
}

impl Change {
    /// A change to the item with this key.
    fn of(table: &Table, key: &Key) -> Self {
        let schema = &table.schema;
        let sort = schema.sort.iter().zip(&key.sort);
        let key_size = [(&schema.partition, &key.partition)]
            .into_iter()
            .chain(sort)
            .map(|(name, value)| name.len() + value.len())
            .sum();
        Self {
            keys: schema.attribute_values(key),
            key_size,
            partition_key: key.partition.clone(),
            view: table.stream_view,
        }
    }

    /// Appends the change to the stream as an `INSERT`, `MODIFY` or `REMOVE` record with the
    /// item's images its view shows; returns how the transcript tells it.
    fn record(
        self,
        platform: &Platform,
        stream: &mut Stream,
        event_name: &'static str,
        new_image: Option<&Value>,
        old_image: Option<Value>,
    ) -> Result<String, ServiceError> {
        let view = self.view;
        let new_image = new_image.filter(|_| view.shows_new_image());
        let old_image = old_image.filter(|_| view.shows_old_image());
        let mut change = Map::new();
        change.insert("Keys".into(), self.keys);
        if let Some(image) = new_image {
            change.insert("NewImage".into(), attribute_value(image)["M"].take());
        }
        if let Some(image) = &old_image {
            change.insert("OldImage".into(), attribute_value(image)["M"].take());
        }
        // What the record carries, measured as DynamoDB measures items: the key and each image
        // it shows (recorded for both images; for one view, the invoker counts what is shown).
        let size = self.key_size
            + [new_image, old_image.as_ref()]
                .into_iter()
                .flatten()
                .map(item_size)
                .sum::<usize>();
        change.insert("SizeBytes".into(), json!(size));
        change.insert("StreamViewType".into(), json!(view.name()));
        let body = RecordBody::DynamoDb {
            event_id: platform.ids().hex(16),
            event_name,
            change: Value::Object(change),
        };
        // A table's stream has one shard.
        let (_, record, readers) = stream
            .append(|_| 0, self.partition_key, body)
            .ok_or_else(not_found)?;
        // Counted while the lock is held: no reader can finish the record before it is counted.
        platform.work_started(readers);
        Ok(format!(
            "{event_name}, stream sequence number {}",
            record.sequence_number
        ))
    }
}

/// The value of the key attribute `name` in an item: it must be there, and a non-empty string.
fn key_value(name: &str, item: &Map<String, Value>) -> Result<String, ServiceError> {
    let invalid = |detail: String| {
        ServiceError::validation(format!(
            "One or more parameter values were invalid: {detail}"
        ))
    };
    match item.get(name) {
        None => Err(invalid(format!("Missing the key {name} in the item"))),
        Some(Value::String(key)) if key.is_empty() => Err(empty_key(name)),
        Some(Value::String(key)) => Ok(key.clone()),
        Some(other) => Err(invalid(format!(
            "Type mismatch for key {name} expected: S actual: {}",
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

/// The size of an item (a plain JSON object) as DynamoDB counts it: each attribute's name and
/// value, in bytes (see [`attribute_size`]).
fn item_size(item: &Value) -> usize {
    match item {
        Value::Object(attributes) => attributes
            .iter()
            .map(|(name, value)| name.len() + attribute_size(value))
            .sum(),
        other => attribute_size(other),
    }
}

/// The size of an attribute's value by DynamoDB's rules: a string its UTF-8 bytes, a number 1
/// byte per two significant digits plus 1, a boolean or null 1 byte, a list or map 3 bytes plus
/// 1 byte and the size of each element (and, in a map, each element's name). The `SizeBytes` of
/// recorded stream records with strings, numbers and booleans add up exactly so (LocalStack's
/// DynamoDB Streams recordings on AWS); lists and maps follow DynamoDB's documentation.
fn attribute_size(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) => 1,
        Value::String(text) => text.len(),
        Value::Number(number) => significant_digits(&number.to_string()).div_ceil(2) + 1,
        Value::Array(elements) => {
            3 + elements
                .iter()
                .map(|e| 1 + attribute_size(e))
                .sum::<usize>()
        }
        Value::Object(fields) => {
            3 + fields
                .iter()
                .map(|(name, field)| 1 + name.len() + attribute_size(field))
                .sum::<usize>()
        }
    }
}

/// How many significant digits a number written as JSON has: its digits before any exponent,
/// without the leading and trailing zeros (`0.0420` has 2; zero itself has 1).
fn significant_digits(number: &str) -> usize {
    let mantissa = number.split(['e', 'E']).next().unwrap_or(number);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_matches('0').len().max(1)
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
fn dynamodb_error(code: ErrorCode, message: String) -> ServiceError {
    ServiceError::new(code, 400, message)
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
    fn an_item_is_measured_by_its_names_and_values() {
        // Recorded: a string key and a string attribute, and a boolean attribute.
        assert_eq!(
            item_size(&json!({ "id": "id_value", "id2": "id2_value" })),
            22
        );
        assert_eq!(item_size(&json!({ "should_fail": false })), 12);
        // Numbers: one byte per two significant digits, plus one.
        assert_eq!(item_size(&json!({ "n": 42 })), 1 + 2);
        assert_eq!(item_size(&json!({ "n": 12345 })), 1 + 4);
        assert_eq!(item_size(&json!({ "n": 0.0420 })), 1 + 2);
        assert_eq!(item_size(&json!({ "n": 0 })), 1 + 2);
        // Lists and maps: 3 bytes, and 1 byte more per element.
        assert_eq!(
            item_size(&json!({ "l": ["ab", true] })),
            1 + 3 + (1 + 2) + (1 + 1)
        );
        assert_eq!(
            item_size(&json!({ "m": { "k": "v" } })),
            1 + 3 + (1 + 1 + 1)
        );
    }

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
