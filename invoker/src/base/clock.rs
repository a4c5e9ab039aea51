//! The virtual clock: every timestamp the invoker shows comes from here.
//!
//! Lambda is full of time: timeouts, Init Duration, idle environments that expire, retries minutes
//! apart. Waiting for real time would make lessons slow and transcripts different on every run, so
//! the invoker runs on tokio's *paused* clock instead. While the clock is paused, time only moves
//! when every task is waiting on a timer, and then it jumps straight to the next timer: a scenario
//! that spans hours finishes in milliseconds, and the same scenario always sees the same times.
//!
//! Run the invoker on a paused runtime: `#[tokio::test(start_paused = true)]` in tests, or
//! [`crate::run`] in a `main`. On a runtime whose clock is not paused the invoker still works, but
//! durations are real and transcripts are no longer reproducible.

use std::cell::RefCell;
use std::fmt::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// The default start of virtual time: 2025-01-01T00:00:00Z. Any fixed date would do; a fixed one
/// is what makes log stream names and timestamps the same on every run.
pub const DEFAULT_EPOCH_SECS: u64 = 1_735_689_600;

/// Maps tokio's monotonic (and, in tests, paused) clock onto a wall-clock date.
#[derive(Clone, Copy, Debug)]
pub struct VirtualClock {
    epoch: SystemTime,
    started: Instant,
}

impl VirtualClock {
    /// A clock that reads `epoch` now and advances with tokio's clock.
    pub fn starting_at(epoch: SystemTime) -> Self {
        Self {
            epoch,
            started: Instant::now(),
        }
    }

    /// How much virtual time has passed since the clock started.
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(self.started)
    }

    /// How much virtual time had passed since the clock started, at the instant `at`: what
    /// [`elapsed`](Self::elapsed) said then, for code that has read the clock already.
    pub(crate) fn elapsed_at(&self, at: Instant) -> Duration {
        at.duration_since(self.started)
    }

    /// The virtual wall-clock time now.
    pub fn now(&self) -> SystemTime {
        self.epoch + self.elapsed()
    }

    /// A monotonic instant of the virtual clock, for deadlines and durations.
    pub fn instant(&self) -> Instant {
        Instant::now()
    }

    /// The wall-clock time of a monotonic instant.
    pub fn wall_time(&self, at: Instant) -> SystemTime {
        self.epoch + at.saturating_duration_since(self.started)
    }
}

/// Waits for `duration` on the virtual clock. Handler and init code use it to stand for time spent
/// waiting on something slow (a network call, a database); a caller uses it to back off before a
/// retry. (It is tokio's `sleep`, which the paused clock turns into virtual time.)
pub async fn sleep(duration: Duration) {
    tokio::time::sleep(duration).await;
}

/// `2025-01-01T00:00:00.000Z`: the timestamp format of CloudWatch Logs and of Lambda's log lines.
pub(crate) fn rfc3339_millis(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}

/// The length of a [`rfc3339_millis`] timestamp: `2025-01-01T00:00:00.000Z`.
pub(crate) const RFC3339_MILLIS_LEN: usize = 24;

/// Writes the same timestamp at the end of a longer line, without a string of its own.
///
/// Every line a handler logs starts with its time, and lines come in bursts within one second
/// (in virtual time, often the very same instant): so the date and time of day are worked out
/// once per second, on each thread, and copied after that, as web servers do for the `Date`
/// header of every response. Only the milliseconds are written each time.
pub(crate) fn push_rfc3339_millis(line: &mut String, time: SystemTime) {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since_epoch) if push_cached_second(line, since_epoch.as_secs()) => {
            let millis = since_epoch.subsec_millis();
            line.push('.');
            for digit in [millis / 100, millis / 10 % 10, millis % 10] {
                line.push(char::from(b'0' + digit as u8));
            }
            line.push('Z');
        }
        // Before 1970 or past the year 9999: no time of the simulation's, written (or refused)
        // as `rfc3339_millis` does.
        _ => line.push_str(&rfc3339_millis(time)),
    }
}

/// Appends `2025-01-01T00:00:00`, the date and time of day of `second` (since the Unix epoch),
/// worked out again only when the second differs from this thread's last; `false` when humantime
/// cannot write it (past the year 9999).
fn push_cached_second(line: &mut String, second: u64) -> bool {
    thread_local! {
        /// The last second written, and its text without the `Z`.
        static LAST_SECOND: RefCell<(u64, String)> = const { RefCell::new((0, String::new())) };
    }
    LAST_SECOND.with_borrow_mut(|(last, text)| {
        if *last != second || text.is_empty() {
            text.clear();
            let whole = UNIX_EPOCH + Duration::from_secs(second);
            if write!(text, "{}", humantime::format_rfc3339_seconds(whole)).is_err() {
                text.clear(); // nothing half-written is kept for the next line
                return false;
            }
            text.pop(); // the `Z`, which goes after the milliseconds
            *last = second;
        }
        line.push_str(text);
        true
    })
}

/// `2025-01-01T00:00:00Z`: whole seconds, the format of EventBridge's `time`.
pub fn rfc3339_seconds(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// `2025/01/01`: the date prefix of a Lambda log stream name.
pub(crate) fn log_stream_date(time: SystemTime) -> String {
    rfc3339_millis(time)[..10].replace('-', "/")
}

/// Milliseconds since the Unix epoch, the unit AWS uses in event fields and `Context` deadlines.
pub(crate) fn epoch_millis(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `+00:01:02.345`: an offset from the start of a scenario, as transcripts show it.
pub fn transcript_offset(elapsed: Duration) -> String {
    let millis = elapsed.as_millis();
    let (secs, ms) = (millis / 1000, millis % 1000);
    format!(
        "+{:02}:{:02}:{:02}.{:03}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        ms
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS)
    }

    #[tokio::test(start_paused = true)]
    async fn virtual_time_moves_only_with_tokio_time() {
        let clock = VirtualClock::starting_at(epoch());
        assert_eq!(rfc3339_millis(clock.now()), "2025-01-01T00:00:00.000Z");
        tokio::time::sleep(Duration::from_secs(3 * 3600 + 1)).await;
        assert_eq!(rfc3339_millis(clock.now()), "2025-01-01T03:00:01.000Z");
        assert_eq!(transcript_offset(clock.elapsed()), "+03:00:01.000");
    }

    #[test]
    fn formats_match_cloudwatch() {
        let t = epoch() + Duration::from_millis(86_400_000 + 1_234);
        assert_eq!(log_stream_date(t), "2025/01/02");
        assert_eq!(epoch_millis(t), DEFAULT_EPOCH_SECS * 1000 + 86_401_234);
        assert_eq!(rfc3339_millis(t), "2025-01-02T00:00:01.234Z");
        assert_eq!(rfc3339_millis(t).len(), RFC3339_MILLIS_LEN);
    }

    #[test]
    fn a_timestamp_pushed_onto_a_line_is_the_same_whether_its_second_is_new_or_not() {
        let start = epoch() + Duration::from_millis(86_399_998);
        // Within one second, across a second, a day and a year, and back to an earlier second.
        let times = [0, 1, 2, 3, 1_003, 999_999, 31_536_000_000, 5]
            .map(|ms| start + Duration::from_millis(ms) + Duration::from_nanos(999_999));
        for time in times {
            let mut line = String::from("> ");
            push_rfc3339_millis(&mut line, time);
            assert_eq!(line, format!("> {}", rfc3339_millis(time)));
        }
    }
}
