//! mdBook's log messages: printed for the person building, and counted, so that an error it only
//! logs can still fail the build.
//!
//! mdBook reports problems in two ways. Most are returned as `Err`, but some are merely logged
//! through the `tracing` crate, the build carrying on: a `{{#include}}` of a file that does not
//! exist is logged at ERROR level and the directive stays in the page as text. To catch those we
//! install our own `tracing` subscriber (the receiver of every log event), which prints warnings
//! and errors and counts the errors. [`crate::render`] compares the count before and after a build.
//!
//! A full logging library (`tracing-subscriber`) would do the printing too, but the counting
//! would still be ours, and the whole subscriber is this one small file.

use std::fmt::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// ERROR events seen since the program started.
static ERRORS: AtomicUsize = AtomicUsize::new(0);

/// Makes [`Console`] the receiver of every log event in this program.
pub fn install() {
    // Fails only if a subscriber is already installed, and this is the only place that does.
    let _ = tracing::subscriber::set_global_default(Console);
}

/// How many ERROR events mdBook has logged so far.
pub fn errors() -> usize {
    ERRORS.load(Ordering::Relaxed)
}

/// Prints WARN and ERROR events to stderr; ignores the rest, and spans (mdBook's nesting of
/// events, which we do not show).
struct Console;

impl Subscriber for Console {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // More verbose levels compare greater: ERROR < WARN < INFO < DEBUG < TRACE.
        *metadata.level() <= Level::WARN
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // Lets `tracing` skip the disabled levels without asking `enabled` each time.
        Some(LevelFilter::WARN)
    }

    fn event(&self, event: &Event<'_>) {
        let level = *event.metadata().level();
        if level == Level::ERROR {
            ERRORS.fetch_add(1, Ordering::Relaxed);
        }
        let mut text = Text(String::new());
        event.record(&mut text);
        eprintln!("{level}: {}", text.0);
    }

    // Spans are not tracked: every span gets the same id, and entering one does nothing.
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// An event's fields as one line: the message, then any other fields as `name=value`.
struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // Writing to a String cannot fail.
        let _ = match field.name() {
            "message" => write!(self.0, "{value:?}"),
            name => write!(self.0, " {name}={value:?}"),
        };
    }
}
