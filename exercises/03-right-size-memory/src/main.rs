//! `cargo run -p right-size-memory -- invoke --function-name thumbnails --log-type Tail out.json`:
//! call the function the way `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(right_size_memory::deploy)
}
