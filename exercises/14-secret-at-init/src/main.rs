//! `cargo run -p secret-at-init -- invoke --function-name partner-api --payload
//! '{"apiKey":"pk_demo_4f7c2a"}' out.json`: call your function the way `aws lambda invoke` calls
//! a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(secret_at_init::deploy)
}
