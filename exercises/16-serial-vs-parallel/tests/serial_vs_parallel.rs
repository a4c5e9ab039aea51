//! Tests for exercise 16. They deploy the three services and both dashboards (with your code),
//! call the dashboards, and read the answers and the REPORT lines: how long each call took.

use invoker::testing::{deployed, invoke, HandlerAnswer};
use invoker::{service_fn, Diagnostic, InvokeRequest, Lambda, LambdaEvent};
use serde_json::{json, Value};
use serial_vs_parallel::{deploy, NEWS, PARALLEL, SERIAL, TRAFFIC};

/// A question to `dashboard` about `city`.
fn about(dashboard: &str, city: &str) -> InvokeRequest {
    InvokeRequest::new(dashboard).payload(json!({ "city": city }))
}

/// The `Duration` of each of a function's invocations so far, from its REPORT lines.
fn durations(lambda: &Lambda, function: &str) -> Vec<String> {
    lambda
        .log_lines(function)
        .iter()
        .filter(|line| line.starts_with("REPORT"))
        .filter_map(|line| {
            let rest = line.split("\tDuration: ").nth(1)?;
            Some(rest.split('\t').next()?.to_owned())
        })
        .collect()
}

/// What the dashboard should answer about Seoul.
fn seoul() -> Value {
    json!({
        "weather": { "city": "Seoul", "sky": "clear", "celsius": -2 },
        "news": { "city": "Seoul", "headlines": ["Seoul opens a new library"] },
        "traffic": { "city": "Seoul", "jamKm": 15 },
    })
}

#[tokio::test(start_paused = true)]
async fn the_serial_dashboard_combines_the_three_answers() {
    let lambda = deployed(16, deploy);
    let serial = invoke(&lambda, about(SERIAL, "Seoul")).await;
    assert_eq!(serial.answer(), seoul());
}

#[tokio::test(start_paused = true)]
async fn the_parallel_dashboard_combines_the_same_three_answers() {
    let lambda = deployed(16, deploy);
    let parallel = invoke(&lambda, about(PARALLEL, "Seoul")).await;
    assert_eq!(parallel.answer(), seoul());
}

#[tokio::test(start_paused = true)]
async fn both_dashboards_pass_the_request_on_unchanged() {
    let lambda = deployed(16, deploy);
    let busan = json!({
        "weather": { "city": "Busan", "sky": "cloudy", "celsius": 6 },
        "news": { "city": "Busan", "headlines": ["Busan opens a new library"] },
        "traffic": { "city": "Busan", "jamKm": 15 },
    });
    let serial = invoke(&lambda, about(SERIAL, "Busan")).await;
    assert_eq!(serial.answer(), busan);
    let parallel = invoke(&lambda, about(PARALLEL, "Busan")).await;
    assert_eq!(parallel.answer(), busan);
}

#[tokio::test(start_paused = true)]
async fn the_serial_dashboard_takes_the_sum_of_the_three_times() {
    let lambda = deployed(16, deploy);
    invoke(&lambda, about(SERIAL, "Seoul")).await.answer();
    invoke(&lambda, about(SERIAL, "Seoul")).await.answer();
    assert_eq!(
        durations(&lambda, SERIAL),
        [
            // 300 + 500 + 200 ms, and each service's cold start (Init, 20 ms) on the way.
            "1060.00 ms",
            // Warm: exactly 300 + 500 + 200 ms.
            "1000.00 ms",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_parallel_dashboard_takes_only_as_long_as_the_slowest() {
    let lambda = deployed(16, deploy);
    invoke(&lambda, about(PARALLEL, "Seoul")).await.answer();
    invoke(&lambda, about(PARALLEL, "Seoul")).await.answer();
    assert_eq!(
        durations(&lambda, PARALLEL),
        [
            // The slowest, news, with its cold start: 20 + 500 ms.
            "520.00 ms",
            // Warm: the longest of 300, 500 and 200 ms.
            "500.00 ms",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn each_dashboard_asks_each_service_once() {
    let lambda = deployed(16, deploy);
    invoke(&lambda, about(SERIAL, "Seoul")).await.answer();
    invoke(&lambda, about(PARALLEL, "Seoul")).await.answer();
    for service in ["weather", NEWS, TRAFFIC] {
        assert_eq!(lambda.usage(service).invocations, 2, "{service}");
    }
}

/// The news service, broken.
async fn broken_news(_event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    Err(Diagnostic {
        error_type: "NewsUnavailable".into(),
        error_message: "the news agency did not answer".into(),
    })
}

fn news_error() -> Value {
    json!({ "errorType": "NewsUnavailable", "errorMessage": "the news agency did not answer" })
}

#[tokio::test(start_paused = true)]
async fn a_failure_stops_the_serial_dashboard_before_the_next_call() {
    let lambda = deployed(16, deploy);
    lambda
        .update_function_code(NEWS, service_fn(broken_news))
        .unwrap();
    let response = invoke(&lambda, about(SERIAL, "Seoul")).await;
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(response.payload_json().unwrap(), news_error());
    assert_eq!(
        lambda.usage(TRAFFIC).invocations,
        0,
        "traffic comes after news: once news failed, it is never asked"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failure_fails_the_parallel_dashboard_after_all_three_finished() {
    let lambda = deployed(16, deploy);
    lambda
        .update_function_code(NEWS, service_fn(broken_news))
        .unwrap();
    let response = invoke(&lambda, about(PARALLEL, "Seoul")).await;
    assert_eq!(response.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(response.payload_json().unwrap(), news_error());
    assert_eq!(
        lambda.usage(TRAFFIC).invocations,
        1,
        "all three calls were in flight before news failed"
    );
}

/// `transcript` with each request id replaced by a stand-in, numbered in the order the ids first
/// appear. Ids are drawn in the order the calls start, and `join!` may list the three futures in
/// any order: the stand-ins keep the transcript the same whichever the parallel dashboard starts
/// first, since its calls are written in the order they finish.
fn with_numbered_request_ids(transcript: &str) -> String {
    const LABEL: &str = "RequestId: ";
    const ID_LENGTH: usize = 36; // a UUID: 8-4-4-4-12 hex digits
    let mut ids: Vec<&str> = Vec::new();
    let mut numbered = String::new();
    let mut rest = transcript;
    while let Some(at) = rest.find(LABEL) {
        let (before, after) = rest.split_at(at + LABEL.len());
        let id = after.get(..ID_LENGTH).unwrap_or(after);
        let number = match ids.iter().position(|seen| *seen == id) {
            Some(index) => index + 1,
            None => {
                ids.push(id);
                ids.len()
            }
        };
        numbered.push_str(before);
        numbered.push_str(&format!("00000000-0000-4000-8000-{number:012}"));
        rest = &after[id.len()..];
    }
    numbered.push_str(rest);
    numbered
}

/// Both dashboards, cold then warm, as a transcript you can read in `tests/snapshots/`: look at
/// the times of the services' calls, one after the other or all at once.
#[tokio::test(start_paused = true)]
async fn transcript_of_a_serial_and_a_parallel_dashboard() {
    let lambda = deployed(16, deploy);
    invoke(&lambda, about(SERIAL, "Seoul")).await.answer();
    invoke(&lambda, about(PARALLEL, "Seoul")).await.answer();
    insta::assert_snapshot!(with_numbered_request_ids(&lambda.transcript()));
}
