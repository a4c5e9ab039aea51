//! A command line that mirrors `aws lambda invoke`, for every exercise crate.
//!
//! Each exercise's `main` hands its functions to [`main`], so a learner can poke at their code
//! the way they will on AWS:
//!
//! ```text
//! cargo run -p hello-api -- invoke --function-name hello --payload '{"name":"Ada"}' out.json
//! ```
//!
//! As with the AWS CLI, the response payload goes to the output file, and the call's metadata
//! (`StatusCode`, `FunctionError`, `LogResult`, `ExecutedVersion`) is printed as JSON. A service
//! error is printed as the AWS CLI prints it, with the same exit status (254). Two differences,
//! both for convenience: `--payload` takes raw JSON without `--cli-binary-format
//! raw-in-base64-out` (accepted and ignored), and `--transcript` prints the invoker's transcript
//! to stderr.

use crate::base::error::ServiceError;
use crate::lambda::invoke::{InvocationType, InvokeRequest, InvokeResponse, LogType};
use crate::lambda::service::Lambda;
use serde_json::{json, Value};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// The AWS CLI's exit status for a command-line mistake.
const EXIT_USAGE: u8 = 252;
/// The AWS CLI's exit status for an error returned by the service.
const EXIT_SERVICE: u8 = 254;
/// The AWS CLI's exit status for anything else (for example an unwritable output file).
const EXIT_OTHER: u8 = 255;

const USAGE: &str =
    "usage: <exercise> invoke --function-name <name|arn> [--qualifier <version|alias>]
         [--invocation-type RequestResponse|Event|DryRun] [--log-type None|Tail]
         [--payload <json>|file://<path>|fileb://<path>] [--transcript] <outfile>
       <exercise> list-functions";

/// A function that deploys an exercise's functions into a fresh service.
pub(crate) type Deploy = fn(&Lambda) -> Result<(), ServiceError>;

/// Runs the command line with the process's arguments and exits with the AWS CLI's status.
pub fn main(deploy: Deploy) -> ExitCode {
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    // `args_os`, not `args`: an argument that is not UTF-8 (a file name from another system, a
    // stray byte) must be a usage error the learner can read, not a panic with a backtrace.
    let args: Result<Vec<String>, OsString> = std::env::args_os()
        .skip(1)
        .map(OsString::into_string)
        .collect();
    let code = match args {
        Ok(args) => run(&args, deploy, &mut out, &mut err),
        Err(arg) => {
            let arg = arg.to_string_lossy();
            let _ = writeln!(
                err,
                "{USAGE}\n\nerror: argument '{arg}' is not valid UTF-8 (\u{FFFD} marks the bytes that are not)"
            );
            EXIT_USAGE
        }
    };
    ExitCode::from(code)
}

/// The command line, with its streams passed in so tests can read them; returns the exit status.
pub(crate) fn run(args: &[String], deploy: Deploy, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match Command::parse(args) {
        Ok(command) => crate::run(execute(command, deploy, out, err)),
        Err(message) => {
            let _ = writeln!(err, "{USAGE}\n\nerror: {message}");
            EXIT_USAGE
        }
    }
}

/// A parsed command line.
#[derive(Debug)]
enum Command {
    Invoke(Box<InvokeArgs>),
    ListFunctions,
}

#[derive(Debug)]
struct InvokeArgs {
    request: InvokeRequest,
    outfile: String,
    transcript: bool,
}

impl Command {
    fn parse(args: &[String]) -> Result<Self, String> {
        match args.first().map(String::as_str) {
            Some("invoke") => {
                InvokeArgs::parse(&args[1..]).map(|args| Command::Invoke(Box::new(args)))
            }
            Some("list-functions") if args.len() == 1 => Ok(Command::ListFunctions),
            Some("list-functions") => Err(format!("Unknown options: {}", args[1..].join(", "))),
            Some(other) => Err(format!("argument operation: Invalid choice: '{other}'")),
            None => Err("the following arguments are required: operation".into()),
        }
    }
}

impl InvokeArgs {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut function_name = None;
        let mut request_parts = Vec::new();
        let mut outfile = None;
        let mut transcript = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("argument {flag}: expected one argument"))
            };
            match arg.as_str() {
                "--function-name" => function_name = Some(value(arg)?),
                "--qualifier" | "--invocation-type" | "--log-type" | "--payload" => {
                    request_parts.push((arg.clone(), value(arg)?))
                }
                "--cli-binary-format" => {
                    let format = value(arg)?;
                    if format != "raw-in-base64-out" && format != "base64" {
                        return Err(format!(
                            "argument --cli-binary-format: Invalid choice: '{format}'"
                        ));
                    }
                }
                "--transcript" => transcript = true,
                flag if flag.starts_with("--") => return Err(format!("Unknown options: {flag}")),
                path if outfile.is_none() => outfile = Some(path.to_owned()),
                extra => return Err(format!("Unknown options: {extra}")),
            }
        }
        let missing: Vec<&str> = [
            function_name.is_none().then_some("--function-name"),
            outfile.is_none().then_some("outfile"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the following arguments are required: {}",
                missing.join(", ")
            ));
        }
        let mut request = InvokeRequest::new(function_name.unwrap_or_default());
        for (flag, value) in request_parts {
            request = match flag.as_str() {
                "--qualifier" => request.qualifier(value),
                "--invocation-type" => request.invocation_type(match value.as_str() {
                    "RequestResponse" => InvocationType::RequestResponse,
                    "Event" => InvocationType::Event,
                    "DryRun" => InvocationType::DryRun,
                    _ => {
                        return Err(invalid_choice(
                            &flag,
                            &value,
                            "Event, RequestResponse, DryRun",
                        ))
                    }
                }),
                "--log-type" => request.log_type(match value.as_str() {
                    "None" => LogType::None,
                    "Tail" => LogType::Tail,
                    _ => return Err(invalid_choice(&flag, &value, "None, Tail")),
                }),
                _ => request.raw_payload(read_payload(&value)?),
            };
        }
        Ok(Self {
            request,
            outfile: outfile.unwrap_or_default(),
            transcript,
        })
    }
}

fn invalid_choice(flag: &str, value: &str, choices: &str) -> String {
    format!("argument {flag}: Invalid choice, valid choices are: {choices} (got '{value}')")
}

/// `--payload` is the JSON itself, or `file://path` / `fileb://path` to read it from a file.
fn read_payload(value: &str) -> Result<Vec<u8>, String> {
    match value
        .strip_prefix("fileb://")
        .or_else(|| value.strip_prefix("file://"))
    {
        Some(path) => std::fs::read(path).map_err(|e| {
            format!("Error parsing parameter '--payload': Unable to load paramfile {value}: {e}")
        }),
        None => Ok(value.as_bytes().to_vec()),
    }
}

async fn execute(command: Command, deploy: Deploy, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lambda = Lambda::new();
    if let Err(error) = deploy(&lambda) {
        let _ = writeln!(err, "\n{}", error.cli_message("CreateFunction"));
        return EXIT_SERVICE;
    }
    match command {
        Command::ListFunctions => {
            let functions: Vec<Value> = lambda
                .function_names()
                .into_iter()
                .map(|name| json!({ "FunctionName": name }))
                .collect();
            print_json(out, &json!({ "Functions": functions }));
            0
        }
        Command::Invoke(args) => {
            let result = lambda.invoke(args.request).await;
            // An Event invocation returns at once; let it (and its retries) finish before the
            // process, and with it the simulated service, goes away.
            lambda.settle().await;
            if args.transcript {
                let _ = write!(err, "{}", lambda.transcript());
            }
            match result {
                Ok(response) => match std::fs::write(&args.outfile, &response.payload) {
                    Ok(()) => {
                        print_json(out, &metadata(&response));
                        0
                    }
                    Err(e) => {
                        let _ = writeln!(
                            err,
                            "\n[Errno {}] {e}: '{}'",
                            e.raw_os_error().unwrap_or(0),
                            args.outfile
                        );
                        EXIT_OTHER
                    }
                },
                Err(error) => {
                    let _ = writeln!(err, "\n{}", error.cli_message("Invoke"));
                    EXIT_SERVICE
                }
            }
        }
    }
}

/// The response metadata, with the AWS CLI's field names and order.
fn metadata(response: &InvokeResponse) -> Value {
    let mut fields = serde_json::Map::new();
    fields.insert("StatusCode".into(), json!(response.status_code));
    if let Some(error) = &response.function_error {
        fields.insert("FunctionError".into(), json!(error));
    }
    if let Some(log) = &response.log_result {
        fields.insert("LogResult".into(), json!(log));
    }
    if let Some(version) = &response.executed_version {
        fields.insert("ExecutedVersion".into(), json!(version));
    }
    Value::Object(fields)
}

/// JSON with the AWS CLI's four-space indent.
fn print_json(out: &mut dyn Write, value: &Value) {
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    if serde::Serialize::serialize(value, &mut serializer).is_ok() {
        let _ = out.write_all(&buffer);
        let _ = writeln!(out);
    }
}
