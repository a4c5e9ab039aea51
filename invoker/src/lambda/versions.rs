//! Versions and aliases: releasing new code without surprising the callers of the old.
//!
//! `$LATEST` is the function you edit. **Publishing** freezes it as a numbered version (`1`, `2`,
//! …): that version's code and configuration can never change again, and its number is never
//! reused. An **alias** (`prod`, `dev`) is a named pointer to a version; callers and event
//! sources use the alias, and a release is just moving the pointer, so a rollback is moving it
//! back. An alias can also split traffic between two published versions with a weight: a
//! *canary*. Routing is by chance on AWS; here the chance comes from the seeded generator, so a
//! canary of 10% over 100 calls gives the same split on every run.
//!
//! Rules kept as on AWS (messages from recorded responses where we have them):
//! - publishing with no update since the last version returns that version instead of a new one;
//! - an alias points to a version, never to another alias, and may route to one more version,
//!   both published (not `$LATEST`), with a weight from 0.0 to 1.0;
//! - a version an alias points to cannot be deleted, and `$LATEST` never can;
//! - each version has its own execution environments, so a new version starts cold.

use crate::base::arn::{names_a_version, names_an_alias, FunctionRef, LATEST};
use crate::base::error::ServiceError;
use crate::base::transcript::Entry;
use crate::lambda::config::FunctionConfig;
use crate::lambda::function::FunctionCode;
use crate::lambda::layers::store::{Layers, Opt};
use crate::lambda::service::{Function, Lambda, State};
use std::sync::Arc;

/// One version of a function: `$LATEST` or a published snapshot.
#[derive(Clone)]
pub(crate) struct Version {
    pub config: FunctionConfig,
    pub code: FunctionCode,
    pub runtime_version: String,
    pub runtime_version_arn: String,
    /// The function's layers, merged: what its environments see in `/opt`.
    pub opt: Opt,
}

/// An alias: a version, and optionally a second version that gets a share of the calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    /// The version the alias points to.
    pub function_version: String,
    /// `(version, weight)`: that version gets `weight` of the calls, the primary the rest.
    pub routing: Option<(String, f64)>,
}

impl Function {
    /// `$LATEST` or a published version.
    pub(crate) fn version(&self, version: &str) -> Option<&Arc<Version>> {
        if version == LATEST {
            return Some(&self.latest);
        }
        version
            .parse::<u32>()
            .ok()
            .and_then(|n| self.published.get(&n))
    }

    /// The version a qualifier selects: itself if it is a version, the alias's choice if it is
    /// an alias. `roll` is a number in `0.0..1.0` that decides a weighted alias's choice.
    pub(crate) fn resolve<'a>(
        &'a self,
        qualifier: Option<&'a str>,
        roll: impl FnOnce() -> f64,
    ) -> Option<&'a str> {
        let qualifier = qualifier.unwrap_or(LATEST);
        if self.version(qualifier).is_some() {
            return Some(qualifier);
        }
        let alias = self.aliases.get(qualifier)?;
        match &alias.routing {
            Some((extra, weight)) if roll() < *weight => Some(extra),
            _ => Some(&alias.function_version),
        }
    }

    fn aliases_pointing_at(&self, version: &str) -> Vec<String> {
        self.aliases
            .iter()
            .filter(|(_, a)| {
                a.function_version == version
                    || a.routing.as_ref().is_some_and(|(v, _)| v == version)
            })
            .map(|(name, _)| name.clone())
            .collect()
    }
}

impl Lambda {
    /// Replaces `$LATEST`'s code, like `aws lambda update-function-code`.
    pub fn update_function_code(
        &self,
        function: &str,
        code: FunctionCode,
    ) -> Result<(), ServiceError> {
        self.update_latest(function, "update-function-code", |latest, _| {
            latest.code = code;
            Ok(())
        })
    }

    /// Changes `$LATEST`'s configuration, like `aws lambda update-function-configuration`:
    /// `lambda.update_function_configuration("f", |c| c.memory_size(512))`.
    pub fn update_function_configuration(
        &self,
        function: &str,
        change: impl FnOnce(FunctionConfig) -> FunctionConfig,
    ) -> Result<(), ServiceError> {
        self.update_latest(
            function,
            "update-function-configuration",
            |latest, layers| {
                let config = change(latest.config.clone());
                if config.name != latest.config.name {
                    return Err(ServiceError::invalid_parameter_value(
                        "A function's name cannot be changed; create a new function instead.",
                    ));
                }
                config.validate()?;
                latest.opt = layers.merge(&config.layers, config.code_size_bytes)?;
                latest.config = config;
                Ok(())
            },
        )
    }

    fn update_latest(
        &self,
        function: &str,
        operation: &str,
        update: impl FnOnce(&mut Version, &Layers) -> Result<(), ServiceError>,
    ) -> Result<(), ServiceError> {
        let name = self.unqualified_name(function)?;
        let at = self.elapsed();
        let mut state = self.state();
        let State {
            functions, layers, ..
        } = &mut *state;
        let target = self.function_mut(functions, &name)?;
        // Update a copy, so that a refused change leaves `$LATEST` as it was.
        let mut latest = Version::clone(&target.latest);
        update(&mut latest, layers)?;
        target.latest = Arc::new(latest);
        target.changed_since_publish = true;
        // Warm environments of $LATEST run the old code: Lambda replaces them on the next call.
        target.environments.remove(LATEST);
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("{operation} {name}"),
        });
        Ok(())
    }

    /// Publishes `$LATEST` as a new version and returns its number, like
    /// `aws lambda publish-version`. With no update since the last publish, returns the last
    /// version instead of making a new one.
    pub fn publish_version(&self, function: &str) -> Result<String, ServiceError> {
        let name = self.unqualified_name(function)?;
        let at = self.elapsed();
        let mut state = self.state();
        let target = self.function_mut(&mut state.functions, &name)?;
        let text = if target.changed_since_publish || target.last_version == 0 {
            target.last_version += 1;
            let snapshot = Arc::clone(&target.latest);
            target.published.insert(target.last_version, snapshot);
            target.changed_since_publish = false;
            format!("publish-version {name}: version {}", target.last_version)
        } else {
            format!(
                "publish-version {name}: no change since version {0}, so version {0}",
                target.last_version
            )
        };
        let version = target.last_version.to_string();
        self.inner.platform.record(Entry::Api { at, text });
        Ok(version)
    }

    /// The published version numbers of a function, oldest first (`$LATEST` is not listed).
    pub fn list_versions(&self, function: &str) -> Result<Vec<String>, ServiceError> {
        let name = self.unqualified_name(function)?;
        let mut state = self.state();
        let target = self.function_mut(&mut state.functions, &name)?;
        Ok(target.published.keys().map(u32::to_string).collect())
    }

    /// Deletes a published version, like `aws lambda delete-function --qualifier N`.
    pub fn delete_version(&self, function: &str, version: &str) -> Result<(), ServiceError> {
        let target = self.inner.platform.scope.parse(function, Some(version))?;
        self.delete_one_version(&target)
    }

    /// Deletes the version `target` names. Neither `$LATEST` (only with its function) nor an
    /// alias (that is `DeleteAlias`) can be deleted this way, which Lambda says before it looks
    /// for the function.
    pub(crate) fn delete_one_version(&self, target: &FunctionRef) -> Result<(), ServiceError> {
        let (name, version) = (&target.name, target.qualifier.as_deref().unwrap_or(LATEST));
        if version == LATEST {
            return Err(ServiceError::invalid_parameter_value(
                "$LATEST version cannot be deleted without deleting the function.",
            ));
        }
        if names_an_alias(version) {
            // AWS's answer, as LocalStack's recordings of DeleteFunction hold it.
            return Err(ServiceError::invalid_parameter_value(
                "Deletion of aliases is not currently supported.",
            ));
        }
        let at = self.elapsed();
        let mut state = self.state();
        let function = self.function_mut(&mut state.functions, name)?;
        let referencing = function.aliases_pointing_at(version);
        if !referencing.is_empty() {
            return Err(ServiceError::resource_conflict(format!(
                "Unable to delete version because the following aliases reference it: [{}]",
                referencing.join(", ")
            )));
        }
        // Deleting a version that does not exist (`1233`, `$latest`) succeeds and does nothing,
        // as on AWS.
        let number = version.parse::<u32>().ok();
        if number.is_some_and(|n| function.published.remove(&n).is_some()) {
            function.environments.remove(version);
            self.inner.platform.record(Entry::Api {
                at,
                text: format!("delete-function {name} --qualifier {version}"),
            });
        }
        Ok(())
    }

    /// Creates an alias pointing at a version, like `aws lambda create-alias`; returns its ARN.
    pub fn create_alias(
        &self,
        function: &str,
        alias: &str,
        version: &str,
    ) -> Result<String, ServiceError> {
        self.put_alias(function, alias, version, None, true)
    }

    /// Points an existing alias at a version, with an optional second version and its weight,
    /// like `aws lambda update-alias --routing-config AdditionalVersionWeights={"2"=0.1}`.
    pub fn update_alias(
        &self,
        function: &str,
        alias: &str,
        version: &str,
        routing: Option<(&str, f64)>,
    ) -> Result<String, ServiceError> {
        self.put_alias(function, alias, version, routing, false)
    }

    /// Deletes an alias, and the provisioned concurrency put on it.
    pub fn delete_alias(&self, function: &str, alias: &str) -> Result<(), ServiceError> {
        let name = self.unqualified_name(function)?;
        let at = self.elapsed();
        let mut state = self.state();
        let target = self.function_mut(&mut state.functions, &name)?;
        target.aliases.remove(alias);
        // The alias's provisioned concurrency goes with it (recorded).
        target.drop_provisioned(alias, tokio::time::Instant::now());
        self.inner.platform.record(Entry::Api {
            at,
            text: format!("delete-alias {name}:{alias}"),
        });
        Ok(())
    }

    /// Where an alias points now.
    pub fn get_alias(&self, function: &str, alias: &str) -> Result<Alias, ServiceError> {
        let name = self.unqualified_name(function)?;
        let mut state = self.state();
        let target = self.function_mut(&mut state.functions, &name)?;
        target
            .aliases
            .get(alias)
            .cloned()
            .ok_or_else(|| self.cannot_find_alias(&name, alias))
    }

    fn put_alias(
        &self,
        function: &str,
        alias: &str,
        version: &str,
        routing: Option<(&str, f64)>,
        create: bool,
    ) -> Result<String, ServiceError> {
        let name = self.unqualified_name(function)?;
        validate_alias_name(alias)?;
        validate_version_pattern(version)?;
        let arn = self.inner.platform.scope.qualified_arn(&name, alias);
        let at = self.elapsed();
        let mut state = self.state();
        let missing = |v: &str| {
            ServiceError::resource_not_found(format!(
                "Function not found: {}",
                self.inner.platform.scope.qualified_arn(&name, v)
            ))
        };
        // A missing function is named with the version the alias would point at (recorded).
        let target = state
            .functions
            .get_mut(&name)
            .ok_or_else(|| missing(version))?;
        match (create, target.aliases.contains_key(alias)) {
            (true, true) => {
                return Err(ServiceError::resource_conflict(format!(
                    "Alias already exists: {arn}"
                )))
            }
            (false, false) => return Err(self.alias_not_found(&name, alias)),
            _ => {}
        }
        if target.version(version).is_none() {
            return Err(missing(version));
        }
        if let Some((extra, weight)) = routing {
            // The map's key is a version number: `$LATEST` (or anything else) breaks the
            // request's shape, refused as such (recorded).
            if !names_a_version(extra) {
                return Err(ServiceError::validation(format!(
                    "1 validation error detected: Value '{{{extra}={weight:?}}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]"
                )));
            }
            if !(0.0..=1.0).contains(&weight) {
                return Err(ServiceError::validation(format!(
                    "1 validation error detected: Value '{{{extra}={weight:?}}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"
                )));
            }
            if version == LATEST {
                return Err(ServiceError::invalid_parameter_value(
                    "$LATEST is not supported for an alias pointing to more than 1 version",
                ));
            }
            if extra == version {
                return Err(ServiceError::invalid_parameter_value(format!(
                    "Invalid function version {extra}. Function version {extra} is already included in routing configuration."
                )));
            }
            if target.version(extra).is_none() {
                return Err(missing(extra));
            }
        }
        let routing = routing.map(|(v, w)| (v.to_owned(), w));
        let text = match &routing {
            Some((extra, weight)) => format!(
                "{} {name}:{alias} -> version {version} ({:.0}%), version {extra} ({:.0}%)",
                if create {
                    "create-alias"
                } else {
                    "update-alias"
                },
                (1.0 - weight) * 100.0,
                weight * 100.0
            ),
            None => format!(
                "{} {name}:{alias} -> version {version}",
                if create {
                    "create-alias"
                } else {
                    "update-alias"
                }
            ),
        };
        target.aliases.insert(
            alias.to_owned(),
            Alias {
                function_version: version.to_owned(),
                routing,
            },
        );
        self.inner.platform.record(Entry::Api { at, text });
        Ok(arn)
    }

    /// UpdateAlias's words for a missing alias (recorded).
    fn alias_not_found(&self, function: &str, alias: &str) -> ServiceError {
        ServiceError::resource_not_found(format!(
            "Alias not found: {}",
            self.inner.platform.scope.qualified_arn(function, alias)
        ))
    }

    /// The words of GetAlias, and of the calls that take an alias as a qualifier (provisioned
    /// concurrency, permissions), for a missing alias (recorded).
    pub(crate) fn cannot_find_alias(&self, function: &str, alias: &str) -> ServiceError {
        ServiceError::resource_not_found(format!(
            "Cannot find alias arn: {}",
            self.inner.platform.scope.qualified_arn(function, alias)
        ))
    }
}

/// Alias names: letters, digits, `-` and `_`, not only digits (that would read as a version).
fn validate_alias_name(alias: &str) -> Result<(), ServiceError> {
    if names_an_alias(alias) && alias.len() <= 128 {
        return Ok(());
    }
    Err(ServiceError::validation(format!(
        "1 validation error detected: Value '{alias}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
    )))
}

/// An alias points at a *version*: `$LATEST` or a number, never another alias.
fn validate_version_pattern(version: &str) -> Result<(), ServiceError> {
    if version == LATEST || names_a_version(version) {
        return Ok(());
    }
    Err(ServiceError::validation(format!(
        "1 validation error detected: Value '{version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)"
    )))
}
