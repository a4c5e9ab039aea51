//! The Lambda layer: the service itself, knowing nothing of the services around it.
//!
//! Functions and their configuration, versions and aliases, layers, environment variables,
//! execution roles, resource-based policies and tags; the Invoke API, one invocation's run in an
//! execution environment, asynchronous invocation with its retries, concurrency. It stands on
//! [`crate::base`] only. What it offers the services above is [`handle::LambdaHandle`]: invoke a
//! function, check who may, authorize and record a call of the code that is running.

pub(crate) mod async_invoke;
pub(crate) mod calls;
pub(crate) mod concurrency;
pub(crate) mod config;
pub(crate) mod context;
pub(crate) mod cpu;
pub(crate) mod env_vars;
pub(crate) mod environment;
pub(crate) mod event_invoke_config;
pub(crate) mod execution;
pub(crate) mod function;
pub(crate) mod handle;
pub(crate) mod iam;
pub(crate) mod invoke;
pub(crate) mod layers;
pub(crate) mod message_targets;
pub(crate) mod permissions;
pub(crate) mod sandbox;
pub(crate) mod service;
pub(crate) mod tags;
pub(crate) mod timeline;
pub(crate) mod tmp;
pub(crate) mod trace;
pub(crate) mod versions;
