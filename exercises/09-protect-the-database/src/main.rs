//! `cargo run -p protect-the-database -- invoke --function-name orders --payload
//! '{"orderId":"o-1"}' out.json`: call the function the way `aws lambda invoke` calls a real one.
//! See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(protect_the_database::deploy)
}
