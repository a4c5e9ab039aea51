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

use crate::function::BoxFuture;
use std::any::Any;
use std::future::{poll_fn, Future};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Mutex, Once};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;
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

/// Why a handler did not finish normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
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
    pub fn new(runtime: Handle, runaway_after: Duration) -> Self {
        Self {
            runtime,
            runaway_after,
            worker: Mutex::new(None),
        }
    }

    /// Runs `future` to completion in the sandbox and returns its output, or why it failed.
    ///
    /// Dropping the returned future (for example when a timeout fires first) drops the handler's
    /// future too, between two polls, just as Lambda stops an invocation at its deadline.
    pub async fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, Fault> {
        let (sender, mut receiver) = oneshot::channel();
        let mut job: Option<BoxFuture<()>> = Some(Box::pin(async move {
            // The receiver only goes away if the caller stopped waiting; then nobody needs it.
            let _ = sender.send(future.await);
        }));
        poll_fn(|cx| {
            let Some(pending) = job.take() else {
                return Poll::Ready(Ok(()));
            };
            match self.poll_once(pending, cx.waker()) {
                Ok(Reply::Pending(back)) => {
                    job = Some(back);
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

    /// Hands the future to the sandbox thread for one poll and waits for it to come back.
    fn poll_once(&self, job: BoxFuture<()>, waker: &Waker) -> Result<Reply, Fault> {
        if thread::current().name() == Some(THREAD_NAME) {
            // A handler is calling another function and waiting for it (function-to-function
            // calls): we are inside the caller's poll, on the sandbox thread already. Handing
            // over to ourselves would wait forever, so the callee is polled right here. It is
            // still guarded: a panic is caught below, and a runaway stalls the caller's poll,
            // which the service is watching.
            return Ok(poll_guarded(job, waker));
        }
        let mut slot = self.worker.lock().unwrap_or_else(|p| p.into_inner());
        let worker = slot.get_or_insert_with(|| spawn_worker(self.runtime.clone()));
        if worker.jobs.send((job, waker.clone())).is_err() {
            // The thread is gone (it can only end when its channel closes): start afresh.
            *slot = None;
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

fn spawn_worker(runtime: Handle) -> Worker {
    silence_sandbox_panics();
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
    match panic::catch_unwind(AssertUnwindSafe(|| job.as_mut().poll(&mut cx))) {
        Ok(Poll::Pending) => Reply::Pending(job),
        Ok(Poll::Ready(())) => Reply::Done,
        Err(payload) => Reply::Panicked(panic_message(payload.as_ref())),
    }
}

/// Waits for a message: first spinning briefly, then sleeping until it comes or `timeout` ends.
fn receive<T>(channel: &Receiver<T>, timeout: Option<Duration>) -> Result<T, RecvTimeoutError> {
    for _ in 0..SPINS_BEFORE_SLEEP {
        match channel.try_recv() {
            Ok(message) => return Ok(message),
            Err(TryRecvError::Empty) => thread::yield_now(),
            Err(TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
        }
    }
    match timeout {
        Some(timeout) => channel.recv_timeout(timeout),
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
/// the middle of a test run. Panics on every other thread are reported as before.
fn silence_sandbox_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().name() != Some(THREAD_NAME) {
                previous(info);
            }
        }));
    });
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
            .run(async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                42
            })
            .await;
        assert_eq!(out, Ok(42));
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn catches_panics_with_their_message() {
        let out = sandbox().run(async { panic!("bad input: {}", 7) }).await;
        assert_eq!(out, Err::<(), _>(Fault::Panicked("bad input: 7".into())));
    }

    #[tokio::test(start_paused = true)]
    async fn a_sandboxed_future_can_wait_for_another_one() {
        let sandbox = std::sync::Arc::new(sandbox());
        let inner = std::sync::Arc::clone(&sandbox);
        let out = sandbox
            .run(async move {
                let callee = inner.run(async {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    21
                });
                let panicking = inner.run(async { panic!("callee failed") });
                (callee.await, panicking.await)
            })
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
            .run(async { std::thread::sleep(Duration::from_millis(600)) })
            .await;
        assert_eq!(stuck, Err::<(), _>(Fault::Runaway));
        assert_eq!(
            sandbox.run(async { "still works" }).await,
            Ok("still works")
        );
    }
}
