//! # Exercise 18 — Map-reduce over S3: fan out, then fan in exactly once
//!
//! Read first: `book/src/patterns.md` (`cargo xtask book --serve`).
//!
//! Every night the shop's export writes the day's sales to the bucket `batch-input`, in parts:
//! `sales/2025-01-06/part-1.csv`, `sales/2025-01-06/part-2.csv`, …, one sale per line
//! (`o-101,EU,1250`: order, region, amount in cents). Then it writes the marker
//! `jobs/2025-01-06`, which starts a batch job that adds up the day's sales per region:
//!
//! ```text
//! jobs/<job> → splitter ┬→ mapper (part-1) ┐
//!                       ├→ mapper (part-2) ┼→ table batch-jobs → reducer → results/<job>.json
//!                       └→ mapper (part-3) ┘
//! ```
//!
//! - `splitter` lists the job's parts and invokes `mapper` **asynchronously**, once per part,
//!   with a [`MapTask`] (`job`, `part`, and how many `parts` the job has). It does not wait:
//!   the mappers run at the same time, each in an execution environment of its own (fan-out).
//! - `mapper` reads its part, adds up its sales per region, records those partial totals in the
//!   DynamoDB table `batch-jobs`, and, if the job's last part is now recorded, starts `reducer`.
//! - `reducer` adds up the partial totals and writes `results/<job>.json` to `batch-output`
//!   (fan-in).
//!
//! The three handlers are given (`src/given.rs`); they call your three functions below, which
//! hold what is hard about this pattern, with `dynamodb`, the DynamoDB client the function made
//! once, at init (as a function on AWS makes its `aws_sdk_dynamodb::Client` in `main`). The
//! table has the partition key `job` and the sort key `item`, so one job's items sit together,
//! in order of `item`:
//!
//! ```text
//! {"job": "2025-01-06", "item": "part#part-1.csv", "totals": {"EU": 2000, "US": 3000}}
//! {"job": "2025-01-06", "item": "part#part-2.csv", "totals": {"APAC": 5000, "EU": 1000, …}}
//! …                                                  one item per part: its totals, in cents
//! {"job": "2025-01-06", "item": "reducer", "claimed_by": "part-2.csv"}
//!                                                    the claim of the mapper that started the reducer
//! ```
//!
//! The adding up is easy. What is hard is that **every event arrives at least once**: S3 may
//! deliver the marker's event twice, so the splitter may fan out the whole job twice; a mapper
//! that fails, or crashes after it recorded its part, is run again by Lambda a minute later with
//! the same event. And the mappers finish in any order. So:
//!
//! 1. **`record_partial`** records a part's totals **once**: the item with the sort key
//!    [`part_item_key`]`(part)` and the attribute `totals`, written with
//!    `dynamodb.put_item_if_absent(TABLE, item)`. If an earlier delivery of the same task
//!    recorded it already, DynamoDB answers `ConditionalCheckFailedException` (an error whose
//!    `code` is `invoker::ErrorCode::ConditionalCheckFailedException`): that is not a failure
//!    (the work is done), so return `Ok(false)`, and leave the item as it is. Any other error
//!    is one: return it.
//! 2. **`claim_reducer`**, called by every mapper after `record_partial`, returns `true` for
//!    **exactly one** mapper of the job, once all its parts are recorded. Count the recorded
//!    parts with `dynamodb.query(TABLE, job, Some(SortKeyCondition::begins_with(PART_PREFIX)))`;
//!    fewer than `task.parts` means later mappers will finish the job. When all are there, more
//!    than one mapper may see it (a duplicate, a retry): the one that writes the claim item
//!    `{"job", "item": REDUCER_CLAIM, "claimed_by": part}` with `put_item_if_absent` wins, the
//!    others get `ConditionalCheckFailedException`.
//! 3. **`sum_partials`**, in the reducer: query the job's parts (only the parts, only this
//!    job's) and add up their `totals` per region.
//!
//! The tests run a day of four parts as it should go, then with the marker written twice, with a
//! mapper that crashes right after recording its part, and with one that fails before; the
//! result must be the same each time, and the reducer must run once. The snapshot
//! `tests/snapshots/map_reduce__transcript_of_one_job.snap` shows a whole job: the fan-out is
//! the four mapper invocations that start at the same moment, in four environments.
//!
//! Two gaps remain, on purpose. A mapper that crashed between its claim and its invoke of the
//! reducer would leave the job unfinished: its retry finds the claim taken. And on AWS a query
//! reads eventually consistent data unless it asks for `ConsistentRead`, so the count of parts
//! could miss a write made a moment before by another mapper; the invoker's reads are always
//! consistent.
//!
//! Check your work: `cargo xtask verify map-reduce`.
//! Stuck? `cargo xtask hint map-reduce` shows the next hint.

mod given;
pub use given::*;

use invoker::{DynamoDb, ServiceError};

// ANCHOR: record_partial
/// Records the totals of `task`'s part in [`TABLE`], once: `Ok(true)` if this call wrote them,
/// `Ok(false)` if an earlier delivery of the same task had (the item is then left as it was).
pub fn record_partial(
    dynamodb: &DynamoDb,
    task: &MapTask,
    totals: &Totals,
) -> Result<bool, ServiceError> {
    // TODO: point 1 above: the part's item written only if it is not there yet, and a second
    // delivery told from a failure (the chapter's "Serverless batch: map-reduce": idempotency at
    // every step).
    let _ = (dynamodb, task, totals);
    todo!("write the part's totals unless they are there already")
}
// ANCHOR_END: record_partial

// ANCHOR: claim_reducer
/// Whether this mapper must start the reducer: every part of the job is recorded, and this call
/// is the one that claimed the reducer. Exactly one mapper of a job gets `true`.
pub fn claim_reducer(dynamodb: &DynamoDb, task: &MapTask) -> Result<bool, ServiceError> {
    // TODO: point 2 above: `true` for exactly one mapper of the job, once every part is
    // recorded; let DynamoDB decide which one.
    let _ = (dynamodb, task);
    todo!("count the recorded parts, then claim the reducer with a conditional put")
}
// ANCHOR_END: claim_reducer

// ANCHOR: sum_partials
/// The totals of a job: the `totals` of every part recorded for it, added up per region.
pub fn sum_partials(dynamodb: &DynamoDb, job: &str) -> Result<Totals, ServiceError> {
    // TODO: query the job's part items, and add each item's `totals` (a JSON object of region →
    // cents, `item["totals"].as_object()`) into one `Totals`.
    let _ = (dynamodb, job);
    todo!("add up the parts' totals")
}
// ANCHOR_END: sum_partials
