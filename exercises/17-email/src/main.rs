//! `cargo run -p email -- invoke --function-name notify --payload
//! '{"orderId":"A-1","status":"shipped","items":["Rust in Action"]}' out.json --transcript`: call
//! your function the way `aws lambda invoke` calls a real one, and see the email it sent in the
//! transcript. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(email::deploy)
}
