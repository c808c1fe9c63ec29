//! Writing the files trinetes keeps (progress, the dry-run world, the
//! ledger, a private kubeconfig) so that a crash never leaves half of one,
//! and setting a broken one aside without overwriting an older copy. A
//! leaf: it uses nothing else of the crate, so every layer may use it.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A temporary file in the same folder (mode 0600, as `tempfile` makes
/// it), synced, then renamed over `file`: a reader or a crash sees the old
/// file or the new one, never half of one.
pub fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".trinetes-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// `FILE.bak`, or the first free `FILE.bak.N`, so that an older copy is
/// never overwritten.
pub fn free_backup_name(file: &Path) -> PathBuf {
    let with = |suffix: String| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    std::iter::once(".bak".to_string())
        .chain((1..).map(|n| format!(".bak.{n}")))
        .map(with)
        .find(|p| !p.exists())
        .expect("some backup name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_backups_take_the_next_free_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("state.json");
        write_atomically(&file, b"one").unwrap();
        write_atomically(&file, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "two");
        assert_eq!(free_backup_name(&file), dir.path().join("state.json.bak"));
        std::fs::write(dir.path().join("state.json.bak"), "").unwrap();
        assert_eq!(free_backup_name(&file), dir.path().join("state.json.bak.1"));
        // Readable by its owner only (a private kubeconfig holds credentials).
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Only the file itself is left: no temporary files.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
