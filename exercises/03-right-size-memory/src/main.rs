//! `cargo run -p right-size-memory -- invoke --function-name thumbnails --log-type Tail out.json`:
//! call the function the way `aws lambda invoke` calls a real one. See `invoker::cli`.

fn main() -> std::process::ExitCode {
    invoker::cli::main(right_size_memory::deploy)
}
