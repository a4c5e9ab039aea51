//! The transcript: a readable, deterministic record of everything a scenario did.
//!
//! Tests snapshot it (with `insta`), the book prints it, and learners read it to see what Lambda
//! did: which call was a cold start, which environment served it, the exact log lines, and what
//! came back. Each entry starts with its offset on the virtual clock (`+hh:mm:ss.mmm` from the
//! start of the scenario), so the same scenario gives the same transcript, byte for byte.

use crate::clock;
use crate::error::ServiceError;
use crate::logs::LogStore;
use std::fmt::Write;
use std::ops::Range;
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
    },
}

impl Entry {
    fn at(&self) -> Duration {
        match self {
            Entry::Api { at, .. } | Entry::Refused { at, .. } | Entry::Expired { at, .. } => *at,
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
    pub invocation_type: String,
    /// The environment that served it and whether it was created for it; `None` for a dry run.
    pub environment: Option<(u32, bool)>,
    pub log_group: String,
    pub log_stream: String,
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

impl Transcript {
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Renders every entry in the order it happened on the virtual clock (entries that happen at
    /// the same moment keep the order they were recorded in).
    pub fn render(&self, logs: &LogStore) -> String {
        let mut order: Vec<&Entry> = self.entries.iter().collect();
        order.sort_by_key(|e| e.at());
        let mut out = String::new();
        for entry in order {
            render_entry(&mut out, entry, logs);
        }
        out
    }
}

fn render_entry(out: &mut String, entry: &Entry, logs: &LogStore) {
    // Writing to a String cannot fail, so the results of `writeln!` are ignored throughout.
    match entry {
        Entry::Api { at, text } => {
            let _ = writeln!(out, "{} {text}", clock::offset(*at));
        }
        Entry::Refused { at, target, error } => {
            let _ = writeln!(
                out,
                "{} invoke {target}: {} {}: {}",
                clock::offset(*at),
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
        } => {
            let _ = writeln!(
                out,
                "{} environment {environment} of {function} shut down after {}s idle",
                clock::offset(*at),
                idle.as_secs()
            );
        }
        Entry::Invoked(inv) => {
            let start = match inv.environment {
                Some((n, true)) => format!("cold start, environment {n}"),
                Some((n, false)) => format!("warm start, environment {n}"),
                None => "dry run, no environment".to_owned(),
            };
            let version = inv
                .executed_version
                .as_deref()
                .map(|v| format!(" -> version {v}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{} invoke {}{version} ({}): {start}",
                clock::offset(inv.at),
                inv.target,
                inv.invocation_type
            );
            let lines = logs.stream(&inv.log_group, &inv.log_stream);
            for line in lines.get(inv.log_lines.clone()).unwrap_or_default() {
                let _ = writeln!(out, "    {}", line.message);
            }
            let error = inv
                .function_error
                .as_deref()
                .map(|e| format!(" {e}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{} {}{error} {}",
                clock::offset(inv.finished),
                inv.status,
                shorten(&inv.payload)
            );
        }
    }
}

fn shorten(payload: &str) -> String {
    match payload.char_indices().nth(MAX_PAYLOAD_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &payload[..cut], payload.len()),
        None => payload.to_owned(),
    }
}
