//! `cargo run -p permissions -- list-functions`, or `invoke --function-name index-upload
//! --payload file://event.json out.json` with an S3 event: call the function the way `aws lambda
//! invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(permissions::deploy)
}
