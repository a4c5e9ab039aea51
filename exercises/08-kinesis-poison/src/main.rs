//! `cargo run -p kinesis-poison -- invoke --function-name record-orders --payload
//! '{"Records":[]}' out.json`: call the function the way `aws lambda invoke` calls a real one.
//! See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(kinesis_poison::deploy)
}
