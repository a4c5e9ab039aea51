//! `cargo run -p serial-vs-parallel -- invoke --function-name dashboard-parallel --payload
//! '{"city":"Seoul"}' out.json`: call a dashboard the way `aws lambda invoke` calls a real one.
//! See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(serial_vs_parallel::deploy)
}
