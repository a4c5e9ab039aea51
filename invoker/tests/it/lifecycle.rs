//! The execution environment's lifecycle: freeze and thaw, `/tmp`, CPU by memory, the timeline.

use crate::kit::answer;
use invoker::{
    service_fn, with_init, Diagnostic, Error, FunctionConfig, InitContext, InvokeRequest, Lambda,
    LambdaEvent,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A handler that starts a 5-second background task and returns without waiting for it.
fn fire_and_forget(done: Arc<AtomicBool>) -> invoker::FunctionCode {
    service_fn(move |event: LambdaEvent<Value>| {
        let ctx = event.context;
        let done = Arc::clone(&done);
        async move {
            let logger = ctx.logger().clone();
            ctx.spawn(async move {
                tokio::time::sleep(Duration::from_secs(5)).await;
                logger.info("background work finished");
                done.store(true, Ordering::SeqCst);
            });
            Ok::<_, Error>(json!("returned at once"))
        }
    })
}

#[tokio::test(start_paused = true)]
async fn background_work_is_frozen_between_invocations_and_resumes_on_the_next() {
    let done = Arc::new(AtomicBool::new(false));
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), fire_and_forget(Arc::clone(&done)))
        .unwrap();
    answer(&lambda, "f").await;
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(
        !done.load(Ordering::SeqCst),
        "a frozen environment runs nothing, however long it waits"
    );
    // The next invocation thaws the environment; the task's timer has long expired, so it ends
    // now, and its log line lands in this invocation's part of the log.
    answer(&lambda, "f").await;
    assert!(done.load(Ordering::SeqCst));
    let transcript = lambda.transcript();
    let second_block = transcript
        .split("warm start")
        .nth(1)
        .expect("a warm invocation");
    assert!(
        second_block.contains("INFO\tbackground work finished"),
        "{transcript}"
    );
}

#[tokio::test(start_paused = true)]
async fn background_work_of_an_environment_that_shuts_down_never_finishes() {
    let done = Arc::new(AtomicBool::new(false));
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), fire_and_forget(Arc::clone(&done)))
        .unwrap();
    answer(&lambda, "f").await;
    tokio::time::sleep(invoker::DEFAULT_IDLE_TIMEOUT * 2).await;
    answer(&lambda, "f").await;
    assert!(lambda.transcript().contains(
        "environment 1 of f:$LATEST shut down after 600s idle; 1 background task(s) never finished"
    ));
}

#[tokio::test(start_paused = true)]
async fn tmp_survives_warm_invocations_but_each_environment_has_its_own() {
    let code = service_fn(|event: LambdaEvent<Value>| async move {
        let ctx = event.context;
        let seen_before = ctx.tmp().exists("/tmp/cache");
        ctx.tmp().write("/tmp/cache", "warm")?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, Error>(json!({ "cache_was_there": seen_before }))
    });
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), code)
        .unwrap();
    assert_eq!(
        answer(&lambda, "f").await["cache_was_there"],
        false,
        "a new environment's /tmp is empty"
    );
    assert_eq!(
        answer(&lambda, "f").await["cache_was_there"],
        true,
        "a warm environment keeps its /tmp"
    );
    // Two at once: the second runs in a new environment with an empty /tmp.
    let (a, b) = tokio::join!(answer(&lambda, "f"), answer(&lambda, "f"));
    let seen: Vec<bool> = [a, b]
        .iter()
        .map(|r| r["cache_was_there"].as_bool().unwrap())
        .collect();
    assert_eq!(seen, [true, false]);
}

#[tokio::test(start_paused = true)]
async fn tmp_has_the_configured_size_and_nothing_else_is_writable() {
    let code = service_fn(|event: LambdaEvent<Value>| async move {
        let (event, ctx) = event.into_parts();
        let mb = event["mb"].as_u64().unwrap_or(0) as usize;
        let path = event["path"].as_str().unwrap_or("/tmp/data").to_owned();
        Ok::<_, Error>(match ctx.tmp().write(&path, vec![0u8; mb * 1024 * 1024]) {
            Ok(()) => json!("written"),
            Err(e) => json!(e.to_string()),
        })
    });
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f").ephemeral_storage_mb(1024), code)
        .unwrap();
    let write = |mb: u64, path: &str| {
        lambda.invoke(InvokeRequest::new("f").payload(json!({ "mb": mb, "path": path })))
    };
    assert_eq!(
        write(1000, "/tmp/data")
            .await
            .unwrap()
            .payload_json()
            .unwrap(),
        "written"
    );
    assert_eq!(
        write(1100, "/tmp/data")
            .await
            .unwrap()
            .payload_json()
            .unwrap(),
        "No space left on device (os error 28)"
    );
    assert_eq!(
        write(1, "/var/task/x")
            .await
            .unwrap()
            .payload_json()
            .unwrap(),
        "Read-only file system (os error 30)"
    );
    let too_small = FunctionConfig::new("g").ephemeral_storage_mb(256);
    let refused = lambda.create_function(
        too_small,
        service_fn(|event: LambdaEvent<Value>| async move {
            let e = event.payload;
            Ok::<_, Error>(e)
        }),
    );
    assert!(refused
        .unwrap_err()
        .message
        .contains("at 'ephemeralStorage.size'"));
}

#[tokio::test(start_paused = true)]
async fn init_code_can_prepare_tmp_for_every_invocation_of_its_environment() {
    let code = with_init(
        |init: InitContext| async move {
            init.tmp().write("/tmp/model.bin", vec![1u8; 1024])?;
            Ok::<_, Error>(())
        },
        |_s: Arc<()>, event: LambdaEvent<Value>| async move {
            let ctx = event.context;
            Ok::<_, Error>(json!(ctx.tmp().read("/tmp/model.bin")?.len()))
        },
    );
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f"), code)
        .unwrap();
    assert_eq!(answer(&lambda, "f").await, 1024);
}

/// The duration and billed GB-seconds of one warm call of 400 ms of single-threaded work.
async fn cpu_bound_at(memory_mb: u32) -> (Duration, f64) {
    let code = service_fn(|event: LambdaEvent<Value>| async move {
        let ctx = event.context;
        ctx.compute(Duration::from_millis(400)).await;
        Ok::<_, Diagnostic>(json!("done"))
    });
    let lambda = Lambda::new();
    lambda
        .create_function(FunctionConfig::new("f").memory_size(memory_mb), code)
        .unwrap();
    answer(&lambda, "f").await;
    let before = lambda.usage("f");
    answer(&lambda, "f").await;
    let after = lambda.usage("f");
    (after.max_duration, after.gb_seconds - before.gb_seconds)
}

#[tokio::test(start_paused = true)]
async fn more_memory_buys_cpu_up_to_one_vcpu() {
    let (slow, slow_cost) = cpu_bound_at(512).await;
    let (fast, fast_cost) = cpu_bound_at(1769).await;
    let (same, dearer) = cpu_bound_at(3538).await;
    assert_eq!(fast, Duration::from_millis(400));
    // 400 ms × 1,769 / 512 = 1,382.03 ms; tokio's timers round up to the next millisecond.
    assert_eq!(slow.as_millis(), 1383, "512 MB is about 0.29 vCPU");
    assert_eq!(same, fast, "one thread cannot use a second vCPU");
    assert!(
        (slow_cost - fast_cost).abs() < 0.001,
        "faster at about the same cost: {slow_cost} vs {fast_cost}"
    );
    assert!(
        dearer > fast_cost * 1.9,
        "above one vCPU, more memory only costs more"
    );
}

#[tokio::test(start_paused = true)]
async fn the_transcript_can_show_each_invocations_cost() {
    let lambda = Lambda::builder().show_cost(true).build();
    let code = service_fn(|event: LambdaEvent<Value>| async move {
        let ctx = event.context;
        ctx.compute(Duration::from_millis(100)).await;
        Ok::<_, Diagnostic>(json!("done"))
    });
    lambda
        .create_function(FunctionConfig::new("f").memory_size(1769), code)
        .unwrap();
    answer(&lambda, "f").await;
    assert!(
        lambda
            .transcript()
            .contains("    cost: 120 ms billed × 1.7275390625 GB = 0.207305 GB-s"),
        "{}",
        lambda.transcript()
    );
    let usage = lambda.usage("f");
    assert_eq!(
        (usage.invocations, usage.cold_starts, usage.billed_ms),
        (1, 1, 120)
    );
}

#[tokio::test(start_paused = true)]
async fn the_timeline_draws_environments_over_time() {
    let code = service_fn(|_event: LambdaEvent<Value>| async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok::<_, Diagnostic>(json!("done"))
    });
    let lambda = Lambda::builder()
        .runtime_startup(Duration::from_millis(100))
        .build();
    lambda
        .create_function(FunctionConfig::new("f"), code)
        .unwrap();
    let (_, _) = tokio::join!(answer(&lambda, "f"), answer(&lambda, "f"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The most recently used environment is reused first: environment 2 finished last.
    answer(&lambda, "f").await;
    insta::assert_snapshot!(lambda.timeline("f", Duration::from_millis(100)), @r"
    timeline of f, one column = 100 ms, +00:00:00.000 to +00:00:00.800
    $LATEST env 1  IBB.....
    $LATEST env 2  IBB...BB
    most busy at once: 2
    I init  B busy  . idle (frozen)  x shut down  (blank: not there)
    ");
}
