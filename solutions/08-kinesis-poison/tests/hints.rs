//! The code of this exercise's hints (`hints` and `hints_ko` in `exercises/manifest.toml`, and
//! the chapter's copies), written as a learner would type it into `src/lib.rs`. Cargo compiles
//! this file as one of the solution's tests, and `xtask/tests/commands/learner_code.rs` fails when a
//! hint's code is not in it: so no hint can suggest code that does not compile.
#![allow(dead_code)]

use invoker::{EventSourceMapping, Lambda, ServiceError, StartingPosition};
use kinesis_poison::*;

/// Hint 2: the mapping, setting by setting.
pub fn configure_mapping_step_by_step(
    lambda: &Lambda,
    stream_arn: &str,
    queue_arn: &str,
) -> Result<String, ServiceError> {
    let mapping = EventSourceMapping::new(stream_arn, FUNCTION)
        .starting_position(StartingPosition::TrimHorizon)
        .bisect_batch_on_function_error(true)
        .maximum_retry_attempts(MAX_RETRIES)
        .on_failure(queue_arn);
    lambda.create_event_source_mapping(mapping)
}

/// Hint 3: the same, in one expression.
#[rustfmt::skip]
pub fn configure_mapping(lambda: &Lambda, stream_arn: &str, queue_arn: &str) -> Result<String, ServiceError> {
    lambda.create_event_source_mapping(EventSourceMapping::new(stream_arn, FUNCTION).starting_position(StartingPosition::TrimHorizon).bisect_batch_on_function_error(true).maximum_retry_attempts(MAX_RETRIES).on_failure(queue_arn))
}
