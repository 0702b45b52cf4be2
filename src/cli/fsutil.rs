//! Replacing files safely. A pull request runs through CI, so the target
//! may be a planted symlink, a device or someone else's file: write an
//! exclusive temporary file with an unpredictable name beside the real
//! target, give it the old file's mode and owner, flush it to disk, then
//! rename it over. An interrupted run leaves the old file or the new one;
//! at worst a temporary file, which the next write in that folder removes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temporary files older than this are leftovers of a killed run.
const STALE: Duration = Duration::from_secs(600);

pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    // Write through a symlink to the file it names, so the link stays a
    // link and its target is what changes.
    let target: PathBuf = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let existing = match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "it exists and is not a regular file (a device, a FIFO or a directory); refusing to replace it",
            ))
        }
        Ok(m) => Some(m),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The name as it is, bytes and all: a name that is not UTF-8 gets
    // temporary files of its own, never another file's.
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(target.file_name().unwrap_or(std::ffi::OsStr::new("out")));
    prefix.push(".");
    clean_stale(&dir, &prefix);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    if let Some(m) = &existing {
        tmp.as_file().set_permissions(m.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Only root can give a file away; anyone else keeps ownership.
            let _ = std::os::unix::fs::chown(tmp.path(), Some(m.uid()), Some(m.gid()));
        }
    }
    tmp.as_file().sync_all()?;
    // On error the temporary file is removed when `tmp` drops.
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Remove `.{name}.*.tmp` files left by a killed run.
fn clean_stale(dir: &Path, prefix: &std::ffi::OsStr) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let n = file_name.as_encoded_bytes();
        if !(n.starts_with(prefix.as_encoded_bytes()) && n.ends_with(b".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
