//! The base layer: what every part of the simulation stands on, and knows nothing above it.
//!
//! Virtual time and seeded ids (the source of determinism), ARNs, service errors, the log store
//! and the transcript, and the [`platform::Platform`] that holds them for one simulated account.
//! Nothing here knows what a function, a queue or a bucket is: the layers above give these
//! pieces their meaning.

pub(crate) mod arn;
pub(crate) mod clock;
pub(crate) mod error;
pub(crate) mod ids;
pub(crate) mod logs;
pub(crate) mod platform;
pub(crate) mod transcript;
