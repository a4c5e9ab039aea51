//! Resource-based policies: their statements, and how a statement is evaluated against an
//! invoke. The data and the pure rules of [`crate::lambda::permissions`], which the service's
//! state holds.

use crate::base::arn::{FunctionRef, LATEST};
use crate::lambda::iam::{action_match, wildcard_match};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Who is calling `Invoke`, as the resource-based policy sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Principal {
    /// Someone in the function's own account: you, at the command line, who may do anything;
    /// or, when the call comes from a handler, that function, whose execution role must allow
    /// `lambda:InvokeFunction` on the target. The resource-based policy is not needed for them.
    #[default]
    Account,
    /// An AWS service acting for a resource: S3 for a bucket, SNS for a topic.
    Service {
        /// `s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`, ...
        service: String,
        /// The bucket, topic or rule the event comes from.
        source_arn: String,
        /// The account that owns the source.
        source_account: String,
    },
}

/// One statement to add, like the arguments of `aws lambda add-permission`.
///
/// ```
/// use invoker::Permission;
/// let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
///     .source_arn("arn:aws:s3:::photos")
///     .source_account("123456789012");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permission {
    pub(crate) statement_id: String,
    pub(crate) principal: String,
    pub(crate) action: String,
    pub(crate) source_arn: Option<String>,
    pub(crate) source_account: Option<String>,
}

impl Permission {
    /// Allows `principal` (a service such as `s3.amazonaws.com`, an account id, an IAM ARN or
    /// `*`) to call `lambda:InvokeFunction`.
    pub fn new(statement_id: impl Into<String>, principal: impl Into<String>) -> Self {
        Self {
            statement_id: statement_id.into(),
            principal: principal.into(),
            action: "lambda:InvokeFunction".into(),
            source_arn: None,
            source_account: None,
        }
    }

    /// Another action than `lambda:InvokeFunction`, e.g. `lambda:*`.
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = action.into();
        self
    }

    /// Only for events from this resource (`ArnLike`, so `*` wildcards work).
    pub fn source_arn(mut self, arn: impl Into<String>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }

    /// Only for resources owned by this account.
    pub fn source_account(mut self, account: impl Into<String>) -> Self {
        self.source_account = Some(account.into());
        self
    }

    /// Whether this statement lets `request` invoke.
    pub(crate) fn allows(&self, request: &Request<'_>) -> bool {
        let action_ok = action_match(&self.action, "lambda:InvokeFunction");
        let principal_ok = self.principal == "*" || self.principal == request.principal;
        // A condition on a key the request does not carry is not met.
        let arn_ok = self.source_arn.as_deref().is_none_or(|pattern| {
            request
                .source_arn
                .is_some_and(|arn| wildcard_match(pattern, arn))
        });
        let account_ok = self
            .source_account
            .as_deref()
            .is_none_or(|account| request.source_account == Some(account));
        action_ok && principal_ok && arn_ok && account_ok
    }

    /// The statement as `get-policy` shows it.
    pub(crate) fn to_json(&self, resource: &str) -> Value {
        let principal = if self.principal == "*" {
            json!("*")
        } else if self.principal.ends_with(".amazonaws.com") {
            json!({ "Service": self.principal })
        } else if is_account_id(&self.principal) {
            json!({ "AWS": format!("arn:aws:iam::{}:root", self.principal) })
        } else {
            json!({ "AWS": self.principal })
        };
        let mut statement = json!({
            "Sid": self.statement_id,
            "Effect": "Allow",
            "Principal": principal,
            "Action": self.action,
            "Resource": resource,
        });
        let mut condition = Map::new();
        if let Some(account) = &self.source_account {
            condition.insert(
                "StringEquals".into(),
                json!({ "AWS:SourceAccount": account }),
            );
        }
        if let Some(arn) = &self.source_arn {
            condition.insert("ArnLike".into(), json!({ "AWS:SourceArn": arn }));
        }
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        statement
    }
}

/// An invoke as a policy evaluates it: who asks, and the condition keys it carries.
pub(crate) struct Request<'a> {
    /// A service (`s3.amazonaws.com`) or an IAM role's ARN.
    pub principal: &'a str,
    /// `AWS:SourceArn`, when a service acts for a resource.
    pub source_arn: Option<&'a str>,
    /// `AWS:SourceAccount`, likewise.
    pub source_account: Option<&'a str>,
}

/// The statements of every policy, by function and qualifier (`$LATEST` for the unqualified
/// function).
#[derive(Debug, Default)]
pub(crate) struct Policies {
    pub statements: BTreeMap<(String, String), Vec<Permission>>,
}

/// The policy a call about `target` reads: the unqualified function's is `$LATEST`'s.
pub(crate) fn policy_qualifier(target: &FunctionRef) -> String {
    target
        .qualifier
        .clone()
        .unwrap_or_else(|| LATEST.to_owned())
}

/// `*`, a service, an account id or an IAM ARN, as `add-permission` accepts.
pub(crate) fn valid_principal(principal: &str) -> bool {
    principal == "*"
        || (principal.ends_with(".amazonaws.com") && !principal.starts_with('.'))
        || is_account_id(principal)
        || principal.starts_with("arn:aws:iam::")
}

/// `123456789012`: twelve digits, which a policy shows as `arn:aws:iam::<account>:root`.
pub(crate) fn is_account_id(principal: &str) -> bool {
    principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_allows_only_its_service_and_source() {
        let s3 = |source_arn: &'static str| Request {
            principal: "s3.amazonaws.com",
            source_arn: Some(source_arn),
            source_account: Some("123456789012"),
        };
        let statement = Permission::new("s3", "s3.amazonaws.com")
            .source_arn("arn:aws:s3:::photos")
            .source_account("123456789012");
        assert!(statement.allows(&s3("arn:aws:s3:::photos")));
        assert!(!statement.allows(&s3("arn:aws:s3:::other")));
        let sns = Request {
            principal: "sns.amazonaws.com",
            ..s3("arn:aws:s3:::photos")
        };
        assert!(!statement.allows(&sns));
        let stranger = Request {
            source_account: Some("111122223333"),
            ..s3("arn:aws:s3:::photos")
        };
        assert!(!statement.allows(&stranger), "the confused deputy");
    }

    #[test]
    fn a_condition_on_a_missing_key_is_not_met() {
        let role = Request {
            principal: "arn:aws:iam::123456789012:role/caller",
            source_arn: None,
            source_account: None,
        };
        assert!(Permission::new("any", "*").allows(&role));
        assert!(!Permission::new("any", "*")
            .source_arn("arn:aws:s3:::photos")
            .allows(&role));
        assert!(Permission::new("r", "arn:aws:iam::123456789012:role/caller").allows(&role));
        assert!(
            !Permission::new("r", "arn:aws:iam::123456789012:role/caller")
                .action("lambda:GetFunction")
                .allows(&role)
        );
    }
}
