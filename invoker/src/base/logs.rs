//! CloudWatch Logs, in miniature, and the log lines the Lambda platform writes.
//!
//! Each function logs to the group `/aws/lambda/<name>`; each execution environment writes its own
//! stream in it, named `YYYY/MM/DD/[<version>]<id>`. So one stream is one environment's life, and
//! consecutive invocations in a stream are warm starts of the same environment.
//!
//! Around the handler's own lines the platform writes `INIT_START` (cold starts only), `START`,
//! `END` and `REPORT`. The formats below follow lines recorded from real Lambda, tabs included:
//! the REPORT line separates its fields with tabs and ends with one.
//!
//! Lambda writes the logs with the function's execution role. A role that may not
//! `logs:CreateLogStream` and `logs:PutLogEvents` on the stream ([`LOG_ACTIONS`]) does not stop
//! the function, but nothing it logs arrives: the environment's stream is *muted*, and its lines
//! are dropped. (The invoker takes the log group as created with the function, so
//! `logs:CreateLogGroup` is not needed.)

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// One line in a log stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogEvent {
    /// When it was written (virtual time).
    pub timestamp: SystemTime,
    /// The line itself.
    pub message: String,
    /// Who wrote it: Lambda, or the function's own code.
    pub source: LogSource,
}

/// Who wrote a log line, in the words of Lambda's logging controls (`SystemLogLevel`,
/// `ApplicationLogLevel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LogSource {
    /// Lambda itself: the platform's `INIT_START`, `START`, `END` and `REPORT`, and the runtime's
    /// report of an invocation that failed (`Invoke Error`, a panic's message).
    System,
    /// The function's own code, through its [`Logger`](crate::Logger): what it says is its
    /// author's choice.
    Application,
}

/// Every log group, stream and line written so far.
///
/// A stream is *opened* once, by name, when its environment starts; the [`StreamId`] it gets
/// back is where that environment's lines go from then on. Every invocation writes at least
/// three lines, so writing one is an index into a `Vec`, not a search by group and stream name
/// (names that share their first 20 characters, `2025/01/01/[$LATEST]`, and take long to tell
/// apart). Readers, who come by name, go through the name index.
#[derive(Debug)]
pub(crate) struct LogStore {
    /// Which store this is: each simulated service has its own (see [`StreamId`]).
    number: u64,
    /// Every stream opened, in the order it was: a [`StreamId`] is a position here.
    streams: Vec<Stream>,
    /// Group name → stream name → stream, in name order, as CloudWatch lists them.
    names: BTreeMap<String, BTreeMap<String, StreamId>>,
}

/// Where one environment's lines go: a stream of one [`LogStore`].
///
/// It carries the number of the store that made it. A handler that calls a second service it
/// captured (against the workbook's rules) hands that service an id of the first: there it finds
/// no stream, as a name would not, rather than some other environment's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StreamId {
    store: u64,
    index: usize,
}

/// One log stream.
#[derive(Debug, Default)]
struct Stream {
    lines: Vec<LogEvent>,
    /// Its writer may not write it: its lines are dropped.
    muted: bool,
}

/// What Lambda needs the execution role to allow, on the stream's ARN, to write a function's
/// logs.
pub(crate) const LOG_ACTIONS: [&str; 2] = ["logs:CreateLogStream", "logs:PutLogEvents"];

impl Default for LogStore {
    fn default() -> Self {
        static STORES_MADE: AtomicU64 = AtomicU64::new(0);
        Self {
            number: STORES_MADE.fetch_add(1, Ordering::Relaxed),
            streams: Vec::new(),
            names: BTreeMap::new(),
        }
    }
}

impl LogStore {
    /// The stream `stream` of `group`, made (empty) if it is new. Lambda writes the first line
    /// of an environment's stream as soon as it starts it (`INIT_START`); a stream shows in its
    /// group's list once it holds a line, so a muted one, which the role may not create, never
    /// does.
    pub(crate) fn open(&mut self, group: &str, stream: &str) -> StreamId {
        let (store, streams) = (self.number, &mut self.streams);
        let in_group = self.names.entry(group.to_owned()).or_default();
        *in_group.entry(stream.to_owned()).or_insert_with(|| {
            streams.push(Stream::default());
            StreamId {
                store,
                index: streams.len() - 1,
            }
        })
    }

    /// Appends a line to a stream and returns how many lines the stream holds with it. A line
    /// for a muted stream is dropped (and a muted stream holds none).
    pub(crate) fn put(&mut self, stream: StreamId, event: LogEvent) -> usize {
        let Some(stream) = self.get_mut(stream) else {
            return 0;
        };
        if !stream.muted {
            stream.lines.push(event);
        }
        stream.lines.len()
    }

    /// Drops every line written to this stream from now on: its writer may not write it.
    pub(crate) fn mute(&mut self, stream: StreamId) {
        if let Some(stream) = self.get_mut(stream) {
            stream.muted = true;
        }
    }

    /// The lines of one stream, oldest first.
    pub(crate) fn lines(&self, stream: StreamId) -> &[LogEvent] {
        self.get(stream).map_or(&[], |stream| &stream.lines)
    }

    /// The stream an id names, if this store made it.
    fn get(&self, stream: StreamId) -> Option<&Stream> {
        (stream.store == self.number).then(|| &self.streams[stream.index])
    }

    fn get_mut(&mut self, stream: StreamId) -> Option<&mut Stream> {
        (stream.store == self.number).then(|| &mut self.streams[stream.index])
    }

    /// The lines of a stream found by name, oldest first (empty if it does not exist).
    pub(crate) fn stream(&self, group: &str, stream: &str) -> &[LogEvent] {
        self.names
            .get(group)
            .and_then(|g| g.get(stream))
            .map_or(&[], |id| self.lines(*id))
    }

    /// The names of a group's streams that hold lines, in name order, as `aws logs
    /// describe-log-streams` lists them.
    pub(crate) fn stream_names(&self, group: &str) -> Vec<&str> {
        self.names
            .get(group)
            .map(|g| {
                g.iter()
                    .filter(|(_, id)| !self.lines(**id).is_empty())
                    .map(|(name, _)| name.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The log store, shared by the service and every running handler's logger.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedLogs(Arc<Mutex<LogStore>>);

impl SharedLogs {
    /// How many lines a stream holds now: the position of the next line written to it.
    pub(crate) fn stream_len(&self, stream: StreamId) -> usize {
        self.lock().lines(stream).len()
    }

    /// Locks the store. A handler that panicked while logging must not take the logs down with
    /// it, so a poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, LogStore> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `/aws/lambda/<function>`: the log group Lambda uses by default.
pub(crate) fn log_group_name(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

/// `arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<stream>`: what the role must
/// allow [`LOG_ACTIONS`] on. A policy usually names `…:log-group:/aws/lambda/<function>:*`.
pub(crate) fn log_stream_arn(region: &str, account_id: &str, group: &str, stream: &str) -> String {
    format!("arn:aws:logs:{region}:{account_id}:log-group:{group}:log-stream:{stream}")
}

/// `INIT_START Runtime Version: provided:al2023.v1\tRuntime Version ARN: …`: the first line of a
/// cold start.
pub(crate) fn init_start_line(runtime_version: &str, runtime_version_arn: &str) -> String {
    format!(
        "INIT_START Runtime Version: {runtime_version}\tRuntime Version ARN: {runtime_version_arn}"
    )
}

/// `START RequestId: <id> Version: <version>`. (Joined, not `format!`ted: every invocation
/// writes this line and the next, and joining sizes the string once and copies.)
pub(crate) fn start_line(request_id: &str, version: &str) -> String {
    ["START RequestId: ", request_id, " Version: ", version].concat()
}

/// `END RequestId: <id>`.
pub(crate) fn end_line(request_id: &str) -> String {
    ["END RequestId: ", request_id].concat()
}

/// The figures of one invocation, as the REPORT line shows them.
#[derive(Clone, Debug)]
pub(crate) struct Report<'a> {
    /// The invocation's request id.
    pub request_id: &'a str,
    /// How long the handler ran.
    pub duration: Duration,
    /// The Init phase, on a cold start.
    pub init_duration: Option<Duration>,
    /// The configured memory.
    pub memory_size_mb: u32,
    /// The peak memory the invocation used.
    pub max_memory_used_mb: u32,
    /// `timeout` or `error` when the invocation did not end normally.
    pub status: Option<&'static str>,
}

impl Report<'_> {
    /// The billed time: since 1 December 2020 Lambda rounds up to the next millisecond (older
    /// guides say 100 ms). Since 1 August 2025 the Init phase is billed too, so a cold start's
    /// billed duration includes its Init Duration.
    pub(crate) fn billed_ms(&self) -> u128 {
        let total = self.duration + self.init_duration.unwrap_or_default();
        total.as_micros().div_ceil(1000).max(1)
    }

    /// The tab-separated REPORT line. Every invocation writes one, so it is put together with
    /// `push_str` (as `concat` does for START and END): `format!`'s machinery costs several
    /// times as much for a line of many small parts.
    pub(crate) fn line(&self) -> String {
        let mut numbers = itoa::Buffer::new();
        let mut line = String::with_capacity(160);
        line.push_str("REPORT RequestId: ");
        line.push_str(self.request_id);
        line.push_str("\tDuration: ");
        push_millis(&mut line, self.duration);
        line.push_str(" ms\tBilled Duration: ");
        line.push_str(numbers.format(self.billed_ms()));
        line.push_str(" ms\tMemory Size: ");
        line.push_str(numbers.format(self.memory_size_mb));
        line.push_str(" MB\tMax Memory Used: ");
        line.push_str(numbers.format(self.max_memory_used_mb));
        line.push_str(" MB\t");
        if let Some(init) = self.init_duration {
            line.push_str("Init Duration: ");
            push_millis(&mut line, init);
            line.push_str(" ms\t");
        }
        if let Some(status) = self.status {
            line.push_str("Status: ");
            line.push_str(status);
            line.push('\t');
        }
        line
    }
}

/// A duration in milliseconds with two decimals, as Lambda prints it: `3.01`.
pub fn report_millis(d: Duration) -> String {
    let mut millis = String::new();
    push_millis(&mut millis, d);
    millis
}

/// Writes [`report_millis`] at the end of a longer line, without a string of its own.
fn push_millis(line: &mut String, d: Duration) {
    // Virtual durations are nearly always whole hundredths of a millisecond (0.00 ms for a
    // handler that does not wait): those are written with integers, which is exactly what
    // rounding the float gives and much quicker than formatting a float. Any other duration is
    // rounded as a float.
    if !d.subsec_nanos().is_multiple_of(10_000) {
        // Writing into a String cannot fail.
        let _ = write!(line, "{:.2}", d.as_secs_f64() * 1000.0);
        return;
    }
    let hundredths = d.as_micros() / 10;
    line.push_str(itoa::Buffer::new().format(hundredths / 100));
    line.push('.');
    let cents = (hundredths % 100) as u8;
    line.push(char::from(b'0' + cents / 10));
    line.push(char::from(b'0' + cents % 10));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(duration_us: u64, init_us: Option<u64>) -> Report<'static> {
        Report {
            request_id: "id",
            duration: Duration::from_micros(duration_us),
            init_duration: init_us.map(Duration::from_micros),
            memory_size_mb: 128,
            max_memory_used_mb: 16,
            status: None,
        }
    }

    #[test]
    fn a_stream_is_found_only_in_the_store_that_opened_it() {
        let (mut mine, mut other) = (LogStore::default(), LogStore::default());
        let line = LogEvent {
            timestamp: SystemTime::UNIX_EPOCH,
            message: "START".into(),
            source: LogSource::System,
        };
        let id = mine.open("/aws/lambda/f", "s");
        assert_eq!(mine.put(id, line.clone()), 1);
        // The same names in another store: its stream is not `id`'s.
        other.open("/aws/lambda/f", "s");
        assert_eq!(other.put(id, line), 0);
        assert!(other.lines(id).is_empty());
        assert_eq!(mine.stream_names("/aws/lambda/f"), ["s"]);
        assert!(
            other.stream_names("/aws/lambda/f").is_empty(),
            "a stream is listed once it holds a line"
        );
    }

    #[test]
    fn report_line_has_lambdas_fields_and_tabs() {
        assert_eq!(
            report(3_010, Some(110_100)).line(),
            "REPORT RequestId: id\tDuration: 3.01 ms\tBilled Duration: 114 ms\tMemory Size: 128 MB\tMax Memory Used: 16 MB\tInit Duration: 110.10 ms\t"
        );
        assert!(!report(3_010, None).line().contains("Init Duration"));
    }

    #[test]
    fn milliseconds_have_two_decimals_whether_exact_or_rounded() {
        let shown = |nanos: u64| report_millis(Duration::from_nanos(nanos));
        assert_eq!(shown(0), "0.00");
        assert_eq!(shown(3_010_000), "3.01");
        assert_eq!(shown(12_345_670_000), "12345.67");
        // Not whole hundredths: rounded as the float rounds.
        assert_eq!(shown(1_234_567), "1.23");
        assert_eq!(shown(1_235_001), "1.24");
        // Where the integers are used, they agree with the float: up to 2 s, then here and there
        // up to three hours.
        let hundredths = (0..200_000u64).chain((0..100).map(|k| k * 12_345_679));
        for d in hundredths.map(|h| Duration::from_micros(h * 10)) {
            assert_eq!(report_millis(d), format!("{:.2}", d.as_secs_f64() * 1000.0));
        }
    }

    #[test]
    fn billing_rounds_up_to_the_millisecond() {
        assert_eq!(report(3_010, None).billed_ms(), 4);
        assert_eq!(report(3_000, None).billed_ms(), 3);
        assert_eq!(report(0, None).billed_ms(), 1);
    }
}
