//! Publishing a layer version (`publish_layer_version`), as recorded in
//! test_lambda_api.snapshot.json, TestLambdaLayer. The recordings' `Content` (`CodeSha256`,
//! `Location`) and `CreatedDate` are left out: the invoker's layers are built from files, not
//! uploaded zips, and it has no S3 location to show.

use super::*;
use invoker::LayerVersion;

/// What `publish_layer_version` answers that the recordings hold: the ARNs, the version, the
/// description, the compatible runtimes and architectures and the license.
fn published(layer: &LayerVersion) -> (&str, &str, u32, &str, &[String], &[String], Option<&str>) {
    (
        &layer.layer_arn,
        &layer.layer_version_arn,
        layer.version,
        &layer.description,
        &layer.compatible_runtimes,
        &layer.compatible_architectures,
        layer.license_info.as_deref(),
    )
}

// test_layer_exceptions, publish_result
#[tokio::test(start_paused = true)]
async fn publish_result() {
    let lambda = Lambda::new();
    let layer = lambda
        .publish_layer_version("testlayer", python_layer())
        .unwrap();
    assert_eq!(
        published(&layer),
        (
            &*format!("{LAYERS}:testlayer"),
            &*format!("{LAYERS}:testlayer:1"),
            1,
            "",
            &["python3.12".to_owned()][..],
            &["x86_64".to_owned()][..],
            None
        )
    );
}

// test_layer_exceptions, publish_empty_result: empty lists of runtimes and architectures are
// accepted, and answered empty.
#[tokio::test(start_paused = true)]
async fn publish_empty_result() {
    let lambda = Lambda::new();
    let content = LayerContent::new()
        .file("python/util.py", "")
        .compatible_runtimes(Vec::<String>::new())
        .compatible_architectures(Vec::<String>::new());
    let layer = lambda
        .publish_layer_version("testlayer-empty", content)
        .unwrap();
    assert_eq!(layer.version, 1);
    assert!(layer.compatible_runtimes.is_empty());
    assert!(layer.compatible_architectures.is_empty());
}

/// Lambda's list of the runtimes a layer may be published for, in the order its message
/// gives them (recorded).
const LAYER_RUNTIMES: &str = "nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2";

/// The refusal of a publish whose runtimes and architectures both hold a value outside
/// Lambda's lists: one message naming both lists as given.
fn invalid_compatibilities(runtimes: &str, architectures: &str) -> (ErrorCode, u16, String) {
    (
        ErrorCode::ValidationException,
        400,
        format!(
            "2 validation errors detected: Value '[{runtimes}]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: [{LAYER_RUNTIMES}]; Value '[{architectures}]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]"
        ),
    )
}

// test_layer_exceptions, publish_layer_version_exc_invalid_runtime_arch
#[tokio::test(start_paused = true)]
async fn invalid_runtime_arch() {
    let lambda = Lambda::new();
    let content = LayerContent::new()
        .compatible_runtimes(["invalidruntime"])
        .compatible_architectures(["invalidarch"]);
    assert_eq!(
        refusal(
            lambda
                .publish_layer_version("testlayer-2", content)
                .unwrap_err()
        ),
        invalid_compatibilities("invalidruntime", "invalidarch")
    );
}

// test_layer_exceptions, publish_layer_version_exc_partially_invalid_values: one bad value
// refuses the whole list, which the message shows whole.
#[tokio::test(start_paused = true)]
async fn partially_invalid_values() {
    let lambda = Lambda::new();
    let content = LayerContent::new()
        .compatible_runtimes(["invalidruntime", "invalidruntime2", "nodejs20.x"])
        .compatible_architectures(["invalidarch", "x86_64"]);
    assert_eq!(
        refusal(
            lambda
                .publish_layer_version("testlayer-2", content)
                .unwrap_err()
        ),
        invalid_compatibilities(
            "invalidruntime, invalidruntime2, nodejs20.x",
            "invalidarch, x86_64"
        )
    );
}

// test_layer_lifecycle, publish_result, publish_result_2 and publish_result_3: a license and a
// description are answered back; versions count up, and a number is not reused once every
// version is deleted.
#[tokio::test(start_paused = true)]
async fn lifecycle_versions_count_up() {
    let lambda = Lambda::new();
    let content = || {
        python_layer()
            .description("description-1")
            .license_info("licenseinfo-1")
    };
    for version in 1..=2 {
        let layer = lambda
            .publish_layer_version("testlayer", content())
            .unwrap();
        assert_eq!(
            published(&layer),
            (
                &*format!("{LAYERS}:testlayer"),
                &*format!("{LAYERS}:testlayer:{version}"),
                version,
                "description-1",
                &["python3.12".to_owned()][..],
                &["x86_64".to_owned()][..],
                Some("licenseinfo-1")
            )
        );
    }
    lambda.delete_layer_version("testlayer", 1);
    lambda.delete_layer_version("testlayer", 2);
    let third = lambda
        .publish_layer_version("testlayer", content())
        .unwrap();
    assert_eq!(third.version, 3);
    assert_eq!(third.layer_version_arn, format!("{LAYERS}:testlayer:3"));
}

// test_layer_compatibilities[runtimes0], [runtimes1] and [runtimes2]: a layer for every runtime
// (15 at most per layer), on both architectures. Retired runtimes that no new function may
// use (nodejs14.x, python3.7, go1.x, provided, …) are still taken for a layer.
#[tokio::test(start_paused = true)]
async fn compatibilities() {
    let lambda = Lambda::new();
    let batches: [&[&str]; 3] = [
        &[
            "nodejs24.x",
            "nodejs22.x",
            "nodejs20.x",
            "nodejs18.x",
            "nodejs16.x",
            "nodejs14.x",
            "nodejs12.x",
            "python3.14",
            "python3.13",
            "python3.12",
            "python3.11",
            "python3.10",
            "python3.9",
            "python3.8",
            "python3.7",
        ],
        &[
            "java25",
            "java21",
            "java17",
            "java11",
            "java8.al2",
            "java8",
            "dotnet10",
            "dotnet8",
            "dotnet6",
            "dotnetcore3.1",
            "go1.x",
            "ruby3.4",
            "ruby3.3",
            "ruby3.2",
            "ruby2.7",
        ],
        &["provided.al2023", "provided.al2", "provided"],
    ];
    for (index, runtimes) in batches.into_iter().enumerate() {
        let content = LayerContent::new()
            .compatible_runtimes(runtimes.iter().copied())
            .compatible_architectures(["arm64", "x86_64"]);
        let layer = lambda
            .publish_layer_version(&format!("testlayer-{index}"), content)
            .unwrap_or_else(|error| panic!("{runtimes:?}: {}", error.message));
        assert_eq!(layer.version, 1);
        assert_eq!(layer.compatible_runtimes, runtimes);
        assert_eq!(layer.compatible_architectures, ["arm64", "x86_64"]);
    }
}
