//! `cargo run -p async-waterfall -- invoke --function-name build-params --invocation-type Event
//! --payload '{"channel":"rust-talks","year":2025}' out.json --transcript`: start the chain the
//! way `aws lambda invoke` would, and read in the transcript how the request went down it. See
//! `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(async_waterfall::deploy)
}
