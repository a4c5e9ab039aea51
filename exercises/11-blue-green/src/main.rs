//! `cargo run -p blue-green -- invoke --function-name checkout --qualifier prod out.json`: call
//! the demo function the way `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(blue_green::deploy)
}
