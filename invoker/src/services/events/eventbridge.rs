//! EventBridge events: the envelope every EventBridge event shares, here for the Scheduled Event
//! a scheduled rule sends (see [`crate::services::schedule`]).
//!
//! Every EventBridge event has the same top-level fields, `version`, `id`, `detail-type`,
//! `source`, `account`, `time`, `region`, `resources` and `detail` (note the kebab-case
//! `detail-type`); what differs between events is the `source`, the `detail-type` and what is in
//! `detail`. A Scheduled Event comes from `aws.events`, names its rule in `resources`, carries the
//! minute it was scheduled for in `time` (whole seconds, UTC), and has an empty `detail`. In Rust
//! it is `aws_lambda_events::eventbridge::EventBridgeEvent`.

use crate::base::clock;
use serde_json::{json, Value};
use std::time::SystemTime;

/// The Scheduled Event that the rule `rule_arn` (`arn:aws:events:<region>:<account>:rule/<name>`)
/// sends for the minute `time`, with event id `id`.
pub(crate) fn scheduled_event(rule_arn: &str, time: SystemTime, id: &str) -> Value {
    // arn:aws:events:<region>:<account>:rule/<name>
    let mut parts = rule_arn.splitn(6, ':').skip(3);
    let (region, account) = (parts.next(), parts.next());
    json!({
        "version": "0",
        "id": id,
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": clock::rfc3339_seconds(time),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::eventbridge::EventBridgeEvent;
    use std::time::Duration;

    #[test]
    fn deserializes_as_the_real_event_type() {
        let rule = "arn:aws:events:eu-west-1:111122223333:rule/hourly";
        let event = scheduled_event(rule, SystemTime::UNIX_EPOCH, "id-1");
        let typed: EventBridgeEvent = serde_json::from_value(event).expect("the real shape");
        assert_eq!(typed.source, "aws.events");
        assert_eq!(typed.detail_type, "Scheduled Event");
        assert_eq!(typed.region.as_deref(), Some("eu-west-1"));
        assert_eq!(typed.resources, Some(vec![rule.to_owned()]));
        assert_eq!(typed.time.map(|t| t.timestamp()), Some(0));
    }

    #[test]
    fn names_the_rule_its_account_and_the_minute() {
        let rule = "arn:aws:events:us-east-1:123456789012:rule/nightly";
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600);
        let event = scheduled_event(rule, at, "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa");
        assert_eq!(event["detail-type"], "Scheduled Event");
        assert_eq!(event["time"], "2025-01-01T00:00:00Z");
        assert_eq!(event["account"], "123456789012");
    }
}
