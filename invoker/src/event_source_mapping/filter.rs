//! Event filtering (`FilterCriteria`): the patterns that decide which records of a queue or a
//! stream reach the function.
//!
//! A mapping may carry filters, each a JSON pattern. A record reaches the function if **any**
//! pattern matches it; a record no pattern matches is dropped before it costs an invocation:
//! an SQS message is deleted from the queue, and a stream record is passed over (the poller
//! reads on; on AWS the mapping's `FilteredOutEventCount` metric counts it). With no filter,
//! every record goes through.
//!
//! A pattern has the shape of the record the function would receive. Each field of the pattern
//! names a field of the record and holds either a nested pattern (for a nested object) or a
//! non-empty list of conditions, of which the record's value must meet **one** (or); every field
//! of the pattern must match (and). A condition is one of Lambda's filter rules:
//!
//! | rule | condition | matches a value that |
//! | --- | --- | --- |
//! | equals, null, empty | `"Alice"`, `42`, `true`, `null`, `""` | is that value (numbers as numbers) |
//! | equals, ignoring case | `{"equals-ignore-case": "alice"}` | is that string in any case |
//! | begins with | `{"prefix": "us-"}` | is a string that starts so |
//! | ends with | `{"suffix": ".png"}` | is a string that ends so |
//! | not | `{"anything-but": ["Raining", "Snowing"]}` (or one value) | is there and is none of them |
//! | numeric | `{"numeric": [">", 10, "<=", 20]}` (`=`, `<`, `<=`, `>`, `>=`) | is a number in range |
//! | exists | `{"exists": true}` / `{"exists": false}` | is a value, not an object / is not |
//!
//! A record field that is a list matches if any of its elements does. A pattern that is not a
//! JSON object, a field that holds neither an object nor a non-empty list, or a condition that is
//! none of the above is refused when the mapping is created: `InvalidParameterValueException`,
//! `Invalid filter pattern definition.` (recorded on AWS).
//!
//! Where the record's data is JSON text, Lambda filters on the JSON it holds, so that a pattern can
//! name the fields inside: an SQS message's `body`, and a Kinesis record's `data` once decoded from
//! base64. A body that is not JSON is filtered as the plain string it is, so a pattern that looks
//! inside it (`{"body": {"kind": [...]}}`) drops it. DynamoDB Streams records are filtered as
//! the function receives them, in DynamoDB JSON: a pattern on an attribute names its type,
//! `{"dynamodb": {"NewImage": {"kind": {"S": ["order"]}}}}`, and a number attribute is a string
//! there (`{"N": "42"}`), which `numeric` does not match (recorded on AWS).
//!
//! Simplified here: EventBridge's other operators (`wildcard`, `cidr`, `$or`, `anything-but` with
//! `prefix` or `suffix`), which Lambda does not list among its filter rules, are refused as
//! invalid; Lambda's limit of 5 filters per mapping is not checked; Kinesis data that is not JSON
//! is filtered as its base64 text.

use crate::base::error::ServiceError;
use serde_json::{Map, Value};

/// The filters of a mapping, parsed: a record goes through if any pattern matches it, and every
/// record does if there is none.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filters {
    patterns: Vec<Pattern>,
}

/// A pattern: every field must match.
#[derive(Clone, Debug)]
struct Pattern {
    fields: Vec<(String, Rule)>,
}

/// What one field of a pattern asks of the record's field.
#[derive(Clone, Debug)]
enum Rule {
    /// The field is an object, and matches this pattern.
    Nested(Pattern),
    /// The field meets one of these conditions.
    AnyOf(Vec<Condition>),
}

/// One of Lambda's filter rules.
#[derive(Clone, Debug)]
enum Condition {
    Equals(Value),
    EqualsIgnoreCase(String),
    Prefix(String),
    Suffix(String),
    AnythingBut(Vec<Value>),
    Numeric(Vec<(Comparison, f64)>),
    Exists(bool),
}

/// An operator of a `numeric` condition.
#[derive(Clone, Copy, Debug)]
enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// Lambda's answer to a pattern it cannot read.
fn invalid() -> ServiceError {
    ServiceError::invalid_parameter_value("Invalid filter pattern definition.")
}

impl Filters {
    /// Parses the patterns of `FilterCriteria.Filters[].Pattern`, each JSON text, as Lambda does
    /// when the mapping is created.
    pub(crate) fn parse(patterns: &[String]) -> Result<Self, ServiceError> {
        let patterns = patterns
            .iter()
            .map(|text| match serde_json::from_str(text) {
                Ok(Value::Object(fields)) => Pattern::parse(&fields),
                _ => Err(invalid()),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { patterns })
    }

    /// Whether there is no filter (every record goes through).
    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether a record, in the shape the filters see it (see [`filterable`]), goes through.
    pub(crate) fn let_through(&self, record: &Value) -> bool {
        let no_fields = Map::new();
        let fields = record.as_object().unwrap_or(&no_fields);
        self.is_empty() || self.patterns.iter().any(|p| p.admits(fields))
    }
}

/// A record as the filters see it: the record the function would receive, with the field at
/// `path` (an SQS message's `body`, a Kinesis record's `data`) replaced by the JSON that `text`
/// (the body, the decoded data) holds, if it is JSON.
pub(crate) fn filterable(mut record: Value, path: &[&str], text: &[u8]) -> Value {
    let Ok(parsed) = serde_json::from_slice::<Value>(text) else {
        return record;
    };
    let mut place = &mut record;
    for name in path {
        place = &mut place[*name];
    }
    *place = parsed;
    record
}

impl Pattern {
    fn parse(fields: &Map<String, Value>) -> Result<Self, ServiceError> {
        if fields.is_empty() {
            return Err(invalid());
        }
        let fields = fields
            .iter()
            .map(|(name, rule)| {
                let rule = match rule {
                    Value::Object(nested) => Rule::Nested(Pattern::parse(nested)?),
                    Value::Array(conditions) if !conditions.is_empty() => Rule::AnyOf(
                        conditions
                            .iter()
                            .map(Condition::parse)
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err(invalid()),
                };
                Ok((name.clone(), rule))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { fields })
    }

    fn admits(&self, record: &Map<String, Value>) -> bool {
        self.fields
            .iter()
            .all(|(name, rule)| rule.admits(record.get(name)))
    }
}

impl Rule {
    /// Whether the record's field (`None`: the record has no such field) matches.
    fn admits(&self, field: Option<&Value>) -> bool {
        match (self, field) {
            (Rule::Nested(pattern), Some(Value::Object(fields))) => pattern.admits(fields),
            // A missing object matches only a pattern that asks for fields not to exist.
            (Rule::Nested(pattern), None) => pattern.admits(&Map::new()),
            (Rule::Nested(_), Some(_)) => false,
            (Rule::AnyOf(conditions), None) => conditions
                .iter()
                .any(|c| matches!(c, Condition::Exists(false))),
            (Rule::AnyOf(conditions), Some(Value::Array(elements))) => elements
                .iter()
                .any(|element| conditions.iter().any(|c| c.admits(element))),
            (Rule::AnyOf(conditions), Some(value)) => conditions.iter().any(|c| c.admits(value)),
        }
    }
}

impl Condition {
    fn parse(condition: &Value) -> Result<Self, ServiceError> {
        let Value::Object(operator) = condition else {
            return match condition {
                Value::Array(_) => Err(invalid()),
                plain => Ok(Condition::Equals(plain.clone())),
            };
        };
        let mut operators = operator.iter();
        let (Some((name, operand)), None) = (operators.next(), operators.next()) else {
            return Err(invalid());
        };
        let text = || operand.as_str().map(str::to_owned).ok_or_else(invalid);
        Ok(match name.as_str() {
            "equals-ignore-case" => Condition::EqualsIgnoreCase(text()?),
            "prefix" => Condition::Prefix(text()?),
            "suffix" => Condition::Suffix(text()?),
            "exists" => Condition::Exists(operand.as_bool().ok_or_else(invalid)?),
            "anything-but" => Condition::AnythingBut(match operand {
                Value::String(_) | Value::Number(_) => vec![operand.clone()],
                Value::Array(values)
                    if !values.is_empty()
                        && values.iter().all(|v| v.is_string() || v.is_number()) =>
                {
                    values.clone()
                }
                _ => return Err(invalid()),
            }),
            "numeric" => Condition::Numeric(Self::parse_numeric(operand)?),
            _ => return Err(invalid()),
        })
    }

    /// `[">", 10]` or `[">", 10, "<=", 20]`: one or two comparisons, which must all hold.
    fn parse_numeric(operand: &Value) -> Result<Vec<(Comparison, f64)>, ServiceError> {
        let terms = operand.as_array().ok_or_else(invalid)?;
        if !matches!(terms.len(), 2 | 4) {
            return Err(invalid());
        }
        terms
            .chunks(2)
            .map(|term| {
                let comparison = match term[0].as_str() {
                    Some("=") => Comparison::Equal,
                    Some("<") => Comparison::Less,
                    Some("<=") => Comparison::LessOrEqual,
                    Some(">") => Comparison::Greater,
                    Some(">=") => Comparison::GreaterOrEqual,
                    _ => return Err(invalid()),
                };
                Ok((comparison, term[1].as_f64().ok_or_else(invalid)?))
            })
            .collect()
    }

    /// Whether a value the record has meets the condition.
    fn admits(&self, value: &Value) -> bool {
        match self {
            Condition::Equals(expected) => same(expected, value),
            Condition::EqualsIgnoreCase(expected) => value
                .as_str()
                .is_some_and(|text| text.to_lowercase() == expected.to_lowercase()),
            Condition::Prefix(prefix) => value.as_str().is_some_and(|t| t.starts_with(prefix)),
            Condition::Suffix(suffix) => value.as_str().is_some_and(|t| t.ends_with(suffix)),
            Condition::AnythingBut(excluded) => !excluded.iter().any(|e| same(e, value)),
            Condition::Numeric(comparisons) => value.as_f64().is_some_and(|number| {
                comparisons
                    .iter()
                    .all(|(comparison, bound)| match comparison {
                        Comparison::Equal => number == *bound,
                        Comparison::Less => number < *bound,
                        Comparison::LessOrEqual => number <= *bound,
                        Comparison::Greater => number > *bound,
                        Comparison::GreaterOrEqual => number >= *bound,
                    })
            }),
            // Only values (leaves) exist for a filter: a field that holds an object does not, so
            // `exists: false` matches it (recorded on AWS, with a DynamoDB attribute's `{"S": …}`).
            Condition::Exists(exists) => *exists != value.is_object(),
        }
    }
}

/// Whether two JSON values are the same for a filter: numbers by value (`100` is `100.0`).
fn same(expected: &Value, value: &Value) -> bool {
    match (expected.as_f64(), value.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => expected == value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filters(patterns: &[Value]) -> Filters {
        let texts: Vec<String> = patterns.iter().map(Value::to_string).collect();
        Filters::parse(&texts).unwrap()
    }

    fn lets_through(pattern: Value, record: Value) -> bool {
        filters(&[pattern]).let_through(&record)
    }

    #[test]
    fn no_filter_lets_everything_through() {
        assert!(Filters::default().let_through(&json!({"anything": 1})));
    }

    #[test]
    fn fields_must_all_match_and_one_value_of_each() {
        let pattern = json!({"kind": ["order", "refund"], "shop": ["north"]});
        assert!(lets_through(
            pattern.clone(),
            json!({"kind": "refund", "shop": "north"})
        ));
        assert!(!lets_through(
            pattern.clone(),
            json!({"kind": "refund", "shop": "south"})
        ));
        assert!(!lets_through(
            pattern,
            json!({"kind": "other", "shop": "north"})
        ));
    }

    #[test]
    fn any_pattern_lets_a_record_through() {
        let either = filters(&[json!({"a": [1]}), json!({"b": [2]})]);
        assert!(either.let_through(&json!({"b": 2})));
        assert!(!either.let_through(&json!({"a": 2, "b": 1})));
    }

    #[test]
    fn nested_patterns_follow_nested_objects() {
        let pattern = json!({"detail": {"state": ["on"]}});
        assert!(lets_through(
            pattern.clone(),
            json!({"detail": {"state": "on"}})
        ));
        assert!(!lets_through(pattern.clone(), json!({"detail": "on"})));
        assert!(!lets_through(pattern, json!({"state": "on"})));
    }

    #[test]
    fn each_condition() {
        let cases = [
            (json!(null), json!(null), json!("")),
            (json!(""), json!(""), json!(null)),
            (json!(100), json!(100.0), json!("100")),
            (
                json!({"equals-ignore-case": "alice"}),
                json!("ALICE"),
                json!("bob"),
            ),
            (
                json!({"prefix": "us-"}),
                json!("us-east-1"),
                json!("eu-west-1"),
            ),
            (
                json!({"suffix": ".png"}),
                json!("cat.png"),
                json!("cat.jpg"),
            ),
            (
                json!({"anything-but": ["rain", "snow"]}),
                json!("sun"),
                json!("rain"),
            ),
            (json!({"anything-but": "101"}), json!("42"), json!("101")),
            (
                json!({"numeric": [">=", 100, "<", 200]}),
                json!(100),
                json!(200),
            ),
            (json!({"numeric": ["=", 5]}), json!(5.0), json!("5")),
            (json!({"exists": true}), json!("x"), json!({"S": "x"})),
            (json!({"exists": false}), json!({"S": "x"}), json!("x")),
        ];
        for (condition, matching, not_matching) in cases {
            let pattern = json!({ "field": [condition] });
            assert!(
                lets_through(pattern.clone(), json!({ "field": matching })),
                "{pattern} and {matching}"
            );
            assert!(
                !lets_through(pattern.clone(), json!({ "field": not_matching })),
                "{pattern} and {not_matching}"
            );
        }
    }

    #[test]
    fn a_missing_field_matches_only_exists_false() {
        let absent = json!({"other": 1});
        assert!(lets_through(
            json!({"field": [{"exists": false}]}),
            absent.clone()
        ));
        assert!(lets_through(
            json!({"deep": {"field": [{"exists": false}]}}),
            absent.clone()
        ));
        assert!(!lets_through(
            json!({"field": [{"anything-but": "x"}]}),
            absent.clone()
        ));
        assert!(!lets_through(json!({"field": [null]}), absent.clone()));
        assert!(!lets_through(
            json!({"field": [{"exists": false}]}),
            json!({"field": "x"})
        ));
    }

    #[test]
    fn a_list_in_the_record_matches_if_an_element_does() {
        let pattern = json!({"tags": ["urgent"]});
        assert!(lets_through(
            pattern.clone(),
            json!({"tags": ["late", "urgent"]})
        ));
        assert!(!lets_through(pattern, json!({"tags": ["late"]})));
    }

    #[test]
    fn json_text_is_filtered_as_the_json_it_holds() {
        let record = json!({"body": "{\"kind\": \"order\"}"});
        let text = record["body"].as_str().unwrap().as_bytes().to_vec();
        let seen = filterable(record, &["body"], &text);
        assert!(lets_through(json!({"body": {"kind": ["order"]}}), seen));
        let plain = json!({"body": "plain-string"});
        let seen = filterable(plain, &["body"], b"plain-string");
        assert!(!lets_through(
            json!({"body": {"kind": ["order"]}}),
            seen.clone()
        ));
        assert!(lets_through(json!({"body": ["plain-string"]}), seen));
    }

    #[test]
    fn invalid_patterns_are_refused_in_lambdas_words() {
        for text in [
            "null",
            "simple string",
            r#"{"eventSource": "aws:sqs"}"#,
            r#"{"eventSource": []}"#,
            r#"[{"eventName": ["INSERT"=123}]"#,
            r#"{"a": [{"prefix": 1}]}"#,
            r#"{"a": [{"numeric": [">"]}]}"#,
            r#"{"a": [{"wildcard": "*.png"}]}"#,
            r#"{"a": [{"prefix": "x", "suffix": "y"}]}"#,
            r#"{"a": {}}"#,
        ] {
            let refused = Filters::parse(&[text.to_owned()]).unwrap_err();
            assert_eq!(
                (refused.code, refused.message.as_str()),
                (
                    crate::base::error::ErrorCode::InvalidParameterValueException,
                    "Invalid filter pattern definition."
                ),
                "{text}"
            );
        }
    }
}
