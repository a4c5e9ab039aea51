//! The transcript: a readable, deterministic record of everything a scenario did.
//!
//! Tests snapshot it (with `insta`), the book prints it, and learners read it to see what Lambda
//! did: which call was a cold start, which environment served it, the exact log lines, and what
//! came back. Each entry starts with its offset on the virtual clock (`+hh:mm:ss.mmm` from the
//! start of the scenario), so the same scenario gives the same transcript, byte for byte.
//!
//! An invocation is printed as one block at the moment it started: its header, its log lines,
//! then its answer with the time it finished. Things that happened while it ran (another call,
//! a throttle) follow the block, with their own, earlier, times.
//!
//! A test that grades a learner's code compares only what the exercise fixes. A
//! [`TranscriptView`] leaves the rest out: the log lines the function's own code wrote (the
//! learner's to choose, unless the exercise says which), and in each answer what the
//! specification leaves free (an extra header, the order of a body's keys).

use crate::base::clock;
use crate::base::error::ServiceError;
use crate::base::logs::{LogEvent, LogSource, LogStore};
use crate::base::platform::Platform;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt::{self, Write};
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

/// Longer payloads are cut in the transcript (never in the response) to keep it readable.
const MAX_PAYLOAD_CHARS: usize = 600;

/// One thing that happened.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A control-plane call or a call to another service, as one line.
    Api {
        at: Duration,
        text: String,
    },
    Invoked(Invocation),
    /// A call the function's code made to another service (KMS, …). It is shown inside the
    /// block of the invocation that made it, between the log lines written before and after it:
    /// `position` is how many lines its environment's log stream held when it was made.
    Call {
        at: Duration,
        caller: String,
        log_group: String,
        log_stream: String,
        position: usize,
        text: String,
    },
    /// A line written only when the transcript is rendered. A Kinesis producer puts records by
    /// the thousand: each is recorded as what the line is made from, so putting one formats
    /// nothing.
    Deferred {
        at: Duration,
        line: Box<dyn DeferredLine>,
    },
    Refused {
        at: Duration,
        target: String,
        error: ServiceError,
    },
    Expired {
        at: Duration,
        function: String,
        environment: u32,
        idle: Duration,
        /// Background tasks that never finished because the environment went away.
        unfinished: usize,
    },
}

/// `1 message`, `3 messages`: a count in the transcript's words.
pub(crate) fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// What a [`Entry::Deferred`] line is made from.
pub(crate) trait DeferredLine: fmt::Debug + Send + Sync {
    /// The line, without its time.
    fn line(&self) -> String;
}

impl Entry {
    fn at(&self) -> Duration {
        match self {
            Entry::Api { at, .. }
            | Entry::Call { at, .. }
            | Entry::Deferred { at, .. }
            | Entry::Refused { at, .. }
            | Entry::Expired { at, .. } => *at,
            Entry::Invoked(invocation) => invocation.at,
        }
    }
}

/// One invocation that ran (or was validated, for a dry run).
#[derive(Debug)]
pub(crate) struct Invocation {
    pub at: Duration,
    pub finished: Duration,
    pub target: String,
    /// The version that ran, shown when the caller named an alias.
    pub executed_version: Option<String>,
    /// `RequestResponse`, `DryRun`, `Event, attempt 2`, a mapping's `Kinesis clicks shard 0`:
    /// borrowed when it is a constant, as for every synchronous call.
    pub invocation_type: Cow<'static, str>,
    /// The environment that served it and whether it was created for it; `None` for a dry run.
    pub environment: Option<(u32, bool)>,
    /// Whether that environment was initialised ahead of time by provisioned concurrency.
    pub provisioned: bool,
    /// `billed ms × memory GB = GB-s`, when the service shows costs.
    pub cost: Option<String>,
    pub log_group: Arc<str>,
    pub log_stream: Arc<str>,
    pub log_lines: Range<usize>,
    pub status: u16,
    pub function_error: Option<String>,
    pub payload: String,
}

/// The record of a scenario; see the module docs.
#[derive(Debug, Default)]
pub(crate) struct Transcript {
    entries: Vec<Entry>,
}

/// A transcript with some of it left out, for a test to compare with a snapshot:
/// `lambda.transcript_view().without_application_logs().to_string()`. Built by
/// [`Lambda::transcript_view`](crate::Lambda::transcript_view); as built, it leaves out nothing, like
/// [`Lambda::transcript`](crate::Lambda::transcript).
pub struct TranscriptView<'a> {
    platform: &'a Platform,
    application_logs: bool,
    answer: Box<dyn Fn(Value) -> Value + 'a>,
}

impl<'a> TranscriptView<'a> {
    pub(crate) fn new(platform: &'a Platform) -> Self {
        Self {
            platform,
            application_logs: true,
            answer: Box::new(|answer| answer),
        }
    }

    /// Leaves out the log lines the function's own code wrote (`ctx.logger()`): what Lambda
    /// did stays, `START`, `END`, `REPORT` and the runtime's `Invoke Error` included.
    pub fn without_application_logs(mut self) -> Self {
        self.application_logs = false;
        self
    }

    /// Shows each invocation's answer (a JSON payload) as `show` makes it: e.g. only the parts
    /// of a response that the specification fixes. An answer that is not JSON (a dry run's
    /// empty one) is shown as it is. `show` runs while the service is locked, so it must not
    /// call the service.
    pub fn answers_as(mut self, show: impl Fn(Value) -> Value + 'a) -> Self {
        self.answer = Box::new(show);
        self
    }

    fn shows(&self, line: &LogEvent) -> bool {
        self.application_logs || line.source != LogSource::Application
    }

    fn show_answer(&self, payload: &str) -> String {
        match serde_json::from_str(payload) {
            Ok(answer) => (self.answer)(answer).to_string(),
            Err(_) => payload.to_owned(),
        }
    }
}

impl fmt::Display for TranscriptView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transcript = self.platform.transcript();
        let logs = self.platform.logs.lock();
        f.write_str(&transcript.render(&logs, self))
    }
}

impl fmt::Debug for TranscriptView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TranscriptView")
            .field("application_logs", &self.application_logs)
            .finish_non_exhaustive()
    }
}

impl Transcript {
    pub(crate) fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Renders every entry in the order it happened on the virtual clock (entries that happen at
    /// the same moment keep the order they were recorded in).
    pub(crate) fn render(&self, logs: &LogStore, view: &TranscriptView) -> String {
        let mut order: Vec<&Entry> = self.entries.iter().collect();
        order.sort_by_key(|e| e.at());
        let invocations: Vec<&Invocation> = order
            .iter()
            .filter_map(|e| match e {
                Entry::Invoked(inv) => Some(inv),
                _ => None,
            })
            .collect();
        // A call belongs to the invocation whose log lines were written around it: after its
        // first line (INIT_START or START) and before its last (REPORT).
        let made_by = |inv: &Invocation, entry: &Entry| match entry {
            Entry::Call {
                log_group,
                log_stream,
                position,
                ..
            } => {
                **log_group == *inv.log_group
                    && **log_stream == *inv.log_stream
                    && inv.log_lines.start < *position
                    && *position < inv.log_lines.end
            }
            _ => false,
        };
        let mut out = String::new();
        for entry in &order {
            match entry {
                Entry::Invoked(inv) => {
                    let calls: Vec<&Entry> =
                        order.iter().copied().filter(|e| made_by(inv, e)).collect();
                    render_invocation(&mut out, inv, &calls, logs, view);
                }
                call if invocations.iter().any(|inv| made_by(inv, call)) => {}
                other => render_line(&mut out, other),
            }
        }
        out
    }
}

fn render_line(out: &mut String, entry: &Entry) {
    // Writing to a String cannot fail, so the results of `writeln!` are ignored throughout.
    match entry {
        Entry::Api { at, text } => {
            let _ = writeln!(out, "{} {text}", clock::transcript_offset(*at));
        }
        Entry::Call {
            at, caller, text, ..
        } => {
            let _ = writeln!(out, "{} {caller}: {text}", clock::transcript_offset(*at));
        }
        Entry::Deferred { at, line } => {
            let _ = writeln!(out, "{} {}", clock::transcript_offset(*at), line.line());
        }
        Entry::Refused { at, target, error } => {
            let reason = error
                .reason
                .map(|r| format!(" (Reason: {r})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{} invoke {target}: {} {}: {}{reason}",
                clock::transcript_offset(*at),
                error.status,
                error.code,
                error.message
            );
        }
        Entry::Expired {
            at,
            function,
            environment,
            idle,
            unfinished,
        } => {
            let lost = match unfinished {
                0 => String::new(),
                n => format!("; {n} background task(s) never finished"),
            };
            let _ = writeln!(
                out,
                "{} environment {environment} of {function} shut down after {}s idle{lost}",
                clock::transcript_offset(*at),
                idle.as_secs()
            );
        }
        Entry::Invoked(_) => {}
    }
}

/// An invocation's block: its header, its log lines with the service calls it made among them
/// (marked `»`), and the answer.
fn render_invocation(
    out: &mut String,
    inv: &Invocation,
    calls: &[&Entry],
    logs: &LogStore,
    view: &TranscriptView,
) {
    let start = match (inv.environment, inv.provisioned) {
        (Some((n, true)), _) => format!("cold start, environment {n}"),
        (Some((n, false)), true) => format!("warm start, provisioned environment {n}"),
        (Some((n, false)), false) => format!("warm start, environment {n}"),
        (None, _) => "dry run, no environment".to_owned(),
    };
    let version = inv
        .executed_version
        .as_deref()
        .map(|v| format!(" -> version {v}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} invoke {}{version} ({}): {start}",
        clock::transcript_offset(inv.at),
        inv.target,
        inv.invocation_type
    );
    let stream = logs.stream(&inv.log_group, &inv.log_stream);
    for index in inv.log_lines.clone() {
        for call in calls {
            if let Entry::Call { position, text, .. } = call {
                if *position == index {
                    let _ = writeln!(out, "    » {text}");
                }
            }
        }
        if let Some(line) = stream.get(index).filter(|line| view.shows(line)) {
            let _ = writeln!(out, "    {}", line.message);
        }
    }
    if let Some(cost) = &inv.cost {
        let _ = writeln!(out, "    cost: {cost}");
    }
    let error = inv
        .function_error
        .as_deref()
        .map(|e| format!(" {e}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {}{error} {}",
        clock::transcript_offset(inv.finished),
        inv.status,
        shorten(&view.show_answer(&inv.payload))
    );
}

fn shorten(payload: &str) -> String {
    match payload.char_indices().nth(MAX_PAYLOAD_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &payload[..cut], payload.len()),
        None => payload.to_owned(),
    }
}
