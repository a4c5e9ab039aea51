//! # Exercise 10 — No cold starts for checkout: provisioned concurrency
//!
//! Read first: `book/src/concurrency.md` (`cargo xtask book --serve`).
//!
//! `checkout` takes payment when a customer clicks "Pay". Its init step loads the price
//! catalogue and the payment SDK, which takes 800 ms (`INIT_WORK`). The shop is quiet in the
//! morning: two customers pay at the same moment, then nobody for a quarter of an hour. By then
//! Lambda has shut the idle environments down, so the next customers meet a cold start and wait
//! 800 ms more for their payment. Every time.
//!
//! *Provisioned concurrency* asks Lambda to start environments **ahead of time** and keep them
//! initialised, used or not (you pay for the time they are kept ready). Calls go to them first,
//! and they run the handler at once: no Init on the customer's clock.
//!
//! Write `go_live`, the release that puts `checkout` in front of customers:
//!
//! 1. Publish `$LATEST` as a version (`lambda.publish_version`). Provisioned concurrency needs
//!    one: Lambda refuses it on `$LATEST`, whose code can change at any moment.
//! 2. Create the alias the shop calls, `prod` (`ALIAS`), pointing at that version.
//! 3. Keep `PROVISIONED` (2) environments ready **on the alias**: call
//!    `lambda.put_provisioned_concurrency_config(..)` with the function named `checkout:prod`.
//!    It is `async`: it returns once the environments have run their Init.
//! 4. Return the version `prod` points at.
//!
//! Two, because the shop makes at most two calls at once. A third call at the same moment would
//! get an ordinary on-demand environment, and a cold start.
//!
//! The constants and the `checkout` code are in `src/given.rs`: read it, you don't need to change
//! it.
//!
//! Check your work: `cargo xtask verify provisioned-concurrency`.
//! Stuck? `cargo xtask hint provisioned-concurrency` shows the next hint.

mod given;
pub use given::*;

use invoker::{Lambda, ServiceError};

// ANCHOR: go_live
/// Publishes `checkout`, points `prod` at the new version, and keeps `PROVISIONED` environments
/// of `prod` initialised. Returns the version `prod` points at.
pub async fn go_live(lambda: &Lambda) -> Result<String, ServiceError> {
    // TODO: the four steps of the list above. The chapter's "Provisioned concurrency:
    // environments initialised in advance" says what it can be set on, and why.
    let _ = lambda;
    todo!("publish, alias, and provision the alias")
}
// ANCHOR_END: go_live
