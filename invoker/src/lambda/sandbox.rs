//! The sandbox: where handler code actually runs, guarded against panics and runaway loops.
//!
//! On AWS each execution environment is a separate micro-VM, so a handler that panics or spins
//! in `loop {}` can only hurt itself: Lambda stops it at the timeout and throws the environment
//! away. In-process we need as much of that guarantee as Rust allows, or one bad exercise would
//! crash or hang a whole test run.
//!
//! Handler futures are polled right where the service awaits them, on the runtime's own thread,
//! one poll at a time, each poll guarded. Three things can go wrong in a poll:
//!
//! - **A panic** is caught ([`std::panic::catch_unwind`]) and reported as a [`Fault::Panicked`],
//!   with the panic message, so the service can report it the way the Rust runtime does.
//! - **A poll that comes back late** (a blocking call such as `std::thread::sleep`, a long loop)
//!   has held the thread longer than the runaway limit of *real* time
//!   ([`crate::LambdaBuilder::runaway_after`]). In virtual time it looks instantaneous, which no
//!   real function is, so the service reports [`Fault::Runaway`] and turns it into a timeout, as
//!   Lambda would for code that never yields; what is left of the future is dropped.
//! - **A poll that never comes back** (`loop {}`, a deadlock) cannot be stopped: Rust has no way
//!   to interrupt a thread, and the thread is the one the whole test runs on. A watchdog thread
//!   notices it after five times the runaway limit and ends the process with a message that says
//!   what happened (exit code 101, as a failed test), instead of a test run that hangs.
//!
//! Why on the runtime's thread, and not on a thread of its own that could be abandoned? An
//! earlier design handed every poll to a sandbox thread and waited for it to come back; that
//! turned a stuck poll into a timeout too, but each hand-over costs a wake-up of another thread:
//! several microseconds on an idle machine, and far more on a busy one (a laptop compiling, a
//! two-core CI runner), where the other thread waits for a core. Invocations ran 3 to 20 times
//! slower for it, to protect against a bug that ends the run with a clear message anyway.
//!
//! Dropping the function's things runs its code too: its own `Drop` impls. On Lambda a timed-out
//! or crashed runtime is stopped and nothing of it runs again; in-process the invoker has to drop
//! what is left (the unfinished future, the state `init` built, background tasks), so it drops
//! them guarded as well ([`Sandbox::dispose`]), and a `Drop` that panics or comes back late is a
//! [`Fault`] like any other, never a crash of the service.
//!
//! One panic cannot be caught by anyone: a panic that leaves a `Drop` while an earlier panic is
//! unwinding makes Rust abort the process. The panic hook keeps a guarded poll's panics quiet
//! (the service reports them), but when a second one starts while the first is in flight it
//! prints both, message and location, so the learner sees why the process is about to end
//! instead of a bare "thread caused non-unwinding panic. aborting.".

use std::any::Any;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock, Weak};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

/// A poll that has not come back after this many runaway limits never will, as far as the
/// watchdog is concerned: it ends the process.
const STUCK_AFTER_RUNAWAY_LIMITS: u32 = 5;

/// How often the watchdog looks at the polls in flight.
const WATCHDOG_INTERVAL: Duration = Duration::from_millis(100);

thread_local! {
    /// One entry per guarded poll running on this thread, innermost last (a function calling
    /// another polls the callee inside its own poll): the first panic that poll's
    /// `catch_unwind` is about to catch (as Rust's own hook would print it), and whether it has
    /// been printed. See [`install_panic_hook`].
    static CATCHING: RefCell<Vec<Option<InFlight>>> = const { RefCell::new(Vec::new()) };

    /// This thread's entry in the watchdog's list, made at its first guarded poll.
    static WATCHED: Arc<Watched> = Watched::register();
}

/// A panic on its way to the guarded poll that will catch it.
struct InFlight {
    report: String,
    printed: bool,
}

/// Why the function's code did not finish normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The handler panicked; the panic's message.
    Panicked(String),
    /// One poll held the thread longer than the runaway limit: a busy loop or a blocking call.
    Runaway,
}

/// Runs futures one guarded poll at a time.
pub(crate) struct Sandbox {
    runaway_after: Duration,
}

impl Sandbox {
    /// A sandbox that calls a poll longer than `runaway_after` (real time) a runaway.
    pub(crate) fn new(runaway_after: Duration) -> Self {
        Self { runaway_after }
    }

    /// Runs `future` to completion in the sandbox and returns its output, or why it failed.
    ///
    /// Dropping the returned future (for example when a timeout fires first) drops the handler's
    /// future too, between two polls, just as Lambda stops an invocation at its deadline. That
    /// drop runs the code's `Drop` impls, so it is guarded too; if it panics or comes back late,
    /// nobody is waiting for a result any more, so `on_teardown_fault` is told instead.
    ///
    /// The future is polled where it lies, pinned inside the returned future: no box, no channel
    /// for its output. Every invocation runs through here, so that is worth a few lines.
    pub(crate) async fn run<F: Future>(
        &self,
        future: F,
        on_teardown_fault: impl FnOnce(Fault),
    ) -> Result<F::Output, Fault> {
        let mut unfinished = Unfinished {
            sandbox: self,
            job: pin!(Some(future)),
            on_fault: Some(on_teardown_fault),
        };
        poll_fn(|cx| {
            let job = &mut unfinished.job;
            let (polled, late) = self.guarded(|| {
                let Some(running) = job.as_mut().as_pin_mut() else {
                    unreachable!("a job is not polled again once it is ready")
                };
                let polled = running.poll(cx);
                if polled.is_ready() {
                    // A finished future may still own something of the code's: dropped here,
                    // guarded like the poll.
                    job.set(None);
                }
                polled
            });
            match (polled, late) {
                (Ok(Poll::Pending), false) => Poll::Pending,
                (Ok(Poll::Ready(output)), false) => Poll::Ready(Ok(output)),
                // Stopped as Lambda stops it: what is left is dropped, by `unfinished`.
                (Ok(Poll::Pending), true) => Poll::Ready(Err(Fault::Runaway)),
                (Ok(Poll::Ready(output)), true) => {
                    // Finished, but too late: the output is the code's (init's state, say), and
                    // nobody will have it, so it is dropped guarded too.
                    if let (Err(fault), Some(report)) =
                        (self.dispose(output), unfinished.on_fault.take())
                    {
                        report(fault);
                    }
                    Poll::Ready(Err(Fault::Runaway))
                }
                (Err(message), _) => Poll::Ready(Err(Fault::Panicked(message))),
            }
        })
        .await
    }

    /// Drops `value` guarded, as a poll is: what the function's code leaves behind (its state,
    /// its background tasks, an unfinished future) runs the code's own `Drop` impls when
    /// dropped, and they may panic or block like any other code of the function.
    pub(crate) fn dispose<T>(&self, value: T) -> Result<(), Fault> {
        self.drop_guarded(|| drop(value))
    }

    /// Runs `drop_it`, code that drops something of the function's, guarded.
    fn drop_guarded(&self, drop_it: impl FnOnce()) -> Result<(), Fault> {
        match self.guarded(drop_it) {
            (Err(message), _) => Err(Fault::Panicked(message)),
            (Ok(()), true) => Err(Fault::Runaway),
            (Ok(()), false) => Ok(()),
        }
    }

    /// Runs `work` (one poll, one drop) guarded: its result, or the message of its panic; and
    /// whether it came back later than the runaway limit.
    fn guarded<R>(&self, work: impl FnOnce() -> R) -> (Result<R, String>, bool) {
        let started = Instant::now();
        let stuck_after = self.runaway_after * STUCK_AFTER_RUNAWAY_LIMITS;
        let result = catch_guarded(work, started, stuck_after);
        (result, started.elapsed() > self.runaway_after)
    }
}

/// A job its caller may stop waiting for: if the caller drops it unfinished, the job is dropped
/// guarded, and a fault in that drop goes to `on_fault`.
struct Unfinished<'a, F: Future, Report: FnOnce(Fault)> {
    sandbox: &'a Sandbox,
    /// The job, pinned where it lies; `None` once it is done.
    job: Pin<&'a mut Option<F>>,
    on_fault: Option<Report>,
}

impl<F: Future, Report: FnOnce(Fault)> Drop for Unfinished<'_, F, Report> {
    fn drop(&mut self) {
        if self.job.is_none() {
            return;
        }
        let job = &mut self.job;
        if let (Err(fault), Some(report)) = (
            self.sandbox.drop_guarded(|| job.set(None)),
            self.on_fault.take(),
        ) {
            report(fault);
        }
    }
}

/// Runs `work` once, catching a panic; the watchdog ends the process if `work`, `started` just
/// now, is still running after `stuck_after`.
fn catch_guarded<R>(
    work: impl FnOnce() -> R,
    started: Instant,
    stuck_after: Duration,
) -> Result<R, String> {
    // `catch_unwind` always returns, so every push is popped: the entry lives exactly as long as
    // this poll can catch a panic.
    let outermost = CATCHING.with(|frames| {
        let mut frames = frames.borrow_mut();
        frames.push(None);
        frames.len() == 1
    });
    // A poll inside another (a callee's, inside its caller's) is covered by the outer one's watch.
    let watch = outermost.then(|| WatchedPoll::start(started, stuck_after));
    let caught = panic::catch_unwind(AssertUnwindSafe(work));
    drop(watch);
    CATCHING.with(|frames| frames.borrow_mut().pop());
    caught.map_err(|payload| panic_message(payload.as_ref()))
}

/// One thread's guarded poll, as the watchdog sees it: when it started and how long it may run,
/// both in nanoseconds since [`process_start`] (0: no poll running). Written by its own thread at
/// the start and end of each poll (two atomic stores, nothing more, so the fast path stays
/// fast), read by the watchdog.
struct Watched {
    since: AtomicU64,
    limit: AtomicU64,
    thread: String,
}

impl Watched {
    /// This thread's entry, added to the watchdog's list. The first guarded poll in the process
    /// also starts the watchdog and installs the panic hook; every poll, even one inside
    /// another, comes after its thread's first.
    fn register() -> Arc<Self> {
        install_panic_hook();
        let watched = Arc::new(Self {
            since: AtomicU64::new(0),
            limit: AtomicU64::new(0),
            thread: thread::current().name().unwrap_or("unnamed").to_owned(),
        });
        let mut list = watch_list().lock().unwrap_or_else(|p| p.into_inner());
        list.push(Arc::downgrade(&watched));
        static WATCHDOG: Once = Once::new();
        WATCHDOG.call_once(|| {
            let started = thread::Builder::new()
                .name("invoker-watchdog".into())
                .spawn(watchdog);
            if let Err(error) = started {
                // Only a poll that never returns needs it; say why such a poll would hang.
                eprintln!("invoker: could not start the watchdog thread: {error}");
            }
        });
        watched
    }
}

/// The watch on a poll in flight; dropping it (the poll is over) clears it.
struct WatchedPoll;

impl WatchedPoll {
    fn start(started: Instant, stuck_after: Duration) -> Self {
        WATCHED.with(|watched| {
            watched.limit.store(nanos(stuck_after), Ordering::Relaxed);
            // Never 0, which means "no poll running".
            let since = nanos(started.saturating_duration_since(process_start())).max(1);
            watched.since.store(since, Ordering::Release);
        });
        Self
    }
}

impl Drop for WatchedPoll {
    fn drop(&mut self) {
        WATCHED.with(|watched| watched.since.store(0, Ordering::Release));
    }
}

/// Every thread that has run a guarded poll (those that have ended drop out).
fn watch_list() -> &'static Mutex<Vec<Weak<Watched>>> {
    static LIST: Mutex<Vec<Weak<Watched>>> = Mutex::new(Vec::new());
    &LIST
}

/// The instant the watch's clock counts from.
fn process_start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Looks at the polls in flight every [`WATCHDOG_INTERVAL`]; one that has run past its limit
/// never comes back, so the process ends with a message saying why (exit code 101, the code of
/// a failed test), rather than hang with the test that waits for it.
fn watchdog() {
    loop {
        thread::sleep(WATCHDOG_INTERVAL);
        let now = nanos(process_start().elapsed());
        let mut list = watch_list().lock().unwrap_or_else(|p| p.into_inner());
        list.retain(|entry| entry.strong_count() > 0);
        for watched in list.iter().filter_map(Weak::upgrade) {
            let since = watched.since.load(Ordering::Acquire);
            let limit = watched.limit.load(Ordering::Relaxed);
            if since != 0 && now.saturating_sub(since) > limit {
                let _ = writeln!(
                    std::io::stderr(),
                    "invoker: a function's code has run for {:.1} s of real time without returning to \
                     the runtime, on thread '{}'. It never yields: a loop without an `.await`, a \
                     deadlock, or a blocking call (std::thread::sleep, a blocking receive or \
                     lock, blocking I/O) in async code. On Lambda it would run until its \
                     timeout; a thread cannot be stopped in-process, so the invoker ends the \
                     process here.",
                    Duration::from_nanos(now - since).as_secs_f64(),
                    watched.thread
                );
                std::process::exit(101);
            }
        }
    }
}

/// The text of a panic, whether it was raised with a literal or a formatted message.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("Box<dyn Any>")
    }
}

/// A handler's panic belongs in its log stream, as on Lambda, not on the learner's terminal in
/// the middle of a test run, so the hook keeps quiet for the first panic a guarded poll (on
/// whatever thread) is about to catch. A second panic in the same poll while the first is still unwinding (a `Drop` that
/// panics during unwinding) ends in an abort that no poll can catch, and Rust then prints no
/// message of its own: so the hook prints the first panic and every later one, message and
/// location, as Rust's default hook would. (If the code itself caught the first panic, the
/// second is printed all the same: harmless, and rare.) Panics on every other thread, or
/// outside a guarded poll, are reported as before.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !keep_quiet(info) {
                previous(info);
            }
        }));
    });
}

/// What the panic hook finds on its thread's innermost guarded poll.
enum Seen {
    /// The poll's first panic: the poll catches it and the service reports it.
    First,
    /// Another panic while the first is in flight; the first, if not printed yet.
    Again(Option<String>),
    /// No guarded poll runs on this thread: nobody will catch the panic.
    Uncaught,
}

/// Whether a panic is left to the guarded poll that catches it; prints the
/// panic already in flight when it is not (see [`install_panic_hook`]).
fn keep_quiet(info: &PanicHookInfo<'_>) -> bool {
    // `try_`: a hook that panics aborts at once, whatever state the thread is in.
    let seen = CATCHING.try_with(|frames| {
        let Ok(mut frames) = frames.try_borrow_mut() else {
            return Seen::Uncaught;
        };
        let Some(frame) = frames.last_mut() else {
            return Seen::Uncaught;
        };
        match frame {
            None => {
                let report = describe(info);
                *frame = Some(InFlight {
                    report,
                    printed: false,
                });
                Seen::First
            }
            Some(first) => {
                let printed = std::mem::replace(&mut first.printed, true);
                Seen::Again((!printed).then(|| first.report.clone()))
            }
        }
    });
    match seen.unwrap_or(Seen::Uncaught) {
        Seen::First => true,
        Seen::Again(unprinted) => {
            if let Some(first) = unprinted {
                let _ = writeln!(
                    std::io::stderr(),
                    "invoker: the function's code panicked again while a panic was unwinding (a Drop \
                     that panics?); Rust aborts the process when such a panic leaves a destructor. \
                     The first panic:\n{first}"
                );
            }
            false
        }
        Seen::Uncaught => false,
    }
}

/// A panic as Rust's default hook writes it: `thread '…' panicked at <file:line:col>:` and the
/// message.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let message = panic_message(info.payload());
    let current = thread::current();
    let thread = current.name().unwrap_or("<unnamed>");
    match info.location() {
        Some(at) => format!("thread '{thread}' panicked at {at}:\n{message}"),
        None => format!("thread '{thread}' panicked:\n{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox() -> Sandbox {
        Sandbox::new(Duration::from_millis(200))
    }

    #[tokio::test(start_paused = true)]
    async fn runs_futures_that_sleep_on_the_virtual_clock() {
        let started = tokio::time::Instant::now();
        let out = sandbox()
            .run(
                async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    42
                },
                unexpected,
            )
            .await;
        assert_eq!(out, Ok(42));
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn catches_panics_with_their_message() {
        let out = sandbox()
            .run(async { panic!("bad input: {}", 7) }, unexpected)
            .await;
        assert_eq!(out, Err::<(), _>(Fault::Panicked("bad input: 7".into())));
    }

    #[tokio::test(start_paused = true)]
    async fn a_sandboxed_future_can_wait_for_another_one() {
        let sandbox = std::sync::Arc::new(sandbox());
        let inner = std::sync::Arc::clone(&sandbox);
        let out = sandbox
            .run(
                async move {
                    let callee = inner.run(
                        async {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            21
                        },
                        unexpected,
                    );
                    let panicking = inner.run(async { panic!("callee failed") }, unexpected);
                    (callee.await, panicking.await)
                },
                unexpected,
            )
            .await;
        assert_eq!(
            out,
            Ok((
                Ok(21),
                Err::<(), _>(Fault::Panicked("callee failed".into()))
            ))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_blocking_poll_is_a_runaway_and_the_sandbox_recovers() {
        let sandbox = sandbox();
        // Blocking the thread (instead of awaiting a timer) freezes the whole poll until it comes
        // back, too late. (A `loop {}` never comes back: the watchdog's case, tested in a child
        // process by the invoker's `guarded` tests.)
        let stuck = sandbox
            .run(
                async { std::thread::sleep(Duration::from_millis(600)) },
                unexpected,
            )
            .await;
        assert_eq!(stuck, Err::<(), _>(Fault::Runaway));
        assert_eq!(
            sandbox.run(async { "still works" }, unexpected).await,
            Ok("still works")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn what_a_late_poll_leaves_is_dropped_and_its_panic_reported() {
        let sandbox = sandbox();
        let reported = std::sync::Arc::new(Mutex::new(Vec::new()));
        let report = std::sync::Arc::clone(&reported);
        let stuck = sandbox
            .run(
                async {
                    let _pool = PanicsOnDrop;
                    std::thread::sleep(Duration::from_millis(600));
                    tokio::time::sleep(Duration::from_secs(60)).await;
                },
                move |fault| report.lock().unwrap().push(fault),
            )
            .await;
        assert_eq!(stuck, Err(Fault::Runaway));
        assert_eq!(
            *reported.lock().unwrap(),
            [Fault::Panicked("the pool could not close".into())]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn what_a_late_poll_returns_is_dropped_guarded_and_its_panic_reported() {
        let sandbox = sandbox();
        let reported = std::sync::Arc::new(Mutex::new(Vec::new()));
        let report = std::sync::Arc::clone(&reported);
        // An init step that blocks, then hands back state that cannot be dropped cleanly.
        let late = sandbox
            .run(
                async {
                    std::thread::sleep(Duration::from_millis(600));
                    PanicsOnDrop
                },
                move |fault| report.lock().unwrap().push(fault),
            )
            .await;
        assert!(matches!(late, Err(Fault::Runaway)));
        assert_eq!(
            *reported.lock().unwrap(),
            [Fault::Panicked("the pool could not close".into())]
        );
    }

    /// Panics in its `Drop`, as a learner's connection pool might.
    struct PanicsOnDrop;

    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("the pool could not close");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_value_disposed_of_is_dropped_guarded() {
        let sandbox = sandbox();
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        struct Recorder(std::sync::Arc<std::sync::atomic::AtomicBool>);
        impl Drop for Recorder {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        assert_eq!(sandbox.dispose(Recorder(dropped.clone())), Ok(()));
        assert!(dropped.load(Ordering::Relaxed));
        assert_eq!(
            sandbox.dispose(PanicsOnDrop),
            Err(Fault::Panicked("the pool could not close".into()))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_dropped_unfinished_is_dropped_in_the_sandbox_and_its_panic_reported() {
        let sandbox = sandbox();
        let reported = std::sync::Arc::new(Mutex::new(Vec::new()));
        let report = std::sync::Arc::clone(&reported);
        let run = sandbox.run(
            async {
                let _pool = PanicsOnDrop;
                tokio::time::sleep(Duration::from_secs(60)).await;
            },
            move |fault| report.lock().unwrap().push(fault),
        );
        let timed_out = tokio::time::timeout(Duration::from_secs(1), run).await;
        assert!(timed_out.is_err(), "the sleep outlives the timeout");
        assert_eq!(
            *reported.lock().unwrap(),
            [Fault::Panicked("the pool could not close".into())]
        );
        assert_eq!(sandbox.run(async { 7 }, unexpected).await, Ok(7));
    }

    /// The teardown report of a run that ends, or is never dropped unfinished.
    fn unexpected(fault: Fault) {
        panic!("no teardown expected, got {fault:?}");
    }
}
