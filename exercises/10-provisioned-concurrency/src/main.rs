//! `cargo run -p provisioned-concurrency -- invoke --function-name checkout out.json`: call the
//! function the way `aws lambda invoke` calls a real one. See `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli::main(provisioned_concurrency::deploy)
}
