//! # Chapter 11's function on real AWS: `shipping`
//!
//! The adapter of `invoker/tests/it/book/testing.rs` on the real runtime, around the same core
//! (this crate's library). Only the adapter changes: `tracing` instead of the invoker's logger.

// ANCHOR: adapter
use lambda_runtime::{run, service_fn, tracing, Diagnostic, Error, LambdaEvent};
use shipping::{quote_parcel, Parcel, Quote};

async fn handler(event: LambdaEvent<Parcel>) -> Result<Quote, Diagnostic> {
    let parcel = event.payload;
    // The runtime reports a Diagnostic as {"errorType": …, "errorMessage": …}.
    let quote = quote_parcel(&parcel).map_err(|e| Diagnostic {
        error_type: e.error_type().into(),
        error_message: e.to_string(),
    })?;
    // Save the quote here, with an SDK client created once in main.
    tracing::info!(price_cents = quote.price_cents, country = %parcel.country, "quoted");
    Ok(quote)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(handler)).await
}
// ANCHOR_END: adapter

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;

    // The adapter without AWS, as the chapter says: the runtime's `Context` has a `Default`.
    #[tokio::test]
    async fn the_adapter_answers_with_the_core_s_quote_or_its_error() {
        let parcel = |country: &str| Parcel {
            weight_grams: 1_200,
            country: country.into(),
        };
        let quote = handler(LambdaEvent::new(parcel("JP"), Context::default())).await;
        assert_eq!(quote.map(|q| q.price_cents).ok(), Some(900 + 2 * 400));
        let refused = handler(LambdaEvent::new(parcel("XX"), Context::default())).await;
        assert_eq!(
            refused.map_err(|d| d.error_type).err().as_deref(),
            Some("UnknownCountry")
        );
    }
}
