//! Provided by the exercise: the three services the dashboard asks (each a function of its own,
//! each with its own speed), [`ask`], which invokes one of them through the Lambda client the
//! dashboard makes at init (`init.lambda()`) and waits for its answer, and the deployment of the
//! services and of both dashboards around your code. Read it, but you don't need to change it:
//! your part is in `lib.rs`.

use invoker::{
    service_fn, with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, InvokeRequest,
    Lambda, LambdaClient, LambdaEvent, ManagedPolicy, Role, ServiceError,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

use crate::{dashboard_parallel, dashboard_serial};

/// The weather service: answers in [`WEATHER_TIME`].
pub const WEATHER: &str = "weather";
/// The news service: the slowest, [`NEWS_TIME`].
pub const NEWS: &str = "news";
/// The traffic service: the fastest, [`TRAFFIC_TIME`].
pub const TRAFFIC: &str = "traffic";

/// How long the weather service takes to answer.
pub const WEATHER_TIME: Duration = Duration::from_millis(300);
/// How long the news service takes to answer.
pub const NEWS_TIME: Duration = Duration::from_millis(500);
/// How long the traffic service takes to answer.
pub const TRAFFIC_TIME: Duration = Duration::from_millis(200);

/// The dashboard that runs your `dashboard_serial`.
pub const SERIAL: &str = "dashboard-serial";
/// The dashboard that runs your `dashboard_parallel`.
pub const PARALLEL: &str = "dashboard-parallel";

/// The city a request asks about: `{"city": "Seoul"}`.
fn city(request: &Value) -> Result<&str, Diagnostic> {
    request["city"].as_str().ok_or_else(|| Diagnostic {
        error_type: "InvalidRequest".into(),
        error_message: "the request has no \"city\"".into(),
    })
}

/// The weather service's code.
async fn weather(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = event.payload;
    let city = city(&request)?;
    invoker::sleep(WEATHER_TIME).await;
    let (sky, celsius) = match city {
        "Seoul" => ("clear", -2),
        "Busan" => ("cloudy", 6),
        _ => ("unknown", 0),
    };
    Ok(json!({ "city": city, "sky": sky, "celsius": celsius }))
}

/// The news service's code.
async fn news(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = event.payload;
    let city = city(&request)?;
    invoker::sleep(NEWS_TIME).await;
    Ok(json!({ "city": city, "headlines": [format!("{city} opens a new library")] }))
}

/// The traffic service's code.
async fn traffic(event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = event.payload;
    let city = city(&request)?;
    invoker::sleep(TRAFFIC_TIME).await;
    let jam_km = city.len() * 3;
    Ok(json!({ "city": city, "jamKm": jam_km }))
}

// ANCHOR: ask
/// Invokes `function` synchronously with `request` through the Lambda client the dashboard made
/// at init, and waits for its answer, as a function calls another with the AWS SDK's `invoke`. If
/// the call fails (a throttle, a missing function) or the function fails (its answer is a
/// function error), the result is that error, with its `errorType` and `errorMessage`: `?` passes
/// it on to your caller unchanged.
pub async fn ask(
    lambda: &LambdaClient,
    function: &str,
    request: &Value,
) -> Result<Value, Diagnostic> {
    let invoke = InvokeRequest::new(function).payload(request.clone());
    let response = lambda.invoke(invoke).await?;
    let answer = response.payload_json().unwrap_or(Value::Null);
    if response.function_error.is_some() {
        let text = |field: &str| answer[field].as_str().unwrap_or_default().to_owned();
        return Err(Diagnostic {
            error_type: text("errorType").to_string(),
            error_message: text("errorMessage").to_string(),
        });
    }
    Ok(answer)
}
// ANCHOR_END: ask

/// A dashboard's code: the init step makes the Lambda client (`init.lambda()`; on AWS, an
/// `aws_sdk_lambda::Client` built once per environment), and each request runs `dashboard` with
/// it.
fn dashboard<F, Fut>(dashboard: F) -> FunctionCode
where
    F: Fn(Arc<LambdaClient>, Value) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Value, Diagnostic>> + Send + 'static,
{
    with_init(
        |init: InitContext| async move { Ok::<_, Diagnostic>(init.lambda()) },
        move |client: Arc<LambdaClient>, event: LambdaEvent<Value>| {
            let request = event.payload;
            dashboard(client, request)
        },
    )
}

/// Deploys the three services and the two dashboards, each of which may run for 3 seconds, the
/// default timeout: enough for both. The dashboards' execution role may invoke the three
/// services, and nothing else: a function calling a function needs `lambda:InvokeFunction`.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    let mut role = Role::new("dashboard-role").attach(ManagedPolicy::BasicExecution);
    let services = [
        (WEATHER, service_fn(weather)),
        (NEWS, service_fn(news)),
        (TRAFFIC, service_fn(traffic)),
    ];
    for (name, code) in services {
        let arn = lambda.create_function(FunctionConfig::new(name), code)?;
        role = role.allow("lambda:InvokeFunction", arn);
    }
    let serial =
        dashboard(|client, request| async move { dashboard_serial(&client, request).await });
    lambda.create_function(FunctionConfig::new(SERIAL).role(role.clone()), serial)?;
    let parallel =
        dashboard(|client, request| async move { dashboard_parallel(&client, request).await });
    lambda.create_function(FunctionConfig::new(PARALLEL).role(role), parallel)?;
    Ok(())
}
