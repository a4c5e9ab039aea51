//! `cargo run -p protect-the-database -- invoke --function-name orders --payload
//! '{"orderId":"o-1"}' out.json`: call the function the way `aws lambda invoke` calls a real one.
//! See `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli::main(protect_the_database::deploy)
}
