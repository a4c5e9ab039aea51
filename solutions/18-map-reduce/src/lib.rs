//! # Exercise 18 — Map-reduce over S3: reference solution
//!
//! The exercise, with its instructions, is `exercises/18-map-reduce/src/lib.rs`. What the
//! exercise provides (names, the sales files, the three handlers, deploy) is its
//! `src/given.rs`, shared with this crate.

#[path = "../../../exercises/18-map-reduce/src/given.rs"]
mod given;
pub use given::*;

use invoker::SortKeyCondition;
use invoker::{DynamoDb, ErrorCode, ServiceError};
use serde_json::{json, Value};

// ANCHOR: record_partial
/// Records the totals of `task`'s part in [`TABLE`], once: `Ok(true)` if this call wrote them,
/// `Ok(false)` if an earlier delivery of the same task had (the item is then left as it was).
pub fn record_partial(
    dynamodb: &DynamoDb,
    task: &MapTask,
    totals: &Totals,
) -> Result<bool, ServiceError> {
    // The key is the part, not this invocation: every delivery of the task writes the same key,
    // and only the first one writes.
    let item = json!({ JOB_KEY: task.job, ITEM_KEY: part_item_key(&task.part), "totals": totals });
    match dynamodb.put_item_if_absent(TABLE, item) {
        Ok(()) => Ok(true),
        // Recorded by an earlier delivery: the work is done, which is a success. Failing here
        // would only make Lambda retry a task that can never succeed again.
        Err(e) if e.code == ErrorCode::ConditionalCheckFailedException => Ok(false),
        Err(e) => Err(e),
    }
}
// ANCHOR_END: record_partial

// ANCHOR: claim_reducer
/// Whether this mapper must start the reducer: every part of the job is recorded, and this call
/// is the one that claimed the reducer. Exactly one mapper of a job gets `true`.
pub fn claim_reducer(dynamodb: &DynamoDb, task: &MapTask) -> Result<bool, ServiceError> {
    // Not "am I the last to finish?", which no mapper can know, but "is every part there?",
    // which the table knows. Asked after this mapper's own part is recorded, so the mapper
    // that completes the job always sees it complete.
    if recorded_parts(dynamodb, &task.job)?.len() < task.parts {
        return Ok(false);
    }
    // Several mappers may see the job complete: the last two at once, or a retry or duplicate
    // after it was done. The conditional put lets exactly one of them through.
    let claim = json!({ JOB_KEY: task.job, ITEM_KEY: REDUCER_CLAIM, "claimed_by": task.part });
    match dynamodb.put_item_if_absent(TABLE, claim) {
        Ok(()) => Ok(true),
        Err(e) if e.code == ErrorCode::ConditionalCheckFailedException => Ok(false),
        Err(e) => Err(e),
    }
}
// ANCHOR_END: claim_reducer

// ANCHOR: sum_partials
/// The totals of a job: the `totals` of every part recorded for it, added up per region.
pub fn sum_partials(dynamodb: &DynamoDb, job: &str) -> Result<Totals, ServiceError> {
    let mut totals = Totals::new();
    for part in recorded_parts(dynamodb, job)? {
        let partial = part["totals"].as_object().into_iter().flatten();
        for (region, cents) in partial {
            *totals.entry(region.clone()).or_default() += cents.as_u64().unwrap_or_default();
        }
    }
    Ok(totals)
}
// ANCHOR_END: sum_partials

/// The part items recorded for a job: its partition, only the sort keys that begin with
/// `part#` (not the reducer's claim).
fn recorded_parts(dynamodb: &DynamoDb, job: &str) -> Result<Vec<Value>, ServiceError> {
    dynamodb.query(TABLE, job, Some(SortKeyCondition::begins_with(PART_PREFIX)))
}
