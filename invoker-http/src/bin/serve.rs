//! `cargo xtask serve [--port N] [--transcript]`: every exercise's functions behind Lambda's REST
//! API on `127.0.0.1`, for the AWS CLI, boto3 and the SDKs (see the crate's docs).
//!
//! Each exercise is deployed as its own `deploy` does for its `cargo run` command line, from the
//! learner's code as it stands: a function not written yet answers with its function error, as
//! it would on AWS. An exercise whose deployment fails (a step the learner has not written yet,
//! or a function name another exercise took first) is left out and named; the others are served.

use invoker::{Lambda, ServiceError};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Duration;

/// The port the Runtime Interface Emulator and `cargo lambda watch` use too: the address learners
/// already type.
const DEFAULT_PORT: u16 = 9001;
/// How often `--transcript` looks for new lines.
const TRANSCRIPT_EVERY: Duration = Duration::from_millis(100);

const USAGE: &str = "usage: cargo xtask serve [--port <port>] [--transcript] [--bootstrap <program> --function-name <name>]";

/// How an exercise deploys its functions into a service: its `deploy`, which its own `cargo run`
/// command line uses too.
type Deploy = fn(&Lambda) -> Result<(), ServiceError>;

/// Each exercise and how it deploys its functions, in the manifest's order.
const EXERCISES: [(&str, Deploy); 21] = [
    ("hello-api", hello_api::deploy),
    ("init-outside-handler", init_outside_handler::deploy),
    ("right-size-memory", right_size_memory::deploy),
    ("api-gateway", api_gateway::deploy),
    ("s3-thumbnail", s3_thumbnail::deploy),
    ("sqs-partial-batch", sqs_partial_batch::deploy),
    ("async-failure", async_failure::deploy),
    ("kinesis-poison", kinesis_poison::deploy),
    ("protect-the-database", protect_the_database::deploy),
    ("provisioned-concurrency", provisioned_concurrency::deploy),
    ("blue-green", blue_green::deploy),
    ("canary", canary::deploy),
    ("config", config::deploy),
    ("secret-at-init", secret_at_init::deploy),
    ("async-waterfall", async_waterfall::deploy),
    ("serial-vs-parallel", serial_vs_parallel::deploy),
    ("email", email::deploy),
    ("map-reduce", map_reduce::deploy),
    ("scheduled-cleanup", scheduled_cleanup::deploy),
    ("layers", layers::deploy),
    ("permissions", permissions::deploy),
];

/// What the command line asks for.
struct Options {
    port: u16,
    transcript: bool,
    /// A real function to serve too: a `bootstrap` program (built with `lambda_runtime`, say)
    /// and the name to deploy it under.
    bootstrap: Option<(String, String)>,
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{USAGE}\n\nerror: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("serve: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(options))
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        port: DEFAULT_PORT,
        transcript: false,
        bootstrap: None,
    };
    let (mut program, mut name) = (None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port needs a number")?;
                options.port = value
                    .parse()
                    .map_err(|_| format!("--port takes a port number (0–65535), not `{value}`"))?;
            }
            "--transcript" => options.transcript = true,
            "--bootstrap" => program = Some(args.next().ok_or("--bootstrap needs a program")?),
            "--function-name" => name = Some(args.next().ok_or("--function-name needs a name")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    options.bootstrap = match (program, name) {
        (Some(program), Some(name)) => Some((program, name)),
        (None, None) => None,
        _ => return Err("--bootstrap and --function-name go together".into()),
    };
    Ok(options)
}

async fn serve(options: Options) -> ExitCode {
    // On a runtime whose clock runs, the invoker keeps real time: a timeout is a real timeout.
    // The log lines and ARNs carry today's date, as on AWS, rather than the workbook's fixed one.
    let lambda = Lambda::builder()
        .epoch(std::time::SystemTime::now())
        .build();
    deploy_exercises(&lambda);
    if let Some((program, name)) = &options.bootstrap {
        if let Err(message) = deploy_bootstrap(&lambda, program, name) {
            eprintln!("serve: {message}");
            return ExitCode::FAILURE;
        }
    }
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("serve: cannot listen on {address}: {error} (is another server using the port? try --port)");
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or(address);
    // Written, not `println!`ed: a closed standard output (a script that read the address and
    // went away) must not stop the server.
    let banner = format!(
        "Lambda's API for {} functions on http://{address}\n  \
         aws lambda list-functions --endpoint-url http://{address}\n  \
         aws lambda invoke --endpoint-url http://{address} --function-name hello --payload '{{}}' out.json\n\
         (any credentials are accepted; Ctrl-C stops the server)\n",
        lambda.function_names().len()
    );
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    drop(out);
    if options.transcript {
        tokio::spawn(print_transcript(lambda.clone()));
    }
    let served = axum::serve(listener, invoker_http::router(lambda))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("serve: the server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Deploys every exercise that deploys cleanly, and names the others with the reason.
fn deploy_exercises(lambda: &Lambda) {
    // A starter's `todo!()` in a deployment step panics: that is the learner's "not yet", so it
    // is reported in one line, not with a backtrace.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    for (exercise, deploy) in EXERCISES {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| deploy(lambda)));
        let reason = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(error)) => error.to_string(),
            Err(panic) => panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "its deployment panicked".into()),
        };
        eprintln!("serve: exercise {exercise} is not served: {reason}");
    }
    panic::set_hook(hook);
}

/// Deploys a real function: the program runs as a `provided` runtime's `bootstrap`, one
/// process per execution environment, talking to the invoker through the Runtime API.
#[cfg(unix)]
fn deploy_bootstrap(lambda: &Lambda, program: &str, name: &str) -> Result<(), String> {
    let path = std::path::Path::new(program);
    if !path.is_file() {
        return Err(format!("--bootstrap {program}: no such program (build it first, e.g. `cargo lambda build` or `cargo build`)"));
    }
    let path = path
        .canonicalize()
        .map_err(|e| format!("--bootstrap {program}: {e}"))?;
    lambda
        .create_function(
            invoker::FunctionConfig::new(name),
            invoker_http::runtime_api::bootstrap(path),
        )
        .map(|_| ())
        .map_err(|e| format!("--function-name {name}: {e}"))
}

#[cfg(not(unix))]
fn deploy_bootstrap(_: &Lambda, _: &str, _: &str) -> Result<(), String> {
    Err("--bootstrap runs a Linux program, as Lambda does: use Linux, macOS or WSL".into())
}

/// Prints the transcript as it grows.
async fn print_transcript(lambda: Lambda) {
    let mut printed = 0;
    loop {
        let transcript = lambda.transcript();
        if let Some(new) = transcript.get(printed..).filter(|new| !new.is_empty()) {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(new.as_bytes());
            let _ = out.flush();
            printed = transcript.len();
        }
        tokio::time::sleep(TRANSCRIPT_EVERY).await;
    }
}
