//! `cargo run -p serial-vs-parallel -- invoke --function-name dashboard-parallel --payload
//! '{"city":"Seoul"}' out.json`: call a dashboard the way `aws lambda invoke` calls a real one.
//! See `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli::main(serial_vs_parallel::deploy)
}
