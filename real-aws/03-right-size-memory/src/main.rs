//! # Exercise 3 on real AWS: the function `thumbnails`
//!
//! The exercise's `make_thumbnail` (`exercises/03-right-size-memory/src/given.rs`): CPU-bound work
//! and nothing else. The invoker simulates that work (`ctx.compute`) and scales its speed with the
//! memory setting as Lambda does; here the work is real, so its duration on AWS shows the same
//! curve: Lambda gives a function CPU in proportion to its memory, a full vCPU at 1,769 MB, so
//! the same work takes less time up to there, and a single thread gains nothing beyond.
//!
//! The solution's part, measuring at each memory size and keeping the cheapest fast enough, is
//! done on AWS from your machine with the CLI (`update-function-configuration --memory-size`,
//! then `invoke --log-type Tail` to read each `REPORT` line), as the chapter shows, or with AWS
//! Lambda Power Tuning.

use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use serde_json::{json, Value};
use std::hint::black_box;

/// How many rounds of the stand-in image work one thumbnail takes: about a second of one vCPU.
const ROUNDS: u64 = 300_000_000;

/// The stand-in for decoding and scaling an image: arithmetic that only a CPU can speed up.
fn busy_work(rounds: u64) -> u64 {
    // `black_box` keeps the optimizer from computing the loop's result at compile time.
    (0..black_box(rounds)).fold(0u64, |acc, i| acc.wrapping_mul(31).wrapping_add(i))
}

async fn make_thumbnail(_event: LambdaEvent<Value>) -> Result<Value, Error> {
    let checksum = busy_work(ROUNDS);
    tracing::debug!(checksum, "thumbnail computed");
    Ok(json!({ "thumbnail": "cat-128x128.jpg" }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(make_thumbnail)).await
}
