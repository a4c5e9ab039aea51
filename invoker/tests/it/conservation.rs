//! Conservation: the invoker never loses an asynchronous event.
//!
//! Whatever happens to it (function errors, timeouts, throttles, an event age running out),
//! every event Lambda accepted with a 202 must end in exactly one outcome: processed, or given
//! up on and then delivered to the on-failure destination and/or the dead-letter queue, or
//! discarded with a record saying so. These tests throw seeded random scenarios at the invoker
//! and count.

use invoker::{
    service_fn, Diagnostic, EventInvokeConfig, EventOutcome, FunctionConfig, InvocationType,
    InvokeRequest, Lambda, LambdaEvent,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One random scenario: how often the function fails, how long it runs, how much concurrency
/// it may use, and where failures go.
#[derive(Debug)]
struct Scenario {
    events: u64,
    /// Per mille of attempts that fail.
    failure_per_mille: u64,
    reserved_concurrency: Option<usize>,
    maximum_retry_attempts: u32,
    maximum_event_age_secs: u64,
    on_failure: bool,
    dead_letter_queue: bool,
    /// Events arrive spread over this many seconds.
    arrival_window_secs: u64,
}

impl Scenario {
    fn draw(rng: &mut ChaCha8Rng) -> Self {
        Self {
            events: rng.random_range(20..200),
            failure_per_mille: rng.random_range(0..700),
            reserved_concurrency: rng.random_bool(0.6).then(|| rng.random_range(1..20)),
            maximum_retry_attempts: rng.random_range(0..=2),
            maximum_event_age_secs: [60, 120, 600, 21_600][rng.random_range(0..4)],
            on_failure: rng.random_bool(0.5),
            dead_letter_queue: rng.random_bool(0.5),
            arrival_window_secs: rng.random_range(0..30),
        }
    }
}

/// Whether attempt `attempt` at event `n` fails: a pure function of the inputs, so a scenario
/// does not depend on the order the invoker happens to run attempts in.
fn fails(seed: u64, n: u64, attempt: u64, per_mille: u64) -> bool {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (n << 16) ^ attempt);
    rng.random_range(0..1000) < per_mille
}

async fn run_scenario(seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let scenario = Scenario::draw(&mut rng);
    let lambda = Lambda::builder().seed(seed).build();
    let failures = lambda.sqs().create_queue("failures");
    let dead_letters = lambda.sqs().create_queue("dead-letters");

    let per_mille = scenario.failure_per_mille;
    let attempts_seen: Arc<Mutex<BTreeMap<u64, u64>>> = Arc::default();
    let flaky = service_fn(move |event: LambdaEvent<Value>| {
        let event = event.payload;
        let attempts_seen = Arc::clone(&attempts_seen);
        async move {
            let n = event["n"].as_u64().unwrap_or_default();
            let attempt = {
                let mut seen = attempts_seen.lock().unwrap();
                let count = seen.entry(n).or_default();
                *count += 1;
                *count
            };
            // Some work, so that invocations overlap and concurrency is actually used up.
            invoker::sleep(Duration::from_millis(200 + n % 5 * 100)).await;
            if fails(seed, n, attempt, per_mille) {
                return Err(Diagnostic {
                    error_type: "Injected".into(),
                    error_message: format!("event {n} failed"),
                });
            }
            Ok(json!({ "n": n }))
        }
    });
    let mut config = FunctionConfig::new("flaky").timeout_secs(3);
    if scenario.dead_letter_queue {
        config = config.dead_letter_queue(&dead_letters);
    }
    lambda.create_function(config, flaky).unwrap();
    if let Some(reserved) = scenario.reserved_concurrency {
        lambda.put_function_concurrency("flaky", reserved).unwrap();
    }
    let mut invoke_config = EventInvokeConfig::default()
        .maximum_retry_attempts(scenario.maximum_retry_attempts)
        .maximum_event_age_secs(scenario.maximum_event_age_secs);
    if scenario.on_failure {
        invoke_config = invoke_config.on_failure(&failures);
    }
    lambda
        .put_function_event_invoke_config("flaky", invoke_config)
        .unwrap();

    let mut accepted = BTreeSet::new();
    let mut arrivals: Vec<u64> = (0..scenario.events)
        .map(|_| rng.random_range(0..=scenario.arrival_window_secs * 1000))
        .collect();
    arrivals.sort_unstable();
    let mut now_ms = 0;
    for (n, at_ms) in arrivals.into_iter().enumerate() {
        invoker::sleep(Duration::from_millis(at_ms - now_ms)).await;
        now_ms = at_ms;
        let request = InvokeRequest::new("flaky")
            .invocation_type(InvocationType::Event)
            .payload(json!({ "n": n }));
        let response = lambda.invoke(request).await.unwrap();
        assert_eq!(response.status_code, 202);
        accepted.insert(response.request_id);
    }
    lambda.settle().await;

    let outcomes = lambda.event_outcomes();
    let ended: BTreeSet<String> = outcomes.keys().cloned().collect();
    assert_eq!(
        ended, accepted,
        "seed {seed}, {scenario:?}: every accepted event has one outcome"
    );

    let mut to_destination = 0;
    let mut to_dead_letters = 0;
    for (id, outcome) in &outcomes {
        match outcome {
            EventOutcome::Succeeded { attempts } => {
                assert!(
                    *attempts <= scenario.maximum_retry_attempts + 1,
                    "seed {seed}: {id}"
                );
            }
            EventOutcome::Failed { sent_to, .. } => {
                let expected: Vec<&str> = [
                    scenario.on_failure.then_some(failures.as_str()),
                    scenario.dead_letter_queue.then_some(dead_letters.as_str()),
                ]
                .into_iter()
                .flatten()
                .collect();
                assert_eq!(
                    sent_to, &expected,
                    "seed {seed}: {id} went where it was configured to go"
                );
                to_destination += usize::from(scenario.on_failure);
                to_dead_letters += usize::from(scenario.dead_letter_queue);
            }
        }
    }
    assert_eq!(
        lambda.sqs().messages(&failures).len(),
        to_destination,
        "seed {seed}"
    );
    assert_eq!(
        lambda.sqs().messages(&dead_letters).len(),
        to_dead_letters,
        "seed {seed}"
    );
}

#[test]
fn every_accepted_event_ends_processed_or_sent_on_or_discarded_with_a_record() {
    for seed in 0..40 {
        invoker::run(run_scenario(seed));
    }
}

#[tokio::test(start_paused = true)]
async fn a_function_switched_off_while_events_wait_still_accounts_for_every_event() {
    let lambda = Lambda::new();
    let failures = lambda.sqs().create_queue("failures");
    let slow = service_fn(|event: LambdaEvent<Value>| async move {
        let event = event.payload;
        invoker::sleep(Duration::from_secs(1)).await;
        Ok::<_, Diagnostic>(event)
    });
    lambda
        .create_function(FunctionConfig::new("slow"), slow)
        .unwrap();
    lambda.put_function_concurrency("slow", 1).unwrap();
    lambda
        .put_function_event_invoke_config(
            "slow",
            EventInvokeConfig::default().on_failure(&failures),
        )
        .unwrap();
    for n in 0..10 {
        let request = InvokeRequest::new("slow")
            .invocation_type(InvocationType::Event)
            .payload(json!({ "n": n }));
        lambda.invoke(request).await.unwrap();
    }
    // One event runs; the others are throttled and wait. Then the function is switched off.
    invoker::sleep(Duration::from_millis(500)).await;
    lambda.put_function_concurrency("slow", 0).unwrap();
    lambda.settle().await;

    let outcomes = lambda.event_outcomes();
    assert_eq!(outcomes.len(), 10);
    let failed = outcomes
        .values()
        .filter(|o| matches!(o, EventOutcome::Failed { .. }))
        .count();
    assert!(
        failed >= 1,
        "events waiting for a switched-off function are given up on"
    );
    assert_eq!(lambda.sqs().messages(&failures).len(), failed);
}
