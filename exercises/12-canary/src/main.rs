//! `cargo run -p canary -- invoke --function-name pricing --qualifier prod out.json`: call the
//! demo function the way `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(canary::deploy)
}
