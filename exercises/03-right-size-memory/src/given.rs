//! Provided by the exercise: the function's name and its CPU-bound code, a helper that invokes it
//! and reads its REPORT line, the [`Measurement`] and [`Choice`] types your code fills in (a
//! `Choice` prints as a table), and the deployment. Read it, but you don't need to change it:
//! your part is in `lib.rs`.

use invoker::{
    gb_seconds, report_millis, service_fn, Diagnostic, FunctionCode, FunctionConfig, InvokeRequest,
    Lambda, LambdaEvent, LogType, ServiceError,
};
use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// The function this exercise tunes.
pub const FUNCTION: &str = "thumbnails";
/// How long making one thumbnail takes on one full vCPU (1,769 MB). It is single-threaded CPU
/// work: it takes longer with less memory, and no less with more.
pub const WORK_AT_ONE_VCPU: Duration = Duration::from_millis(400);
/// The memory `thumbnails` is deployed with: Lambda's default.
pub const STARTING_MEMORY_MB: u32 = 128;
/// How many warm calls measure one memory size.
pub const WARM_CALLS: usize = 3;

/// The code of `thumbnails`: CPU-bound work and nothing else.
pub fn make_thumbnail() -> FunctionCode {
    service_fn(|event: LambdaEvent<Value>| async move {
        let ctx = event.context;
        ctx.compute(WORK_AT_ONE_VCPU).await;
        Ok::<_, Diagnostic>(json!({ "thumbnail": "cat-128x128.jpg" }))
    })
}

/// The figures of one invocation's REPORT line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// How long the handler ran.
    pub duration: Duration,
    /// What Lambda billed: the duration rounded up to the millisecond, plus the Init on a cold
    /// start.
    pub billed_ms: u128,
    /// The Init phase: only on a cold start.
    pub init_duration: Option<Duration>,
}

// ANCHOR: invoke_and_report
/// Invokes `thumbnails` (`$LATEST`) and reads the figures of its REPORT line from the log tail
/// that comes back with the response (`LogType::Tail`, `--log-type Tail` in the AWS CLI). AWS
/// Lambda Power Tuning measures each call the same way.
pub async fn invoke_and_report(lambda: &Lambda) -> Result<Report, ServiceError> {
    let request = InvokeRequest::new(FUNCTION).log_type(LogType::Tail);
    let response = lambda.invoke(request).await?;
    let tail = response.log_tail().unwrap_or_default();
    let report = tail
        .lines()
        .find(|line| line.starts_with("REPORT"))
        .expect("Lambda ends every invocation's log with a REPORT line");
    let field = |name: &str| report.split('\t').find_map(|f| f.strip_prefix(name));
    Ok(Report {
        duration: field("Duration: ").map_or(Duration::ZERO, parse_millis),
        billed_ms: field("Billed Duration: ")
            .and_then(|ms| ms.trim_end_matches(" ms").parse().ok())
            .unwrap_or(0),
        init_duration: field("Init Duration: ").map(parse_millis),
    })
}
// ANCHOR_END: invoke_and_report

/// `"460.68 ms"`, as a REPORT line writes it, to a `Duration`, exactly.
fn parse_millis(text: &str) -> Duration {
    let (whole, hundredths) = text
        .trim_end_matches(" ms")
        .split_once('.')
        .unwrap_or((text, "0"));
    let micros =
        whole.parse::<u64>().unwrap_or(0) * 1000 + hundredths.parse::<u64>().unwrap_or(0) * 10;
    Duration::from_micros(micros)
}

/// One memory size, measured on warm calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Measurement {
    /// The memory size the calls ran with.
    pub memory_mb: u32,
    /// The slowest warm call's duration.
    pub duration: Duration,
    /// That call's billed duration.
    pub billed_ms: u128,
}

impl Measurement {
    /// What one such call costs, in the unit Lambda prices compute in: memory in GB × billed
    /// seconds.
    pub fn gb_seconds(&self) -> f64 {
        gb_seconds(self.memory_mb, self.billed_ms)
    }
}

/// The outcome of tuning: every memory size measured, and the one chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// How long a call may take at most.
    pub latency_target: Duration,
    /// One per candidate memory size, in the order they were tried.
    pub measurements: Vec<Measurement>,
    /// The cheapest memory size whose calls meet the target; `None` if none does.
    pub memory_mb: Option<u32>,
}

impl fmt::Display for Choice {
    /// A table of the measurements: one row per memory size, the chosen one marked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = report_millis(self.latency_target);
        writeln!(
            f,
            "{FUNCTION}: the slowest of {WARM_CALLS} warm calls at each memory size; target {target} ms"
        )?;
        writeln!(
            f,
            "{:>8}  {:>12}  {:>8}  GB-s per call",
            "memory", "duration", "billed"
        )?;
        for m in &self.measurements {
            let verdict = if m.duration > self.latency_target {
                "too slow"
            } else if Some(m.memory_mb) == self.memory_mb {
                "<- the cheapest fast enough"
            } else {
                ""
            };
            let line = format!(
                "{:>5} MB  {:>9} ms  {:>5} ms  {:<13.6}  {verdict}",
                m.memory_mb,
                report_millis(m.duration),
                m.billed_ms,
                m.gb_seconds()
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        match self.memory_mb {
            Some(mb) => writeln!(f, "chosen: {mb} MB"),
            None => writeln!(f, "chosen: none, no size meets the target"),
        }
    }
}

/// Deploys `thumbnails` with [`STARTING_MEMORY_MB`], and a timeout long enough for its slowest
/// size.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let config = FunctionConfig::new(FUNCTION)
        .description("Makes thumbnails: CPU-bound")
        .memory_size(STARTING_MEMORY_MB)
        .timeout_secs(15);
    lambda.create_function(config, make_thumbnail())?;
    Ok(())
}
