//! `cargo run -p init-outside-handler -- invoke --function-name customers --payload
//! '{"customerId":"c-42"}' out.json`: call the function the way `aws lambda invoke` calls a real
//! one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(init_outside_handler::deploy)
}
