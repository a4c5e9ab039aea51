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
//!
//! Each child runs in a process group of its own (on Unix), and the whole group is ended when
//! the child is done or its time is up: processes a learner's code started (a `sleep` in a
//! spawned shell, say) must not outlive the grading. Being in its own group, the child no longer
//! hears a Ctrl-C meant for xtask, so xtask ends the running group itself when it is interrupted
//! or terminated ([`interruptions`]), including by an editor's stop button that signals xtask
//! alone.
//!
//! What a child prints is bounded: a learner's handler that prints in a loop must not fill the
//! grader's memory, nor a report. Each pipe keeps its first and its last [`KEEP`] bytes, and says
//! how much it left out between them: the start of a run shows what went wrong first, its end
//! libtest's summary.

use std::collections::VecDeque;
use std::env;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A path in the system's temporary folder that no other run has used: `stem`, this process's
/// id, a count of the paths given so far, and the clock's nanoseconds. The grader names a file
/// its children write to (or read from) afresh each time, so that nothing can be put there
/// beforehand.
pub fn fresh_temp_path(stem: &str) -> PathBuf {
    static GIVEN: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |time| time.subsec_nanos());
    let count = GIVEN.fetch_add(1, Ordering::Relaxed);
    env::temp_dir().join(format!(
        "workbook-{stem}-{}-{count}-{nanos}",
        std::process::id()
    ))
}

/// How often we look at whether the child has exited.
const POLL: Duration = Duration::from_millis(5);

/// How long we wait for the pipes to close once the child has exited.
const DRAIN: Duration = Duration::from_secs(1);

/// How many bytes of a pipe's start, and as many of its end, are kept.
pub const KEEP: usize = 4 << 20;

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
    interruptions::end_the_running_group_on_interrupt();
    let mut child = group::own(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let _running = interruptions::Running::new(child.id());
    let stdout = Collector::start(child.stdout.take());
    let stderr = Collector::start(child.stderr.take());

    let ending = loop {
        let status = child
            .try_wait()
            .map_err(|e| format!("waiting for {program} failed: {e}"))?;
        if let Some(status) = status {
            // Whatever the child started and left running goes with it.
            group::end(&mut child);
            break Ending::Exited {
                success: status.success(),
            };
        }
        if Instant::now() >= deadline {
            // The child may exit on its own between `try_wait` and the kill; then the kill
            // fails harmlessly and the timed-out verdict stands, which is what the deadline said.
            group::end(&mut child);
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

/// Process groups: a child and everything it starts, ended together.
#[cfg(unix)]
mod group {
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command};

    /// Starts the child as the leader of a new process group, whose id is its own.
    pub fn own(command: &mut Command) -> &mut Command {
        command.process_group(0)
    }

    /// Ends every process of the child's group, the child first among them.
    pub fn end(child: &mut Child) {
        kill_group(child.id());
        let _ = child.kill();
    }

    /// Sends SIGKILL to the process group `leader` leads. Async-signal-safe: a signal handler
    /// calls it. A group that is already gone is no error.
    pub fn kill_group(leader: u32) {
        if let Ok(leader) = i32::try_from(leader) {
            // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory.
            unsafe {
                libc::kill(-leader, libc::SIGKILL);
            }
        }
    }
}

/// Elsewhere, a child is ended alone.
#[cfg(not(unix))]
mod group {
    use std::process::{Child, Command};

    pub fn own(command: &mut Command) -> &mut Command {
        command
    }

    pub fn end(child: &mut Child) {
        let _ = child.kill();
    }
}

/// Ending the running child's group when xtask itself is interrupted or terminated.
#[cfg(unix)]
mod interruptions {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Once;

    /// The group of the child running now; 0 when none is. One child runs at a time.
    static RUNNING: AtomicU32 = AtomicU32::new(0);

    /// Marks a child's group as the one to end on an interruption, while it lives.
    pub struct Running;

    impl Running {
        pub fn new(leader: u32) -> Running {
            RUNNING.store(leader, Ordering::SeqCst);
            Running
        }
    }

    impl Drop for Running {
        fn drop(&mut self) {
            RUNNING.store(0, Ordering::SeqCst);
        }
    }

    /// Installs, once, the handler of SIGINT, SIGTERM and SIGHUP: it ends the running group,
    /// then lets the signal end xtask as it would have without a handler.
    pub fn end_the_running_group_on_interrupt() {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                // SAFETY: `on_signal` only calls async-signal-safe functions (kill, signal,
                // raise) and reads an atomic.
                unsafe {
                    libc::signal(
                        signal,
                        on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
                    );
                }
            }
        });
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        let leader = RUNNING.load(Ordering::SeqCst);
        if leader != 0 {
            super::group::kill_group(leader);
        }
        // SAFETY: restoring the default action and raising the signal again ends the process
        // with the status a shell expects from that signal (130 for Ctrl-C).
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}

#[cfg(not(unix))]
mod interruptions {
    /// Windows ends a console's processes together on Ctrl-C; nothing to do.
    pub struct Running;

    impl Running {
        pub fn new(_leader: u32) -> Running {
            Running
        }
    }

    pub fn end_the_running_group_on_interrupt() {}
}

/// What has been read of a pipe: its first [`KEEP`] bytes, its last [`KEEP`] bytes, and how
/// many bytes were left out between them.
#[derive(Default)]
struct Bounded {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    left_out: u64,
}

impl Bounded {
    fn extend(&mut self, mut bytes: &[u8]) {
        let room = KEEP - self.head.len();
        let (to_head, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(to_head);
        bytes = rest;
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(KEEP);
        self.tail.drain(..excess);
        self.left_out += excess as u64;
    }

    fn text(&self) -> String {
        let mut bytes = self.head.clone();
        if self.left_out > 0 {
            let note = format!("\n[… {} bytes of output left out here …]\n", self.left_out);
            bytes.extend_from_slice(note.as_bytes());
        }
        bytes.extend(&self.tail);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// A thread copying one pipe into a bounded buffer.
struct Collector {
    buffer: Arc<Mutex<Bounded>>,
    reader: Option<JoinHandle<()>>,
}

impl Collector {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Collector {
        let buffer = Arc::new(Mutex::new(Bounded::default()));
        let reader = pipe.map(|mut pipe| {
            let sink = Arc::clone(&buffer);
            thread::spawn(move || {
                let mut chunk = [0; 8192];
                while let Ok(read @ 1..) = pipe.read(&mut chunk) {
                    lock(&sink).extend(&chunk[..read]);
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
        lock(&self.buffer).text()
    }
}

/// Locks a buffer even if a reader thread panicked: bytes already read are still good.
fn lock(buffer: &Mutex<Bounded>) -> std::sync::MutexGuard<'_, Bounded> {
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
    fn keeps_the_start_and_the_end_of_a_flood() {
        let deadline = Instant::now() + Duration::from_secs(30);
        // 12 MiB of 'x' between a first and a last line.
        let script = "echo first; head -c 12582912 /dev/zero | tr '\\0' x; echo; echo last";
        let captured = run_until(&mut shell(script), deadline).unwrap();
        assert!(captured.stdout.starts_with("first\n"));
        assert!(captured.stdout.ends_with("\nlast\n"));
        assert!(
            captured.stdout.len() < 2 * KEEP + 100,
            "{}",
            captured.stdout.len()
        );
        assert!(captured.stdout.contains("bytes of output left out here"));
    }

    #[test]
    fn what_the_child_started_ends_with_it() {
        let deadline = Instant::now() + Duration::from_secs(30);
        // The child starts a sleeper in the background, says its pid, and exits at once.
        let captured = run_until(&mut shell("sleep 300 & echo $!"), deadline).unwrap();
        let sleeper = captured.stdout.trim().to_owned();
        assert!(!sleeper.is_empty());
        // Killed by us, reaped by init: give it a moment to go.
        let gone = (0..100).any(|_| {
            thread::sleep(Duration::from_millis(20));
            !std::path::Path::new(&format!("/proc/{sleeper}")).exists()
        });
        assert!(
            gone,
            "the background sleeper {sleeper} outlived its parent's run"
        );
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
