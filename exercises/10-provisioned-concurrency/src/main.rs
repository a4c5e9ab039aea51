//! `cargo run -p provisioned-concurrency -- invoke --function-name checkout out.json`: call the
//! function the way `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(provisioned_concurrency::deploy)
}
