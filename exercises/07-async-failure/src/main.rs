//! `cargo run -p async-failure -- invoke --function-name charge-order --invocation-type Event
//! --payload '{"version":"0","id":"evt-1","detail-type":"OrderPlaced","source":"shop.orders",
//! "detail":{"orderId":"o-1","customerId":"c-7","amountCents":4200}}' --transcript out.json`:
//! send the function an event the way `aws lambda invoke` does. See `invoker::cli_main`.

fn main() -> std::process::ExitCode {
    invoker::cli_main(async_failure::deploy)
}
