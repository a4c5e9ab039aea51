//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::SortKeyCondition;
use invoker::{DynamoDb, ErrorCode, ServiceError};
use map_reduce::*;
use serde_json::json;

/// Hint 2: `record_partial`.
pub fn record_partial(
    dynamodb: &DynamoDb,
    task: &MapTask,
    totals: &Totals,
) -> Result<bool, ServiceError> {
    match dynamodb.put_item_if_absent(
        TABLE,
        json!({ JOB_KEY: task.job, ITEM_KEY: part_item_key(&task.part), "totals": totals }),
    ) {
        Ok(()) => Ok(true),
        Err(e) if e.code == ErrorCode::ConditionalCheckFailedException => Ok(false),
        Err(e) => Err(e),
    }
}

/// Hints 2 and 3: `claim_reducer`.
pub fn claim_reducer(dynamodb: &DynamoDb, task: &MapTask) -> Result<bool, ServiceError> {
    if dynamodb
        .query(
            TABLE,
            &task.job,
            Some(SortKeyCondition::begins_with(PART_PREFIX)),
        )?
        .len()
        < task.parts
    {
        return Ok(false);
    }
    let claim = json!({ JOB_KEY: task.job, ITEM_KEY: REDUCER_CLAIM, "claimed_by": task.part });
    match dynamodb.put_item_if_absent(TABLE, claim) {
        Ok(()) => Ok(true),
        Err(e) if e.code == ErrorCode::ConditionalCheckFailedException => Ok(false),
        Err(e) => Err(e),
    }
}

/// Hint 3: `sum_partials`.
#[rustfmt::skip]
pub fn sum_partials(dynamodb: &DynamoDb, job: &str) -> Result<Totals, ServiceError> {
    let mut totals = Totals::new(); for part in dynamodb.query(TABLE, job, Some(SortKeyCondition::begins_with(PART_PREFIX)))? { for (region, cents) in part["totals"].as_object().into_iter().flatten() { *totals.entry(region.clone()).or_default() += cents.as_u64().unwrap_or_default(); } } Ok(totals)
}
