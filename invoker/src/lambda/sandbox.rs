//! The sandbox: where handler code actually runs, guarded against panics and runaway loops.
//!
//! On AWS each execution environment is a separate micro-VM, so a handler that panics or spins
//! in `loop {}` can only hurt itself: Lambda stops it at the timeout and throws the environment
//! away. In-process we need the same guarantee, or one bad exercise would hang a whole test run.
//!
//! The trick: handler futures are *polled* on a separate thread, the sandbox thread, one poll at a
//! time. The service's own task hands the future over, waits for the poll's result, and takes the
//! future back. Between polls the future rests with the service, so timers and wakers keep working
//! on the paused virtual clock exactly as if it were polled locally. Two things can go wrong in a
//! poll, and both are caught here:
//!
//! - **A panic** is caught on the sandbox thread and reported as a [`Fault::Panicked`], with the
//!   panic message, so the service can report it the way the Rust runtime does.
//! - **A poll that never returns** (a busy loop, a blocking call) is noticed by the service after
//!   the runaway limit of *real* time
//!   ([`crate::LambdaBuilder::runaway_after`]). The service gives up on that poll, reports
//!   [`Fault::Runaway`] (which it turns into a timeout, as Lambda would), and starts a fresh sandbox
//!   thread for later work. The stuck thread cannot be killed in Rust; it is left to spin until the
//!   process exits, like a VM Lambda has stopped routing to.
//!
//! Dropping the function's things runs its code too: its own `Drop` impls. On Lambda a timed-out
//! or crashed runtime is stopped and nothing of it runs again; in-process the invoker has to drop
//! what is left (the unfinished future, the state `init` built, background tasks), so it drops
//! them in the sandbox as well ([`Sandbox::dispose`]), and a `Drop` that panics or never returns
//! is a [`Fault`] like any other, never a crash or a hang of the service.
//!
//! One panic cannot be caught by anyone: a panic that leaves a `Drop` while an earlier panic is
//! unwinding makes Rust abort the process. The panic hook keeps the sandbox's panics quiet (the
//! service reports them), but when a second one starts while the first is in flight it prints
//! both, message and location, so the learner sees why the process is about to end instead of a
//! bare "thread caused non-unwinding panic. aborting.".

use crate::lambda::function::BoxFuture;
use std::any::Any;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Mutex, Once};
use std::task::{Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// How many times each side checks for the other's message before going to sleep on it.
/// Waking a sleeping thread costs microseconds, several times the cost of a trivial handler, and
/// the two sides hand work back and forth in quick succession, so each side first checks a few
/// times, yielding its core in between. Yielding rather than spinning matters on a busy machine
/// (a laptop compiling, a CI runner with two cores): a spinning thread would burn the very time
/// slice the other side needs to answer.
const SPINS_BEFORE_SLEEP: u32 = 200;

/// The sandbox thread's name; the panic hook keeps quiet for panics on threads with this name.
const THREAD_NAME: &str = "lambda-sandbox";

thread_local! {
    /// One entry per guarded poll running on this thread, innermost last: the first panic that
    /// poll's `catch_unwind` is about to catch (as Rust's own hook would print it), and whether
    /// it has been printed. See [`install_panic_hook`].
    static CATCHING: RefCell<Vec<Option<InFlight>>> = const { RefCell::new(Vec::new()) };
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
    /// One poll ran longer than the runaway limit: a busy loop or a blocking call.
    Runaway,
}

/// Runs futures one poll at a time on a guarded thread.
pub(crate) struct Sandbox {
    runtime: Handle,
    runaway_after: Duration,
    worker: Mutex<Option<Worker>>,
}

/// The channel ends that talk to one sandbox thread.
struct Worker {
    jobs: Sender<(BoxFuture<()>, Waker)>,
    replies: Receiver<Reply>,
}

/// What one poll on the sandbox thread came to.
enum Reply {
    Pending(BoxFuture<()>),
    Done,
    Panicked(String),
}

impl Sandbox {
    /// A sandbox whose futures use the timers of `runtime` (the virtual clock).
    pub(crate) fn new(runtime: Handle, runaway_after: Duration) -> Self {
        Self {
            runtime,
            runaway_after,
            worker: Mutex::new(None),
        }
    }

    /// Runs `future` to completion in the sandbox and returns its output, or why it failed.
    ///
    /// Dropping the returned future (for example when a timeout fires first) drops the handler's
    /// future too, between two polls, just as Lambda stops an invocation at its deadline. That
    /// drop runs the code's `Drop` impls, so it happens in the sandbox too; if it panics or never
    /// returns, nobody is waiting for a result any more, so `on_teardown_fault` is told instead.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
        on_teardown_fault: impl FnOnce(Fault) + Send,
    ) -> Result<T, Fault> {
        let (sender, mut receiver) = oneshot::channel();
        let mut unfinished = Unfinished {
            sandbox: self,
            job: Some(Box::pin(async move {
                // The receiver only goes away if the caller stopped waiting; then nobody needs it.
                let _ = sender.send(future.await);
            })),
            on_fault: Some(on_teardown_fault),
        };
        poll_fn(|cx| {
            let Some(pending) = unfinished.job.take() else {
                return Poll::Ready(Ok(()));
            };
            match self.poll_once(pending, cx.waker()) {
                Ok(Reply::Pending(back)) => {
                    unfinished.job = Some(back);
                    Poll::Pending
                }
                Ok(Reply::Done) => Poll::Ready(Ok(())),
                Ok(Reply::Panicked(message)) => Poll::Ready(Err(Fault::Panicked(message))),
                Err(fault) => Poll::Ready(Err(fault)),
            }
        })
        .await?;
        receiver.try_recv().map_err(|_| Fault::Runaway)
    }

    /// Drops `value` in the sandbox, guarded as a poll is: what the function's code leaves behind
    /// (its state, its background tasks, an unfinished future) runs the code's own `Drop` impls
    /// when dropped, and they may panic or never return like any other code of the function.
    pub(crate) fn dispose(&self, value: impl Send + 'static) -> Result<(), Fault> {
        let job: BoxFuture<()> = Box::pin(async move { drop(value) });
        match self.poll_once(job, Waker::noop())? {
            Reply::Panicked(message) => Err(Fault::Panicked(message)),
            // A block without an `.await` is done after its first poll.
            Reply::Done | Reply::Pending(_) => Ok(()),
        }
    }

    /// Hands the future to the sandbox thread for one poll and waits for it to come back.
    fn poll_once(&self, job: BoxFuture<()>, waker: &Waker) -> Result<Reply, Fault> {
        if thread::current().name() == Some(THREAD_NAME) {
            // A handler is calling another function and waiting for it (function-to-function
            // calls), or dropping such a call unfinished: we are inside the caller's poll, on
            // the sandbox thread already. Handing over to ourselves would wait forever, so the
            // callee is polled (or dropped) right here. It is still guarded: a panic is caught
            // below, and a runaway stalls the caller's poll, which the service is watching.
            return Ok(poll_guarded(job, waker));
        }
        let mut slot = self.worker.lock().unwrap_or_else(|p| p.into_inner());
        let worker = slot.get_or_insert_with(|| spawn_worker(self.runtime.clone()));
        if let Err(mpsc::SendError((lost, _))) = worker.jobs.send((job, waker.clone())) {
            // The thread is gone (it can only end when its channel closes): start afresh. The
            // job is dropped after the lock is released, since dropping it may come back here.
            *slot = None;
            drop(slot);
            drop(lost);
            return Err(Fault::Runaway);
        }
        match receive(&worker.replies, Some(self.runaway_after)) {
            Ok(reply) => Ok(reply),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                // Abandon the stuck thread; the next job gets a new one.
                *slot = None;
                Err(Fault::Runaway)
            }
        }
    }
}

/// A job its caller may stop waiting for: if the caller drops it unfinished, the job is dropped
/// in the sandbox, and a fault in that drop goes to `on_fault`.
struct Unfinished<'a, F: FnOnce(Fault)> {
    sandbox: &'a Sandbox,
    job: Option<BoxFuture<()>>,
    on_fault: Option<F>,
}

impl<F: FnOnce(Fault)> Drop for Unfinished<'_, F> {
    fn drop(&mut self) {
        let Some(job) = self.job.take() else {
            return;
        };
        if let (Err(fault), Some(report)) = (self.sandbox.dispose(job), self.on_fault.take()) {
            report(fault);
        }
    }
}

fn spawn_worker(runtime: Handle) -> Worker {
    install_panic_hook();
    let (jobs, job_queue) = mpsc::channel::<(BoxFuture<()>, Waker)>();
    let (reply_sender, replies) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || {
            // Entering the runtime lets handler code create timers on the virtual clock.
            let _runtime = runtime.enter();
            while let Ok((job, waker)) = receive(&job_queue, None) {
                if reply_sender.send(poll_guarded(job, &waker)).is_err() {
                    break;
                }
            }
        });
    if let Err(error) = spawned {
        // Without a thread, every poll times out and is reported as a runaway; say why once.
        eprintln!("invoker: could not start the sandbox thread: {error}");
    }
    Worker { jobs, replies }
}

/// Polls a job once, catching a panic.
fn poll_guarded(mut job: BoxFuture<()>, waker: &Waker) -> Reply {
    let mut cx = std::task::Context::from_waker(waker);
    // `catch_unwind` always returns, so every push is popped: the entry lives exactly as long as
    // this poll can catch a panic.
    CATCHING.with(|frames| frames.borrow_mut().push(None));
    let polled = panic::catch_unwind(AssertUnwindSafe(|| job.as_mut().poll(&mut cx)));
    CATCHING.with(|frames| frames.borrow_mut().pop());
    match polled {
        Ok(Poll::Pending) => Reply::Pending(job),
        Ok(Poll::Ready(())) => Reply::Done,
        Err(payload) => Reply::Panicked(panic_message(payload.as_ref())),
    }
}

/// Waits for a message: first spinning briefly, then sleeping until it comes or `timeout` ends.
/// The spinning counts against `timeout`: on a busy machine each yield can give the core away
/// for a while, and 200 of them could otherwise outlast a runaway's limit unnoticed.
fn receive<T>(channel: &Receiver<T>, timeout: Option<Duration>) -> Result<T, RecvTimeoutError> {
    let started = Instant::now();
    for _ in 0..SPINS_BEFORE_SLEEP {
        match channel.try_recv() {
            Ok(message) => return Ok(message),
            Err(TryRecvError::Empty) if timeout.is_some_and(|t| started.elapsed() >= t) => {
                return Err(RecvTimeoutError::Timeout)
            }
            Err(TryRecvError::Empty) => thread::yield_now(),
            Err(TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
        }
    }
    match timeout {
        Some(timeout) => channel.recv_timeout(timeout.saturating_sub(started.elapsed())),
        None => channel.recv().map_err(|_| RecvTimeoutError::Disconnected),
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
/// the middle of a test run, so the hook keeps quiet for the first panic a guarded poll is about
/// to catch. A second panic in the same poll while the first is still unwinding (a `Drop` that
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
            if thread::current().name() != Some(THREAD_NAME) || !keep_quiet(info) {
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

/// Whether a panic on the sandbox thread is left to the guarded poll that catches it; prints the
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
    match info.location() {
        Some(at) => format!("thread '{THREAD_NAME}' panicked at {at}:\n{message}"),
        None => format!("thread '{THREAD_NAME}' panicked:\n{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox() -> Sandbox {
        Sandbox::new(Handle::current(), Duration::from_millis(200))
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
        // Blocking the thread (instead of awaiting a timer) freezes the whole poll. A `loop {}`
        // is caught the same way; this test blocks for a bounded time so it leaves no spinning
        // thread behind.
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

    /// Panics in its `Drop`, as a learner's connection pool might.
    struct PanicsOnDrop;

    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("the pool could not close");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_value_disposed_of_is_dropped_in_the_sandbox() {
        let sandbox = sandbox();
        let dropped_on = std::sync::Arc::new(Mutex::new(None));
        struct Recorder(std::sync::Arc<Mutex<Option<String>>>);
        impl Drop for Recorder {
            fn drop(&mut self) {
                let name = thread::current().name().map(str::to_owned);
                *self.0.lock().unwrap() = name;
            }
        }
        assert_eq!(sandbox.dispose(Recorder(dropped_on.clone())), Ok(()));
        assert_eq!(dropped_on.lock().unwrap().as_deref(), Some(THREAD_NAME));
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
