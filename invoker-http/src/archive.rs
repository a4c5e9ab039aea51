//! The zip archives the API carries: a layer's `Content.ZipFile` (and a function's
//! `Code.ZipFile`), base64 inside the JSON body, as the AWS CLI sends `--zip-file fileb://x.zip`.
//!
//! Lambda answers an archive's SHA-256 (`CodeSha256`, base64) and its size (`CodeSize`), and
//! unpacks it: a layer's files go into `/opt` of every function that uses it. Entries are read
//! with the `zip` crate; stored and deflated ones are what `zip`, `cargo lambda build` and SAM
//! write, and other compression methods are refused like a broken archive.

use base64::Engine;
use invoker::{LayerContent, ServiceError};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};
use std::path::Path;
use zip::ZipArchive;

/// An archive as the request carried it, decoded from base64.
pub struct Archive {
    bytes: Vec<u8>,
}

impl Archive {
    /// The archive in a `ZipFile` member (base64 text).
    pub fn from_base64(text: &str) -> Result<Self, ServiceError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| unreadable())?;
        Ok(Self { bytes })
    }

    /// `CodeSha256`: the SHA-256 of the archive, base64-encoded.
    pub fn sha256_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&self.bytes))
    }

    /// `CodeSize`: the archive's size in bytes.
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The archive's files as a layer's content, with the archive's hash and size. Each file is
    /// read only up to the size its entry declares, and not at all when the declared sizes add up
    /// to more than Lambda's unzipped limit: the invoker then refuses the layer by its sizes,
    /// with Lambda's message, and a small archive that would unpack to gigabytes never does.
    pub fn layer_content(&self) -> Result<LayerContent, ServiceError> {
        let mut zip = ZipArchive::new(Cursor::new(&self.bytes)).map_err(|_| unreadable())?;
        let declared: u64 = (0..zip.len())
            .filter_map(|index| zip.by_index(index).ok().map(|entry| entry.size()))
            .sum();
        let read_contents = declared <= UNZIPPED_LIMIT_BYTES;
        let mut content = LayerContent::new().archive(self.sha256_base64(), self.size());
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index).map_err(|_| unreadable())?;
            if !entry.is_file() {
                continue;
            }
            let path = entry.name().map_err(|_| unreadable())?.into_owned();
            content = match read_contents {
                true => {
                    let mut bytes = Vec::new();
                    let size = entry.size();
                    (&mut entry)
                        .take(size)
                        .read_to_end(&mut bytes)
                        .map_err(|_| unreadable())?;
                    content.file(path, bytes)
                }
                false => content.file_of_size(path, entry.size()),
            };
        }
        Ok(content)
    }

    /// Unpacks the archive into `folder` (made if missing), as Lambda unpacks a function's code
    /// into `/var/task`; returns the unzipped size. A file keeps the permissions the archive
    /// gives it, and `bootstrap` is made executable, which a zip made on Windows forgets. An
    /// entry whose path would leave the folder (`../x`, `/etc/x`) is refused, and so is an
    /// archive over Lambda's unzipped limit, before it is unpacked.
    pub fn unpack_into(&self, folder: &Path) -> Result<u64, ServiceError> {
        let mut zip = ZipArchive::new(Cursor::new(&self.bytes)).map_err(|_| unreadable())?;
        let declared: u64 = (0..zip.len())
            .filter_map(|index| zip.by_index(index).ok().map(|entry| entry.size()))
            .sum();
        if declared > UNZIPPED_LIMIT_BYTES {
            return Err(ServiceError::invalid_parameter_value(format!(
                "Unzipped size must be smaller than {UNZIPPED_LIMIT_BYTES} bytes"
            )));
        }
        let io_error = |e: std::io::Error| {
            ServiceError::invalid_parameter_value(format!(
                "The invoker could not unpack the archive: {e}"
            ))
        };
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index).map_err(|_| unreadable())?;
            let relative = entry.enclosed_name().ok_or_else(unreadable)?;
            let path = folder.join(relative);
            if entry.is_dir() {
                std::fs::create_dir_all(&path).map_err(io_error)?;
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io_error)?;
            }
            let mut file = std::fs::File::create(&path).map_err(io_error)?;
            let size = entry.size();
            std::io::copy(&mut (&mut entry).take(size), &mut file).map_err(io_error)?;
            #[cfg(unix)]
            if let Some(mode) = entry.unix_mode() {
                use std::os::unix::fs::PermissionsExt;
                let permissions = std::fs::Permissions::from_mode(mode & 0o777);
                std::fs::set_permissions(&path, permissions).map_err(io_error)?;
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let bootstrap = folder.join("bootstrap");
            if bootstrap.is_file() {
                let executable = std::fs::Permissions::from_mode(0o755);
                std::fs::set_permissions(&bootstrap, executable).map_err(io_error)?;
            }
        }
        Ok(declared)
    }
}

/// Lambda's limit on a function's code and layers, unzipped: 250 MB.
const UNZIPPED_LIMIT_BYTES: u64 = 262_144_000;

/// What Lambda answers for an archive it cannot unzip.
fn unreadable() -> ServiceError {
    ServiceError::invalid_parameter_value(
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// A zip with these files, deflated.
    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (path, contents) in files {
            writer
                .start_file(*path, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(contents).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn an_archive_is_hashed_as_lambda_shows_it_and_refused_when_broken() {
        let archive = Archive {
            bytes: b"abc".to_vec(),
        };
        // SHA-256("abc"), base64.
        assert_eq!(
            archive.sha256_base64(),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        let error = archive.layer_content().unwrap_err();
        assert_eq!(
            error.message,
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        );
        assert!(Archive::from_base64("not base64!").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_functions_code_is_unpacked_with_an_executable_bootstrap_and_never_outside_its_folder() {
        use std::os::unix::fs::PermissionsExt;
        let folder =
            std::env::temp_dir().join(format!("invoker-http-unpack-{}", std::process::id()));
        let archive = Archive {
            bytes: zip_of(&[("bootstrap", b"#!/bin/sh"), ("lib/data.txt", b"data")]),
        };
        assert_eq!(archive.unpack_into(&folder).unwrap(), 13);
        let mode = std::fs::metadata(folder.join("bootstrap"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        assert_eq!(std::fs::read(folder.join("lib/data.txt")).unwrap(), b"data");
        let escaping = Archive {
            bytes: zip_of(&[("../escaped.txt", b"x")]),
        };
        assert!(escaping.unpack_into(&folder).is_err());
        assert!(!folder.parent().unwrap().join("escaped.txt").exists());
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[tokio::test]
    async fn a_layers_files_are_read_from_the_archive() {
        let bytes = zip_of(&[("python/settings.json", b"{}"), ("bin/tool", b"#!/bin/sh")]);
        let archive = Archive { bytes };
        let content = archive.layer_content().unwrap();
        let lambda = invoker::Lambda::new();
        let published = lambda.publish_layer_version("tools", content).unwrap();
        assert_eq!(published.code_size, 11, "the files' own sizes");
        assert_eq!(published.archive_size, Some(archive.size()));
        assert_eq!(published.code_sha256, Some(archive.sha256_base64()));
    }
}
