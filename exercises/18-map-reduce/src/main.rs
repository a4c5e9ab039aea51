//! `cargo run -p map-reduce -- list-functions`, or `invoke --function-name splitter --payload
//! file://event.json out.json` with an S3 event: call the functions the way `aws lambda invoke`
//! calls real ones. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(map_reduce::deploy)
}
