//! The invoker's integration tests, in one binary.
//!
//! Each module holds the tests of one part of the simulated service, each test one behaviour of
//! real Lambda, named as a sentence: `invoke` for the Invoke API, `versions` for versions and
//! aliases, `sqs` for queues and their mappings, and so on. `book` runs the worked examples of
//! the book, one module per chapter. `kit` holds the helpers the modules share.
//!
//! Why one binary and not a file per area in `tests/`: Cargo builds every file in `tests/` as a
//! crate of its own, and links each of them against the invoker and all its dependencies. With
//! one binary, a change to the invoker costs one link instead of nineteen, so `cargo test` starts
//! sooner; and the helpers live in one module instead of being copied between files.
//!
//! Run one area with a filter on its module: `cargo test -p invoker --test it sqs::`.

mod api_gateway;
mod architecture;
mod async_invoke;
mod book;
mod cli;
mod concurrency;
mod conformance;
mod conservation;
mod dynamodb;
mod function_calls;
mod guarded;
mod invoke;
mod kit;
mod layers;
mod lifecycle;
mod mapping_lifecycle;
mod permissions;
mod s3;
mod schedule;
mod sns;
mod sqs;
mod sqs_fifo;
mod streams;
mod tags;
mod versions;
