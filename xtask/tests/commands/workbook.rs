//! The real workbook around xtask, for the tests that read it (the README, the book, the
//! manifest's hints) rather than the miniature fixture.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root: the folder above the xtask crate's.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

/// A file's text; a missing file fails the test that needed it.
pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}
