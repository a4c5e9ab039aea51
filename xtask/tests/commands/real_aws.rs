//! `real-aws` on the fixture's book: templates included and linted, commands parsed by the AWS
//! CLI. It needs PyPI's `cfn-lint` and `awscli`; without them the test is skipped with a note,
//! except in CI (`CI=true`), where `.ci/run` installs them.

use std::io::Write;
use std::process::Command;

use crate::fixture::{stdout, Fixture};

/// Whether both tools can run here; panics in CI if not.
fn tools_present() -> bool {
    let cfn_lint = Command::new("cfn-lint").arg("--version").output();
    let awscli = Command::new("python3")
        .args(["-c", "import awscli"])
        .output();
    let present = matches!(&cfn_lint, Ok(o) if o.status.success())
        && matches!(&awscli, Ok(o) if o.status.success());
    if !present {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("cfn-lint and awscli are needed in CI: python3 -m pip install cfn-lint awscli");
        }
        // Written to stderr directly, not with `eprintln!`, which the test harness captures.
        let note = "SKIPPED: the real-aws test, as cfn-lint or the AWS CLI's Python package is \
                    missing; `python3 -m pip install cfn-lint awscli` provides them\n";
        let _ = std::io::stderr().write_all(note.as_bytes());
    }
    present
}

const QUEUE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\n\
                     Transform: AWS::Serverless-2016-10-31\n\
                     Resources:\n  \
                       # ANCHOR: queue\n  \
                       Queue:\n    \
                         Type: AWS::SQS::Queue\n    \
                         Properties:\n      \
                           VisibilityTimeout: 180\n  \
                       # ANCHOR_END: queue\n";

#[test]
fn real_aws_passes_good_templates_and_commands_and_names_each_bad_one() {
    if !tools_present() {
        return;
    }
    let fixture = Fixture::new("real-aws");
    let chapter = fixture.read("book/src/adding.md");
    fixture.write("book/templates/queue.yaml", QUEUE);
    let good = "\n```yaml\n{{#include ../templates/queue.yaml:queue}}\n```\n\n```sh\n\
                aws lambda invoke --function-name adder \\\n  \
                --cli-binary-format raw-in-base64-out --payload file://event.json out.json\n\
                KEY=$(aws kms create-key --query KeyMetadata.Arn --output text)\n\
                aws lambda update-alias --function-name adder --name prod --function-version 1 \\\n  \
                --routing-config '{\"AdditionalVersionWeights\":{\"2\":0.1}}'\n\
                aws lambda create-function --function-name adder --runtime provided.al2023 \\\n  \
                --handler bootstrap --role \"$ROLE\" --zip-file fileb://bootstrap.zip\n```\n\n\
                Prose may name `aws lambda add-permission --principal s3.amazonaws.com` alone.\n";
    fixture.write("book/src/adding.md", &format!("{chapter}{good}"));
    let passed = stdout(&fixture.xtask(&["real-aws"]).assert().success());
    assert!(
        passed.contains("The book's templates: 1 in book/templates/ pass cfn-lint"),
        "{passed}"
    );
    assert!(
        passed.contains("5 checked with the AWS CLI")
            && passed.contains("(4 from code blocks, 1 named in prose), 0 problem(s)")
            && passed.contains("--cli-binary-format (version 2 only) removed from 1;"),
        "{passed}"
    );
    assert!(passed.contains("real-aws: all good."), "{passed}");

    fixture.write(
        "book/templates/queue.yaml",
        &QUEUE.replace("VisibilityTimeout: 180", "VisibilityTimeout: soon"),
    );
    fixture.write("book/templates/unused.yaml", QUEUE);
    let bad = "\n```sh\n\
               aws lambda update-alias --function-name adder --name prod --function-version 1 \\\n  \
               --routing-config 'AdditionalVersionWeights={\"2\"=0.1}'\n\
               aws lambda invoke --function-name adder --bogus out.json\n```\n\n\
               ```yaml\nResources: {}\n```\n\n```text\naws lambda list-functions\n```\n";
    fixture.write("book/src/adding.md", &format!("{chapter}{good}{bad}"));
    let failed = stdout(&fixture.xtask(&["real-aws"]).assert().code(1));
    for expected in [
        "E3012 'soon' is not of type 'integer'",
        "cfn-lint finds problems in the book's templates",
        "book/templates/unused.yaml is included by no chapter",
        "a YAML block that is not an include of a template",
        "Error parsing parameter '--routing-config'",
        "Unknown options: --bogus",
        "an `aws` command in a ```text block is not checked",
        "the AWS CLI refuses commands of the book",
    ] {
        assert!(failed.contains(expected), "{expected:?} in:\n{failed}");
    }
}
