//! Tests for exercise 18. The first four call your functions directly on the table. The others
//! deploy the whole pipeline (the buckets, the table, `splitter`, `mapper` and `reducer` with
//! your functions), upload a day of sales in four parts as the shop's export does, write the
//! job's marker, wait until Lambda has finished with every event, retries included
//! (`lambda.settle()`), and then read the result, the table and the transcript.

use assert_json_diff::assert_json_eq;
use invoker::testing::deployed;
use invoker::{Diagnostic, ErrorCode, EventOutcome, FunctionCode, Lambda};
use map_reduce::{
    claim_reducer, deploy, deploy_with_mapper, map, map_part, part_item_key, record_partial,
    sum_partials, with_mapper_clients, MapTask, Totals, INPUT_BUCKET, ITEM_KEY, JOBS, JOB_KEY,
    MAPPER, OUTPUT_BUCKET, REDUCER, REDUCER_CLAIM, RESULTS, SALES, TABLE,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The job: a day of sales.
const JOB: &str = "2025-01-06";

/// The day's sales in four parts, of 3, 5, 2 and 4 sales: `part-2.csv` takes the longest to add
/// up, so its mapper finishes last.
const PARTS: [(&str, &str); 4] = [
    ("part-1.csv", "o-101,EU,1250\no-102,US,3000\no-103,EU,750\n"),
    (
        "part-2.csv",
        "o-201,US,1999\no-202,APAC,500\no-203,EU,1000\no-204,US,1\no-205,APAC,4500\n",
    ),
    ("part-3.csv", "o-301,EU,9000\no-302,US,1000\n"),
    (
        "part-4.csv",
        "o-401,APAC,2500\no-402,EU,250\no-403,US,4000\no-404,APAC,2000\n",
    ),
];

/// The day's totals, added up by hand. Every part adds to EU, so a part counted twice or left
/// out shows.
fn day_totals() -> Value {
    json!({ "APAC": 9500, "EU": 12250, "US": 10000 })
}

fn totals(cents: &[(&str, u64)]) -> Totals {
    cents.iter().map(|(r, c)| (r.to_string(), *c)).collect()
}

/// The task of one mapper of the day.
fn task(part: &str) -> MapTask {
    MapTask {
        job: JOB.to_owned(),
        part: part.to_owned(),
        parts: PARTS.len(),
    }
}

/// Writes the day's parts, as the shop's export does.
async fn upload_sales(lambda: &Lambda) {
    for (part, csv) in PARTS {
        let key = format!("{SALES}{JOB}/{part}");
        lambda
            .s3()
            .put_object(INPUT_BUCKET, &key, csv)
            .await
            .expect("the bucket exists");
    }
}

/// Writes the job's marker, which invokes `splitter`.
async fn start_job(lambda: &Lambda) {
    lambda
        .s3()
        .put_object(INPUT_BUCKET, &format!("{JOBS}{JOB}"), "")
        .await
        .expect("the bucket exists");
}

/// Uploads the day, starts its job, and waits until every event has its outcome.
async fn run_job(lambda: &Lambda) {
    upload_sales(lambda).await;
    start_job(lambda).await;
    lambda.settle().await;
}

/// What the reducer wrote, `results/<job>.json`.
fn result(lambda: &Lambda) -> Value {
    let body = lambda
        .s3()
        .get_object(OUTPUT_BUCKET, &format!("{RESULTS}{JOB}.json"))
        .expect("the reducer wrote results/2025-01-06.json to batch-output");
    serde_json::from_slice(&body).expect("the result is JSON")
}

/// How many attempts each asynchronous event took, sorted; `None` for an event Lambda gave up on.
fn attempts(lambda: &Lambda) -> Vec<Option<u32>> {
    let mut attempts: Vec<Option<u32>> = lambda
        .event_outcomes()
        .into_values()
        .map(|outcome| match outcome {
            EventOutcome::Succeeded { attempts } => Some(attempts),
            EventOutcome::Failed { .. } => None,
        })
        .collect();
    attempts.sort();
    attempts
}

#[tokio::test(start_paused = true)]
async fn record_partial_writes_a_part_once_and_says_when_it_was_there_already() {
    let lambda = deployed(18, deploy);
    let dynamodb = lambda.dynamodb();
    let first = totals(&[("EU", 2000), ("US", 3000)]);
    assert!(
        record_partial(&dynamodb, &task("part-1.csv"), &first).expect("the write succeeds"),
        "the first delivery records the part: true"
    );
    let second = totals(&[("EU", 1)]);
    assert!(
        !record_partial(&dynamodb, &task("part-1.csv"), &second)
            .expect("a second delivery is not an error: the part is recorded"),
        "a second delivery finds the part recorded: false"
    );
    let key = json!({ JOB_KEY: JOB, ITEM_KEY: part_item_key("part-1.csv") });
    let item = dynamodb
        .get_item(TABLE, key)
        .unwrap()
        .expect("the part's item, with the sort key part#part-1.csv");
    // The first write stays.
    assert_json_eq!(item["totals"], json!({ "EU": 2000, "US": 3000 }));
    let items = dynamodb.query(TABLE, JOB, None).unwrap();
    assert_eq!(items.len(), 1, "one part, one item: {items:?}");
}

/// Only `ConditionalCheckFailedException` means "recorded already": a write that really failed
/// must fail the mapper, so that Lambda retries it, instead of losing the part.
#[tokio::test(start_paused = true)]
async fn record_partial_passes_any_other_error_on() {
    // Nothing deployed: the table does not exist.
    let lambda = Lambda::builder().seed(18).build();
    let dynamodb = lambda.dynamodb();
    let error = record_partial(&dynamodb, &task("part-1.csv"), &totals(&[("EU", 2000)]))
        .expect_err("a write to a table that does not exist fails: it is not a second delivery");
    assert_eq!(
        error.code,
        ErrorCode::ResourceNotFoundException,
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn claim_reducer_says_yes_once_and_only_when_every_part_is_recorded() {
    let lambda = deployed(18, deploy);
    let dynamodb = lambda.dynamodb();
    let record = |part: &str| {
        let item = json!({ JOB_KEY: JOB, ITEM_KEY: part_item_key(part), "totals": { "EU": 1 } });
        dynamodb.put_item(TABLE, item).unwrap();
    };
    for (part, _) in &PARTS[..3] {
        record(part);
    }
    assert!(
        !claim_reducer(&dynamodb, &task("part-3.csv")).unwrap(),
        "3 parts of 4 recorded: too early, the reducer would miss part-4"
    );
    record("part-4.csv");
    assert!(
        claim_reducer(&dynamodb, &task("part-4.csv")).unwrap(),
        "4 parts of 4 recorded: this mapper starts the reducer"
    );
    for part in ["part-2.csv", "part-4.csv"] {
        assert!(
            !claim_reducer(&dynamodb, &task(part)).unwrap(),
            "{part} delivered again: the reducer is claimed already"
        );
    }
    let claim = json!({ JOB_KEY: JOB, ITEM_KEY: REDUCER_CLAIM });
    let claim = dynamodb.get_item(TABLE, claim).unwrap();
    assert_eq!(
        claim.expect("the claim item, with the sort key `reducer`")["claimed_by"],
        "part-4.csv"
    );
}

#[tokio::test(start_paused = true)]
async fn sum_partials_adds_up_the_parts_of_its_own_job_only() {
    let lambda = deployed(18, deploy);
    let dynamodb = lambda.dynamodb();
    let items = [
        json!({ JOB_KEY: JOB, ITEM_KEY: part_item_key("a.csv"), "totals": { "EU": 100, "US": 5 } }),
        json!({ JOB_KEY: JOB, ITEM_KEY: part_item_key("b.csv"), "totals": { "EU": 20, "APAC": 7 } }),
        json!({ JOB_KEY: JOB, ITEM_KEY: REDUCER_CLAIM, "claimed_by": "b.csv" }),
        json!({ JOB_KEY: "2025-01-05", ITEM_KEY: part_item_key("a.csv"), "totals": { "EU": 999 } }),
    ];
    for item in items {
        dynamodb.put_item(TABLE, item).unwrap();
    }
    assert_eq!(
        sum_partials(&dynamodb, JOB).unwrap(),
        totals(&[("APAC", 7), ("EU", 120), ("US", 5)]),
        "the two parts of 2025-01-06; not the claim, not the day before"
    );
    assert_eq!(
        sum_partials(&dynamodb, "2025-01-07").unwrap(),
        Totals::new()
    );
}

#[tokio::test(start_paused = true)]
async fn the_job_adds_up_the_sales_of_every_part_per_region() {
    let lambda = deployed(18, deploy);
    run_job(&lambda).await;
    assert_json_eq!(
        result(&lambda),
        json!({ "job": JOB, "totals": day_totals() })
    );
    assert_eq!(lambda.usage(REDUCER).invocations, 1, "the reducer ran once");
    let parts = lambda.dynamodb().query(TABLE, JOB, None).unwrap();
    assert_eq!(
        parts.len(),
        PARTS.len() + 1,
        "one item per part, and the claim: {parts:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_mappers_run_side_by_side_and_the_reducer_once_after_the_last() {
    let lambda = deployed(18, deploy);
    run_job(&lambda).await;
    let mappers = lambda.usage(MAPPER);
    assert_eq!(
        (mappers.invocations, mappers.cold_starts),
        (4, 4),
        "one invocation per part, each in an environment of its own"
    );
    let timeline = lambda.timeline(MAPPER, Duration::from_millis(100));
    assert!(
        timeline.contains("most busy at once: 4"),
        "the four mappers ran at the same time:\n{timeline}"
    );
    assert_eq!(lambda.usage(REDUCER).invocations, 1, "the reducer ran once");
    assert_eq!(
        result(&lambda)["totals"],
        day_totals(),
        "the reducer started when the last part was recorded, not before"
    );
}

/// S3 delivers an event at least once, and the export may write the marker twice: the splitter
/// then fans out the whole job twice, and every part is mapped twice, at the same time.
#[tokio::test(start_paused = true)]
async fn a_job_started_twice_maps_every_part_twice_and_counts_it_once() {
    let lambda = deployed(18, deploy);
    upload_sales(&lambda).await;
    start_job(&lambda).await;
    start_job(&lambda).await;
    lambda.settle().await;
    assert_eq!(
        lambda.usage(MAPPER).invocations,
        8,
        "every part mapped twice"
    );
    assert_eq!(
        result(&lambda)["totals"],
        day_totals(),
        "each part counted once"
    );
    assert_eq!(
        lambda.usage(REDUCER).invocations,
        1,
        "the reducer ran once, although two mappers saw the last part recorded"
    );
    assert_eq!(
        attempts(&lambda),
        [Some(1); 11],
        "2 splitters, 8 mappers, 1 reducer: every one succeeded at once; a second delivery is \
         not a failure (an error would make Lambda retry it, in vain)"
    );
}

/// A mapper whose first attempt at `part` records its totals, then crashes before it can go on:
/// Lambda runs it again a minute later with the same task.
fn crashes_once_after_recording(part: &'static str) -> FunctionCode {
    let crashed = Arc::new(AtomicBool::new(false));
    with_mapper_clients(move |clients, event| {
        let crash = event.payload.part == part && !crashed.swap(true, Ordering::SeqCst);
        async move {
            if !crash {
                return map(&clients.s3, &clients.dynamodb, &clients.lambda, event).await;
            }
            let task = event.payload;
            let totals = map_part(&clients.s3, &task).await?;
            record_partial(&clients.dynamodb, &task, &totals)?;
            Err(Diagnostic {
                error_type: "Runtime.ExitError".into(),
                error_message: "RequestId: the mapper exited after recording its part".into(),
            })
        }
    })
}

#[tokio::test(start_paused = true)]
async fn a_mapper_that_crashes_after_recording_the_last_part_is_retried_and_finishes_the_job() {
    // part-2.csv is the last part recorded: its mapper crashes before it can start the reducer.
    let lambda = deployed(18, |lambda| {
        deploy_with_mapper(lambda, crashes_once_after_recording("part-2.csv"))
    });
    run_job(&lambda).await;
    assert_eq!(
        attempts(&lambda),
        [Some(1), Some(1), Some(1), Some(1), Some(1), Some(2)],
        "the crashed mapper succeeded on its retry, which found its part recorded already"
    );
    assert_eq!(
        result(&lambda)["totals"],
        day_totals(),
        "the retry started the reducer"
    );
    assert_eq!(lambda.usage(REDUCER).invocations, 1, "the reducer ran once");
}

/// A mapper whose first attempt at `part` fails before it records anything (a read that timed
/// out, say): the part is recorded a minute later, by the retry.
fn fails_once_before_recording(part: &'static str) -> FunctionCode {
    let failed = Arc::new(AtomicBool::new(false));
    with_mapper_clients(move |clients, event| {
        let fail = event.payload.part == part && !failed.swap(true, Ordering::SeqCst);
        async move {
            match fail {
                true => Err(Diagnostic {
                    error_type: "ReadTimeout".into(),
                    error_message: "reading the part timed out".into(),
                }),
                false => map(&clients.s3, &clients.dynamodb, &clients.lambda, event).await,
            }
        }
    })
}

#[tokio::test(start_paused = true)]
async fn a_part_that_fails_at_first_holds_the_reducer_back_until_its_retry() {
    let lambda = deployed(18, |lambda| {
        deploy_with_mapper(lambda, fails_once_before_recording("part-1.csv"))
    });
    run_job(&lambda).await;
    assert_eq!(
        result(&lambda)["totals"],
        day_totals(),
        "the reducer waited for part-1, recorded a minute after the others"
    );
    assert_eq!(lambda.usage(REDUCER).invocations, 1, "the reducer ran once");
}

/// One job, in the transcript (readable in `tests/snapshots/`): the marker, the splitter's
/// fan-out, four mappers at work at the same time, each recording its part, the last one
/// claiming the reducer, and the reducer writing the result.
#[tokio::test(start_paused = true)]
async fn transcript_of_one_job() {
    let lambda = deployed(18, deploy);
    run_job(&lambda).await;
    insta::assert_snapshot!(lambda.transcript());
}
