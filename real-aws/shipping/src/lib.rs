//! # The shipping core of chapter 11, "Testing Lambda functions"
//!
//! The pure core that prices parcels: no event, no context, no I/O. Two adapters use it: the
//! chapter's handler on the invoker (`invoker/tests/it/book/testing.rs`, which includes this
//! file as a module, so there is one copy of the core), and `src/main.rs`, the same handler on
//! the real runtime. This file depends on `serde` alone, so the invoker's tests can include it.

use serde::{Deserialize, Serialize};
use std::fmt;

// ANCHOR: testing_core
/// A parcel to ship, as callers send it: `{"weightGrams": 1200, "country": "JP"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parcel {
    pub weight_grams: u32,
    pub country: String,
}

/// What shipping it costs.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    pub zone: &'static str,
    pub price_cents: u32,
}

/// Why a parcel can't be quoted.
#[derive(Debug, PartialEq)]
pub enum QuoteError {
    /// Over [`MAX_WEIGHT_GRAMS`].
    TooHeavy {
        /// The parcel's weight.
        weight_grams: u32,
    },
    /// A country the carrier has no rates for.
    UnknownCountry(String),
}

/// The heaviest parcel the carrier takes.
pub const MAX_WEIGHT_GRAMS: u32 = 30_000;

/// The core: a pure function of its input. No event, no context, no I/O, no Lambda: a plain
/// unit test can call it, and so can a CLI, a container or another function.
pub fn quote_parcel(parcel: &Parcel) -> Result<Quote, QuoteError> {
    if parcel.weight_grams > MAX_WEIGHT_GRAMS {
        let weight_grams = parcel.weight_grams;
        return Err(QuoteError::TooHeavy { weight_grams });
    }
    // (zone, base price, price per kilogram), in cents.
    let (zone, base, per_kg) = match parcel.country.as_str() {
        "KR" => ("domestic", 300, 100),
        "JP" | "CN" | "TW" => ("asia", 900, 400),
        "US" | "DE" | "FR" | "GB" => ("world", 1_500, 900),
        other => return Err(QuoteError::UnknownCountry(other.to_owned())),
    };
    // Every kilogram started is charged.
    let kilograms = parcel.weight_grams.div_ceil(1_000);
    Ok(Quote {
        zone,
        price_cents: base + per_kg * kilograms,
    })
}
// ANCHOR_END: testing_core

impl QuoteError {
    /// A short, stable name for callers to match on: the function error's `errorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            QuoteError::TooHeavy { .. } => "TooHeavy",
            QuoteError::UnknownCountry(_) => "UnknownCountry",
        }
    }
}

impl fmt::Display for QuoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuoteError::TooHeavy { weight_grams } => write!(
                f,
                "{weight_grams} g is over the carrier's limit of {MAX_WEIGHT_GRAMS} g"
            ),
            QuoteError::UnknownCountry(country) => write!(f, "no rates for country {country:?}"),
        }
    }
}
