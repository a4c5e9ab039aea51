//! `cargo run -p hello-api -- invoke --function-name hello --payload '…' out.json`: call your
//! function the way `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(hello_api::deploy)
}
