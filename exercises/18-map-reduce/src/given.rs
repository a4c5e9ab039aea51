//! Provided by the exercise: the names, the sales files and how to read them, the three functions
//! (the wiring of S3 → splitter → mappers → table → reducer → S3) and the deployment. Read it,
//! but you don't need to change it: your part is in `lib.rs`.
//!
//! Each function makes the clients it calls once, at init, as a function on AWS makes its SDK
//! clients in `main`: S3 and DynamoDB (`init.s3()`, `init.dynamodb()`), and Lambda, to invoke
//! the next function (`init.lambda()`; on AWS an `aws_sdk_lambda::Client`), all from the init
//! step. Every call is made as the function's role.

use invoker::aws_lambda_events::s3::S3Event;
use invoker::{url_decode_key, LambdaFunctionConfiguration, NotificationConfiguration};
use invoker::{
    with_init, Diagnostic, DynamoDb, FunctionCode, FunctionConfig, InitContext, InvocationType,
    InvokeRequest, Lambda, LambdaClient, LambdaEvent, ManagedPolicy, Permission, Role,
    ServiceError, S3,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::{claim_reducer, record_partial, sum_partials};

/// The bucket the shop's export writes to: the sales, and the markers that start jobs.
pub const INPUT_BUCKET: &str = "batch-input";
/// The bucket the results go to.
pub const OUTPUT_BUCKET: &str = "batch-output";
/// Where a day's sales are, in parts: `sales/<job>/part-1.csv`, `sales/<job>/part-2.csv`, …
pub const SALES: &str = "sales/";
/// Where the marker that starts a job goes, once all its parts are written: `jobs/<job>`.
pub const JOBS: &str = "jobs/";
/// Where the reducer writes a job's totals, in [`OUTPUT_BUCKET`]: `results/<job>.json`.
pub const RESULTS: &str = "results/";

/// The table of partial totals: partition key [`JOB_KEY`], sort key [`ITEM_KEY`].
pub const TABLE: &str = "batch-jobs";
/// The table's partition key: the job, e.g. `2025-01-06`.
pub const JOB_KEY: &str = "job";
/// The table's sort key: [`part_item_key`] for a part's totals, [`REDUCER_CLAIM`] for the claim.
pub const ITEM_KEY: &str = "item";
/// What the sort key of every part's totals begins with.
pub const PART_PREFIX: &str = "part#";
/// The sort key of the item that says which mapper started the reducer.
pub const REDUCER_CLAIM: &str = "reducer";

/// The function started by a job's marker; it fans out one mapper per part.
pub const SPLITTER: &str = "splitter";
/// The function that adds up one part.
pub const MAPPER: &str = "mapper";
/// The function that adds up the parts' totals into the job's.
pub const REDUCER: &str = "reducer";

/// How long a mapper works on each sale. A real part holds millions of sales; the wait stands
/// in for that work, so that the mappers visibly run side by side and finish one by one.
pub const TIME_PER_SALE: Duration = Duration::from_millis(100);

/// Amounts in cents, by region: `{"EU": 2000, "US": 3000}`.
pub type Totals = BTreeMap<String, u64>;

/// The event of one mapper: which part of which job to add up, and how many parts the job has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapTask {
    /// The job, e.g. `2025-01-06`.
    pub job: String,
    /// The part's file name, e.g. `part-1.csv`.
    pub part: String,
    /// How many parts the job has.
    pub parts: usize,
}

impl MapTask {
    /// The part's key in [`INPUT_BUCKET`]: `sales/<job>/<part>`.
    pub fn key(&self) -> String {
        format!("{SALES}{}/{}", self.job, self.part)
    }
}

/// The event of the reducer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReduceTask {
    /// The job whose parts are all recorded.
    pub job: String,
}

/// The sort key of a part's totals in [`TABLE`]: `part#part-1.csv`.
pub fn part_item_key(part: &str) -> String {
    format!("{PART_PREFIX}{part}")
}

/// The sales of a part, one per line, `order,region,amount in cents` (`o-101,EU,1250`), as
/// (region, amount). A line that does not read is a `BadSalesLine` error.
pub fn parse_sales(csv: &[u8]) -> Result<Vec<(String, u64)>, Diagnostic> {
    let text = std::str::from_utf8(csv).map_err(|_| Diagnostic {
        error_type: "BadSalesLine".into(),
        error_message: "the part is not UTF-8 text".into(),
    })?;
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

fn bad_line(line: &str) -> Diagnostic {
    Diagnostic {
        error_type: "BadSalesLine".into(),
        error_message: format!("not order,region,cents: {line}"),
    }
}

/// A part's sales added up per region: the *map* step.
pub fn totals_of(sales: &[(String, u64)]) -> Totals {
    let mut totals = Totals::new();
    for (region, cents) in sales {
        *totals.entry(region.clone()).or_default() += cents;
    }
    totals
}

// ANCHOR: split
/// The handler of `splitter`, invoked by S3 when a job's marker `jobs/<job>` is written: one
/// asynchronous invoke of `mapper` per part of the job. It does not wait for the mappers: each
/// `invoke` returns as soon as Lambda has queued the event (202), and Lambda runs the mappers
/// side by side, each in an execution environment of its own.
pub async fn split(
    s3: &S3,
    lambda: &LambdaClient,
    event: LambdaEvent<S3Event>,
) -> Result<(), Diagnostic> {
    let (event, ctx) = event.into_parts();
    for record in event.records {
        let marker = url_decode_key(record.s3.object.key.as_deref().unwrap_or_default());
        // The job is named by its marker, not by this invocation: if S3 delivers the event
        // twice, both deliveries fan out the same job, whose parts the table then records once.
        let job = marker.strip_prefix(JOBS).unwrap_or(&marker).to_owned();
        let folder = format!("{SALES}{job}/");
        let keys = s3.list_objects(INPUT_BUCKET, &folder)?;
        ctx.logger()
            .info(format!("job {job}: {} parts in {folder}", keys.len()));
        for key in &keys {
            let task = MapTask {
                job: job.clone(),
                part: key.strip_prefix(&folder).unwrap_or(key).to_owned(),
                parts: keys.len(),
            };
            let request = InvokeRequest::new(MAPPER)
                .invocation_type(InvocationType::Event)
                .payload(json!(task));
            lambda.invoke(request).await?;
        }
    }
    Ok(())
}
// ANCHOR_END: split

/// Reads a part and adds up its sales per region, taking [`TIME_PER_SALE`] for each sale.
pub async fn map_part(s3: &S3, task: &MapTask) -> Result<Totals, Diagnostic> {
    let csv = s3.get_object(INPUT_BUCKET, &task.key())?;
    let sales = parse_sales(&csv)?;
    invoker::sleep(TIME_PER_SALE * sales.len() as u32).await;
    Ok(totals_of(&sales))
}

// ANCHOR: map
/// The handler of `mapper`: adds up one part, records its totals with your [`record_partial`],
/// and, if your [`claim_reducer`] says this mapper is the one, starts the reducer
/// (asynchronously: the mapper does not wait for it).
pub async fn map(
    s3: &S3,
    dynamodb: &DynamoDb,
    lambda: &LambdaClient,
    event: LambdaEvent<MapTask>,
) -> Result<(), Diagnostic> {
    let (task, ctx) = event.into_parts();
    let totals = map_part(s3, &task).await?;
    let part = &task.part;
    match record_partial(dynamodb, &task, &totals)? {
        true => ctx
            .logger()
            .info(format!("{part}: recorded {}", json!(totals))),
        false => ctx
            .logger()
            .info(format!("{part}: already recorded by an earlier delivery")),
    }
    if claim_reducer(dynamodb, &task)? {
        ctx.logger().info(format!(
            "{part}: every part is recorded, starting the reducer"
        ));
        let request = InvokeRequest::new(REDUCER)
            .invocation_type(InvocationType::Event)
            .payload(json!(ReduceTask { job: task.job }));
        lambda.invoke(request).await?;
    }
    Ok(())
}
// ANCHOR_END: map

// ANCHOR: reduce
/// The handler of `reducer`: adds up the parts' totals with your [`sum_partials`] and writes
/// `{"job": …, "totals": {…}}` to `results/<job>.json` in [`OUTPUT_BUCKET`]. Writing the same
/// result twice changes nothing, so a reducer that ran again would do no harm; it is the
/// claim that keeps it to one run.
pub async fn reduce(
    s3: &S3,
    dynamodb: &DynamoDb,
    event: LambdaEvent<ReduceTask>,
) -> Result<(), Diagnostic> {
    let (task, ctx) = event.into_parts();
    let totals = sum_partials(dynamodb, &task.job)?;
    let result = json!({ "job": task.job, "totals": totals });
    ctx.logger()
        .info(format!("job {}: {}", task.job, result["totals"]));
    let key = format!("{RESULTS}{}.json", task.job);
    s3.put_object(OUTPUT_BUCKET, &key, result.to_string())
        .await?;
    Ok(())
}
// ANCHOR_END: reduce

/// The clients `mapper` makes once, at init: S3 to read its part, DynamoDB for the table, and
/// Lambda to start the reducer.
pub struct MapperClients {
    /// The S3 client (on AWS, an `aws_sdk_s3::Client`).
    pub s3: S3,
    /// The DynamoDB client (on AWS, an `aws_sdk_dynamodb::Client`).
    pub dynamodb: DynamoDb,
    /// The Lambda client, to invoke the reducer (on AWS, an `aws_sdk_lambda::Client`).
    pub lambda: LambdaClient,
}

/// Code for `mapper`: its init step makes the [`MapperClients`], once per execution
/// environment, and `handler` gets them with every task.
pub fn with_mapper_clients<F, Fut>(handler: F) -> FunctionCode
where
    F: Fn(Arc<MapperClients>, LambdaEvent<MapTask>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), Diagnostic>> + Send + 'static,
{
    with_init(
        |init: InitContext| async move {
            let clients = MapperClients {
                s3: init.s3(),
                dynamodb: init.dynamodb(),
                lambda: init.lambda(),
            };
            Ok::<_, Diagnostic>(clients)
        },
        handler,
    )
}

/// The code of `mapper`: [`map`], with the clients it made at init.
pub fn mapper_code() -> FunctionCode {
    with_mapper_clients(|clients, event| async move {
        map(&clients.s3, &clients.dynamodb, &clients.lambda, event).await
    })
}

/// Deploys the exercise: the two buckets, the table, the three functions, and the notification
/// that invokes `splitter` for every new object under `jobs/`.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_with_mapper(lambda, mapper_code())
}

/// Deploys the exercise with `mapper` as the code of `mapper`.
pub fn deploy_with_mapper(lambda: &Lambda, mapper: FunctionCode) -> Result<(), ServiceError> {
    lambda.s3().create_bucket(INPUT_BUCKET)?;
    lambda.s3().create_bucket(OUTPUT_BUCKET)?;
    lambda
        .dynamodb()
        .create_table_with_sort_key(TABLE, JOB_KEY, ITEM_KEY)?;
    let splitter = with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>((init.s3(), init.lambda())) },
        |clients: Arc<(S3, LambdaClient)>, event: LambdaEvent<S3Event>| async move {
            let (s3, lambda) = &*clients;
            split(s3, lambda, event).await
        },
    );
    let reducer = with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>((init.s3(), init.dynamodb())) },
        |clients: Arc<(S3, DynamoDb)>, event: LambdaEvent<ReduceTask>| async move {
            let (s3, dynamodb) = &*clients;
            reduce(s3, dynamodb, event).await
        },
    );
    let describe = |name: &str, description: &str, role: Role| {
        FunctionConfig::new(name)
            .timeout_secs(60)
            .description(description)
            .role(role)
    };
    // Each function's role allows what its code calls, and no more.
    let (region, account_id) = (lambda.region(), lambda.account_id());
    let function_arn = |name: &str| format!("arn:aws:lambda:{region}:{account_id}:function:{name}");
    let table_arn = format!("arn:aws:dynamodb:{region}:{account_id}:table/{TABLE}");
    let role = |name: &str| Role::new(name).attach(ManagedPolicy::BasicExecution);
    let splitter_role = role("splitter-role")
        .allow("s3:ListBucket", format!("arn:aws:s3:::{INPUT_BUCKET}"))
        .allow("lambda:InvokeFunction", function_arn(MAPPER));
    let mapper_role = role("mapper-role")
        .allow("s3:GetObject", format!("arn:aws:s3:::{INPUT_BUCKET}/*"))
        .allow("dynamodb:PutItem", &table_arn)
        .allow("dynamodb:Query", &table_arn)
        .allow("lambda:InvokeFunction", function_arn(REDUCER));
    let reducer_role = role("reducer-role")
        .allow("dynamodb:Query", &table_arn)
        .allow("s3:PutObject", format!("arn:aws:s3:::{OUTPUT_BUCKET}/*"));
    let splitter_arn = lambda.create_function(
        describe(
            SPLITTER,
            "Fans out one mapper per part of a job",
            splitter_role,
        ),
        splitter,
    )?;
    lambda.create_function(
        describe(
            MAPPER,
            "Adds up the sales of one part per region",
            mapper_role,
        ),
        mapper,
    )?;
    lambda.create_function(
        describe(
            REDUCER,
            "Adds up the parts' totals into the job's",
            reducer_role,
        ),
        reducer,
    )?;
    // S3 may invoke the splitter for this bucket only, as SAM's `Events: S3` grants it.
    let s3_may_invoke = Permission::new("s3-batch-input", "s3.amazonaws.com")
        .source_arn(format!("arn:aws:s3:::{INPUT_BUCKET}"))
        .source_account(account_id);
    lambda.add_permission(SPLITTER, s3_may_invoke)?;
    let start_jobs = LambdaFunctionConfiguration::new(splitter_arn)
        .event("s3:ObjectCreated:*")
        .prefix(JOBS);
    lambda.s3().put_bucket_notification_configuration(
        INPUT_BUCKET,
        NotificationConfiguration::default().lambda_function(start_jobs),
    )
}
