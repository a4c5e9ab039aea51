//! # Exercise 2 — Open the connection once per environment, not once per request
//!
//! Read first: `book/src/execution-environment.md` (`cargo xtask book --serve`).
//!
//! The `customers` function looks customers up in a database. Today it opens a new connection in
//! the handler, on every request (`connect_in_handler`, in `src/given.rs`). Opening a connection
//! takes 300 ms; the query itself takes 5 ms. So every request waits 305 ms, is billed 305 ms,
//! and leaves the database one more connection to set up and tear down.
//!
//! An execution environment serves many requests, one after the other, and keeps what its init
//! step built between them. So open the connection **in the init step**: once per environment,
//! before its first request. Every request that environment serves then reuses it, and pays only
//! for its query. The 300 ms move from each request's `Duration` to the `Init Duration` of the
//! cold start, which happens once per environment.
//!
//! Write `customer_api(db)`, the function's code, with `invoker::with_init(init, handler)`:
//!
//! - **the init step** opens the connection with `db.connect()` and returns it;
//! - **the handler** receives that connection (as an `Arc<Connection>`), with the [`Request`],
//!   and answers with `connection.find_customer(&request.customer_id)`.
//!
//! One connection per environment, not one for the whole function: each environment is a
//! separate sandbox (a separate micro-VM on AWS), so environments cannot share a connection.
//! Three requests at once need three environments, and each opens its own.
//!
//! Log what you like with the loggers of the init step and the handler: the tests leave your own
//! log lines out of the transcript they compare.
//!
//! The database, the request type and the deployment are in `src/given.rs`: read it, you don't
//! need to change it.
//!
//! Check your work: `cargo xtask verify init-outside-handler`.
//! Stuck? `cargo xtask hint init-outside-handler` shows the next hint.

mod given;
pub use given::*;

use invoker::FunctionCode;

// ANCHOR: customer_api
/// The code of `customers`: a connection opened once per execution environment, in the init
/// step, and reused by every request that environment serves.
pub fn customer_api(db: Database) -> FunctionCode {
    // TODO: the function's code, made with `invoker::with_init`: the connection opened in the
    // init step, once per environment, and only the query in the handler. The chapter's "What
    // survives from one invocation to the next" says why; the documentation of `with_init`
    // (`cargo doc -p invoker --open`) shows what its two arguments take and return.
    let _ = db;
    todo!("open the connection in the init step, query it in the handler")
}
// ANCHOR_END: customer_api
