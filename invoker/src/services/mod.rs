//! The services around Lambda, each as deep as the lessons need, each owning its own state.
//!
//! API Gateway, S3, SNS, EventBridge schedules, SQS, Kinesis, DynamoDB, SES and KMS. Each keeps
//! its state in the account's [`crate::base::platform::Platform`] and reaches Lambda only
//! through [`crate::lambda::handle::LambdaHandle`]: they stand on the Lambda layer, which knows
//! nothing of them.

pub(crate) mod api_gateway;
pub(crate) mod dynamodb;
pub(crate) mod events;
pub(crate) mod kinesis;
pub(crate) mod kms;
pub(crate) mod s3;
pub(crate) mod schedule;
pub(crate) mod ses;
pub(crate) mod shard;
pub(crate) mod sns;
pub(crate) mod sqs;
