//! `cargo run -p s3-thumbnail -- list-functions`, or `invoke --function-name thumbnail --payload
//! file://event.json out.json` with an S3 event: call the function the way `aws lambda invoke`
//! calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(s3_thumbnail::deploy)
}
