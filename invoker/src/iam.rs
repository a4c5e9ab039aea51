//! Execution roles: what a function's code is allowed to do.
//!
//! Every Lambda function runs as an IAM role, its *execution role*. When the code calls another
//! AWS service (decrypt a secret with KMS, write an object to S3), the call is signed with the
//! role's temporary credentials and the service checks the role's policies. Nothing is allowed
//! unless a policy allows it, which is why a new function can write logs (the basic role allows
//! that) but cannot read a bucket until someone grants it.
//!
//! The invoker models a role as a name and a list of allowed (action, resource) pairs; `*` at the
//! end of a resource matches any suffix, as in IAM policies.

/// An execution role and the actions it allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    name: String,
    allowed: Vec<(String, String)>,
}

impl Role {
    /// A role that allows nothing yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            allowed: Vec::new(),
        }
    }

    /// Allows `action` (e.g. `kms:Decrypt`) on `resource` (an ARN, optionally ending in `*`).
    pub fn allow(mut self, action: impl Into<String>, resource: impl Into<String>) -> Self {
        self.allowed.push((action.into(), resource.into()));
        self
    }

    /// The role's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether some statement allows `action` on `resource`.
    pub fn allows(&self, action: &str, resource: &str) -> bool {
        self.allowed.iter().any(|(a, r)| {
            a == action
                && match r.strip_suffix('*') {
                    Some(prefix) => resource.starts_with(prefix),
                    None => r == resource,
                }
        })
    }

    /// The role's ARN: `arn:aws:iam::<account>:role/<name>`.
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:role/{}", self.name)
    }
}

impl Default for Role {
    /// `lambda-basic-execution`, which allows only what every function needs: its logs.
    fn default() -> Self {
        Role::new("lambda-basic-execution")
            .allow("logs:CreateLogStream", "*")
            .allow("logs:PutLogEvents", "*")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_allowed_unless_a_statement_allows_it() {
        let role =
            Role::new("app").allow("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/*");
        assert!(role.allows("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/abc"));
        assert!(!role.allows("kms:Encrypt", "arn:aws:kms:us-east-1:123456789012:key/abc"));
        assert!(!role.allows("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/abc"));
        assert!(
            !Role::default().allows("kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/abc")
        );
    }
}
