//! Whatever the function's code does, it does it in the sandbox: a panic or a blocking call in
//! any part of it (init, the handler, the `Drop` of what they leave behind) is a failure of the
//! function, as Lambda reports it, never a panic or a hang of the service or the test around it.

use crate::kit::{deployed, function_error, invoke, RUNAWAY_AFTER};
use invoker::{
    service_fn, with_init, Diagnostic, FunctionConfig, InitContext, Lambda, LambdaEvent,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

fn log_line(lambda: &Lambda, contains: &str) -> Option<String> {
    lambda
        .log_lines("f")
        .into_iter()
        .find(|line| line.contains(contains))
}

async fn echo(_: Arc<()>, event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    Ok(event)
}

/// Blocks its thread longer than the runaway limit: a busy loop that ends, so the test leaves no
/// thread spinning behind it.
fn block_past_the_runaway_limit() {
    std::thread::sleep(RUNAWAY_AFTER * 3);
}

/// A value whose `Drop` panics, like a connection pool that fails to close.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("the pool could not close");
    }
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_init_before_its_future_is_an_init_error_like_any_other() {
    let code = with_init(
        |_: InitContext| {
            // Code before the `async` block is init code too.
            let size: u32 = "many".parse().expect("TABLE_SIZE is a number");
            async move { Ok::<_, Diagnostic>(size) }
        },
        |_: Arc<u32>, event: LambdaEvent<Value>| async move {
            let event = event.payload;
            Ok::<_, Diagnostic>(event)
        },
    );
    let lambda = deployed(FunctionConfig::new("f"), code);
    let (kind, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(
        kind,
        "&alloc::boxed::Box<dyn core::any::Any + core::marker::Send>"
    );
    assert_eq!(
        message,
        "Lambda panicked: TABLE_SIZE is a number: ParseIntError { kind: InvalidDigit }"
    );
    let report = log_line(&lambda, "INIT_REPORT").expect("a failed init is reported");
    assert!(report.contains("Status: error"), "{report}");
}

#[tokio::test(start_paused = true)]
async fn a_blocking_init_before_its_future_is_an_init_timeout() {
    let code = with_init(
        |_: InitContext| {
            block_past_the_runaway_limit();
            async { Ok::<_, Diagnostic>(()) }
        },
        echo,
    );
    let lambda = deployed(FunctionConfig::new("f"), code);
    let (kind, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(
        (kind.as_str(), message.as_str()),
        (
            "Runtime.InitTimeout",
            "Init phase exceeded the 10 second limit"
        )
    );
    let report = log_line(&lambda, "INIT_REPORT").expect("a failed init is reported");
    assert!(report.contains("Status: timeout"), "{report}");
}

#[tokio::test(start_paused = true)]
async fn a_handler_closure_that_fails_before_its_future_is_sandboxed_too() {
    let lambda = deployed(
        FunctionConfig::new("f"),
        service_fn(|event: LambdaEvent<Value>| {
            let event = event.payload;
            let id = event["id"].as_u64().expect("the event has an id");
            async move { Ok::<_, Diagnostic>(json!(id)) }
        }),
    );
    let (_, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(message, "Lambda panicked: the event has an id");
    let lambda = deployed(
        FunctionConfig::new("f").timeout_secs(1),
        service_fn(|event: LambdaEvent<Value>| {
            let event = event.payload;
            block_past_the_runaway_limit();
            async move { Ok::<_, Diagnostic>(event) }
        }),
    );
    let (kind, _) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(kind, "Sandbox.Timedout");
}

#[tokio::test(start_paused = true)]
async fn a_drop_that_panics_when_a_timed_out_handler_is_torn_down_is_logged() {
    async fn slow(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        let _pool = PanicsOnDrop;
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(json!("too late"))
    }
    let lambda = deployed(FunctionConfig::new("f").timeout_secs(1), service_fn(slow));
    let response = invoke(&lambda, json!({})).await;
    let (kind, _) = function_error(&response);
    assert_eq!(kind, "Sandbox.Timedout");
    let line = log_line(&lambda, "during teardown").expect("the Drop's panic is logged");
    assert!(
        line.ends_with(&format!(
            "{}\tERROR\tLambda panicked in a Drop during teardown: the pool could not close",
            response.request_id
        )),
        "{line}"
    );
    let lines = lambda.log_lines("f");
    let position = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
    assert!(
        lines.iter().position(|l| *l == line) < position("END"),
        "inside the invocation's lines: {lines:#?}"
    );
    assert_eq!(
        function_error(&invoke(&lambda, json!({})).await).0,
        "Sandbox.Timedout",
        "the service carries on"
    );
}

#[tokio::test(start_paused = true)]
async fn state_whose_drop_panics_is_dropped_in_the_sandbox_when_its_environment_is_discarded() {
    async fn fails(_: Arc<PanicsOnDrop>, _event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
        panic!("the handler failed")
    }
    let code = with_init(
        |_: InitContext| async { Ok::<_, Diagnostic>(PanicsOnDrop) },
        fails,
    );
    let lambda = deployed(FunctionConfig::new("f"), code);
    let (_, message) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(
        message, "Lambda panicked: the handler failed",
        "the invocation's own failure comes first"
    );
    assert!(log_line(&lambda, "Lambda panicked in a Drop during teardown").is_some());
}

#[tokio::test(start_paused = true)]
async fn an_init_that_times_out_holding_a_value_whose_drop_panics_is_an_init_timeout() {
    let code = with_init(
        |_: InitContext| async {
            let _pool = PanicsOnDrop;
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, Diagnostic>(())
        },
        echo,
    );
    let lambda = deployed(FunctionConfig::new("f"), code);
    let (kind, _) = function_error(&invoke(&lambda, json!({})).await);
    assert_eq!(kind, "Runtime.InitTimeout");
    assert!(log_line(&lambda, "Lambda panicked in a Drop during teardown").is_some());
}

/// Where [`panics_twice`] panics first.
const FIRST_PANIC_LINE: u32 = line!() + 5;

/// Panics, and panics again while the first panic unwinds: Rust aborts the process.
async fn panics_twice(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let _pool = PanicsOnDrop;
    panic!("the handler failed");
}

/// The child process of the next test; does nothing in a test run of its own.
#[test]
fn child_process_that_aborts() {
    if std::env::var_os("INVOKER_TEST_ABORT").is_none() {
        return;
    }
    invoker::run(async {
        // The process aborts once the panic hook has printed the second panic, which can
        // take longer than `RUNAWAY_AFTER` (with RUST_BACKTRACE set, a backtrace of this big
        // binary, on a busy machine). Were the call given up as a runaway first, the test would
        // end and the process exit before the abort: so no runaway limit to speak of here.
        let lambda = Lambda::builder()
            .runaway_after(Duration::from_secs(60))
            .build();
        let code = service_fn(panics_twice);
        lambda
            .create_function(FunctionConfig::new("f"), code)
            .unwrap();
        let _ = invoke(&lambda, json!({})).await;
    });
}

#[test]
fn a_panic_that_aborts_the_process_is_printed_with_its_message_and_location() {
    let (status, stderr) = child_process("child_process_that_aborts", "INVOKER_TEST_ABORT");
    assert!(!status.success(), "the process aborts: {stderr}");
    for expected in [
        format!("panicked at {}:{FIRST_PANIC_LINE}:", file!()),
        "the handler failed".to_owned(),
        "the pool could not close".to_owned(),
    ] {
        assert!(stderr.contains(&expected), "{expected:?} in {stderr}");
    }
}

/// Never comes back to the runtime: no `.await`, no end.
async fn never_returns(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    loop {
        std::hint::spin_loop();
    }
}

/// The child process of the next test; does nothing in a test run of its own.
#[test]
fn child_process_that_loops_forever() {
    if std::env::var_os("INVOKER_TEST_LOOP").is_none() {
        return;
    }
    invoker::run(async {
        let lambda = Lambda::builder()
            .runaway_after(Duration::from_millis(100))
            .build();
        lambda
            .create_function(FunctionConfig::new("f"), service_fn(never_returns))
            .unwrap();
        let _ = invoke(&lambda, json!({})).await;
        unreachable!("the handler never returns");
    });
}

#[test]
fn a_handler_that_never_returns_ends_the_process_with_a_message_not_a_hang() {
    let started = std::time::Instant::now();
    let (status, stderr) = child_process("child_process_that_loops_forever", "INVOKER_TEST_LOOP");
    assert_eq!(status.code(), Some(101), "as a failed test: {stderr}");
    for expected in [
        "without returning to the runtime",
        "on thread 'guarded::child_process_that_loops_forever'",
        "a loop without an `.await`",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    }
    // Five runaway limits, and the watchdog's round; far less than a hang.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

/// Runs one test of this binary in a process of its own, with `switch` set so that it does its
/// work; its exit status and what it printed on stderr.
fn child_process(test: &str, switch: &str) -> (std::process::ExitStatus, String) {
    let output = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        // libtest names a test by its module path in the `it` binary.
        .args(["--exact", &format!("guarded::{test}"), "--nocapture"])
        .env(switch, "1")
        .output()
        .expect("the test binary runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
