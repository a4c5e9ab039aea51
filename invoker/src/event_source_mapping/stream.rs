//! The Kinesis and DynamoDB Streams poller of an event source mapping. (To be written.)

use super::Mapping;
use crate::error::ServiceError;
use crate::service::Lambda;

pub(crate) fn start(_lambda: &Lambda, mapping: &Mapping) -> Result<(), ServiceError> {
    Err(ServiceError::invalid_parameter_value(format!(
        "Stream event source mappings are not simulated yet: {}",
        mapping.settings.event_source_arn
    )))
}
