//! Function names, qualifiers and ARNs, written and read exactly as AWS does.
//!
//! A function can be named four ways in an Invoke call, and a qualifier can ride along in the name
//! or come separately:
//!
//! | form         | example                                                       |
//! |--------------|---------------------------------------------------------------|
//! | name         | `hello`, `hello:prod`                                         |
//! | partial ARN  | `123456789012:function:hello`                                 |
//! | full ARN     | `arn:aws:lambda:us-east-1:123456789012:function:hello:7`      |
//!
//! An *unqualified* ARN names the function and invokes `$LATEST`; a *qualified* one ends in a
//! version (`:7`, `:$LATEST`) or an alias (`:prod`). `Context::invoked_function_arn` is always the
//! ARN form of exactly what the caller used, which is how a handler can tell which alias it was
//! reached through.
//!
//! What AWS answers, as recorded from real Invoke calls: a name that does not fit the pattern
//! (a malformed region or account, a `$` in a qualifier other than `$LATEST`, too many parts) is a
//! `ValidationException` quoting the pattern; a separate qualifier longer than 128 characters is a
//! `ValidationException` on its length; an ARN of another region is a `ResourceNotFoundException`
//! ("Functions from '…' are not reachable in this region"). A name longer than the 64 characters a
//! function name may have is *not* refused by Invoke's validation: no such function can exist, so
//! AWS answers `ResourceNotFoundException` ("Function not found: …"), and so does the invoker. (The
//! 64- and 140-character messages are CreateFunction's.) An ARN of another account names a
//! function that is not this account's: [`Scope::other_account`] tells, and Invoke refuses it (see
//! [`crate::lambda::permissions`]).

use crate::base::error::ServiceError;

/// The version every function has: the only one whose code and configuration can change.
pub(crate) const LATEST: &str = "$LATEST";

/// The pattern AWS checks function names against, quoted in its validation messages.
const FUNCTION_NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
/// The pattern AWS checks qualifiers against.
const QUALIFIER_PATTERN: &str = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";
/// The longest qualifier (a version or an alias) AWS accepts.
const MAX_QUALIFIER_LEN: usize = 128;

/// The region and account a simulated Lambda service lives in; every ARN starts with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Scope {
    /// e.g. `us-east-1`
    pub region: String,
    /// a 12-digit account id
    pub account_id: String,
}

impl Scope {
    /// `arn:aws:lambda:<region>:<account>:function:<name>`: the unqualified ARN.
    ///
    /// Every invocation makes one or two ARNs (its context's `invoked_function_arn`, a record's
    /// `functionArn`), so the parts are copied together with `concat`, several times quicker
    /// than `format!`.
    pub(crate) fn function_arn(&self, name: &str) -> String {
        let parts = [
            "arn:aws:lambda:",
            &self.region,
            ":",
            &self.account_id,
            ":function:",
            name,
        ];
        parts.concat()
    }

    /// The function ARN with `:<qualifier>` (a version or alias) appended.
    pub(crate) fn qualified_arn(&self, name: &str, qualifier: &str) -> String {
        let mut arn = self.function_arn(name);
        arn.push(':');
        arn.push_str(qualifier);
        arn
    }

    /// The ARN of what the caller named: qualified if they gave a qualifier.
    pub(crate) fn arn_of(&self, target: &FunctionRef) -> String {
        match &target.qualifier {
            Some(q) => self.qualified_arn(&target.name, q),
            None => self.function_arn(&target.name),
        }
    }

    /// Reads a function name in any of its forms, plus an optional separate qualifier, and
    /// refuses what AWS refuses, with AWS's exception and message. The account an ARN names is
    /// left to the caller: see [`Scope::other_account`].
    pub(crate) fn parse(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionRef, ServiceError> {
        let Some(Parts {
            region,
            name,
            qualifier: in_name,
            ..
        }) = split(function_name)
        else {
            return Err(invalid_name(function_name));
        };
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        // In the name, a qualifier follows the name's own pattern: `$LATEST` is the only one
        // with a `$` (a separate qualifier may hold more).
        let in_name_ok =
            in_name.is_none_or(|q| q == LATEST || q == "$LATEST.PUBLISHED" || is_plain_name(q));
        if !name_ok || !in_name_ok || !region.is_none_or(is_region) {
            return Err(invalid_name(function_name));
        }
        if let Some(region) = region {
            if region != self.region {
                return Err(ServiceError::resource_not_found(format!(
                    "Functions from '{region}' are not reachable in this region ('{}')",
                    self.region
                )));
            }
        }
        if let Some(q) = qualifier {
            if let Some(constraint) = qualifier_constraint(q) {
                return Err(ServiceError::validation(format!(
                    "1 validation error detected: Value '{q}' at 'qualifier' failed to satisfy constraint: {constraint}"
                )));
            }
        }
        let qualifier = match (in_name, qualifier) {
            (Some(a), Some(b)) if a != b => {
                return Err(ServiceError::invalid_parameter_value(
                    "The derived qualifier from the function name does not match the specified qualifier.",
                ))
            }
            (a, b) => a.or(b).map(str::to_owned),
        };
        Ok(FunctionRef {
            name: name.to_owned(),
            qualifier,
        })
    }

    /// The account a function name names, if it is another account than this one: `Some` for
    /// `arn:aws:lambda:us-east-1:210987654321:function:hello` in account `123456789012`. Such a
    /// function is not this account's, whatever its name; a name without an account is.
    pub(crate) fn other_account<'a>(&self, function_name: &'a str) -> Option<&'a str> {
        split(function_name)?
            .account
            .filter(|account| *account != self.account_id)
    }
}

/// A function name taken apart, in any of its forms (see the module docs).
struct Parts<'a> {
    region: Option<&'a str>,
    account: Option<&'a str>,
    name: &'a str,
    qualifier: Option<&'a str>,
}

/// The parts of a function name by their places; `None` if it has none of the four forms.
fn split(function_name: &str) -> Option<Parts<'_>> {
    // At most eight parts (a qualified ARN): taken apart on the stack, since every invocation
    // reads the name it was given.
    let mut parts = [""; 8];
    let mut count = 0;
    for part in function_name.split(':') {
        *parts.get_mut(count)? = part;
        count += 1;
    }
    let (region, account, name, qualifier) = match &parts[..count] {
        [name] => (None, None, *name, None),
        [name, q] => (None, None, *name, Some(*q)),
        [account, "function", name] if is_account(account) => (None, Some(*account), *name, None),
        [account, "function", name, q] if is_account(account) => {
            (None, Some(*account), *name, Some(*q))
        }
        ["arn", partition, "lambda", region, account, "function", name]
            if partition.starts_with("aws") && is_account(account) =>
        {
            (Some(*region), Some(*account), *name, None)
        }
        ["arn", partition, "lambda", region, account, "function", name, q]
            if partition.starts_with("aws") && is_account(account) =>
        {
            (Some(*region), Some(*account), *name, Some(*q))
        }
        // `function:` is optional in AWS's pattern: an ARN that ends after the account names
        // its last part (`…:123456789012:function` is the function `function`, recorded).
        ["arn", partition, "lambda", region, account, name]
            if partition.starts_with("aws") && is_account(account) =>
        {
            (Some(*region), Some(*account), *name, None)
        }
        _ => return None,
    };
    Some(Parts {
        region,
        account,
        name,
        qualifier,
    })
}

/// A function as a caller named it: its name and, if given, a version or alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FunctionRef {
    /// The function's name, whatever form the caller used.
    pub name: String,
    /// A version (`$LATEST`, `3`) or alias (`prod`); `None` means `$LATEST`.
    pub qualifier: Option<String>,
}

/// Whether `name` matches `[a-zA-Z0-9-_]+`, the pattern most of AWS's names share (a
/// function's, an alias's, a layer's, a policy statement's, an SNS topic's): letters, digits,
/// `-` and `_`, at least one.
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether a qualifier has a published version's form: digits only (an alias's name may not be).
pub(crate) fn names_a_version(qualifier: &str) -> bool {
    !qualifier.is_empty() && qualifier.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a qualifier has an alias's form: a plain name, not digits only. (`$LATEST` has
/// neither form, nor has a misspelling such as `$latest`.)
pub(crate) fn names_an_alias(qualifier: &str) -> bool {
    is_plain_name(qualifier) && !names_a_version(qualifier)
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The constraint a separate qualifier breaks, in AWS's words, if it breaks one.
fn qualifier_constraint(q: &str) -> Option<String> {
    if q.len() > MAX_QUALIFIER_LEN {
        return Some(format!(
            "Member must have length less than or equal to {MAX_QUALIFIER_LEN}"
        ));
    }
    let pattern_ok = !q.is_empty()
        && q.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_$".contains(c));
    (!pattern_ok)
        .then(|| format!("Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}"))
}

/// Whether `s` has the shape of a region, as the name pattern says:
/// `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}` (`us-east-1`, `us-gov-west-1`).
fn is_region(s: &str) -> bool {
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let country = |p: &str| p.len() == 2 && letters(p);
    let number = |p: &str| p.len() == 1 && p.bytes().all(|b| b.is_ascii_digit());
    let special = |p: &str| {
        p == "gov"
            || p.strip_prefix("iso")
                .is_some_and(|rest| rest.is_empty() || (rest.len() == 1 && letters(rest)))
    };
    let parts: Vec<&str> = s.strip_prefix("eusc-").unwrap_or(s).split('-').collect();
    match parts.as_slice() {
        [c, area, n] => country(c) && letters(area) && number(n),
        [c, kind, area, n] => country(c) && special(kind) && letters(area) && number(n),
        _ => false,
    }
}

fn invalid_name(value: &str) -> ServiceError {
    ServiceError::validation(format!(
        "1 validation error detected: Value '{value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::error::ErrorCode;

    fn scope() -> Scope {
        Scope {
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
        }
    }

    fn parsed(name: &str, q: Option<&str>) -> (String, Option<String>) {
        let r = scope().parse(name, q).expect("valid name");
        (r.name, r.qualifier)
    }

    #[test]
    fn reads_every_form_of_a_name() {
        let hello = |q: Option<&str>| ("hello".to_owned(), q.map(str::to_owned));
        assert_eq!(parsed("hello", None), hello(None));
        assert_eq!(parsed("hello:prod", None), hello(Some("prod")));
        assert_eq!(parsed("hello", Some("$LATEST")), hello(Some("$LATEST")));
        assert_eq!(
            parsed("123456789012:function:hello:3", None),
            hello(Some("3"))
        );
        assert_eq!(
            parsed("arn:aws:lambda:us-east-1:123456789012:function:hello", None),
            hello(None)
        );
        assert_eq!(
            parsed(
                "arn:aws:lambda:us-east-1:123456789012:function:hello:7",
                Some("7")
            ),
            hello(Some("7"))
        );
    }

    #[test]
    fn refuses_what_aws_refuses() {
        let err = |name: &str, q: Option<&str>| scope().parse(name, q).unwrap_err();
        assert_eq!(err("*", None).code, ErrorCode::ValidationException);
        assert!(err("*", None).message.starts_with(
            "1 validation error detected: Value '*' at 'functionName' failed to satisfy constraint"
        ));
        assert_eq!(
            err("hello", Some("invalid!")).code,
            ErrorCode::ValidationException
        );
        assert_eq!(
            err("hello:1", Some("2")).code,
            ErrorCode::InvalidParameterValueException
        );
        let other_region = err("arn:aws:lambda:eu-west-1:123456789012:function:hello", None);
        assert_eq!(other_region.status, 404);
        assert_eq!(
            other_region.message,
            "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"
        );
    }

    #[test]
    fn tells_a_function_of_another_account() {
        let s = scope();
        let other = Some("210987654321");
        assert_eq!(
            s.other_account("arn:aws:lambda:us-east-1:210987654321:function:hello"),
            other
        );
        assert_eq!(s.other_account("210987654321:function:hello:prod"), other);
        assert_eq!(s.other_account("123456789012:function:hello"), None);
        assert_eq!(s.other_account("hello:prod"), None);
    }

    #[test]
    fn knows_the_shape_of_a_region() {
        for region in [
            "us-east-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "eusc-de-east-1",
        ] {
            assert!(is_region(region), "{region}");
        }
        for not in [
            "",
            "invalid-region",
            "us-east",
            "US-EAST-1",
            "us-east-12",
            "useast-1",
        ] {
            assert!(!is_region(not), "{not}");
        }
    }

    #[test]
    fn writes_arns_as_aws_does() {
        let s = scope();
        assert_eq!(
            s.function_arn("hello"),
            "arn:aws:lambda:us-east-1:123456789012:function:hello"
        );
        assert_eq!(
            s.qualified_arn("hello", LATEST),
            "arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST"
        );
    }
}
