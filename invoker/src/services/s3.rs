//! Amazon S3, simulated: buckets of objects, and the event notifications that invoke a function
//! when an object is created or removed.
//!
//! S3 is a **push** source. A bucket's notification configuration lists, for each function, the
//! events it wants (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`, …) and optionally a key
//! filter (a prefix and/or a suffix). When a write matches, S3 invokes the function
//! **asynchronously** (`InvocationType: Event`) with an S3 event of one record and does not wait:
//! from there on the function's retries, destinations and dead-letter queue apply (see
//! [`crate::lambda::async_invoke`]). S3 refuses a configuration in which two entries could both match
//! one write: for the same event type, their prefixes overlap (one starts the other) and their
//! suffixes overlap (one ends the other).
//!
//! ```
//! use invoker::{service_fn, Error, FunctionConfig, Lambda, LambdaEvent, Permission};
//! use invoker::aws_lambda_events::s3::S3Event;
//! use invoker::{LambdaFunctionConfiguration, NotificationConfiguration};
//!
//! async fn on_upload(event: LambdaEvent<S3Event>) -> Result<(), Error> {
//!     let key = event.payload.records[0].s3.object.key.clone().unwrap_or_default();
//!     event.context.logger().info(format!("new object: {key}"));
//!     Ok(())
//! }
//!
//! invoker::run(async {
//!     let lambda = Lambda::new();
//!     let function = lambda.create_function(FunctionConfig::new("on-upload"), service_fn(on_upload)).unwrap();
//!     let bucket = lambda.s3().create_bucket("photos").unwrap();
//!     // S3 may invoke the function for this bucket of this account, and for nothing else.
//!     let s3_may_invoke = Permission::new("s3-photos", "s3.amazonaws.com")
//!         .source_arn(bucket)
//!         .source_account(lambda.account_id());
//!     lambda.add_permission("on-upload", s3_may_invoke).unwrap();
//!     let notify = LambdaFunctionConfiguration::new(&function).event("s3:ObjectCreated:*").prefix("uploads/");
//!     lambda.s3().put_bucket_notification_configuration("photos", NotificationConfiguration::default().lambda_function(notify)).unwrap();
//!     lambda.s3().put_object("photos", "uploads/my cat.jpg", b"...".to_vec()).await.unwrap();
//!     lambda.settle().await;
//!     assert!(lambda.transcript().contains("new object: uploads/my+cat.jpg"));
//! });
//! ```
//!
//! Keys in events are URL-encoded as in an HTML form (`my cat.jpg` arrives as `my+cat.jpg`):
//! decode them ([`url_decode_key`]) before using them as keys. A function that writes into the bucket and prefix that
//! trigger it calls itself in a loop; Lambda stops the loop after 16 rounds (see
//! [`crate::lambda::trace`]), so choose the filter (and the keys the function writes) so that its own
//! writes do not match.
//!
//! Permissions come in twice. S3 invokes as `s3.amazonaws.com` for the bucket, so the function's
//! resource-based policy must allow that (see [`crate::lambda::permissions`]): S3 checks it when the
//! notification configuration is put, and refuses a configuration it could not deliver. And a
//! handler's own calls are checked against its execution role (see [`crate::lambda::iam`]):
//! `s3:GetObject`, `s3:PutObject` and `s3:DeleteObject` on the object's ARN,
//! `arn:aws:s3:::<bucket>/<key>`, and `s3:ListBucket` on the bucket's, `arn:aws:s3:::<bucket>`.
//! A refusal is S3's `AccessDenied` (403). Reading a key that does not exist without
//! `s3:ListBucket` is refused too, with a bare "Access Denied" instead of `NoSuchKey`: S3 will
//! not tell a caller that cannot list the bucket which keys are there.
//!
//! Simplified here: only `PutObject` and `DeleteObject` cause events (`ObjectCreated:Put`,
//! `ObjectRemoved:Delete`), delivered at once and exactly once; no versioning, no multipart
//! uploads, no bucket policies, and queue or topic destinations are not simulated.

use crate::base::clock;
use crate::base::error::{ErrorCode, ServiceError};
use crate::base::ids::md5_hex;
use crate::base::platform::lock;
use crate::base::transcript::Entry;
use crate::lambda::handle::LambdaHandle;
use crate::lambda::iam::Denied;
use crate::lambda::invoke::{InvocationType, InvokeRequest};
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, MutexGuard};

/// The event types a notification configuration may name, as S3 lists them.
pub(crate) const EVENT_TYPES: &[&str] = &[
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
];

/// Who wrote, as the event's `userIdentity` shows it: AWS's example IAM user.
const PRINCIPAL_ID: &str = "AWS:AIDAJDPLRKLG7UEXAMPLE";
/// The bucket owner's canonical id, as AWS's examples show it.
const OWNER_ID: &str = "A3NL1KOZZKExample";
/// The caller's address, from the range reserved for documentation.
const SOURCE_IP: &str = "198.51.100.7";

/// Every bucket, by name.
#[derive(Debug, Default)]
pub(crate) struct Buckets {
    buckets: BTreeMap<String, Bucket>,
}

impl Buckets {
    /// A bucket by name, or S3's `NoSuchBucket`.
    fn bucket(&self, name: &str) -> Result<&Bucket, ServiceError> {
        self.buckets.get(name).ok_or_else(no_such_bucket)
    }

    /// A bucket by name, to change, or S3's `NoSuchBucket`.
    fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket, ServiceError> {
        self.buckets.get_mut(name).ok_or_else(no_such_bucket)
    }
}

#[derive(Debug, Default)]
struct Bucket {
    /// Each key's content.
    objects: BTreeMap<String, Vec<u8>>,
    notifications: NotificationConfiguration,
    /// Orders the events of the bucket: each write takes the next value.
    sequencer: u64,
}

/// A bucket's notification configuration: what `aws s3api
/// put-bucket-notification-configuration` takes. Putting one replaces the bucket's whole
/// configuration; an empty one turns notifications off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotificationConfiguration {
    lambda_function_configurations: Vec<LambdaFunctionConfiguration>,
}

impl NotificationConfiguration {
    /// Adds a `LambdaFunctionConfiguration`.
    pub fn lambda_function(mut self, configuration: LambdaFunctionConfiguration) -> Self {
        self.lambda_function_configurations.push(configuration);
        self
    }

    /// The function configurations, in order (with the ids S3 gave those that had none).
    pub fn lambda_function_configurations(&self) -> &[LambdaFunctionConfiguration] {
        &self.lambda_function_configurations
    }
}

/// Which writes invoke which function: event types and a key filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaFunctionConfiguration {
    id: Option<String>,
    function_arn: String,
    events: Vec<String>,
    prefix: String,
    suffix: String,
}

impl LambdaFunctionConfiguration {
    /// Notifications for the function `function_arn` (a full ARN, optionally with a version or
    /// alias); add at least one event.
    pub fn new(function_arn: impl Into<String>) -> Self {
        Self {
            id: None,
            function_arn: function_arn.into(),
            events: Vec::new(),
            prefix: String::new(),
            suffix: String::new(),
        }
    }

    /// The configuration's `Id`, which events carry as `configurationId` (S3 makes one up if
    /// you give none).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// An event type, e.g. `s3:ObjectCreated:*` or `s3:ObjectRemoved:Delete`.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.events.push(event.into());
        self
    }

    /// Only keys that start with `prefix` (the `prefix` filter rule).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Only keys that end with `suffix` (the `suffix` filter rule).
    pub fn suffix(mut self, suffix: impl Into<String>) -> Self {
        self.suffix = suffix.into();
        self
    }

    /// The configuration's id, once S3 has it.
    pub fn configuration_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The function it invokes.
    pub fn function_arn(&self) -> &str {
        &self.function_arn
    }

    /// Its event types.
    pub fn events(&self) -> &[String] {
        &self.events
    }

    /// Whether a write of `key` that S3 names `event` (`ObjectCreated:Put`) invokes it.
    fn matches(&self, event: &str, key: &str) -> bool {
        let event = format!("s3:{event}");
        self.events.iter().any(|e| covers(e, &event))
            && key.starts_with(&self.prefix)
            && key.ends_with(&self.suffix)
    }

    /// Whether one write could match both configurations.
    fn overlaps(&self, other: &Self) -> bool {
        let shared_event = self
            .events
            .iter()
            .any(|a| other.events.iter().any(|b| covers(a, b) || covers(b, a)));
        let prefixes =
            self.prefix.starts_with(&other.prefix) || other.prefix.starts_with(&self.prefix);
        let suffixes = self.suffix.ends_with(&other.suffix) || other.suffix.ends_with(&self.suffix);
        shared_event && prefixes && suffixes
    }

    fn has_filter(&self) -> bool {
        !(self.prefix.is_empty() && self.suffix.is_empty())
    }

    /// `ObjectCreated:* (prefix uploads/) -> function`, for the transcript.
    fn describe(&self) -> String {
        let mut filter = Vec::new();
        if !self.prefix.is_empty() {
            filter.push(format!("prefix {}", self.prefix));
        }
        if !self.suffix.is_empty() {
            filter.push(format!("suffix {}", self.suffix));
        }
        let filter = match filter.is_empty() {
            true => String::new(),
            false => format!(" ({})", filter.join(", ")),
        };
        format!(
            "{}{filter} -> {}",
            self.events.join(", "),
            self.function_arn
        )
    }
}

/// Whether the configured event type `a` includes the event type `b`: equal, or `a` is a
/// wildcard of `b`'s family (`s3:ObjectCreated:*` includes `s3:ObjectCreated:Put`).
fn covers(a: &str, b: &str) -> bool {
    a == b
        || a.strip_suffix('*')
            .is_some_and(|family| b.starts_with(family))
}

/// The S3 part of the simulated account: `lambda.s3().create_bucket("photos")`.
#[derive(Clone)]
pub struct S3 {
    lambda: LambdaHandle,
    buckets: Arc<Mutex<Buckets>>,
}

impl Lambda {
    /// The account's S3 buckets.
    pub fn s3(&self) -> S3 {
        S3::new(self.handle())
    }
}

impl S3 {
    pub(crate) fn new(lambda: LambdaHandle) -> Self {
        let buckets = lambda.platform().state();
        Self { lambda, buckets }
    }

    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Buckets> {
        lock(&self.buckets)
    }

    /// Creates a bucket, like `aws s3api create-bucket`, and returns its ARN,
    /// `arn:aws:s3:::<name>`.
    pub fn create_bucket(&self, name: &str) -> Result<String, ServiceError> {
        let valid = (3..=63).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid {
            return Err(s3_error(
                ErrorCode::InvalidBucketName,
                400,
                "The specified bucket is not valid.",
            ));
        }
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        if state.buckets.contains_key(name) {
            return Err(s3_error(
                ErrorCode::BucketAlreadyOwnedByYou,
                409,
                "Your previous request to create the named bucket succeeded and you already own it.",
            ));
        }
        state.buckets.insert(name.to_owned(), Bucket::default());
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("s3:CreateBucket {name}"),
        });
        Ok(bucket_arn(name))
    }

    /// Sets which writes to a bucket invoke which functions, like `aws s3api
    /// put-bucket-notification-configuration`; it replaces the bucket's configuration.
    ///
    /// Refused, with S3's `InvalidArgument`, when an event type is unknown, a function does not
    /// exist or its resource-based policy does not let S3 invoke it for this bucket ("Unable to
    /// validate the following destination configurations"), or two configurations could match
    /// the same write.
    pub fn put_bucket_notification_configuration(
        &self,
        bucket: &str,
        configuration: NotificationConfiguration,
    ) -> Result<(), ServiceError> {
        // S3 looks for the bucket before it reads the configuration.
        self.state().bucket(bucket)?;
        let mut configurations = configuration.lambda_function_configurations;
        for (i, config) in configurations.iter().enumerate() {
            if config.events.is_empty() {
                return Err(s3_error(
                    ErrorCode::MalformedXML,
                    400,
                    "The XML you provided was not well-formed or did not validate against our published schema",
                ));
            }
            if config
                .events
                .iter()
                .any(|e| !EVENT_TYPES.contains(&e.as_str()))
            {
                return Err(invalid_argument(
                    "The event is not supported for notifications",
                ));
            }
            if !self.may_deliver_to(bucket, &config.function_arn) {
                return Err(invalid_argument(
                    "Unable to validate the following destination configurations",
                ));
            }
            if let Some(other) = configurations[..i].iter().find(|o| o.overlaps(config)) {
                return Err(invalid_argument(match other.has_filter() || config.has_filter() {
                    false => "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
                    true => "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.",
                }));
            }
        }
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let state = &mut *state;
        let stored = state.bucket_mut(bucket)?;
        for config in configurations.iter_mut().filter(|c| c.id.is_none()) {
            // S3 names an unnamed configuration with a random id, base64-encoded.
            let id = self.lambda.platform().ids().request_id();
            config.id = Some(base64::engine::general_purpose::STANDARD.encode(id));
        }
        let summary: Vec<String> = configurations.iter().map(|c| c.describe()).collect();
        stored.notifications = NotificationConfiguration {
            lambda_function_configurations: configurations,
        };
        let summary = match summary.is_empty() {
            true => "no notifications".to_owned(),
            false => summary.join("; "),
        };
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("s3:PutBucketNotificationConfiguration {bucket}: {summary}"),
        });
        Ok(())
    }

    /// A bucket's notification configuration, like `aws s3api
    /// get-bucket-notification-configuration`.
    pub fn get_bucket_notification_configuration(
        &self,
        bucket: &str,
    ) -> Result<NotificationConfiguration, ServiceError> {
        let state = self.state();
        let bucket = state.bucket(bucket)?;
        Ok(bucket.notifications.clone())
    }

    /// Stores an object, like `aws s3api put-object`, and returns its ETag (quoted, as the API
    /// returns it). Each notification configuration that matches invokes its function with an
    /// `ObjectCreated:Put` event. Called from a handler, those invocations continue the
    /// handler's request chain.
    pub async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: impl Into<Vec<u8>>,
    ) -> Result<String, ServiceError> {
        self.authorize("s3:PutObject", bucket, Some(key))?;
        let body = body.into();
        let size = body.len();
        let e_tag = md5_hex(&body);
        let written = self.write(bucket, key, "ObjectCreated:Put", |objects| {
            objects.insert(key.to_owned(), body);
            true
        })?;
        let record = json!({ "size": size, "eTag": e_tag });
        self.notify(
            bucket,
            key,
            written,
            &format!("s3:PutObject {bucket}/{key} ({size} bytes)"),
            record,
        )
        .await;
        Ok(format!("\"{e_tag}\""))
    }

    /// The content of an object, like `aws s3api get-object`.
    pub fn get_object(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ServiceError> {
        self.authorize("s3:GetObject", bucket, Some(key))?;
        let found = {
            let state = self.state();
            let stored = state.bucket(bucket)?;
            stored.objects.get(key).cloned()
        };
        let Some(body) = found else {
            // Only a caller that may list the bucket learns that the key is not there.
            self.lambda
                .authorize("s3:ListBucket", &bucket_arn(bucket))
                .map_err(|_| s3_error(ErrorCode::AccessDenied, 403, "Access Denied"))?;
            return Err(no_such_key());
        };
        let line = format!("s3:GetObject {bucket}/{key} ({} bytes)", body.len());
        self.lambda.record_call(line);
        Ok(body)
    }

    /// Deletes an object, like `aws s3api delete-object`, and sends `ObjectRemoved:Delete` to
    /// the functions configured for it. Deleting a key that is not there succeeds, as on S3,
    /// and notifies nobody (nothing was removed).
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<(), ServiceError> {
        self.authorize("s3:DeleteObject", bucket, Some(key))?;
        let written = self.write(bucket, key, "ObjectRemoved:Delete", |objects| {
            objects.remove(key).is_some()
        })?;
        let line = format!("s3:DeleteObject {bucket}/{key}");
        self.notify(bucket, key, written, &line, json!({})).await;
        Ok(())
    }

    /// The keys in a bucket that start with `prefix`, in order, like `aws s3api
    /// list-objects-v2 --prefix`.
    pub fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<String>, ServiceError> {
        self.authorize("s3:ListBucket", bucket, None)?;
        let state = self.state();
        let bucket = state.bucket(bucket)?;
        Ok(bucket
            .objects
            .range(prefix.to_owned()..)
            .map(|(key, _)| key.clone())
            .take_while(|key| key.starts_with(prefix))
            .collect())
    }

    /// Changes a bucket's objects with `change` and, if it changed something, gets what the
    /// events of the write need: the configurations it matches and a sequencer.
    fn write(
        &self,
        bucket: &str,
        key: &str,
        event: &'static str,
        change: impl FnOnce(&mut BTreeMap<String, Vec<u8>>) -> bool,
    ) -> Result<Option<Change>, ServiceError> {
        let mut state = self.state();
        let state = &mut *state;
        let stored = state.bucket_mut(bucket)?;
        if !change(&mut stored.objects) {
            return Ok(None);
        }
        stored.sequencer += 1;
        let matching = stored
            .notifications
            .lambda_function_configurations
            .iter()
            .filter(|c| c.matches(event, key))
            .cloned()
            .collect();
        let mut ids = self.lambda.platform().ids();
        Ok(Some(Change {
            event,
            matching,
            sequencer: format!("{:018X}", stored.sequencer),
            request_id: ids.hex(8).to_uppercase(),
            id_2: base64::engine::general_purpose::STANDARD.encode(ids.bytes(57)),
        }))
    }

    /// Writes the call in the transcript and invokes each matching function asynchronously
    /// with the event of the write; `object` holds the event's object fields beyond the key and
    /// sequencer.
    async fn notify(
        &self,
        bucket: &str,
        key: &str,
        written: Option<Change>,
        call: &str,
        mut object: Value,
    ) {
        let Some(write) = written else {
            return self.lambda.record_call(call.to_owned());
        };
        let targets: Vec<&str> = write.matching.iter().map(|c| c.function_arn()).collect();
        let line = match targets.is_empty() {
            true => call.to_owned(),
            false => format!("{call}: {} event to {}", write.event, targets.join(", ")),
        };
        self.lambda.record_call(line);
        object["key"] = json!(url_encode_key(key));
        object["sequencer"] = json!(write.sequencer);
        // One write, one time and one sender, whichever functions it notifies.
        let event_time = clock::rfc3339_millis(self.lambda.platform().clock.now());
        let principal = self.principal(bucket);
        for config in &write.matching {
            let event = json!({
                "Records": [{
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "awsRegion": self.lambda.platform().scope.region,
                    "eventTime": event_time,
                    "eventName": write.event,
                    "userIdentity": { "principalId": PRINCIPAL_ID },
                    "requestParameters": { "sourceIPAddress": SOURCE_IP },
                    "responseElements": {
                        "x-amz-request-id": write.request_id,
                        "x-amz-id-2": write.id_2,
                    },
                    "s3": {
                        "s3SchemaVersion": "1.0",
                        "configurationId": config.id,
                        "bucket": {
                            "name": bucket,
                            "ownerIdentity": { "principalId": OWNER_ID },
                            "arn": bucket_arn(bucket),
                        },
                        "object": object,
                    },
                }],
            });
            // The ARN was checked when the configuration was put. If the function is gone
            // since, the invoke is refused, and the refusal is in the transcript.
            let Ok(target) = self
                .lambda
                .platform()
                .scope
                .parse(&config.function_arn, None)
            else {
                continue;
            };
            let mut request = InvokeRequest::new(target.name)
                .invocation_type(InvocationType::Event)
                .principal(principal.clone())
                .payload(event);
            if let Some(qualifier) = target.qualifier {
                request = request.qualifier(qualifier);
            }
            let _ = self.lambda.invoke(request).await;
        }
    }

    /// Whether S3 could deliver the bucket's events to `function_arn`: the function exists and
    /// its policy lets S3 invoke it for this bucket.
    fn may_deliver_to(&self, bucket: &str, function_arn: &str) -> bool {
        function_arn.starts_with("arn:aws:lambda:")
            && self
                .lambda
                .platform()
                .scope
                .parse(function_arn, None)
                .and_then(|target| {
                    // Validated as the account sets it up, not as a handler that may be calling.
                    self.lambda
                        .may_invoke_later(&self.principal(bucket), &target)
                })
                .is_ok()
    }

    /// S3 acting for `bucket`, as the function's policy sees it.
    fn principal(&self, bucket: &str) -> Principal {
        Principal::Service {
            service: "s3.amazonaws.com".into(),
            source_arn: bucket_arn(bucket),
            source_account: self.lambda.platform().scope.account_id.clone(),
        }
    }

    /// Checks a call from function code against its execution role: `action` on the object's
    /// ARN, or on the bucket's when there is no key. S3 quotes the resource in its refusal.
    fn authorize(&self, action: &str, bucket: &str, key: Option<&str>) -> Result<(), ServiceError> {
        let resource = match key {
            Some(key) => format!("{}/{key}", bucket_arn(bucket)),
            None => bucket_arn(bucket),
        };
        self.lambda
            .authorize(action, &resource)
            .map_err(|denied: Denied| {
                let message = denied.message_with(&denied.action, &format!("\"{resource}\""));
                s3_error(ErrorCode::AccessDenied, 403, &message)
            })
    }
}

/// `arn:aws:s3:::<bucket>`: bucket ARNs name neither a region nor an account.
fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// What one write that changed a bucket needs for its events.
struct Change {
    event: &'static str,
    matching: Vec<LambdaFunctionConfiguration>,
    sequencer: String,
    request_id: String,
    id_2: String,
}

/// A key as S3 events carry it: URL-encoded as in an HTML form, `/` kept. `my cat.jpg` becomes
/// `my+cat.jpg`, `é` becomes `%C3%A9`.
pub fn url_encode_key(key: &str) -> String {
    let mut encoded = String::with_capacity(key.len());
    for byte in key.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' | b'/' => {
                encoded.push(char::from(byte));
            }
            b' ' => encoded.push('+'),
            _ => {
                // Writing to a String cannot fail.
                let _ = write!(encoded, "%{byte:02X}");
            }
        }
    }
    encoded
}

/// A key from an S3 event, decoded back into the object's key: `my+cat.jpg` is `my cat.jpg`.
/// Bytes that do not decode to UTF-8 are replaced, as a lossy decoder does.
pub fn url_decode_key(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| encoded.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                i += 1;
            }
            (byte, None) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn no_such_bucket() -> ServiceError {
    s3_error(
        ErrorCode::NoSuchBucket,
        404,
        "The specified bucket does not exist",
    )
}

fn no_such_key() -> ServiceError {
    s3_error(
        ErrorCode::NoSuchKey,
        404,
        "The specified key does not exist.",
    )
}

fn invalid_argument(message: &str) -> ServiceError {
    s3_error(ErrorCode::InvalidArgument, 400, message)
}

fn s3_error(code: ErrorCode, status: u16, message: &str) -> ServiceError {
    ServiceError::new(code, status, message)
}
