//! # Exercise 16 — Serial or parallel: a dashboard that asks three functions
//!
//! Read first: `book/src/patterns.md` (`cargo xtask book --serve`).
//!
//! A morning dashboard shows a city's weather, news and traffic. Each comes from a function of
//! its own, and each takes its time:
//!
//! | function  | constant  | answers in |
//! |-----------|-----------|------------|
//! | `weather` | `WEATHER` | 300 ms     |
//! | `news`    | `NEWS`    | 500 ms     |
//! | `traffic` | `TRAFFIC` | 200 ms     |
//!
//! Write the dashboard twice. Both take the Lambda client the dashboard made at init
//! (`init.lambda()`, as a function on AWS makes an `aws_sdk_lambda::Client` once) and the
//! request, `{"city": "Seoul"}`, pass the request unchanged to each of the three functions with
//! the given `ask(lambda, function, &request)`, and answer with the three answers together:
//!
//! ```json
//! { "weather": <weather's answer>, "news": <news's answer>, "traffic": <traffic's answer> }
//! ```
//!
//! 1. **`dashboard_serial`** asks them one after the other, in the order of the table: ask
//!    `weather` and wait for its answer, then `news`, then `traffic`. The dashboard takes the
//!    **sum** of their times, 1,000 ms. If one fails, stop there and fail with its error: the
//!    ones after it are never asked.
//! 2. **`dashboard_parallel`** asks all three at once and waits until all three have answered,
//!    with `tokio::join!(a, b, c)`, which polls three futures together and gives back their three
//!    results. The dashboard takes only as long as the **slowest**, 500 ms. If one fails, fail
//!    with its error (the first failure in the order of the table) once all three have finished.
//!
//! Each dashboard is deployed as a function of its own (`dashboard-serial` and
//! `dashboard-parallel`), and the REPORT line of each call shows how long it took. On AWS, that
//! is also what you pay for: a function that waits for others is billed while it waits.
//!
//! The three services, `ask` and `deploy` are in `src/given.rs`: read it, you don't need to
//! change it.
//!
//! Check your work: `cargo xtask verify serial-vs-parallel`.
//! Stuck? `cargo xtask hint serial-vs-parallel` shows the next hint.

mod given;
pub use given::*;

use invoker::{Diagnostic, LambdaClient};
use serde_json::Value;

// ANCHOR: serial
/// Asks `weather`, then `news`, then `traffic`, each after the one before has answered.
pub async fn dashboard_serial(lambda: &LambdaClient, request: Value) -> Result<Value, Diagnostic> {
    // TODO: point 1 above: the three functions asked one after the other, in the order of the
    // table, and their answers together.
    let _ = (lambda, request);
    todo!("ask the three services one after the other")
}
// ANCHOR_END: serial

// ANCHOR: parallel
/// Asks `weather`, `news` and `traffic` at the same time, and waits for all three.
pub async fn dashboard_parallel(
    lambda: &LambdaClient,
    request: Value,
) -> Result<Value, Diagnostic> {
    // TODO: point 2 above: the same answer, with the three calls in flight at once (the
    // chapter's "Serial and parallel").
    let _ = (lambda, request);
    todo!("ask the three services at once")
}
// ANCHOR_END: parallel
