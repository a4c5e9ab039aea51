//! Execution roles: what a function's code is allowed to do.
//!
//! Every Lambda function runs as an IAM role, its *execution role*. When the code calls another
//! AWS service (write an object to S3, send a message to SQS, decrypt a secret with KMS), the
//! call is signed with the role's temporary credentials, and the service checks the role's
//! policies. Nothing is allowed unless a statement allows it, which is why a new function can
//! write its logs (the basic role allows that) but cannot read a bucket until someone grants it.
//! The role is also what Lambda itself uses for the function: to write its logs to CloudWatch
//! (a role without `logs:CreateLogStream` and `logs:PutLogEvents` runs the function, but its log
//! lines go nowhere) and to poll a queue or stream for an event source mapping (the **pull**
//! model: the mapping is refused at creation if the role may not read the source).
//!
//! Who may *invoke* the function is another question, answered by its resource-based policy
//! (see [`crate::lambda::permissions`]).
//!
//! The invoker models a role as a name and a list of allowed (action, resource) pairs, like the
//! `Action` and `Resource` of IAM statements: `*` matches any run of characters and `?` any one,
//! in both; actions are compared without case (`s3:getobject` is `s3:GetObject`). A call from
//! a handler (or from its init code) is checked against the role of the function that runs it,
//! found through the current caller (see [`crate::lambda::trace`]); a call from outside any handler, a
//! test's own setup, is made as the account's administrator and always allowed. A refused call
//! fails with the service's own error (S3's `AccessDenied`, DynamoDB's
//! `AccessDeniedException`, …) and its message names the role's session, as AWS does:
//! `User: arn:aws:sts::<account>:assumed-role/<role>/<function> is not authorized to perform: …`.
//! The refusal is written in the transcript, inside the invocation that made the call.
//!
//! ```
//! use invoker::{ManagedPolicy, Role};
//! let role = Role::new("index-upload-role")
//!     .attach(ManagedPolicy::BasicExecution)
//!     .allow("s3:GetObject", "arn:aws:s3:::uploads/*");
//! assert!(role.allows("s3:GetObject", "arn:aws:s3:::uploads/cat.jpg"));
//! assert!(!role.allows("s3:PutObject", "arn:aws:s3:::uploads/cat.jpg"));
//! ```
//!
//! Simplified here: statements only allow (no `Deny`, no conditions), there are no permission
//! boundaries or organization policies, and every role trusts `lambda.amazonaws.com` (on AWS
//! the role's *trust policy* must say so, or Lambda cannot assume it).

/// An execution role and the actions it allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    name: String,
    /// (action, resource) patterns, in the order they were allowed.
    allowed: Vec<(String, String)>,
    /// The AWS managed policies attached, by name.
    attached: Vec<&'static str>,
}

/// AWS managed policies for Lambda execution roles: the ones the console and SAM attach.
///
/// Each allows its actions on every resource (`"Resource": "*"`), as the real policies do. That
/// is convenient and broad; a least-privilege role names its resources instead (see
/// [`Role::allow`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagedPolicy {
    /// `AWSLambdaBasicExecutionRole`: write logs to CloudWatch.
    BasicExecution,
    /// `AWSLambdaSQSQueueExecutionRole`: logs, and read and delete the messages of SQS queues
    /// (what an SQS event source mapping needs).
    SqsQueueExecution,
    /// `AWSLambdaKinesisExecutionRole`: logs, and read Kinesis streams.
    KinesisExecution,
    /// `AWSLambdaDynamoDBExecutionRole`: logs, and read DynamoDB streams.
    DynamoDbExecution,
}

/// What every function needs: its log group and streams, and their lines.
const LOGS: [&str; 3] = [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];

impl ManagedPolicy {
    /// The policy's name, e.g. `AWSLambdaBasicExecutionRole`.
    pub fn name(self) -> &'static str {
        match self {
            Self::BasicExecution => "AWSLambdaBasicExecutionRole",
            Self::SqsQueueExecution => "AWSLambdaSQSQueueExecutionRole",
            Self::KinesisExecution => "AWSLambdaKinesisExecutionRole",
            Self::DynamoDbExecution => "AWSLambdaDynamoDBExecutionRole",
        }
    }

    /// The policy's ARN, as `aws iam attach-role-policy --policy-arn` takes it.
    pub fn arn(self) -> String {
        format!("arn:aws:iam::aws:policy/service-role/{}", self.name())
    }

    /// The actions the policy allows, on every resource.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Self::BasicExecution => &LOGS,
            Self::SqsQueueExecution => &[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                LOGS[0],
                LOGS[1],
                LOGS[2],
            ],
            Self::KinesisExecution => &[
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
                "kinesis:ListStreams",
                "kinesis:SubscribeToShard",
                LOGS[0],
                LOGS[1],
                LOGS[2],
            ],
            Self::DynamoDbExecution => &[
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
                LOGS[0],
                LOGS[1],
                LOGS[2],
            ],
        }
    }
}

impl Role {
    /// A role that allows nothing yet: not even its function's logs.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            allowed: Vec::new(),
            attached: Vec::new(),
        }
    }

    /// Allows `action` (e.g. `s3:GetObject`, or a pattern such as `s3:Get*`) on `resource` (an
    /// ARN, or a pattern such as `arn:aws:s3:::photos/*`): one statement of an inline policy.
    pub fn allow(mut self, action: impl Into<String>, resource: impl Into<String>) -> Self {
        self.allowed.push((action.into(), resource.into()));
        self
    }

    /// Attaches an AWS managed policy, like `aws iam attach-role-policy`.
    pub fn attach(mut self, policy: ManagedPolicy) -> Self {
        if !self.attached.contains(&policy.name()) {
            self.attached.push(policy.name());
            for action in policy.actions() {
                self.allowed.push(((*action).to_owned(), "*".to_owned()));
            }
        }
        self
    }

    /// The role's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names of the managed policies attached.
    pub fn attached_policies(&self) -> &[&'static str] {
        &self.attached
    }

    /// Whether some statement allows `action` on `resource`.
    pub fn allows(&self, action: &str, resource: &str) -> bool {
        self.allowed
            .iter()
            .any(|(a, r)| action_match(a, action) && wildcard_match(r, resource))
    }

    /// The role's ARN: `arn:aws:iam::<account>:role/<name>`.
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:role/{}", self.name)
    }

    /// Checks a call that `function`'s code makes as this role in `account_id`: `Err` says who
    /// was refused what, for the refusing service to word its error.
    pub(crate) fn check(
        &self,
        account_id: &str,
        function: &str,
        action: &str,
        resource: &str,
    ) -> Result<(), Denied> {
        if self.allows(action, resource) {
            return Ok(());
        }
        Err(Denied {
            role: self.name.clone(),
            caller: self.session_arn(account_id, function),
            action: action.to_owned(),
            resource: resource.to_owned(),
        })
    }

    /// The ARN of the role's session when `function` runs as it, as refusals name the caller:
    /// `arn:aws:sts::<account>:assumed-role/<role>/<function>`.
    pub fn session_arn(&self, account_id: &str, function: &str) -> String {
        format!(
            "arn:aws:sts::{account_id}:assumed-role/{}/{function}",
            self.name
        )
    }
}

impl Default for Role {
    /// `lambda-basic-execution`, with `AWSLambdaBasicExecutionRole` attached: only what every
    /// function needs, its logs.
    fn default() -> Self {
        Role::new("lambda-basic-execution").attach(ManagedPolicy::BasicExecution)
    }
}

/// IAM's matching of `Resource` and `ArnLike` patterns: `*` matches any run of characters
/// (none included), `?` any one character. ARNs are compared with their case.
pub(crate) fn wildcard_match(pattern: &str, value: &str) -> bool {
    matches(pattern.as_bytes(), value.as_bytes(), u8::eq)
}

/// IAM's matching of `Action` patterns: wildcards as in [`wildcard_match`], but without case,
/// because IAM treats `s3:getobject` and `s3:GetObject` as one action.
pub(crate) fn action_match(pattern: &str, action: &str) -> bool {
    matches(
        pattern.as_bytes(),
        action.as_bytes(),
        u8::eq_ignore_ascii_case,
    )
}

/// Whether `p`, with `*` and `?` wildcards, matches all of `s`, characters compared by `same`.
fn matches(p: &[u8], s: &[u8], same: fn(&u8, &u8) -> bool) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            matches(&p[1..], s, same) || (!s.is_empty() && matches(p, &s[1..], same))
        }
        (Some(b'?'), Some(_)) => matches(&p[1..], &s[1..], same),
        (Some(a), Some(b)) if same(a, b) => matches(&p[1..], &s[1..], same),
        _ => false,
    }
}

/// A call the caller's execution role does not allow: who called, what and on what, for the
/// refusing service to word its error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Denied {
    /// The role's name.
    pub role: String,
    /// The role's session: `arn:aws:sts::<account>:assumed-role/<role>/<function>`.
    pub caller: String,
    pub action: String,
    pub resource: String,
}

impl Denied {
    /// The words most services use (Lambda, DynamoDB, Kinesis, KMS): `User: <caller> is not
    /// authorized to perform: <action> on resource: <resource> because no identity-based policy
    /// allows the <action> action`. S3 quotes the resource, SNS writes `SNS:Publish` and SQS
    /// `sqs:sendmessage`: [`Denied::message_with`] words those.
    pub(crate) fn message(&self) -> String {
        self.message_with(&self.action, &self.resource)
    }

    /// The refusal as the transcript shows it, inside the invocation that made the call.
    pub(crate) fn note(&self) -> String {
        format!(
            "{} on {} denied: no statement of role {} allows it",
            self.action, self.resource, self.role
        )
    }

    /// The usual words with the action and resource written the refusing service's way.
    pub(crate) fn message_with(&self, action: &str, resource: &str) -> String {
        format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action",
            self.caller
        )
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
        assert!(!Role::new("empty").allows("logs:PutLogEvents", "*"));
    }

    #[test]
    fn wildcards_work_in_actions_and_resources_as_in_iam() {
        let role = Role::new("app")
            .allow("s3:Get*", "arn:aws:s3:::photos/*")
            .allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/orders");
        assert!(role.allows("s3:GetObject", "arn:aws:s3:::photos/a/b.jpg"));
        assert!(
            role.allows("S3:GETOBJECT", "arn:aws:s3:::photos/a"),
            "actions ignore case"
        );
        assert!(!role.allows("s3:GetObject", "arn:aws:s3:::photos"));
        assert!(!role.allows("s3:PutObject", "arn:aws:s3:::photos/a"));
        assert!(role.allows(
            "dynamodb:PutItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
        ));
        assert!(!role.allows(
            "dynamodb:PutItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders-archive"
        ));
        assert!(wildcard_match("arn:aws:s3:::photo?", "arn:aws:s3:::photos"));
        assert!(!wildcard_match(
            "arn:aws:s3:::photos",
            "arn:aws:s3:::photos-2"
        ));
        assert!(!wildcard_match("arn:aws:s3:::photo?", "arn:aws:s3:::photo"));
    }

    #[test]
    fn managed_policies_allow_their_actions_everywhere_once() {
        let role = Role::new("poller")
            .attach(ManagedPolicy::SqsQueueExecution)
            .attach(ManagedPolicy::SqsQueueExecution);
        assert!(role.allows("sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:1:any"));
        assert!(role.allows("logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:x"));
        assert!(!role.allows("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:any"));
        assert_eq!(role.attached_policies(), ["AWSLambdaSQSQueueExecutionRole"]);
        assert_eq!(
            ManagedPolicy::BasicExecution.arn(),
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        );
    }
}
