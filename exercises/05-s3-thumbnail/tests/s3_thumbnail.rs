//! Tests for exercise 5. Each deploys the bucket `photos` and the function `thumbnail` with your
//! code and your notification, uploads photos the way the app does, waits for S3's asynchronous
//! events to be processed (`lambda.settle()`), then looks in the bucket and the transcript.

use invoker::testing::deployed;
use invoker::Lambda;
use invoker::MAX_RECURSIVE_INVOCATIONS;
use s3_thumbnail::{
    deploy, deploy_code, next_to_the_upload, photo, resize, thumbnail_key, BUCKET, FUNCTION,
    THUMBNAIL_WIDTH,
};

/// Uploads an object, as the app does.
async fn upload(lambda: &Lambda, key: &str, body: Vec<u8>) {
    lambda
        .s3()
        .put_object(BUCKET, key, body)
        .await
        .expect("the bucket exists");
}

fn keys(lambda: &Lambda, prefix: &str) -> Vec<String> {
    lambda.s3().list_objects(BUCKET, prefix).unwrap()
}

#[tokio::test(start_paused = true)]
async fn an_upload_gets_its_thumbnail_under_thumbnails() {
    let lambda = deployed(5, deploy);
    let cat = photo(1024, 768);
    upload(&lambda, "uploads/cat.jpg", cat.clone()).await;
    lambda.settle().await;
    let thumbnail = lambda
        .s3()
        .get_object(BUCKET, "thumbnails/cat.jpg")
        .expect("thumbnails/cat.jpg was written");
    assert_eq!(thumbnail, resize(&cat, THUMBNAIL_WIDTH).unwrap());
    assert_eq!(thumbnail, photo(128, 96), "128 pixels wide, in proportion");
}

#[tokio::test(start_paused = true)]
async fn thumbnail_keys_keep_the_path_below_uploads() {
    assert_eq!(thumbnail_key("uploads/cat.jpg"), "thumbnails/cat.jpg");
    assert_eq!(
        thumbnail_key("uploads/2025/01/cat.jpg"),
        "thumbnails/2025/01/cat.jpg"
    );
    assert_eq!(
        thumbnail_key("uploads/uploads.jpg"),
        "thumbnails/uploads.jpg",
        "only the leading folder changes"
    );
}

#[tokio::test(start_paused = true)]
async fn a_key_with_spaces_is_decoded_before_it_is_used() {
    let lambda = deployed(5, deploy);
    upload(&lambda, "uploads/my cat.jpg", photo(640, 480)).await;
    lambda.settle().await;
    assert_eq!(
        keys(&lambda, "thumbnails/"),
        ["thumbnails/my cat.jpg"],
        "S3 sends the key as uploads/my+cat.jpg: decode it to find the photo and name the thumbnail"
    );
}

#[tokio::test(start_paused = true)]
async fn only_uploads_invoke_the_function() {
    let lambda = deployed(5, deploy);
    upload(&lambda, "docs/readme.txt", b"not a photo".to_vec()).await;
    upload(&lambda, "avatars/ada.jpg", photo(64, 64)).await;
    upload(&lambda, "thumbnails/old.jpg", photo(128, 96)).await;
    lambda.settle().await;
    assert_eq!(
        lambda.usage(FUNCTION).invocations,
        0,
        "nothing outside uploads/ invokes thumbnail"
    );
    upload(&lambda, "uploads/dog.jpg", photo(800, 600)).await;
    lambda.settle().await;
    assert_eq!(lambda.usage(FUNCTION).invocations, 1);
}

#[tokio::test(start_paused = true)]
async fn one_upload_is_one_invocation_the_thumbnail_does_not_trigger_it_again() {
    let lambda = deployed(5, deploy);
    for name in ["a", "b", "c"] {
        upload(&lambda, &format!("uploads/{name}.jpg"), photo(400, 300)).await;
    }
    lambda.settle().await;
    assert_eq!(
        lambda.usage(FUNCTION).invocations,
        3,
        "one invocation per upload: the thumbnails must not invoke thumbnail"
    );
    assert_eq!(
        keys(&lambda, ""),
        [
            "thumbnails/a.jpg",
            "thumbnails/b.jpg",
            "thumbnails/c.jpg",
            "uploads/a.jpg",
            "uploads/b.jpg",
            "uploads/c.jpg"
        ]
    );
    assert!(!lambda.transcript().contains("recursive loop"));
}

/// What the first version did: with the thumbnail next to the photo, under `uploads/`, each
/// thumbnail is a new upload. The function calls itself until Lambda stops the chain.
#[tokio::test(start_paused = true)]
async fn a_thumbnail_next_to_its_photo_loops_until_lambda_stops_it() {
    let lambda = deployed(5, |lambda| deploy_code(lambda, next_to_the_upload()));
    upload(&lambda, "uploads/cat.jpg", photo(1024, 768)).await;
    lambda.settle().await;
    assert_eq!(
        lambda.usage(FUNCTION).invocations,
        u64::from(MAX_RECURSIVE_INVOCATIONS),
        "invoked again by each of its own thumbnails, until Lambda stopped the 17th"
    );
    let uploads = keys(&lambda, "uploads/");
    assert_eq!(
        uploads.len(),
        17,
        "the photo and 16 thumbnails of thumbnails"
    );
    assert!(uploads.contains(&"uploads/cat.thumbnail.thumbnail.jpg".to_owned()));
    assert!(lambda.transcript().contains(
        "recursive loop detected: thumbnail would be invoked more than 16 times in one request chain"
    ));
}

/// One upload, in the transcript (readable in `tests/snapshots/`): the notification, the
/// asynchronous event, and the thumbnail written from inside the invocation. What your code
/// logs is up to you, so the snapshot leaves your log lines out.
#[tokio::test(start_paused = true)]
async fn transcript_of_one_upload() {
    let lambda = deployed(5, deploy);
    upload(&lambda, "uploads/cat.jpg", photo(1024, 768)).await;
    lambda.settle().await;
    let transcript = lambda.transcript_view().without_application_logs();
    insta::assert_snapshot!(transcript.to_string());
}
