//! Provided by the exercise: the function's name, the [`Stage`] settings and the two stages, the
//! [`Order`] your handler receives, and `deploy`, which runs your `deploy_stages` with [`DEV`] and
//! [`PROD`]. Read it, but you don't need to change it: your part is in `lib.rs`.

use invoker::{Lambda, ServiceError};
use serde::Deserialize;

use crate::deploy_stages;

/// The function this exercise deploys.
pub const FUNCTION: &str = "orders";

/// The settings of one stage, which become its environment variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// `TABLE_NAME`: the table orders go to.
    pub table: &'static str,
    /// `BUCKET_NAME`: the bucket receipts go to.
    pub bucket: &'static str,
    /// `FEATURE_RECEIPTS`: `"on"` when true, `"off"` when false.
    pub receipts: bool,
}

/// The development stage: receipts are being tried out here.
pub const DEV: Stage = Stage {
    table: "orders-dev",
    bucket: "receipts-dev",
    receipts: true,
};

/// The production stage: receipts stay off until dev has proved them.
pub const PROD: Stage = Stage {
    table: "orders-prod",
    bucket: "receipts-prod",
    receipts: false,
};

/// An order as the shop sends it: `{"orderId": "A-1"}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The shop's id for the order.
    pub order_id: String,
}

/// Deploys the exercise with the stages `DEV` and `PROD`.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_stages(lambda, DEV, PROD)
}
