//! Every operation of Lambda's REST API, as AWS's own service model lists it: how a request is
//! recognised, and what it is called.
//!
//! The table is what lets the server say *which* operation it does not serve: the AWS CLI
//! sends `PUT /2017-10-31/functions/orders/concurrency`, and the learner reads "the invoker
//! does not serve PutFunctionConcurrency" instead of a bare 404. It is copied from the model
//! botocore ships (`botocore/data/lambda/2015-03-31/service-2.json`, each operation's `http`
//! method and `requestUri`), and a test compares the two, so a new AWS operation shows up as a
//! failing test rather than as an unnamed request.

/// `(method, request URI template, operation)`, in the model's words. `{Name}` stands for one
/// path segment; a template with `?key=value` also needs that query parameter.
pub const OPERATIONS: [(&str, &str, &str); 85] = [
    (
        "POST",
        "/2014-11-13/functions/{FunctionName}/invoke-async",
        "InvokeAsync",
    ),
    (
        "GET",
        "/2015-03-31/event-source-mappings",
        "ListEventSourceMappings",
    ),
    (
        "POST",
        "/2015-03-31/event-source-mappings",
        "CreateEventSourceMapping",
    ),
    (
        "DELETE",
        "/2015-03-31/event-source-mappings/{UUID}",
        "DeleteEventSourceMapping",
    ),
    (
        "GET",
        "/2015-03-31/event-source-mappings/{UUID}",
        "GetEventSourceMapping",
    ),
    (
        "PUT",
        "/2015-03-31/event-source-mappings/{UUID}",
        "UpdateEventSourceMapping",
    ),
    ("GET", "/2015-03-31/functions", "ListFunctions"),
    ("POST", "/2015-03-31/functions", "CreateFunction"),
    (
        "DELETE",
        "/2015-03-31/functions/{FunctionName}",
        "DeleteFunction",
    ),
    ("GET", "/2015-03-31/functions/{FunctionName}", "GetFunction"),
    (
        "GET",
        "/2015-03-31/functions/{FunctionName}/aliases",
        "ListAliases",
    ),
    (
        "POST",
        "/2015-03-31/functions/{FunctionName}/aliases",
        "CreateAlias",
    ),
    (
        "DELETE",
        "/2015-03-31/functions/{FunctionName}/aliases/{Name}",
        "DeleteAlias",
    ),
    (
        "GET",
        "/2015-03-31/functions/{FunctionName}/aliases/{Name}",
        "GetAlias",
    ),
    (
        "PUT",
        "/2015-03-31/functions/{FunctionName}/aliases/{Name}",
        "UpdateAlias",
    ),
    (
        "PUT",
        "/2015-03-31/functions/{FunctionName}/code",
        "UpdateFunctionCode",
    ),
    (
        "GET",
        "/2015-03-31/functions/{FunctionName}/configuration",
        "GetFunctionConfiguration",
    ),
    (
        "PUT",
        "/2015-03-31/functions/{FunctionName}/configuration",
        "UpdateFunctionConfiguration",
    ),
    (
        "POST",
        "/2015-03-31/functions/{FunctionName}/invocations",
        "Invoke",
    ),
    (
        "GET",
        "/2015-03-31/functions/{FunctionName}/policy",
        "GetPolicy",
    ),
    (
        "POST",
        "/2015-03-31/functions/{FunctionName}/policy",
        "AddPermission",
    ),
    (
        "DELETE",
        "/2015-03-31/functions/{FunctionName}/policy/{StatementId}",
        "RemovePermission",
    ),
    (
        "GET",
        "/2015-03-31/functions/{FunctionName}/versions",
        "ListVersionsByFunction",
    ),
    (
        "POST",
        "/2015-03-31/functions/{FunctionName}/versions",
        "PublishVersion",
    ),
    ("GET", "/2016-08-19/account-settings", "GetAccountSettings"),
    ("DELETE", "/2017-03-31/tags/{Resource}", "UntagResource"),
    ("GET", "/2017-03-31/tags/{Resource}", "ListTags"),
    ("POST", "/2017-03-31/tags/{Resource}", "TagResource"),
    (
        "DELETE",
        "/2017-10-31/functions/{FunctionName}/concurrency",
        "DeleteFunctionConcurrency",
    ),
    (
        "PUT",
        "/2017-10-31/functions/{FunctionName}/concurrency",
        "PutFunctionConcurrency",
    ),
    ("GET", "/2018-10-31/layers", "ListLayers"),
    (
        "GET",
        "/2018-10-31/layers/{LayerName}/versions",
        "ListLayerVersions",
    ),
    (
        "POST",
        "/2018-10-31/layers/{LayerName}/versions",
        "PublishLayerVersion",
    ),
    (
        "DELETE",
        "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}",
        "DeleteLayerVersion",
    ),
    (
        "GET",
        "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}",
        "GetLayerVersion",
    ),
    (
        "GET",
        "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy",
        "GetLayerVersionPolicy",
    ),
    (
        "POST",
        "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy",
        "AddLayerVersionPermission",
    ),
    (
        "DELETE",
        "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}",
        "RemoveLayerVersionPermission",
    ),
    (
        "GET",
        "/2018-10-31/layers?find=LayerVersion",
        "GetLayerVersionByArn",
    ),
    (
        "DELETE",
        "/2019-09-25/functions/{FunctionName}/event-invoke-config",
        "DeleteFunctionEventInvokeConfig",
    ),
    (
        "GET",
        "/2019-09-25/functions/{FunctionName}/event-invoke-config",
        "GetFunctionEventInvokeConfig",
    ),
    (
        "POST",
        "/2019-09-25/functions/{FunctionName}/event-invoke-config",
        "UpdateFunctionEventInvokeConfig",
    ),
    (
        "PUT",
        "/2019-09-25/functions/{FunctionName}/event-invoke-config",
        "PutFunctionEventInvokeConfig",
    ),
    (
        "GET",
        "/2019-09-25/functions/{FunctionName}/event-invoke-config/list",
        "ListFunctionEventInvokeConfigs",
    ),
    (
        "GET",
        "/2019-09-30/functions/{FunctionName}/concurrency",
        "GetFunctionConcurrency",
    ),
    (
        "DELETE",
        "/2019-09-30/functions/{FunctionName}/provisioned-concurrency",
        "DeleteProvisionedConcurrencyConfig",
    ),
    (
        "GET",
        "/2019-09-30/functions/{FunctionName}/provisioned-concurrency",
        "GetProvisionedConcurrencyConfig",
    ),
    (
        "PUT",
        "/2019-09-30/functions/{FunctionName}/provisioned-concurrency",
        "PutProvisionedConcurrencyConfig",
    ),
    (
        "GET",
        "/2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL",
        "ListProvisionedConcurrencyConfigs",
    ),
    (
        "GET",
        "/2020-04-22/code-signing-configs",
        "ListCodeSigningConfigs",
    ),
    (
        "POST",
        "/2020-04-22/code-signing-configs",
        "CreateCodeSigningConfig",
    ),
    (
        "DELETE",
        "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}",
        "DeleteCodeSigningConfig",
    ),
    (
        "GET",
        "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}",
        "GetCodeSigningConfig",
    ),
    (
        "PUT",
        "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}",
        "UpdateCodeSigningConfig",
    ),
    (
        "GET",
        "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}/functions",
        "ListFunctionsByCodeSigningConfig",
    ),
    (
        "DELETE",
        "/2020-06-30/functions/{FunctionName}/code-signing-config",
        "DeleteFunctionCodeSigningConfig",
    ),
    (
        "GET",
        "/2020-06-30/functions/{FunctionName}/code-signing-config",
        "GetFunctionCodeSigningConfig",
    ),
    (
        "PUT",
        "/2020-06-30/functions/{FunctionName}/code-signing-config",
        "PutFunctionCodeSigningConfig",
    ),
    (
        "GET",
        "/2021-07-20/functions/{FunctionName}/runtime-management-config",
        "GetRuntimeManagementConfig",
    ),
    (
        "PUT",
        "/2021-07-20/functions/{FunctionName}/runtime-management-config",
        "PutRuntimeManagementConfig",
    ),
    (
        "DELETE",
        "/2021-10-31/functions/{FunctionName}/url",
        "DeleteFunctionUrlConfig",
    ),
    (
        "GET",
        "/2021-10-31/functions/{FunctionName}/url",
        "GetFunctionUrlConfig",
    ),
    (
        "POST",
        "/2021-10-31/functions/{FunctionName}/url",
        "CreateFunctionUrlConfig",
    ),
    (
        "PUT",
        "/2021-10-31/functions/{FunctionName}/url",
        "UpdateFunctionUrlConfig",
    ),
    (
        "GET",
        "/2021-10-31/functions/{FunctionName}/urls",
        "ListFunctionUrlConfigs",
    ),
    (
        "POST",
        "/2021-11-15/functions/{FunctionName}/response-streaming-invocations",
        "InvokeWithResponseStream",
    ),
    (
        "GET",
        "/2024-08-31/functions/{FunctionName}/recursion-config",
        "GetFunctionRecursionConfig",
    ),
    (
        "PUT",
        "/2024-08-31/functions/{FunctionName}/recursion-config",
        "PutFunctionRecursionConfig",
    ),
    (
        "GET",
        "/2025-11-30/capacity-providers",
        "ListCapacityProviders",
    ),
    (
        "POST",
        "/2025-11-30/capacity-providers",
        "CreateCapacityProvider",
    ),
    (
        "DELETE",
        "/2025-11-30/capacity-providers/{CapacityProviderName}",
        "DeleteCapacityProvider",
    ),
    (
        "GET",
        "/2025-11-30/capacity-providers/{CapacityProviderName}",
        "GetCapacityProvider",
    ),
    (
        "PUT",
        "/2025-11-30/capacity-providers/{CapacityProviderName}",
        "UpdateCapacityProvider",
    ),
    (
        "GET",
        "/2025-11-30/capacity-providers/{CapacityProviderName}/function-versions",
        "ListFunctionVersionsByCapacityProvider",
    ),
    (
        "GET",
        "/2025-11-30/functions/{FunctionName}/function-scaling-config",
        "GetFunctionScalingConfig",
    ),
    (
        "PUT",
        "/2025-11-30/functions/{FunctionName}/function-scaling-config",
        "PutFunctionScalingConfig",
    ),
    (
        "POST",
        "/2025-12-01/durable-execution-callbacks/{CallbackId}/fail",
        "SendDurableExecutionCallbackFailure",
    ),
    (
        "POST",
        "/2025-12-01/durable-execution-callbacks/{CallbackId}/heartbeat",
        "SendDurableExecutionCallbackHeartbeat",
    ),
    (
        "POST",
        "/2025-12-01/durable-execution-callbacks/{CallbackId}/succeed",
        "SendDurableExecutionCallbackSuccess",
    ),
    (
        "GET",
        "/2025-12-01/durable-executions/{DurableExecutionArn}",
        "GetDurableExecution",
    ),
    (
        "POST",
        "/2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint",
        "CheckpointDurableExecution",
    ),
    (
        "GET",
        "/2025-12-01/durable-executions/{DurableExecutionArn}/history",
        "GetDurableExecutionHistory",
    ),
    (
        "GET",
        "/2025-12-01/durable-executions/{DurableExecutionArn}/state",
        "GetDurableExecutionState",
    ),
    (
        "POST",
        "/2025-12-01/durable-executions/{DurableExecutionArn}/stop",
        "StopDurableExecution",
    ),
    (
        "GET",
        "/2025-12-01/functions/{FunctionName}/durable-executions",
        "ListDurableExecutionsByFunction",
    ),
];

/// A request recognised as one of Lambda's operations.
#[derive(Debug, PartialEq, Eq)]
pub struct Recognised {
    /// The operation's name, as the model and the AWS CLI's errors say it: `Invoke`.
    pub operation: &'static str,
    /// The path's labels, percent-decoded, in template order: `[("FunctionName", "hello")]`.
    pub labels: Vec<(&'static str, String)>,
}

impl Recognised {
    /// The value of one label of the path.
    pub fn label(&self, name: &str) -> &str {
        self.labels
            .iter()
            .find(|(label, _)| *label == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// Which operation `method path?query` is, if it is one of Lambda's. A template that needs a
/// query parameter (`?List=ALL`) wins over the same path without one.
pub fn recognise(method: &str, path: &str, query: &str) -> Option<Recognised> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let with_query = |(_, template, _): &&(&str, &str, &str)| template.contains('?');
    let candidates = OPERATIONS
        .iter()
        .filter(|(m, _, _)| *m == method)
        .filter(with_query)
        .chain(
            OPERATIONS
                .iter()
                .filter(|(m, _, _)| *m == method)
                .filter(|op| !with_query(op)),
        );
    for (_, template, operation) in candidates {
        let (template_path, required_query) = template.split_once('?').unwrap_or((template, ""));
        if !required_query.is_empty() && !query.split('&').any(|pair| pair == required_query) {
            continue;
        }
        if let Some(labels) = match_path(template_path, &segments) {
            return Some(Recognised { operation, labels });
        }
    }
    None
}

/// The labels of `segments` if they fit `template` segment by segment.
fn match_path(template: &'static str, segments: &[&str]) -> Option<Vec<(&'static str, String)>> {
    let expected: Vec<&'static str> = template.split('/').collect();
    if expected.len() != segments.len() {
        return None;
    }
    let mut labels = Vec::new();
    for (want, got) in expected.into_iter().zip(segments) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(label) if !got.is_empty() => labels.push((label, decode(got))),
            Some(_) => return None,
            None if want == *got => {}
            None => return None,
        }
    }
    Some(labels)
}

/// A path segment as sent, percent-decoded: clients encode the `:` of an ARN as `%3A`.
pub fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_operations_and_decodes_their_labels() {
        let invoke = recognise(
            "POST",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ahello/invocations",
            "",
        )
        .unwrap();
        assert_eq!(invoke.operation, "Invoke");
        assert_eq!(
            invoke.label("FunctionName"),
            "arn:aws:lambda:us-east-1:123456789012:function:hello"
        );
        let list = recognise("GET", "/2015-03-31/functions/", "MaxItems=50").unwrap();
        assert_eq!(list.operation, "ListFunctions");
        let provisioned = "/2019-09-30/functions/f/provisioned-concurrency";
        assert_eq!(
            recognise("GET", provisioned, "List=ALL").unwrap().operation,
            "ListProvisionedConcurrencyConfigs"
        );
        assert_eq!(
            recognise("GET", provisioned, "Qualifier=live")
                .unwrap()
                .operation,
            "GetProvisionedConcurrencyConfig"
        );
        assert_eq!(recognise("GET", "/2015-03-31/nothing", ""), None);
        assert_eq!(recognise("PATCH", "/2015-03-31/functions", ""), None);
    }
}
