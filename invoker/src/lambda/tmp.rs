//! `/tmp`: the only writable place in an execution environment, and it belongs to that
//! environment alone.
//!
//! A function may write files under `/tmp` (512 MB by default, configurable from 512 to 10,240 MB;
//! older guides say a fixed 512 MB). The files survive from one invocation to the next *in the
//! same environment*, which makes `/tmp` a good cache for something downloaded once. But a later
//! call may land in another environment, whose `/tmp` is empty: it is scratch space, never state.
//! Writing anywhere else fails, as the rest of the file system is read-only.
//!
//! The invoker keeps each environment's `/tmp` in memory; the errors are those the operating
//! system would give (`No space left on device`, `Read-only file system`). Simplified: after a
//! timeout or a crash, Lambda resets the environment and keeps its `/tmp` for the next request;
//! the invoker replaces the environment, `/tmp` and all (see [`crate::lambda::execution`]).

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};

/// The default size of `/tmp`, and the smallest.
pub(crate) const DEFAULT_TMP_MB: u32 = 512;
/// The largest `/tmp` Lambda offers.
pub(crate) const MAX_TMP_MB: u32 = 10_240;

/// One environment's `/tmp`.
#[derive(Clone, Debug)]
pub struct Tmp {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    capacity: u64,
}

impl Tmp {
    /// An empty `/tmp` of `size_mb` megabytes.
    pub fn new(size_mb: u32) -> Self {
        Self {
            files: Arc::default(),
            capacity: u64::from(size_mb) * 1024 * 1024,
        }
    }

    /// Writes (or replaces) a file. The path must be under `/tmp/`.
    pub fn write(&self, path: &str, contents: impl Into<Vec<u8>>) -> io::Result<()> {
        let path = writable(path)?;
        let contents = contents.into();
        let mut files = self.lock();
        let others: u64 = files
            .iter()
            .filter(|(name, _)| name.as_str() != path)
            .map(|(_, data)| data.len() as u64)
            .sum();
        if others + contents.len() as u64 > self.capacity {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device (os error 28)",
            ));
        }
        files.insert(path.to_owned(), contents);
        Ok(())
    }

    /// Reads a file.
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.lock().get(path).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "No such file or directory (os error 2)",
            )
        })
    }

    /// Whether a file exists.
    pub fn exists(&self, path: &str) -> bool {
        self.lock().contains_key(path)
    }

    /// Deletes a file, if it exists.
    pub fn remove(&self, path: &str) {
        self.lock().remove(path);
    }

    /// The bytes in use.
    pub fn used_bytes(&self) -> u64 {
        self.lock().values().map(|data| data.len() as u64).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn writable(path: &str) -> io::Result<&str> {
    match path.strip_prefix("/tmp/") {
        Some(name) if !name.is_empty() && !name.split('/').any(|part| part == "..") => Ok(path),
        _ => Err(io::Error::new(
            io::ErrorKind::ReadOnlyFilesystem,
            "Read-only file system (os error 30)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_live_under_tmp_only() {
        let tmp = Tmp::new(512);
        tmp.write("/tmp/cache.json", "{}").unwrap();
        assert_eq!(tmp.read("/tmp/cache.json").unwrap(), b"{}");
        assert_eq!(
            tmp.write("/var/task/x", "no").unwrap_err().kind(),
            io::ErrorKind::ReadOnlyFilesystem
        );
        assert_eq!(
            tmp.write("/tmp/../etc/x", "no").unwrap_err().kind(),
            io::ErrorKind::ReadOnlyFilesystem
        );
        assert_eq!(
            tmp.read("/tmp/missing").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }

    #[test]
    fn the_size_limit_is_enforced_and_replacing_a_file_frees_its_space() {
        let tmp = Tmp::new(512);
        let mb = 1024 * 1024;
        tmp.write("/tmp/a", vec![0; 400 * mb]).unwrap();
        let full = tmp.write("/tmp/b", vec![0; 200 * mb]).unwrap_err();
        assert_eq!(full.to_string(), "No space left on device (os error 28)");
        tmp.write("/tmp/a", vec![0; 100 * mb]).unwrap();
        tmp.write("/tmp/b", vec![0; 200 * mb]).unwrap();
        assert_eq!(tmp.used_bytes(), 300 * mb as u64);
    }
}
