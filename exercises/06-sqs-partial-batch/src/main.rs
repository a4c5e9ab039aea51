//! `cargo run -p sqs-partial-batch -- invoke --function-name process-orders --payload
//! file://event.json out.json` with an SQS event: call the function the way `aws lambda invoke`
//! calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(sqs_partial_batch::deploy)
}
