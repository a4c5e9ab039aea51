//! `cargo run -p api-gateway -- invoke --function-name books --payload file://event.json out.json`:
//! call the function the way `aws lambda invoke` calls a real one, with an HTTP API event of your
//! own. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(api_gateway::deploy)
}
