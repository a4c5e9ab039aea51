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

use crate::lambda::context::{Context, InitContext};

/// Gives a function's code a client of each service, `init.s3()` or `ctx.s3()`, as
/// `lambda.s3()` gives one to you. On AWS a function makes its SDK clients once, at init
/// (`aws_sdk_s3::Client::new(&config)`), keeps them in its state, and uses them in every
/// invocation; here `init.s3()` is that step. A client's calls are checked against the execution
/// role of the function whose code is running, and shown inside its invocation in the transcript.
macro_rules! clients_for_function_code {
    ($($name:ident: $client:ty, $service:literal;)*) => {
        impl InitContext {
            $(
                #[doc = concat!("A client of ", $service, " for the function's code, made once at init as ")]
                #[doc = "a real function makes its SDK clients; its calls are made as the function's role."]
                pub fn $name(&self) -> $client {
                    <$client>::new(self.resources.services.clone())
                }
            )*
        }

        impl Context {
            $(
                #[doc = concat!("A client of ", $service, " for the handler; its calls are made as the ")]
                #[doc = concat!("function's role. Made at init instead (`init.", stringify!($name), "()`), it is made once.")]
                pub fn $name(&self) -> $client {
                    <$client>::new(self.resources.services.clone())
                }
            )*
        }
    };
}

clients_for_function_code! {
    s3: s3::S3, "S3";
    sqs: sqs::Sqs, "SQS";
    sns: sns::Sns, "SNS";
    ses: ses::Ses, "SES";
    dynamodb: dynamodb::DynamoDb, "DynamoDB";
    kinesis: kinesis::Kinesis, "Kinesis";
}
