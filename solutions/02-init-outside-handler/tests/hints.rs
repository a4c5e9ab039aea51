//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use init_outside_handler::*;
use invoker::{with_init, Diagnostic, FunctionCode, InitContext, LambdaEvent};
use serde_json::Value;
use std::sync::Arc;

/// Hints 1 and 2: the init step and the handler, named, then given to `with_init`.
pub fn customer_api_in_two_parts(db: Database) -> FunctionCode {
    let init = move |_init: InitContext| db.connect();
    let handler = answer;
    with_init(init, handler)
}

async fn answer(
    connection: Arc<Connection>,
    request: LambdaEvent<Request>,
) -> Result<Value, Diagnostic> {
    connection.find_customer(&request.payload.customer_id).await
}

/// Hint 3: the same, in one expression.
pub fn customer_api_as_hinted(db: Database) -> FunctionCode {
    with_init(
        move |_init: InitContext| db.connect(),
        |connection: Arc<Connection>, request: LambdaEvent<Request>| async move {
            connection.find_customer(&request.payload.customer_id).await
        },
    )
}
