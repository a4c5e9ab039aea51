//! `GetAccountSettings`: the account's limits, and what its functions use of them.

use invoker::Lambda;
use serde_json::{json, Value};

/// Lambda's storage limits for code, from its quotas page: 300 GB for the account's functions
/// and layers in a Region (75 GB until July 2026), 250 MB unzipped and 50 MB zipped for one
/// deployment package.
const TOTAL_CODE_SIZE: u64 = 300 * 1024 * 1024 * 1024;
const CODE_SIZE_UNZIPPED: u64 = 250 * 1024 * 1024;
const CODE_SIZE_ZIPPED: u64 = 50 * 1024 * 1024;

/// The `AccountLimit` and `AccountUsage` the API answers with.
pub fn settings(lambda: &Lambda) -> Value {
    let limit = lambda.account_limit();
    let names = lambda.function_names();
    let code_size: u64 = names
        .iter()
        .filter_map(|name| lambda.get_function_configuration(name).ok())
        .map(|config| config.code_size_bytes)
        .sum();
    json!({
        "AccountLimit": {
            "TotalCodeSize": TOTAL_CODE_SIZE,
            "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
            "CodeSizeZipped": CODE_SIZE_ZIPPED,
            "ConcurrentExecutions": limit.concurrent_executions,
            "UnreservedConcurrentExecutions": limit.unreserved_concurrent_executions,
        },
        "AccountUsage": { "TotalCodeSize": code_size, "FunctionCount": names.len() },
    })
}
