//! `cargo run -p layers -- invoke --function-name tagger --payload
//! '{"key":"photos/beach.jpg","width":4000,"height":3000}' out.json`: call your function the way
//! `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(layers::deploy)
}
