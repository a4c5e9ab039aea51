//! `cargo run -p blue-green -- invoke --function-name checkout --qualifier prod out.json`: call
//! the demo function the way `aws lambda invoke` calls a real one. See `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli::main(blue_green::deploy)
}
