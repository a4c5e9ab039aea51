//! `cargo run -p config -- invoke --function-name orders --qualifier dev --payload
//! '{"orderId":"A-1"}' out.json`: call your function the way `aws lambda invoke` calls a real one.
//! See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(config::deploy)
}
