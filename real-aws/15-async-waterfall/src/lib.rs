//! # Exercise 15 on real AWS: what the chain's steps share
//!
//! Steps 2 and 3 (`src/bin/`) are invoked by the on-success destination of the step before, so
//! their event is Lambda's invocation record, and the step before's answer is its
//! `responsePayload`: [`previous_result`], the solution's (`solutions/15-async-waterfall`).

use lambda_runtime::Diagnostic;
use serde_json::Value;

/// The result of the step before: the `responsePayload` of the destination record `record`.
pub fn previous_result(record: &Value) -> Result<Value, Diagnostic> {
    // A destination function receives the whole invocation record, never the bare answer.
    record
        .get("responsePayload")
        .cloned()
        .ok_or_else(|| Diagnostic {
            error_type: "NotADestinationRecord".into(),
            error_message:
                "expected the destination record of the step before, with its responsePayload"
                    .into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_destination_record_has_a_previous_result() {
        let record = json!({ "requestContext": {}, "responsePayload": { "bucket": "b" } });
        assert_eq!(
            previous_result(&record).ok(),
            Some(json!({ "bucket": "b" }))
        );
        let bare = json!({ "bucket": "b" });
        assert_eq!(
            previous_result(&bare)
                .map_err(|d| d.error_type)
                .err()
                .as_deref(),
            Some("NotADestinationRecord")
        );
    }
}
