//! Resource-based policies: who may invoke a function.
//!
//! Two different IAM questions meet at every Lambda function, and confusing them is the most
//! common permissions mistake:
//!
//! - **Who may invoke it?** That is the function's *resource-based policy*, edited with
//!   `aws lambda add-permission`: "S3 may invoke this function for events from bucket `photos`",
//!   "SNS may invoke it for topic `alerts`". Services that **push** events (S3, SNS, EventBridge,
//!   API Gateway) need a statement here.
//! - **What may it do?** That is the *execution role* ([`crate::lambda::iam::Role`]): the function's own
//!   calls to S3, SQS, DynamoDB, KMS and CloudWatch Logs, and Lambda's polling of a queue or
//!   stream on the function's behalf (the **pull** model uses the role, not this policy).
//!
//! When a service pushes an event, the invoke carries its [`Principal`]: the service, the ARN
//! of the resource the event comes from (`AWS:SourceArn`: the bucket, the topic, the rule, the
//! API's route) and the account that owns it (`AWS:SourceAccount`). A statement allows the
//! invoke only if its principal, its `ArnLike` condition and its `StringEquals` condition all
//! match. Without a source ARN, a statement lets the service invoke for *any* bucket, including
//! buckets of other accounts; the source account closes that gap (a bucket ARN names no account,
//! and bucket names can be freed and taken by someone else): the **confused deputy** problem,
//! where S3 would be tricked into invoking your function for a stranger's bucket.
//!
//! Each pushing service meets a missing statement in its own way, as on AWS: S3 refuses the
//! notification configuration ("Unable to validate the following destination configurations"),
//! an SNS delivery fails and is counted, an EventBridge target invocation fails, and API Gateway
//! answers 500. The refusal itself is Lambda's `AccessDeniedException` (403).
//!
//! A handler that invokes another function is the third kind of caller: inside the account, so
//! its execution role must allow `lambda:InvokeFunction` on the target's ARN (see
//! [`crate::lambda::iam`]), unless the target's policy names the role itself as a principal. You, calling
//! from outside any handler, are the account's administrator and need neither.
//!
//! A policy belongs to one qualifier: the unqualified function (`$LATEST`), a version or an
//! alias each have their own, so a permission added to the function does not let S3 invoke
//! `f:prod`. Statement shapes and error messages follow responses recorded from AWS.
//!
//! Simplified here: only `Allow` statements; a principal is a service, `*`, or an IAM role ARN
//! (an account id is accepted and shown, but lets no caller in by itself); no
//! `PrincipalOrgID`, `FunctionUrlAuthType` or `EventSourceToken`.
//!
//! The invoker holds one account, so an invoke of a function ARN of another account is always
//! refused, with the `AccessDeniedException` (403) AWS answers when no resource-based policy of
//! that function lets the caller in. That answer is a guess from AWS's documentation: no
//! cross-account Invoke is recorded (CreateFunction with another account's ARN is, and answers
//! 403 `AccessDeniedException`); so is naming you, the caller outside any handler, as the
//! account's root user (`arn:aws:iam::<account>:root`). Only Invoke checks the account: the
//! other calls that take a function name read an ARN of another account as this account's.

pub(crate) mod policy;

use crate::base::arn::{is_plain_name, FunctionRef, LATEST};
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::transcript::Entry;
use crate::lambda::calls;
use crate::lambda::service::Lambda;
use crate::lambda::trace;
use policy::{policy_qualifier, valid_principal, Permission, Principal, Request};
use serde_json::{json, Value};

impl Lambda {
    /// Adds a statement to a function's resource-based policy, like `aws lambda
    /// add-permission`; `function` may name a version or alias (`f:prod`) to add it to theirs.
    /// Returns the statement as AWS does.
    pub fn add_permission(
        &self,
        function: &str,
        permission: Permission,
    ) -> Result<Value, ServiceError> {
        if !is_plain_name(&permission.statement_id) {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
                permission.statement_id
            )));
        }
        if !valid_principal(&permission.principal) {
            return Err(ServiceError::invalid_parameter_value(
                "The provided principal was invalid. Please check the principal and try again.",
            ));
        }
        let (target, resource) =
            self.policy_target(self.inner.platform.scope.parse(function, None)?)?;
        let key = (target.name.clone(), policy_qualifier(&target));
        let statement = permission.to_json(&resource);
        let at = self.elapsed();
        let mut state = self.state();
        let statements = state.policies.statements.entry(key).or_default();
        if statements
            .iter()
            .any(|s| s.statement_id == permission.statement_id)
        {
            return Err(ServiceError::resource_conflict(format!(
                "The statement id ({}) provided already exists. Please provide a new statement id, or remove the existing statement.",
                permission.statement_id
            )));
        }
        let mut text = format!(
            "add-permission {resource}: {} may {}",
            permission.principal, permission.action
        );
        if let Some(arn) = &permission.source_arn {
            text.push_str(&format!(" for {arn}"));
        }
        if let Some(account) = &permission.source_account {
            text.push_str(&format!(" of account {account}"));
        }
        statements.push(permission);
        self.inner.platform.record(Entry::Api { at, text });
        Ok(statement)
    }

    /// Removes a statement, like `aws lambda remove-permission`.
    pub fn remove_permission(
        &self,
        function: &str,
        statement_id: &str,
    ) -> Result<(), ServiceError> {
        let target = self.inner.platform.scope.parse(function, None)?;
        // Of a function that does not exist, Lambda says it has no policy.
        if target.qualifier.is_none() && !self.state().functions.contains_key(&target.name) {
            return Err(ServiceError::resource_not_found(format!(
                "No policy found for: {}",
                self.inner.platform.scope.function_arn(&target.name)
            )));
        }
        let (target, resource) = self.policy_target(target)?;
        let key = (target.name.clone(), policy_qualifier(&target));
        let at = self.elapsed();
        let mut state = self.state();
        let Some(statements) = state.policies.statements.get_mut(&key) else {
            return Err(ServiceError::resource_not_found(
                "No policy is associated with the given resource.",
            ));
        };
        let before = statements.len();
        statements.retain(|s| s.statement_id != statement_id);
        if statements.len() == before {
            return Err(ServiceError::resource_not_found(format!(
                "Statement {statement_id} is not found in resource policy."
            )));
        }
        if statements.is_empty() {
            state.policies.statements.remove(&key);
        }
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("remove-permission {resource}: {statement_id}"),
        });
        Ok(())
    }

    /// A function's (or version's, or alias's) resource-based policy, like `aws lambda
    /// get-policy`: `{"Version": "2012-10-17", "Id": "default", "Statement": [...]}`.
    pub fn get_policy(&self, function: &str) -> Result<Value, ServiceError> {
        let not_found =
            || ServiceError::resource_not_found("The resource you requested does not exist.");
        let (target, resource) = self
            .inner
            .platform
            .scope
            .parse(function, None)
            .and_then(|target| self.policy_target(target))
            .map_err(|_| not_found())?;
        let key = (target.name.clone(), policy_qualifier(&target));
        let state = self.state();
        let statements = state.policies.statements.get(&key).ok_or_else(not_found)?;
        Ok(json!({
            "Version": "2012-10-17",
            "Id": "default",
            "Statement": statements.iter().map(|s| s.to_json(&resource)).collect::<Vec<_>>(),
        }))
    }

    /// Whether `principal` may invoke `target`. A service needs a statement in the policy of
    /// exactly the qualifier it invokes; the code of another function needs its execution role
    /// to allow it (or a statement naming the role); you need nothing. The refusal is the
    /// `AccessDeniedException` the caller would get.
    pub(crate) fn may_invoke(
        &self,
        principal: &Principal,
        target: &FunctionRef,
    ) -> Result<(), ServiceError> {
        // Only a refusal or a role's check needs the ARN: your own calls, the most common, do not.
        let arn = || self.inner.platform.scope.arn_of(target);
        match principal {
            Principal::Account => match trace::current() {
                None => Ok(()),
                Some(caller) => {
                    let role_arn = caller
                        .identity
                        .role
                        .arn(&self.inner.platform.scope.account_id);
                    let request = Request {
                        principal: &role_arn,
                        source_arn: None,
                        source_account: None,
                    };
                    if self.policy_allows(target, &request) {
                        return Ok(());
                    }
                    calls::authorize(&self.inner.platform, "lambda:InvokeFunction", &arn())
                        .map_err(|denied| access_denied(denied.message()))
                }
            },
            Principal::Service {
                service,
                source_arn,
                source_account,
            } => {
                let request = Request {
                    principal: service,
                    source_arn: Some(source_arn),
                    source_account: Some(source_account),
                };
                if self.policy_allows(target, &request) {
                    return Ok(());
                }
                Err(access_denied(format!(
                    "{service} is not authorized to perform: lambda:InvokeFunction on resource: {} because no resource-based policy allows the lambda:InvokeFunction action",
                    arn()
                )))
            }
        }
    }

    /// The refusal of an invoke of a function of another `account`: the invoker holds one
    /// account, so no policy of that function can let the caller in, and the caller gets the
    /// `AccessDeniedException` AWS answers when no resource-based policy allows a cross-account
    /// call. It names the caller as AWS does: the role's session for a handler's call, the
    /// service for a service's; you, outside any handler, as the account's root user.
    pub(crate) fn denied_to_other_account(
        &self,
        principal: &Principal,
        account: &str,
        target: &FunctionRef,
    ) -> ServiceError {
        let scope = &self.inner.platform.scope;
        let arn = crate::base::arn::Scope {
            region: scope.region.clone(),
            account_id: account.to_owned(),
        }
        .arn_of(target);
        let caller = match (principal, trace::current()) {
            (Principal::Service { service, .. }, _) => service.clone(),
            (Principal::Account, Some(caller)) => {
                let identity = &caller.identity;
                let session = identity
                    .role
                    .session_arn(&scope.account_id, &identity.function);
                format!("User: {session}")
            }
            (Principal::Account, None) => format!("User: arn:aws:iam::{}:root", scope.account_id),
        };
        access_denied(format!(
            "{caller} is not authorized to perform: lambda:InvokeFunction on resource: {arn} because no resource-based policy allows the lambda:InvokeFunction action"
        ))
    }

    /// Whether a statement of `target`'s policy allows `request`.
    fn policy_allows(&self, target: &FunctionRef, request: &Request<'_>) -> bool {
        let key = (target.name.clone(), policy_qualifier(target));
        self.state()
            .policies
            .statements
            .get(&key)
            .is_some_and(|statements| statements.iter().any(|s| s.allows(request)))
    }

    /// The function (or version, or alias) a policy call is about, and its ARN as the
    /// statement's `Resource`; AWS's errors for a missing one or for `$LATEST`.
    fn policy_target(&self, target: FunctionRef) -> Result<(FunctionRef, String), ServiceError> {
        if target.qualifier.as_deref() == Some(LATEST) {
            return Err(ServiceError::invalid_parameter_value(
                "We currently do not support adding policies for $LATEST.",
            ));
        }
        let state = self.state();
        let Some(found) = state.functions.get(&target.name) else {
            return Err(ServiceError::resource_not_found(format!(
                "Function not found: {}",
                self.inner.platform.scope.arn_of(&target)
            )));
        };
        if let Some(qualifier) = &target.qualifier {
            let is_version = found.version(qualifier).is_some();
            let is_alias = found.aliases.contains_key(qualifier);
            if !is_version && !is_alias {
                let arn = self.inner.platform.scope.arn_of(&target);
                return Err(ServiceError::resource_not_found(
                    match qualifier.parse::<u32>() {
                        Ok(_) => format!("Function not found: {arn}"),
                        Err(_) => format!("Cannot find alias arn: {arn}"),
                    },
                ));
            }
        }
        let resource = self.inner.platform.scope.arn_of(&target);
        Ok((target, resource))
    }
}

/// Lambda's refusal of an invoke that no policy allows.
fn access_denied(message: String) -> ServiceError {
    ServiceError::new(ErrorCode::AccessDeniedException, 403, message)
}
