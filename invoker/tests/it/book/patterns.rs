//! The worked examples of chapter 8, "Patterns": the chapter
//! (`book/src/patterns.md`) includes their code and their transcripts.

use invoker::next_fire_times;
use invoker::{rfc3339_seconds, DEFAULT_EPOCH_SECS};
use invoker::{
    service_fn, Diagnostic, EventInvokeConfig, FunctionConfig, InvocationType, InvokeRequest,
    Lambda, LambdaEvent,
};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

// ANCHOR: patterns_chain_code
/// Step 1, on every upload: makes a 200-pixel thumbnail of an image, or refuses what is not one.
async fn thumbnail_step(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let upload = event.payload;
    let key = upload["key"].as_str().unwrap_or_default();
    let Some(name) = key
        .strip_prefix("uploads/")
        .filter(|name| name.ends_with(".jpg") || name.ends_with(".png"))
    else {
        return Err(Diagnostic {
            error_type: "UnsupportedImage".into(),
            error_message: format!("{key} is not a JPEG or PNG image"),
        });
    };
    invoker::sleep(Duration::from_millis(150)).await; // decoding and resizing
    Ok(json!({ "source": key, "thumbnail": format!("thumbnails/{name}"), "width": 200 }))
}

/// Step 2, the on-success destination of step 1: receives step 1's invocation *record*, and
/// finds step 1's answer in its `responsePayload`.
async fn index_photo(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let (record, ctx) = event.into_parts();
    let made = &record["responsePayload"];
    ctx.logger().info(format!("indexing {}", made["thumbnail"]));
    Ok(json!({ "indexed": made["thumbnail"] }))
}
// ANCHOR_END: patterns_chain_code

#[tokio::test(start_paused = true)]
async fn patterns_a_chain_of_destinations() {
    // ANCHOR: patterns_chain_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let failures = lambda.sqs().create_queue("thumbnail-failures");
    lambda
        .create_function(
            FunctionConfig::new("make-thumbnail"),
            service_fn(thumbnail_step),
        )
        .unwrap();
    let index_arn = lambda
        .create_function(FunctionConfig::new("index-photo"), service_fn(index_photo))
        .unwrap();

    // The chain is configuration: a success of make-thumbnail goes on to index-photo, a failure
    // to the queue. No retries here: a file that is not an image stays one.
    let chain = EventInvokeConfig::default()
        .maximum_retry_attempts(0)
        .on_success(&index_arn)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("make-thumbnail", chain)
        .unwrap();

    // Two uploads a second apart, sent as S3 sends its notifications: asynchronously.
    for key in ["uploads/cat.jpg", "uploads/notes.txt"] {
        let upload = InvokeRequest::new("make-thumbnail")
            .invocation_type(InvocationType::Event)
            .payload(json!({ "key": key }));
        lambda.invoke(upload).await.unwrap();
        invoker::sleep(Duration::from_secs(1)).await;
    }
    lambda.settle().await;
    // ANCHOR_END: patterns_chain_scenario
    insta::assert_snapshot!(lambda.transcript());
    let failed = &lambda.sqs().messages(&failures)[0].body;
    let record: Value = serde_json::from_str(failed).unwrap();
    insta::assert_snapshot!(
        "patterns_the_record_of_a_failure",
        serde_json::to_string_pretty(&record).unwrap()
    );
}

/// `Wed 2025-01-01 09:00`, as a clock `offset_hours` ahead of UTC shows the time.
fn wall_clock(time: SystemTime, offset_hours: u64) -> String {
    let shown = time + Duration::from_secs(offset_hours * 3600);
    let days = shown
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let text = rfc3339_seconds(shown);
    format!("{weekday} {} {}", &text[..10], &text[11..16])
}

#[test]
fn patterns_cron_expressions_are_read_in_utc() {
    // ANCHOR: patterns_cron_scenario
    // Wednesday 2025-01-01, 00:00 UTC: where the virtual clock starts.
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(DEFAULT_EPOCH_SECS);
    let mut table = format!("{:<24} {:<22} {}\n", "expression", "UTC", "Seoul (UTC+9)");
    for expression in [
        "cron(0 9 * * ? *)",
        "cron(0 0 * * ? *)",
        "cron(0 15 * * ? *)",
        "cron(0 23 ? * FRI *)",
    ] {
        for run in next_fire_times(expression, start, 2).unwrap() {
            let (utc, seoul) = (wall_clock(run, 0), wall_clock(run, 9));
            table.push_str(&format!("{expression:<24} {utc:<22} {seoul}\n"));
        }
    }
    // ANCHOR_END: patterns_cron_scenario
    insta::assert_snapshot!(table);
}
