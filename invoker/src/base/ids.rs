//! Seeded identifiers: request ids, log stream ids and any other "random" value.
//!
//! On AWS every request id is a fresh random UUID. Here they come from a ChaCha8 generator seeded
//! by the scenario, so they still look like AWS's but are the same on every run, and a snapshot of
//! a transcript does not change between runs. Content digests ([`md5_hex`]) live here too: they
//! identify what a client sent.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The source of every random-looking value in one simulated Lambda service.
#[derive(Debug)]
pub(crate) struct IdGenerator {
    rng: ChaCha8Rng,
}

impl IdGenerator {
    /// The same seed gives the same sequence of ids, on every platform.
    pub(crate) fn from_seed(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A version-4 UUID such as `8f5a3f3e-0d7e-4c1b-9a57-0b2f1c9e4d21`, the form of a Lambda
    /// request id.
    pub(crate) fn request_id(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        // RFC 9562: the builder sets the version nibble to "random" (4) and the variant bits to
        // "RFC 4122", and the rest is the random bytes, written in groups of 4, 2, 2, 2 and 6.
        let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
        id.hyphenated()
            .encode_lower(&mut uuid::Uuid::encode_buffer())
            .to_owned()
    }

    /// `n` random bytes as lowercase hex, e.g. the 32-character tail of a log stream name.
    pub(crate) fn hex(&mut self, n: usize) -> String {
        let bytes: Vec<u8> = (0..n).map(|_| self.rng.random()).collect();
        hex(&bytes)
    }

    /// A number in `0.0..1.0`, for anything decided by chance (weighted alias routing, jitter).
    pub(crate) fn unit(&mut self) -> f64 {
        self.rng.random()
    }

    /// `n` random bytes, for opaque tokens (receipt handles, signatures) that AWS sends as
    /// base64.
    pub(crate) fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.rng.random()).collect()
    }
}

/// The MD5 digest of some content in lowercase hex: what S3 returns as a simple object's ETag
/// and SQS as a message's `MD5OfBody`. Not random, but an identifier all the same: the same
/// content always has the same digest, which is how a client checks what arrived.
pub fn md5_hex(content: &[u8]) -> String {
    use md5::{Digest, Md5};
    hex(&Md5::digest(content))
}

/// The SHA-256 digest of some content in lowercase hex: what a FIFO queue with content-based
/// deduplication takes as a message's deduplication id.
pub(crate) fn sha256_hex(content: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(content))
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        push_hex(&mut text, *byte);
    }
    text
}

/// Appends a byte as two lowercase hex digits, as `format!("{byte:02x}")` would write it, without
/// formatting machinery or a string of its own.
fn push_hex(text: &mut String, byte: u8) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    text.push(char::from(DIGITS[usize::from(byte >> 4)]));
    text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let (mut a, mut b) = (IdGenerator::from_seed(7), IdGenerator::from_seed(7));
        assert_eq!(a.request_id(), b.request_id());
        assert_ne!(a.request_id(), IdGenerator::from_seed(8).request_id());
    }

    #[test]
    fn md5_is_the_etag_of_a_simple_object() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn request_ids_are_version_4_uuids() {
        let id = IdGenerator::from_seed(1).request_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }
}
