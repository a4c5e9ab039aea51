//! The worked examples of chapter 11, "Testing Lambda functions": the chapter
//! (`book/src/testing.md`) includes their code and their transcripts.

use invoker::{
    service_fn, Diagnostic, ErrorCode, FunctionConfig, InvokeRequest, Lambda, LambdaEvent,
    ServiceError,
};
use serde_json::{json, Value};
use std::time::Duration;

// The core (`Parcel`, `Quote`, `QuoteError`, `quote_parcel`) is the real-AWS counterpart's
// library, included as it is: one copy, used by the adapter below and by the one on AWS.
#[path = "../../../../real-aws/shipping/src/lib.rs"]
mod shipping_core;
use shipping_core::{quote_parcel, Parcel, Quote, QuoteError};

// ANCHOR: testing_adapter
/// The handler: a thin adapter between Lambda and the core. The runtime has already turned the
/// event into a `Parcel` (or refused it); the adapter calls the core, turns its error into a
/// function error, does the I/O, and returns the quote for the runtime to serialize.
async fn shipping(event: LambdaEvent<Parcel>) -> Result<Quote, Diagnostic> {
    let (parcel, ctx) = event.into_parts();
    let quote = quote_parcel(&parcel).map_err(|e| Diagnostic {
        error_type: e.error_type().to_string(),
        error_message: e.to_string(),
    })?;
    // The I/O belongs here, not in the core: save the quote (80 ms waiting for a database).
    invoker::sleep(Duration::from_millis(80)).await;
    ctx.logger().info(format!(
        "quoted {} cents to {}",
        quote.price_cents, parcel.country
    ));
    Ok(quote)
}
// ANCHOR_END: testing_adapter

// ANCHOR: testing_unit
/// A parcel of `weight_grams` to `country`.
fn parcel(weight_grams: u32, country: &str) -> Parcel {
    let country = country.to_owned();
    Parcel {
        weight_grams,
        country,
    }
}

#[test]
fn every_kilogram_started_is_charged() {
    let price = |grams| quote_parcel(&parcel(grams, "KR")).unwrap().price_cents;
    assert_eq!(price(1), 400);
    assert_eq!(price(1_000), 400);
    assert_eq!(price(1_001), 500);
}

#[test]
fn the_carrier_takes_30_kg_and_not_a_gram_more() {
    assert!(quote_parcel(&parcel(30_000, "DE")).is_ok());
    assert_eq!(
        quote_parcel(&parcel(30_001, "DE")),
        Err(QuoteError::TooHeavy {
            weight_grams: 30_001
        })
    );
}

#[test]
fn a_country_without_rates_is_refused_by_name() {
    let refused = quote_parcel(&parcel(500, "XX")).unwrap_err();
    assert_eq!(refused, QuoteError::UnknownCountry("XX".into()));
    assert_eq!(refused.to_string(), r#"no rates for country "XX""#);
}
// ANCHOR_END: testing_unit

#[tokio::test(start_paused = true)]
async fn testing_a_scenario_through_the_invoker() {
    // ANCHOR: testing_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shipping"), service_fn(shipping))
        .unwrap();
    let ask = |parcel: Value| lambda.invoke(InvokeRequest::new("shipping").payload(parcel));

    // A good parcel: a quote, with the fields the callers rely on.
    let ok = ask(json!({ "weightGrams": 1200, "country": "JP" }))
        .await
        .unwrap();
    assert_eq!(ok.function_error, None);
    assert_eq!(
        ok.payload_json().unwrap(),
        json!({ "zone": "asia", "priceCents": 1700 })
    );

    // The core's refusal reaches the caller as a function error with a stable errorType.
    let heavy = ask(json!({ "weightGrams": 40000, "country": "JP" }))
        .await
        .unwrap();
    assert_eq!(heavy.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(heavy.payload_json().unwrap()["errorType"], "TooHeavy");

    // An event of the wrong shape never reaches the adapter: the runtime refuses it.
    let garbled = ask(json!({ "weight": "1.2 kg" })).await.unwrap();
    assert_eq!(garbled.function_error.as_deref(), Some("Unhandled"));
    // ANCHOR_END: testing_scenario
    insta::assert_snapshot!(lambda.transcript());
}

// ANCHOR: testing_load_code
/// Sends `requests` parcels to `shipping`, one every `gap`, without waiting for the answers, so
/// that the calls overlap as real traffic does. Returns, for each call in order, how long its
/// caller waited, or the error of a call Lambda refused.
async fn burst(
    lambda: &Lambda,
    requests: u32,
    gap: Duration,
) -> Vec<Result<Duration, ServiceError>> {
    let mut calls = Vec::new();
    for n in 0..requests {
        let lambda = lambda.clone();
        let parcel = json!({ "weightGrams": 500 + 100 * n, "country": "KR" });
        calls.push(tokio::spawn(async move {
            let sent = lambda.elapsed();
            let request = InvokeRequest::new("shipping").payload(parcel);
            let response = lambda.invoke(request).await?;
            assert_eq!(response.function_error, None, "every parcel can be quoted");
            Ok(lambda.elapsed() - sent)
        }));
        invoker::sleep(gap).await;
    }
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.expect("every call is answered or refused"));
    }
    results
}
// ANCHOR_END: testing_load_code

/// What a load test measured, computed from `burst`'s results, `Lambda::usage` and the timeline.
fn load_report(
    lambda: &Lambda,
    results: &[Result<Duration, ServiceError>],
    gap: Duration,
) -> String {
    let mut latencies: Vec<Duration> = results.iter().filter_map(|r| r.clone().ok()).collect();
    latencies.sort();
    let throttled = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code == ErrorCode::TooManyRequestsException))
        .count();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // The nearest-rank percentile: the latency that p% of the answered calls did not exceed.
    let percentile = |p: usize| latencies[(latencies.len() * p).div_ceil(100) - 1];
    let mean = latencies.iter().sum::<Duration>() / latencies.len() as u32;
    let rate = 1.0 / gap.as_secs_f64();
    let usage = lambda.usage("shipping");

    let mut out = format!(
        "{} requests, one every {:.0} ms: {rate:.0} per second\n",
        results.len(),
        ms(gap)
    );
    out.push_str(&format!(
        "answered {}, throttled (429) {throttled}\n",
        latencies.len()
    ));
    out.push_str(&format!(
        "latency  p50 {:.0} ms  p99 {:.0} ms  max {:.0} ms  mean {:.1} ms\n",
        ms(percentile(50)),
        ms(percentile(99)),
        ms(*latencies.last().expect("at least one call was answered")),
        ms(mean),
    ));
    out.push_str(&format!(
        "usage    {} invocations, {} cold starts, {} ms billed, {:.4} GB-s\n",
        usage.invocations, usage.cold_starts, usage.billed_ms, usage.gb_seconds
    ));
    out.push_str(&format!(
        "Little's law: {rate:.0}/s × {:.1} ms = {:.2} environments needed, on average\n\n",
        ms(mean),
        rate * mean.as_secs_f64()
    ));
    out.push_str(&lambda.timeline("shipping", Duration::from_millis(100)));
    out
}

#[tokio::test(start_paused = true)]
async fn testing_a_load_test_of_100_requests_per_second() {
    // ANCHOR: testing_load_scenario
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shipping"), service_fn(shipping))
        .unwrap();

    // 200 requests, one every 10 ms: 100 per second for two seconds.
    let gap = Duration::from_millis(10);
    let results = burst(&lambda, 200, gap).await;

    // A load test has a budget, and fails when the function goes over it.
    for result in &results {
        let waited = result.as_ref().expect("no call is throttled");
        assert!(
            *waited <= Duration::from_millis(100),
            "answered within 100 ms"
        );
    }
    // Little's law: 100 per second × at most 0.1 s each = at most 10 busy at once.
    let environments = lambda.usage("shipping").cold_starts;
    assert!(environments <= 10, "{environments} environments");
    // ANCHOR_END: testing_load_scenario
    insta::assert_snapshot!(load_report(&lambda, &results, gap));
}

#[tokio::test(start_paused = true)]
async fn testing_a_load_test_finds_the_reserved_concurrency_too_low() {
    // ANCHOR: testing_load_reserved
    let lambda = Lambda::builder().seed(2025).build();
    lambda
        .create_function(FunctionConfig::new("shipping"), service_fn(shipping))
        .unwrap();
    // The setting production will have: at most 5 at once.
    lambda.put_function_concurrency("shipping", 5).unwrap();

    let gap = Duration::from_millis(10);
    let results = burst(&lambda, 200, gap).await;
    let throttled = results.iter().filter(|r| r.is_err()).count();
    assert!(
        throttled > 0,
        "100/s × 80 ms needs about 8 environments, not 5"
    );
    // ANCHOR_END: testing_load_reserved
    insta::assert_snapshot!(load_report(&lambda, &results, gap));
}
