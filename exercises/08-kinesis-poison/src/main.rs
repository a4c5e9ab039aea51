//! `cargo run -p kinesis-poison -- invoke --function-name record-orders --payload
//! '{"Records":[]}' out.json`: call the function the way `aws lambda invoke` calls a real one.
//! See `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli::main(kinesis_poison::deploy)
}
