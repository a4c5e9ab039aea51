//! A tiny Amazon Kinesis Data Streams: streams of shards that producers put records into, and
//! that an event source mapping reads for a function (see
//! [`crate::event_source_mapping::stream`]).
//!
//! A producer puts a record with a **partition key** and some bytes. Kinesis hashes the key with
//! MD5 into a 128-bit number, and each shard owns an equal slice of that range (its *hash key
//! range*), so the key decides the shard: records with the same key always go to the same shard,
//! in order, while different keys spread over all shards. The shard gives the record the next
//! **sequence number** of that shard and keeps it for the **retention period**: 24 hours by
//! default, whether it was read or not.
//!
//! ```
//! use invoker::Lambda;
//! invoker::run(async {
//!     let lambda = Lambda::new();
//!     let arn = lambda.kinesis().create_stream("clicks", 4).unwrap();
//!     assert_eq!(arn, "arn:aws:kinesis:us-east-1:123456789012:stream/clicks");
//!     let (shard, sequence_number) = lambda.kinesis().put_record("clicks", "user-1", b"{}").unwrap();
//!     assert!(shard.starts_with("shardId-"));
//!     assert_eq!(sequence_number.len(), 56);
//! });
//! ```
//!
//! A handler that puts records needs `kinesis:PutRecord` on the stream's ARN in its execution
//! role (see [`crate::lambda::iam`]); Kinesis refuses with `AccessDeniedException` (400).
//!
//! Simplified here: provisioned streams only (no on-demand mode, no resharding), and no
//! throughput limits per shard (1 MB or 1,000 records per second on AWS).

use crate::base::arn::Scope;
use crate::base::clock::{self, VirtualClock};
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::platform::lock;
use crate::base::transcript::{DeferredLine, Entry};
use crate::lambda::handle::LambdaHandle;
use crate::lambda::service::Lambda;
use crate::services::shard::{hash_key, Record, RecordBody, Shard, Stream, StreamKind};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long a stream keeps a record unless told otherwise: 24 hours (it can be raised to a year).
pub(crate) const DEFAULT_RETENTION: Duration = Duration::from_secs(24 * 3600);
/// The largest record: its data and partition key together, 1 MiB.
pub(crate) const MAX_RECORD_BYTES: usize = 1_048_576;
/// The longest partition key, in characters.
pub(crate) const MAX_PARTITION_KEY_CHARS: usize = 256;
/// How many shards an account may have in a Region (the default quota in most Regions).
pub(crate) const ACCOUNT_SHARD_LIMIT: usize = 500;

/// One shard as `aws kinesis list-shards` describes it: its id and its slice of the hash range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardDescription {
    /// `shardId-000000000000`, `shardId-000000000001`, …
    pub shard_id: String,
    /// The lowest MD5 hash key the shard owns.
    pub starting_hash_key: u128,
    /// The highest MD5 hash key the shard owns.
    pub ending_hash_key: u128,
}

/// The transcript's line for a record put, made only when the transcript is rendered.
#[derive(Debug)]
struct PutRecordLine {
    stream: String,
    /// The shard's position in the stream.
    shard: usize,
    record: Arc<Record>,
}

impl DeferredLine for PutRecordLine {
    fn line(&self) -> String {
        format!(
            "kinesis:PutRecord {} (partition key {}): {}, sequence number {}",
            self.stream,
            self.record.partition_key,
            shard_id(self.shard),
            self.record.sequence_number
        )
    }
}

/// Kinesis's state: its data streams, by name.
pub(crate) type KinesisStreams = BTreeMap<String, Stream>;

/// The Kinesis part of the simulated account: `lambda.kinesis().create_stream("clicks", 4)`.
#[derive(Clone)]
pub struct Kinesis {
    lambda: LambdaHandle,
    kinesis: Arc<Mutex<KinesisStreams>>,
}

impl Lambda {
    /// The account's Kinesis data streams.
    pub fn kinesis(&self) -> Kinesis {
        Kinesis::new(self.handle())
    }
}

impl Kinesis {
    pub(crate) fn new(lambda: LambdaHandle) -> Self {
        let kinesis = lambda.platform().state();
        Self { lambda, kinesis }
    }

    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, KinesisStreams> {
        lock(&self.kinesis)
    }

    /// Creates a stream with `shard_count` shards, like `aws kinesis create-stream`, and returns
    /// its ARN, `arn:aws:kinesis:<region>:<account>:stream/<name>`.
    pub fn create_stream(&self, name: &str, shard_count: u32) -> Result<String, ServiceError> {
        let valid_name = !name.is_empty()
            && name.len() <= 128
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid_name {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{name}' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
            )));
        }
        if shard_count == 0 {
            return Err(ServiceError::validation(
                "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
            ));
        }
        let scope = &self.lambda.platform().scope;
        let at = self.lambda.platform().elapsed();
        let created = clock::epoch_millis(self.lambda.platform().clock.now());
        let mut state = self.state();
        if state.contains_key(name) {
            return Err(kinesis_error(
                ErrorCode::ResourceInUseException,
                format!(
                    "Stream {name} under account {} already exists.",
                    scope.account_id
                ),
            ));
        }
        let shards_in_use: usize = state.values().map(|s| s.shards.len()).sum();
        if shards_in_use + shard_count as usize > ACCOUNT_SHARD_LIMIT {
            return Err(kinesis_error(
                ErrorCode::LimitExceededException,
                format!(
                    "This request would exceed the shard limit for the account {} in {}. Current shard count for the account: {shards_in_use}. Limit: {ACCOUNT_SHARD_LIMIT}. Number of additional shards that would have resulted from this request: {shard_count}.",
                    scope.account_id, scope.region
                ),
            ));
        }
        let arn = format!(
            "arn:aws:kinesis:{}:{}:stream/{name}",
            scope.region, scope.account_id
        );
        // 56-digit sequence numbers, as on AWS: "49", the stream's creation time, the shard,
        // then the record's position in the shard.
        let shards = (0..shard_count)
            .map(|i| Shard::new(shard_id(i as usize), format!("49{created:014}{i:020}")))
            .collect();
        state.insert(
            name.to_owned(),
            Stream::new(
                StreamKind::Kinesis,
                arn.clone(),
                name.to_owned(),
                shards,
                DEFAULT_RETENTION,
            ),
        );
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!(
                "kinesis:CreateStream {name}: {shard_count} shard(s), retention {} h",
                DEFAULT_RETENTION.as_secs() / 3600
            ),
        });
        Ok(arn)
    }

    /// Puts a record, like `aws kinesis put-record`: the MD5 hash of `partition_key` picks the
    /// shard. `stream` is the stream's name or ARN. Returns the shard id and the record's
    /// sequence number.
    pub fn put_record(
        &self,
        stream: &str,
        partition_key: &str,
        data: &[u8],
    ) -> Result<(String, String), ServiceError> {
        let key_chars = partition_key.chars().count();
        if key_chars == 0 || key_chars > MAX_PARTITION_KEY_CHARS {
            let bound = match key_chars {
                0 => "greater than or equal to 1".to_owned(),
                _ => format!("less than or equal to {MAX_PARTITION_KEY_CHARS}"),
            };
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{partition_key}' at 'partitionKey' failed to satisfy constraint: Member must have length {bound}"
            )));
        }
        if data.len() + partition_key.len() > MAX_RECORD_BYTES {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to {MAX_RECORD_BYTES}"
            )));
        }
        let at = self.lambda.platform().elapsed();
        let (arn, name) = {
            let state = self.state();
            let found = self.find(&state, stream)?;
            (found.arn.clone(), found.name.clone())
        };
        self.lambda
            .authorize("kinesis:PutRecord", &arn)
            .map_err(|denied| kinesis_error(ErrorCode::AccessDeniedException, denied.message()))?;
        let mut state = self.state();
        let hash = hash_key(partition_key);
        let body = RecordBody::Kinesis {
            data: data.to_vec(),
        };
        let (shard, record, readers) = state
            .values_mut()
            .find(|s| s.arn == arn)
            .and_then(|found| {
                found.append(|count| shard_for(hash, count), partition_key.into(), body)
            })
            .ok_or_else(|| self.not_found(stream))?;
        // Counted while the lock is held: no reader can finish the record before it is counted.
        self.lambda.platform().work_started(readers);
        let answer = (shard_id(shard), record.sequence_number.clone());
        self.lambda.platform().record(Entry::Deferred {
            at,
            line: Box::new(PutRecordLine {
                stream: name,
                shard,
                record,
            }),
        });
        Ok(answer)
    }

    /// The shards of a stream and their hash key ranges, like `aws kinesis list-shards`.
    pub fn list_shards(&self, stream: &str) -> Result<Vec<ShardDescription>, ServiceError> {
        let state = self.state();
        let found = self.find(&state, stream)?;
        let count = found.shards.len();
        Ok(found
            .shards
            .iter()
            .enumerate()
            .map(|(i, shard)| ShardDescription {
                shard_id: shard.id.clone(),
                starting_hash_key: starting_hash_key(i, count),
                ending_hash_key: match i + 1 == count {
                    true => u128::MAX,
                    false => starting_hash_key(i + 1, count) - 1,
                },
            })
            .collect())
    }

    /// Runs `read` on the stream with this ARN, for a mapping's poller; `None` if there is none.
    pub(crate) fn with_stream<R>(
        &self,
        arn: &str,
        read: impl FnOnce(&mut Stream) -> R,
    ) -> Option<R> {
        self.state().values_mut().find(|s| s.arn == arn).map(read)
    }

    /// A stream by name or ARN, or Kinesis's `ResourceNotFoundException`.
    fn find<'s>(
        &self,
        state: &'s KinesisStreams,
        stream: &str,
    ) -> Result<&'s Stream, ServiceError> {
        let found = match stream.starts_with("arn:") {
            true => state.values().find(|s| s.arn == stream),
            false => state.get(stream),
        };
        found.ok_or_else(|| self.not_found(stream))
    }

    /// Kinesis's answer for a stream that does not exist.
    fn not_found(&self, stream: &str) -> ServiceError {
        let name = stream.rsplit('/').next().unwrap_or(stream);
        kinesis_error(
            ErrorCode::ResourceNotFoundException,
            format!(
                "Stream {name} under account {} not found.",
                self.lambda.platform().scope.account_id
            ),
        )
    }
}

/// `shardId-000000000001`: the id of the stream's shard at position `shard`.
pub(crate) fn shard_id(shard: usize) -> String {
    format!("shardId-{shard:012}")
}

/// A Kinesis error: Kinesis answers every client error with HTTP 400.
fn kinesis_error(code: ErrorCode, message: String) -> ServiceError {
    ServiceError::new(code, 400, message)
}

/// Where shard `i` of `count` starts: the 2¹²⁸ hash keys are cut into `count` equal slices,
/// `⌊i × 2¹²⁸ / count⌋`, as `CreateStream` cuts them.
fn starting_hash_key(i: usize, count: usize) -> u128 {
    let (i, count) = (i as u128, count as u128);
    // 2¹²⁸ does not fit in a u128: write it as count × step + rest.
    let (mut step, mut rest) = (u128::MAX / count, u128::MAX % count + 1);
    if rest == count {
        (step, rest) = (step + 1, 0);
    }
    i * step + i * rest / count
}

/// The shard whose hash key range holds `hash`: the last one starting at or below it.
fn shard_for(hash: u128, count: usize) -> usize {
    let (mut low, mut high) = (0, count);
    while high - low > 1 {
        let middle = (low + high) / 2;
        match starting_hash_key(middle, count) <= hash {
            true => low = middle,
            false => high = middle,
        }
    }
    low
}

/// What every record of a batch has in common, built once per batch: [`event_record`] copies it
/// and fills in the record's own fields, which is quicker than building each record's map key by
/// key. `kinesis` and `eventID` are placeholders, replaced in place, so no key is inserted per record.
pub(crate) fn shared_fields(scope: &Scope, stream_arn: &str, role_arn: &str) -> SharedFields {
    let Value::Object(record) = json!({
        "kinesis": null,
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": null,
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role_arn,
        "awsRegion": scope.region,
        "eventSourceARN": stream_arn,
    }) else {
        unreachable!("json! of an object literal is an object")
    };
    let Value::Object(kinesis) = json!({
        "kinesisSchemaVersion": "1.0",
        "partitionKey": null,
        "sequenceNumber": null,
        "data": null,
        "approximateArrivalTimestamp": null,
    }) else {
        unreachable!("json! of an object literal is an object")
    };
    SharedFields { record, kinesis }
}

/// The fields the records of one batch share: see [`shared_fields`].
pub(crate) struct SharedFields {
    record: Map<String, Value>,
    kinesis: Map<String, Value>,
}

/// A record as the function receives it in a `KinesisEvent`: the data base64-encoded, the
/// arrival time in epoch seconds, and `eventID` = shard id + `:` + sequence number.
pub(crate) fn event_record(
    shared: &SharedFields,
    clock: &VirtualClock,
    shard_id: &str,
    record: &Record,
    data: &[u8],
) -> Value {
    let arrival = clock::epoch_millis(clock.wall_time(record.arrived)) as f64 / 1000.0;
    let mut kinesis = shared.kinesis.clone();
    fill(
        &mut kinesis,
        "partitionKey",
        record.partition_key.as_str().into(),
    );
    fill(
        &mut kinesis,
        "sequenceNumber",
        record.sequence_number.as_str().into(),
    );
    let data = base64::engine::general_purpose::STANDARD.encode(data);
    fill(&mut kinesis, "data", data.into());
    fill(&mut kinesis, "approximateArrivalTimestamp", arrival.into());
    let mut fields = shared.record.clone();
    fill(&mut fields, "kinesis", Value::Object(kinesis));
    let event_id = [shard_id, ":", &record.sequence_number].concat();
    fill(&mut fields, "eventID", event_id.into());
    Value::Object(fields)
}

/// Puts `value` in the place of the placeholder `key` of a copied [`SharedFields`] map.
fn fill(fields: &mut Map<String, Value>, key: &str, value: Value) {
    *fields.get_mut(key).expect("a placeholder of shared_fields") = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_shards_cut_the_hash_range_in_quarters() {
        let starts: Vec<u128> = (0..4).map(|i| starting_hash_key(i, 4)).collect();
        assert_eq!(starts, [0, 1 << 126, 2 << 126, 3 << 126]);
        // As CreateStream cuts three shards: 0, 113427455640312821154458202477256070485, ...
        assert_eq!(
            starting_hash_key(1, 3),
            113_427_455_640_312_821_154_458_202_477_256_070_485
        );
        assert_eq!(
            starting_hash_key(2, 3),
            226_854_911_280_625_642_308_916_404_954_512_140_970
        );
    }

    #[test]
    fn a_hash_goes_to_the_shard_whose_range_holds_it() {
        assert_eq!(shard_for(0, 4), 0);
        assert_eq!(shard_for((1 << 126) - 1, 4), 0);
        assert_eq!(shard_for(1 << 126, 4), 1);
        assert_eq!(shard_for(u128::MAX, 4), 3);
        assert_eq!(shard_for(u128::MAX, 1), 0);
    }
}
