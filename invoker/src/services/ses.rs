//! A tiny Amazon SES: send email from a function, and capture it in an outbox for tests.
//!
//! Sending email is the seed notes' example of a function using a library: the handler builds a
//! message and calls SES's `SendEmail`. Nothing leaves the process here: every accepted message
//! lands in [`Ses::outbox`], where a test can read it.
//!
//! What is faithful is what trips people up on AWS:
//! - **Verified identities.** SES sends only from an address (or domain) you have verified.
//! - **The sandbox.** A new account is in the SES sandbox: it may also send only *to* verified
//!   addresses, until AWS grants production access. A rejected message fails with
//!   `MessageRejected` and lists the unverified identities, as SES does.
//!
//! A handler needs `ses:SendEmail` on the sender's identity
//! (`arn:aws:ses:<region>:<account>:identity/<address>`) in its execution role (see
//! [`crate::lambda::iam`]); SES refuses with `AccessDenied` (403) in words of its own, quoted
//! `` `like this' ``.
//!
//! Simplified here: verifying an address takes effect at once (on AWS the owner must click a
//! link), there are no sending quotas, bounces or domains, and a message is plain text.

use crate::base::clock;
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::platform::lock;
use crate::base::transcript::Entry;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::service::Lambda;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

/// An email to send, like the arguments of `aws ses send-email`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// The sender: a verified address.
    pub from: String,
    /// The recipients; in the sandbox, each must be verified too.
    pub to: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The body, plain text.
    pub body: String,
}

impl Email {
    /// An email from `from` to one recipient.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        subject: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Self {
            from: from.into(),
            to: vec![to.into()],
            subject: subject.into(),
            body: body.into(),
        }
    }
}

/// An email SES accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentEmail {
    /// The id SES answered with.
    pub message_id: String,
    /// The email as it was sent.
    pub email: Email,
    /// When it was sent, as an RFC 3339 timestamp on the virtual clock.
    pub sent_at: String,
}

/// The account's SES state.
#[derive(Debug)]
pub(crate) struct Mail {
    verified: BTreeSet<String>,
    in_sandbox: bool,
    outbox: Vec<SentEmail>,
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            verified: BTreeSet::new(),
            in_sandbox: true,
            outbox: Vec::new(),
        }
    }
}

/// The SES part of the simulated account: `lambda.ses().send_email(...)`.
#[derive(Clone)]
pub struct Ses {
    lambda: LambdaHandle,
    mail: Arc<Mutex<Mail>>,
}

impl Lambda {
    /// The account's SES.
    pub fn ses(&self) -> Ses {
        Ses::new(self.handle())
    }
}

impl Ses {
    pub(crate) fn new(lambda: LambdaHandle) -> Self {
        let mail = lambda.platform().state();
        Self { lambda, mail }
    }

    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Mail> {
        lock(&self.mail)
    }

    /// Verifies an email address, like `aws ses verify-email-identity` (and its owner clicking
    /// the link).
    pub fn verify_email_identity(&self, address: &str) {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        state.verified.insert(address.to_owned());
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("ses:VerifyEmailIdentity {address}"),
        });
    }

    /// Takes the account out of the SES sandbox, as AWS does when it grants production access:
    /// recipients no longer need to be verified.
    pub fn grant_production_access(&self) {
        self.state().in_sandbox = false;
    }

    /// Sends an email, like `aws ses send-email`; returns the message id.
    pub fn send_email(&self, email: Email) -> Result<String, ServiceError> {
        let scope = &self.lambda.platform().scope;
        let identity = format!(
            "arn:aws:ses:{}:{}:identity/{}",
            scope.region, scope.account_id, email.from
        );
        self.lambda
            .authorize("ses:SendEmail", &identity)
            .map_err(|denied| {
                ServiceError::new(
                    ErrorCode::AccessDenied,
                    403,
                    format!(
                        "User `{}' is not authorized to perform `ses:SendEmail' on resource `{identity}'",
                        denied.caller
                    ),
                )
            })?;
        let at = self.lambda.platform().elapsed();
        let sent_at = clock::rfc3339_millis(self.lambda.platform().clock.now());
        let region = self.lambda.platform().scope.region.to_uppercase();
        let mut state = self.state();
        let mail = &*state;
        // The sender always needs verifying; in the sandbox, every recipient too.
        let unverified: Vec<&str> = std::iter::once(&email.from)
            .chain(email.to.iter().filter(|_| mail.in_sandbox))
            .filter(|address| !mail.verified.contains(*address))
            .map(String::as_str)
            .collect();
        if !unverified.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::MessageRejected,
                400,
                format!(
                    "Email address is not verified. The following identities failed the check in region {region}: {}",
                    unverified.join(", ")
                ),
            ));
        }
        let message_id = {
            let mut ids = self.lambda.platform().ids();
            format!("{}-{}-000000", ids.hex(8), ids.request_id())
        };
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!(
                "ses:SendEmail from {} to {}: \"{}\" ({message_id})",
                email.from,
                email.to.join(", "),
                email.subject
            ),
        });
        state.outbox.push(SentEmail {
            message_id: message_id.clone(),
            email,
            sent_at,
        });
        Ok(message_id)
    }

    /// Every email sent so far, oldest first.
    pub fn outbox(&self) -> Vec<SentEmail> {
        self.state().outbox.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_sandbox_needs_sender_and_recipients_verified() {
        let lambda = Lambda::new();
        let ses = lambda.ses();
        let email = Email::new("shop@example.com", "ada@example.com", "Hi", "Hello");
        let rejected = ses.send_email(email.clone()).unwrap_err();
        assert_eq!(
            (rejected.code, rejected.status),
            (ErrorCode::MessageRejected, 400)
        );
        assert_eq!(
            rejected.message,
            "Email address is not verified. The following identities failed the check in region US-EAST-1: shop@example.com, ada@example.com"
        );
        ses.verify_email_identity("shop@example.com");
        assert!(ses
            .send_email(email.clone())
            .unwrap_err()
            .message
            .ends_with(": ada@example.com"));
        ses.grant_production_access();
        let id = ses.send_email(email.clone()).unwrap();
        assert_eq!(id.len(), 16 + 1 + 36 + 7);
        assert_eq!(ses.outbox().len(), 1);
        assert_eq!(ses.outbox()[0].email, email);
    }
}
