//! How fast the invoker runs a trivial handler that logs a line: `cargo bench -p invoker`.
//!
//! The figure that matters for a learner is how long a test scenario takes, and scenarios are
//! mostly back-to-back warm invocations. The target is 200,000 invocations per second.

use invoker::{handler_fn, Context, FunctionConfig, HandlerError, InvokeRequest, Lambda};
use serde_json::{json, Value};
use std::time::Instant;

async fn trivial(event: Value, ctx: Context) -> Result<Value, HandlerError> {
    ctx.logger().info("handled");
    Ok(event)
}

fn main() {
    const INVOCATIONS: u32 = 200_000;
    let elapsed = invoker::run(async {
        let lambda = Lambda::new();
        lambda
            .create_function(FunctionConfig::new("trivial"), handler_fn(trivial))
            .expect("valid function");
        let payload = json!({ "n": 1 });
        let started = Instant::now();
        for _ in 0..INVOCATIONS {
            let request = InvokeRequest::new("trivial").payload(payload.clone());
            let response = lambda.invoke(request).await.expect("invoke succeeds");
            assert_eq!(response.status_code, 200);
        }
        let elapsed = started.elapsed();
        assert_eq!(
            lambda.log_lines("trivial").len(),
            1 + 4 * INVOCATIONS as usize
        );
        elapsed
    });
    let per_second = f64::from(INVOCATIONS) / elapsed.as_secs_f64();
    println!(
        "invoke/trivial-with-logs: {INVOCATIONS} invocations in {:.3} s = {per_second:.0} invocations/s",
        elapsed.as_secs_f64()
    );
}
