//! # Exercise 2 — Open the connection once per environment, not once per request: reference solution
//!
//! The exercise, with its instructions, is `exercises/02-init-outside-handler/src/lib.rs`. What
//! the exercise provides (the database, the request type, the code as it was, deploy) is its
//! `src/given.rs`, shared with this crate.

#[path = "../../../exercises/02-init-outside-handler/src/given.rs"]
mod given;
pub use given::*;

use invoker::{with_init, FunctionCode, InitContext, LambdaEvent};
use std::sync::Arc;

// ANCHOR: customer_api
/// The code of `customers`: a connection opened once per execution environment, in the init
/// step, and reused by every request that environment serves.
pub fn customer_api(db: Database) -> FunctionCode {
    with_init(
        // Runs once, when an environment starts: the 300 ms are paid on its cold start and show
        // as its Init Duration. `Fn`, not `FnOnce`: every new environment calls it again, so each
        // gets a connection of its own.
        move |_init: InitContext| db.connect(),
        // Runs on every request, with the connection of the environment that serves it.
        |connection: Arc<Connection>, request: LambdaEvent<Request>| async move {
            connection.find_customer(&request.payload.customer_id).await
        },
    )
}
// ANCHOR_END: customer_api
