//! Running a child process under a deadline and capturing what it prints.
//!
//! A learner's code can loop forever, and a grader that waits forever is no grader. The standard
//! library has no "wait with timeout", so we poll: `try_wait` every few milliseconds until the
//! child exits or the deadline passes, and then `kill` it. Polling costs nothing noticeable next
//! to running tests, and it works the same on every platform.
//!
//! Output is read by one thread per pipe while the child runs. Reading only after it exits would
//! deadlock: a child that fills the pipe buffer (64 KiB on Linux) blocks until someone reads.
//! The threads append to a shared buffer instead of returning it, so that we never wait on them
//! for long: if the child left a grandchild holding the pipe open, the pipe never closes, and we
//! take what has arrived.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often we look at whether the child has exited.
const POLL: Duration = Duration::from_millis(5);

/// How long we wait for the pipes to close once the child has exited.
const DRAIN: Duration = Duration::from_secs(1);

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited {
        success: bool,
    },
    /// Killed by us at the deadline.
    TimedOut,
}

/// What a finished (or killed) child printed.
#[derive(Debug)]
pub struct Captured {
    pub ending: Ending,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` with stdin closed (a test waiting for input would wait forever) until it exits
/// or `deadline` passes.
pub fn run_until(command: &mut Command, deadline: Instant) -> Result<Captured, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let stdout = Collector::start(child.stdout.take());
    let stderr = Collector::start(child.stderr.take());

    let ending = loop {
        let status = child
            .try_wait()
            .map_err(|e| format!("waiting for {program} failed: {e}"))?;
        if let Some(status) = status {
            break Ending::Exited {
                success: status.success(),
            };
        }
        if Instant::now() >= deadline {
            // The child may exit on its own between `try_wait` and `kill`; then kill fails
            // harmlessly and the timed-out verdict stands, which is what the deadline said.
            let _ = child.kill();
            let _ = child.wait();
            break Ending::TimedOut;
        }
        thread::sleep(POLL);
    };
    Ok(Captured {
        ending,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
    })
}

/// A thread copying one pipe into a buffer.
struct Collector {
    buffer: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Collector {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Collector {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let reader = pipe.map(|mut pipe| {
            let sink = Arc::clone(&buffer);
            thread::spawn(move || {
                let mut chunk = [0; 8192];
                while let Ok(read @ 1..) = pipe.read(&mut chunk) {
                    lock(&sink).extend_from_slice(&chunk[..read]);
                }
            })
        });
        Collector { buffer, reader }
    }

    /// Everything read so far, once the pipe closed or [`DRAIN`] passed.
    fn finish(self) -> String {
        let until = Instant::now() + DRAIN;
        if let Some(reader) = &self.reader {
            while !reader.is_finished() && Instant::now() < until {
                thread::sleep(POLL);
            }
        }
        String::from_utf8_lossy(&lock(&self.buffer)).into_owned()
    }
}

/// Locks a buffer even if a reader thread panicked: bytes already read are still good.
fn lock(buffer: &Mutex<Vec<u8>>) -> std::sync::MutexGuard<'_, Vec<u8>> {
    buffer.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn captures_both_pipes_and_the_exit_status() {
        let deadline = Instant::now() + Duration::from_secs(10);
        let captured = run_until(&mut shell("echo out; echo err >&2; exit 3"), deadline).unwrap();
        assert_eq!(captured.ending, Ending::Exited { success: false });
        assert_eq!(captured.stdout, "out\n");
        assert_eq!(captured.stderr, "err\n");
    }

    #[test]
    fn kills_a_child_that_runs_past_the_deadline() {
        let started = Instant::now();
        let deadline = started + Duration::from_millis(200);
        let captured = run_until(&mut shell("echo started; exec sleep 30"), deadline).unwrap();
        assert_eq!(captured.ending, Ending::TimedOut);
        assert_eq!(captured.stdout, "started\n");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
