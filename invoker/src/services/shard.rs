//! Shards: the ordered logs that Kinesis data streams and DynamoDB streams are made of.
//!
//! A stream is split into **shards**. Each shard is an append-only log: a record added to it gets
//! a **sequence number** larger than every earlier one in that shard, and a reader sees the
//! shard's records in that order. Across shards there is no order at all: a stream's throughput
//! comes from reading its shards side by side. Which shard a record goes to is decided by its
//! **partition key** (see [`crate::services::kinesis`]; a DynamoDB table's stream here has one shard), so
//! records with the same key land in the same shard, in the order they were written.
//!
//! A record stays readable for the stream's **retention period** (24 hours for both kinds, by
//! default), then it is gone, whether anybody processed it or not.
//!
//! Simplified here: records are kept in memory as long as the service lives, and one older than
//! the retention period is treated as gone (no reader is given it). Shards never split or merge.

use md5::{Digest, Md5};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Which service a stream belongs to: it decides the shape of the events a function receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamKind {
    Kinesis,
    DynamoDb,
}

/// A stream: its shards, and who reads it.
#[derive(Debug)]
pub(crate) struct Stream {
    pub kind: StreamKind,
    pub arn: String,
    /// The stream's name (Kinesis) or its table's name (DynamoDB), for the transcript.
    pub name: String,
    pub shards: Vec<Shard>,
    pub retention: Duration,
    /// The UUIDs of the enabled event source mappings that read this stream. Each of them must
    /// process every new record, so a new record is a piece of pending work for each.
    pub readers: Vec<String>,
    /// The readers whose mappings are disabled: their records are counted in `progress`, but
    /// are not work anyone waits for until the mapping is enabled again.
    pub disabled: BTreeSet<String>,
    /// What became of the records each mapping that reads (or read) this stream had to process,
    /// by mapping UUID.
    pub progress: BTreeMap<String, RecordCounts>,
}

/// What became of the records a stream mapping had to process. Every record the mapping reads is
/// counted exactly once in one of these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// Processed: in a batch the function succeeded with, or before a reported failure.
    pub processed: u64,
    /// Given up on, and described to the on-failure destination.
    pub sent_to_destination: u64,
    /// Given up on with no destination (or one that refused the record): skipped.
    pub discarded: u64,
    /// Older than the stream's retention before they were processed: gone.
    pub expired: u64,
    /// Let through by none of the mapping's event filters: never sent to the function.
    pub filtered_out: u64,
    /// Not finished yet.
    pub pending: u64,
}

/// One shard: an append-only log of records in sequence-number order.
#[derive(Debug)]
pub(crate) struct Shard {
    pub id: String,
    /// The digits every sequence number of this shard starts with; a record's position follows.
    sequence_prefix: String,
    pub records: Vec<Arc<Record>>,
    /// Woken when a record arrives, so that idle readers wait instead of polling.
    pub arrivals: Arc<Notify>,
}

/// One record in a shard.
#[derive(Debug)]
pub(crate) struct Record {
    pub sequence_number: String,
    pub partition_key: String,
    pub arrived: Instant,
    pub body: RecordBody,
}

/// What a record carries, by kind of stream.
#[derive(Debug)]
pub(crate) enum RecordBody {
    /// The bytes a producer put; Lambda hands them to the function base64-encoded.
    Kinesis { data: Vec<u8> },
    /// A change to an item: `INSERT`, `MODIFY` or `REMOVE`, and the `dynamodb` object of the
    /// event (keys and images), without the sequence number and time, which the shard gives.
    DynamoDb {
        event_id: String,
        event_name: &'static str,
        change: Value,
    },
}

impl Shard {
    /// An empty shard. `sequence_prefix` makes its sequence numbers look like the service's:
    /// Kinesis numbers have 56 digits, DynamoDB's about 21; the last 20 count the records.
    pub(crate) fn new(id: String, sequence_prefix: String) -> Self {
        Self {
            id,
            sequence_prefix,
            records: Vec::new(),
            arrivals: Arc::new(Notify::new()),
        }
    }

    /// Appends a record, gives it the next sequence number and wakes the readers.
    pub(crate) fn append(&mut self, partition_key: String, body: RecordBody) -> Arc<Record> {
        // Written into a string of the right size: a busy producer appends many records.
        let mut sequence_number = String::with_capacity(self.sequence_prefix.len() + 20);
        sequence_number.push_str(&self.sequence_prefix);
        // Writing into a String cannot fail.
        let _ = write!(sequence_number, "{:020}", self.records.len() + 1);
        let record = Arc::new(Record {
            sequence_number,
            partition_key,
            arrived: Instant::now(),
            body,
        });
        self.records.push(Arc::clone(&record));
        self.arrivals.notify_waiters();
        record
    }

    /// The position of the oldest record still readable: `TRIM_HORIZON`.
    pub(crate) fn trim_horizon(&self, retention: Duration) -> usize {
        let now = Instant::now();
        self.records
            .partition_point(|r| now.duration_since(r.arrived) >= retention)
    }
}

impl Record {
    /// How long ago the record arrived.
    pub(crate) fn age(&self) -> Duration {
        self.arrived.elapsed()
    }
}

/// The 128-bit hash of a partition key: its MD5 digest read as a big-endian number. Kinesis
/// routes a record to the shard whose hash key range contains it; readers use it too, to give a
/// partition key always the same lane (see [`crate::event_source_mapping::stream`]).
pub(crate) fn hash_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

impl Stream {
    /// A new stream with no records and no readers.
    pub(crate) fn new(
        kind: StreamKind,
        arn: String,
        name: String,
        shards: Vec<Shard>,
        retention: Duration,
    ) -> Self {
        Self {
            kind,
            arn,
            name,
            shards,
            retention,
            readers: Vec::new(),
            disabled: BTreeSet::new(),
            progress: BTreeMap::new(),
        }
    }

    /// Appends a record to the shard `shard_of(number of shards)`, and counts it as pending
    /// for every mapping that reads the stream. Returns the shard's position, the record, and
    /// how many pieces of work it made (one per enabled mapping); `None` if there is no such
    /// shard.
    pub(crate) fn append(
        &mut self,
        shard_of: impl FnOnce(usize) -> usize,
        partition_key: String,
        body: RecordBody,
    ) -> Option<(usize, Arc<Record>, usize)> {
        let shard = shard_of(self.shards.len());
        let record = self.shards.get_mut(shard)?.append(partition_key, body);
        for reader in &self.readers {
            if let Some(counts) = self.progress.get_mut(reader) {
                counts.pending += 1;
            }
        }
        let enabled = self.readers.len() - self.disabled.len();
        Some((shard, record, enabled))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_key_is_the_md5_digest_of_the_partition_key() {
        // md5("a") = 0cc175b9c0f1b6a831c399e269772661
        assert_eq!(hash_key("a"), 0x0cc175b9c0f1b6a831c399e269772661);
    }

    #[tokio::test(start_paused = true)]
    async fn sequence_numbers_grow_within_a_shard() {
        let mut shard = Shard::new("shardId-000000000000".into(), "49".into());
        let body = || RecordBody::Kinesis { data: vec![] };
        let first = shard.append("k".into(), body());
        let second = shard.append("k".into(), body());
        assert_eq!(first.sequence_number, "4900000000000000000001");
        assert!(second.sequence_number > first.sequence_number);
    }

    #[tokio::test(start_paused = true)]
    async fn the_trim_horizon_skips_records_past_retention() {
        let mut shard = Shard::new("s".into(), "1".into());
        shard.append("old".into(), RecordBody::Kinesis { data: vec![] });
        tokio::time::sleep(Duration::from_secs(10)).await;
        shard.append("new".into(), RecordBody::Kinesis { data: vec![] });
        assert_eq!(shard.trim_horizon(Duration::from_secs(10)), 1);
        assert_eq!(shard.trim_horizon(Duration::from_secs(11)), 0);
    }
}
