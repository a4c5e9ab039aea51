//! `cargo run -p scheduled-cleanup -- invoke --function-name purge-sessions --payload
//! '{"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.events","time":"2025-01-05T18:00:00Z","detail":{}}'
//! out.json`: hand your function a Scheduled Event, as EventBridge does, the way
//! `aws lambda invoke` calls a real one. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(scheduled_cleanup::deploy)
}
