//! The worked examples of chapter 4, "Errors, retries and failure destinations": the chapter
//! (`book/src/errors-and-retries.md`) includes their code and their transcripts.

use invoker::{
    service_fn, Diagnostic, EventInvokeConfig, FunctionConfig, InvocationType, InvokeRequest,
    Lambda, LambdaEvent,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ANCHOR: errors_risky_code
/// Does what the event asks, to show the ways an invocation can fail.
async fn risky(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let event = event.payload;
    match event["do"].as_str().unwrap_or_default() {
        "fail" => Err(Diagnostic {
            error_type: "CardDeclined".into(),
            error_message: "the card was declined".into(),
        }),
        "panic" => panic!("no price for product p-9"),
        "hang" => {
            // Waits for a service that never answers, past the 1 s timeout.
            invoker::sleep(Duration::from_secs(60)).await;
            Ok(json!("too late"))
        }
        "huge" => Ok(json!({ "report": "x".repeat(7 * 1024 * 1024) })),
        _ => Ok(json!({ "ok": true })),
    }
}
// ANCHOR_END: errors_risky_code

#[tokio::test(start_paused = true)]
async fn errors_what_a_synchronous_caller_sees() {
    // ANCHOR: errors_catalogue
    let lambda = Lambda::builder().seed(2025).build();
    let config = FunctionConfig::new("risky").timeout_secs(1);
    lambda.create_function(config, service_fn(risky)).unwrap();
    // A second copy, switched off with reserved concurrency 0: every call is throttled.
    let config = FunctionConfig::new("switched-off");
    lambda.create_function(config, service_fn(risky)).unwrap();
    lambda.put_function_concurrency("switched-off", 0).unwrap();

    let call = |function: &str, payload: String| InvokeRequest::new(function).raw_payload(payload);
    let ask = |what: &str| call("risky", json!({ "do": what }).to_string());
    let seven_mb = format!(r#"{{"pad":"{}"}}"#, "x".repeat(7 * 1024 * 1024));
    let calls = [
        ("the function succeeds", ask("nothing")),
        ("the handler returns an error", ask("fail")),
        ("the handler panics", ask("panic")),
        ("the handler runs past its timeout", ask("hang")),
        ("the answer is over 6 MB", ask("huge")),
        ("no such function", call("no-such-function", "{}".into())),
        (
            "the payload is not JSON",
            call("risky", "{do: fail}".into()),
        ),
        ("the payload is over 6 MB", call("risky", seven_mb)),
        ("throttled", call("switched-off", "{}".into())),
    ];
    let mut seen = Vec::new();
    for (what, request) in calls {
        let outcome = lambda.invoke(request).await;
        seen.push((what, outcome));
    }
    // ANCHOR_END: errors_catalogue
    let mut out = String::new();
    for (what, outcome) in seen {
        out.push_str(&format!("{what}:\n  "));
        match outcome {
            Ok(response) => {
                out.push_str(&format!("{}", response.status_code));
                match &response.function_error {
                    None => out.push_str(&format!(", payload: {}\n", response.payload_text())),
                    Some(error) => {
                        let payload = response.payload_json().unwrap();
                        out.push_str(&format!(
                            ", FunctionError: {error}\n  errorType: {}\n  errorMessage: {}\n",
                            payload["errorType"].as_str().unwrap(),
                            payload["errorMessage"].as_str().unwrap()
                        ));
                    }
                }
            }
            Err(e) => {
                let reason = e
                    .reason
                    .map(|r| format!(" (Reason: {r})"))
                    .unwrap_or_default();
                out.push_str(&format!("{} {}: {}{reason}\n", e.status, e.code, e.message));
            }
        }
    }
    insta::assert_snapshot!(out);
}

// ANCHOR: errors_async_code
/// Emails an invoice. The mail provider rejects mailboxes that do not exist, and it is busy
/// for the first request it gets (`provider_busy` starts `true`).
async fn send_invoice(
    provider_busy: Arc<AtomicBool>,
    event: LambdaEvent<Value>,
) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let to = event["to"].as_str().unwrap_or_default();
    invoker::sleep(Duration::from_millis(200)).await; // the call to the provider
    if to.ends_with(".invalid") {
        let message = format!("550 5.1.1 <{to}>: mailbox unavailable");
        return Err(Diagnostic {
            error_type: "MailboxUnavailable".into(),
            error_message: message.to_string(),
        });
    }
    if provider_busy.swap(false, Ordering::SeqCst) {
        return Err(Diagnostic {
            error_type: "ProviderBusy".into(),
            error_message: "421 4.3.2 try again later".into(),
        });
    }
    ctx.logger()
        .info(format!("invoice {} sent to {to}", event["invoice"]));
    Ok(json!({ "sent": event["invoice"] }))
}
// ANCHOR_END: errors_async_code

#[tokio::test(start_paused = true)]
async fn errors_async_retries_then_a_destination() {
    // ANCHOR: errors_async_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let failures = lambda.sqs().create_queue("invoices-failed");
    let dead_letters = lambda.sqs().create_queue("invoices-dlq");
    let busy = Arc::new(AtomicBool::new(true));
    let code = service_fn(move |event: LambdaEvent<Value>| send_invoice(Arc::clone(&busy), event));
    // The dead-letter queue is part of the function's configuration...
    let config = FunctionConfig::new("send-invoice").dead_letter_queue(&dead_letters);
    lambda.create_function(config, code).unwrap();
    // ...the retries and destinations are the asynchronous invocation settings.
    let settings = EventInvokeConfig::default()
        .maximum_retry_attempts(2)
        .on_failure(&failures);
    lambda
        .put_function_event_invoke_config("send-invoice", settings)
        .unwrap();

    // Two invoices at the same moment, as S3 or EventBridge would send them.
    for (invoice, to) in [(1, "ada@example.com"), (2, "nobody@example.invalid")] {
        let event = InvokeRequest::new("send-invoice")
            .invocation_type(InvocationType::Event)
            .payload(json!({ "invoice": invoice, "to": to }));
        lambda.invoke(event).await.unwrap();
    }
    lambda.settle().await;
    // ANCHOR_END: errors_async_scenario
    let mut out = lambda.transcript();
    for message in lambda.sqs().messages(&failures) {
        let record: Value = serde_json::from_str(&message.body).unwrap();
        out.push_str(&format!(
            "\nthe on-failure destination, invoices-failed:\n{record:#}\n"
        ));
    }
    for message in lambda.sqs().messages(&dead_letters) {
        out.push_str(&format!(
            "\nthe dead-letter queue, invoices-dlq:\nbody: {}\n",
            message.body
        ));
        for (name, (data_type, value)) in &message.attributes {
            out.push_str(&format!("attribute {name} ({data_type}): {value}\n"));
        }
    }
    insta::assert_snapshot!(out);
    // The same run as a picture: `cargo xtask pictures` turns this snapshot into
    // book/src/images/generated/errors_async_retry_timeline.svg.
    let svg = lambda.timeline_svg("send-invoice", Duration::from_secs(2));
    insta::assert_snapshot!("errors_async_retry_timeline_svg", svg);
}

// ANCHOR: errors_idempotency_code
/// Loyalty points by order id: a stand-in for a DynamoDB table, whose conditional `PutItem`
/// (`ConditionExpression: attribute_not_exists(orderId)`) writes an item only if its key is new.
#[derive(Default)]
struct PointsTable {
    items: Mutex<BTreeMap<String, u64>>,
}

impl PointsTable {
    /// Writes the item unless its key exists, in one step; `false`: it was there already.
    fn put_if_absent(&self, order_id: &str, points: u64) -> bool {
        let mut items = self.items.lock().unwrap();
        if items.contains_key(order_id) {
            return false;
        }
        items.insert(order_id.to_owned(), points);
        true
    }
}

/// Adds loyalty points for an order, once: the order id is the idempotency key.
async fn add_points(
    table: Arc<PointsTable>,
    event: LambdaEvent<Value>,
) -> Result<Value, Diagnostic> {
    let (event, ctx) = event.into_parts();
    let order = &event["detail"];
    let order_id = order["orderId"].as_str().ok_or_else(|| Diagnostic {
        error_type: "BadEvent".into(),
        error_message: "the event has no orderId".into(),
    })?;
    let points = order["points"].as_u64().unwrap_or_default();
    invoker::sleep(Duration::from_millis(10)).await; // the round trip to the table
                                                     // The write is the side effect and the duplicate check at once: no window between them.
    if table.put_if_absent(order_id, points) {
        ctx.logger()
            .info(format!("{points} points added for {order_id}"));
        Ok(json!({ "added": points }))
    } else {
        ctx.logger()
            .info(format!("{order_id} was counted already: nothing to do"));
        Ok(json!({ "added": 0 }))
    }
}
// ANCHOR_END: errors_idempotency_code

#[tokio::test(start_paused = true)]
async fn errors_an_idempotent_handler_counts_a_duplicate_once() {
    // ANCHOR: errors_idempotency_scenario
    let lambda = Lambda::builder().seed(2025).build();
    let table = Arc::new(PointsTable::default());
    let shared = Arc::clone(&table);
    let code = service_fn(move |event: LambdaEvent<Value>| add_points(Arc::clone(&shared), event));
    lambda
        .create_function(FunctionConfig::new("loyalty"), code)
        .unwrap();

    // EventBridge delivers the same event twice: at least once means sometimes twice.
    let event = json!({
        "id": "4f1d6c2e-7c57-4b43-9d55-0e1a2b3c4d5e",
        "detail-type": "OrderPlaced",
        "source": "shop.orders",
        "detail": { "orderId": "o-1", "points": 42 },
    });
    for _ in 0..2 {
        let delivery = InvokeRequest::new("loyalty")
            .invocation_type(InvocationType::Event)
            .payload(event.clone());
        lambda.invoke(delivery).await.unwrap();
        invoker::sleep(Duration::from_secs(5)).await;
    }
    lambda.settle().await;
    assert_eq!(table.items.lock().unwrap().values().sum::<u64>(), 42);
    // ANCHOR_END: errors_idempotency_scenario
    insta::assert_snapshot!(lambda.transcript());
}
