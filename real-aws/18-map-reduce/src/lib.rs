//! # Exercise 18 on real AWS: what the three functions share
//!
//! The exercise's job (`exercises/18-map-reduce/src/given.rs`) and the solution's table logic
//! (`solutions/18-map-reduce/src/lib.rs`: [`record_partial`], [`claim_reducer`],
//! [`sum_partials`]) with the SDK's DynamoDB client where the exercise has `init.dynamodb()`.
//! The functions are `src/bin/`: `splitter` (S3 → one mapper per part), `mapper` (one part →
//! the table, and the reducer when the job is complete) and `reducer` (the table → S3).
//!
//! Names are settings, read once in `main`: on AWS bucket names are global and a template
//! generates the table's and the functions' names. `INPUT_BUCKET`, `OUTPUT_BUCKET`,
//! `TABLE_NAME`, `MAPPER_FUNCTION`, `REDUCER_FUNCTION`; each function reads those it uses.

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use lambda_runtime::Error;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Where a day's sales are, in parts: `sales/<job>/part-1.csv`.
pub const SALES: &str = "sales/";
/// Where the marker that starts a job goes: `jobs/<job>`.
pub const JOBS: &str = "jobs/";
/// Where the reducer writes a job's totals: `results/<job>.json`.
pub const RESULTS: &str = "results/";
/// The table's partition key: the job.
const JOB_KEY: &str = "job";
/// The table's sort key: `part#<part>` for a part's totals, `reducer` for the claim.
const ITEM_KEY: &str = "item";
/// What the sort key of every part's totals begins with.
const PART_PREFIX: &str = "part#";
/// The sort key of the item that says which mapper started the reducer.
const REDUCER_CLAIM: &str = "reducer";

/// Amounts in cents, by region: `{"EU": 2000, "US": 3000}`.
pub type Totals = BTreeMap<String, u64>;

/// The event of one mapper: which part of which job, and how many parts the job has.
#[derive(Debug, Serialize, Deserialize)]
pub struct MapTask {
    pub job: String,
    pub part: String,
    pub parts: usize,
}

impl MapTask {
    /// The part's key in the input bucket: `sales/<job>/<part>`.
    pub fn key(&self) -> String {
        format!("{SALES}{}/{}", self.job, self.part)
    }
}

/// The event of the reducer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReduceTask {
    pub job: String,
}

/// A setting from the environment, or an error that names it.
pub fn setting(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}

/// An object key as S3 sends it in events, decoded: `jobs/2025+01` → `jobs/2025 01`.
pub fn url_decode_key(key: &str) -> String {
    let spaces = key.replace('+', " ");
    percent_encoding::percent_decode_str(&spaces)
        .decode_utf8_lossy()
        .into_owned()
}

/// The sales of a part, one per line, `order,region,amount in cents`, as (region, amount).
pub fn parse_sales(csv: &[u8]) -> Result<Vec<(String, u64)>, Error> {
    let text = std::str::from_utf8(csv).map_err(|_| "the part is not UTF-8 text")?;
    let bad_line = |line: &str| -> Error { format!("not order,region,cents: {line}").into() };
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            match fields[..] {
                [_order, region, amount] if !region.is_empty() => amount
                    .parse()
                    .map(|cents| (region.to_owned(), cents))
                    .map_err(|_| bad_line(line)),
                _ => Err(bad_line(line)),
            }
        })
        .collect()
}

/// A part's sales added up per region: the *map* step.
pub fn totals_of(sales: &[(String, u64)]) -> Totals {
    let mut totals = Totals::new();
    for (region, cents) in sales {
        *totals.entry(region.clone()).or_default() += cents;
    }
    totals
}

/// Puts `item` in `table` unless an item with its key is there: `Ok(true)` if this call wrote
/// it, `Ok(false)` if it was there already (which is a success: the work is done).
async fn put_if_absent(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    item: HashMap<String, AttributeValue>,
) -> Result<bool, Error> {
    let put = dynamodb
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        // The key's sort attribute is absent only if no item has this key.
        .condition_expression("attribute_not_exists(#item)")
        .expression_attribute_names("#item", ITEM_KEY)
        .send()
        .await;
    match put {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// The key of an item of the table.
fn item_key(job: &str, item: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (JOB_KEY.to_owned(), AttributeValue::S(job.to_owned())),
        (ITEM_KEY.to_owned(), AttributeValue::S(item.to_owned())),
    ])
}

/// Invokes `function` asynchronously (`InvocationType::Event`: Lambda queues the event and
/// answers 202 at once, then retries on its own) with `event` as its JSON payload: how the
/// splitter starts each mapper and the last mapper starts the reducer.
pub async fn invoke_async(
    lambda: &aws_sdk_lambda::Client,
    function: &str,
    event: &impl Serialize,
) -> Result<(), Error> {
    lambda
        .invoke()
        .function_name(function)
        .invocation_type(InvocationType::Event)
        .payload(Blob::new(serde_json::to_vec(event)?))
        .send()
        .await?;
    Ok(())
}

/// Records the totals of `task`'s part, once: `Ok(true)` if this call wrote them, `Ok(false)`
/// if an earlier delivery of the same task had. The key is the part, not this invocation.
pub async fn record_partial(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    task: &MapTask,
    totals: &Totals,
) -> Result<bool, Error> {
    let mut item = item_key(&task.job, &format!("{PART_PREFIX}{}", task.part));
    let cents = totals
        .iter()
        .map(|(region, cents)| (region.clone(), AttributeValue::N(cents.to_string())))
        .collect();
    item.insert("totals".to_owned(), AttributeValue::M(cents));
    put_if_absent(dynamodb, table, item).await
}

/// Whether this mapper must start the reducer: every part of the job is recorded, and this call
/// claimed the reducer. Exactly one mapper of a job gets `true`.
pub async fn claim_reducer(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    task: &MapTask,
) -> Result<bool, Error> {
    // Not "am I the last to finish?", which no mapper can know, but "is every part there?".
    if recorded_parts(dynamodb, table, &task.job).await?.len() < task.parts {
        return Ok(false);
    }
    // Several mappers may see the job complete; the conditional put lets exactly one through.
    let mut claim = item_key(&task.job, REDUCER_CLAIM);
    claim.insert(
        "claimed_by".to_owned(),
        AttributeValue::S(task.part.clone()),
    );
    put_if_absent(dynamodb, table, claim).await
}

/// The totals of a job: the `totals` of every part recorded for it, added up per region.
pub async fn sum_partials(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    job: &str,
) -> Result<Totals, Error> {
    let mut totals = Totals::new();
    for part in recorded_parts(dynamodb, table, job).await? {
        let Some(AttributeValue::M(partial)) = part.get("totals") else {
            continue;
        };
        for (region, cents) in partial {
            let cents: u64 = cents.as_n().map_or(Ok(0), |n| n.parse())?;
            *totals.entry(region.clone()).or_default() += cents;
        }
    }
    Ok(totals)
}

/// The part items recorded for a job: its partition, the sort keys that begin with `part#`.
/// (One page of the query: a job of more than 1 MB of totals would need the paginator.)
async fn recorded_parts(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    job: &str,
) -> Result<Vec<HashMap<String, AttributeValue>>, Error> {
    let found = dynamodb
        .query()
        .table_name(table)
        .key_condition_expression("#job = :job AND begins_with(#item, :prefix)")
        .expression_attribute_names("#job", JOB_KEY)
        .expression_attribute_names("#item", ITEM_KEY)
        .expression_attribute_values(":job", AttributeValue::S(job.to_owned()))
        .expression_attribute_values(":prefix", AttributeValue::S(PART_PREFIX.to_owned()))
        // Strongly consistent: a part recorded a moment ago by another mapper must count.
        .consistent_read(true)
        .send()
        .await?;
    Ok(found.items.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_s_sales_are_added_up_per_region_and_a_bad_line_is_refused() {
        let sales = parse_sales(b"o-1,EU,1250\no-2,US,3000\n\no-3,EU,750\n").unwrap();
        let totals = totals_of(&sales);
        assert_eq!(
            totals,
            Totals::from([("EU".into(), 2000), ("US".into(), 3000)])
        );
        assert!(parse_sales(b"o-4,EU\n").is_err());
    }
}
