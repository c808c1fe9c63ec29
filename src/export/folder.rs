//! The folder the handouts go into. It may be new (it is made), empty, or
//! hold handouts exported before (their files are replaced and the pages of
//! lessons no longer exported removed; anything else there is left alone).
//! Any other folder that is not empty is refused before anything is
//! written, so an export never mixes its files into someone's folder.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::HandoutFile;
use crate::files::write_atomically;

/// Lists the files an export wrote; its presence marks the folder as handouts.
const MARKER: &str = ".trinetes-handouts";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} exists and is not a folder; name a new or empty folder", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "{} is not empty and holds no handouts exported before (it has {first}); \
         name a new or empty folder, or the folder of an earlier export",
        dir.display()
    )]
    NotEmpty { dir: PathBuf, first: String },
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ExportError {
    let path = path.to_path_buf();
    move |source| ExportError::Io {
        action,
        path,
        source,
    }
}

/// Writes `files` into `dir`, each atomically, the marker last.
pub(super) fn write(dir: &Path, files: &[HandoutFile]) -> Result<Vec<PathBuf>, ExportError> {
    let earlier = prepare(dir)?;
    let mut written = Vec::new();
    for file in files {
        let path = dir.join(&file.name);
        write_atomically(&path, file.contents.as_bytes()).map_err(io("write", &path))?;
        // Handouts are for others to read, e.g. served by a web server.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .map_err(io("make readable", &path))?;
        written.push(path);
    }
    for stale in earlier
        .iter()
        .filter(|name| !files.iter().any(|f| &f.name == *name))
    {
        let path = dir.join(stale);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io("remove the old page", &path)(e));
            }
            _ => {}
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let marker = dir.join(MARKER);
    write_atomically(&marker, format!("{}\n", names.join("\n")).as_bytes())
        .map_err(io("write", &marker))?;
    Ok(written)
}

/// Makes `dir` if it is missing and checks it may be written into. Returns
/// the files an earlier export wrote there.
fn prepare(dir: &Path) -> Result<Vec<String>, ExportError> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(ExportError::NotAFolder(dir.to_path_buf())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io("create the folder", dir))?;
            return Ok(Vec::new());
        }
        Err(e) => return Err(io("use the folder", dir)(e)),
    }
    match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(list) => {
            return Ok(list
                .lines()
                .filter(|name| is_plain_name(name))
                .map(str::to_string)
                .collect());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("read", &dir.join(MARKER))(e)),
    }
    let mut entries = std::fs::read_dir(dir).map_err(io("read the folder", dir))?;
    match entries.next() {
        None => Ok(Vec::new()),
        Some(entry) => {
            let first = entry
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .map_err(io("read the folder", dir))?;
            Err(ExportError::NotEmpty {
                dir: dir.to_path_buf(),
                first,
            })
        }
    }
}

/// A name in the marker is only ever a file directly in the folder: a
/// changed marker cannot make an export remove anything elsewhere.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains('\\')
        && name != MARKER
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Vec<HandoutFile> {
        names
            .iter()
            .map(|n| HandoutFile {
                name: n.to_string(),
                contents: format!("<p>{n}</p>"),
            })
            .collect()
    }

    #[test]
    fn a_missing_folder_is_made_with_its_parents() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("a/b");
        let written = write(&dir, &files(&["index.html"])).expect("written");
        assert_eq!(written, [dir.join("index.html")]);
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).expect("read"),
            "<p>index.html</p>"
        );
    }

    #[test]
    fn a_foreign_folder_that_is_not_empty_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("thesis.tex"), "mine").expect("write");
        let err = write(dir.path(), &files(&["index.html"])).expect_err("refused");
        assert!(matches!(&err, ExportError::NotEmpty { first, .. } if first == "thesis.tex"));
        assert!(
            err.to_string().contains("name a new or empty folder"),
            "{err}"
        );
        assert!(!dir.path().join("index.html").exists());
    }

    #[test]
    fn a_file_in_the_folders_place_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("out");
        std::fs::write(&file, "x").expect("write");
        let err = write(&file, &files(&["index.html"])).expect_err("refused");
        assert!(matches!(err, ExportError::NotAFolder(_)), "{err}");
    }

    #[test]
    fn a_folder_that_cannot_be_used_is_named_in_the_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "x").expect("write");
        let inside = file.join("handouts");
        let err = write(&inside, &files(&["index.html"])).expect_err("refused");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("could not use the folder {}: ", inside.display())),
            "{message}"
        );
    }

    #[test]
    fn exporting_again_replaces_the_pages_and_removes_only_its_own_stale_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), &files(&["index.html", "old.html"])).expect("first");
        std::fs::write(dir.path().join("mine.txt"), "kept").expect("write");
        write(dir.path(), &files(&["index.html", "new.html"])).expect("again");
        assert!(dir.path().join("new.html").exists());
        assert!(
            !dir.path().join("old.html").exists(),
            "a page no longer exported goes"
        );
        assert!(
            dir.path().join("mine.txt").exists(),
            "a file the export did not write stays"
        );
    }

    #[test]
    fn a_marker_cannot_name_files_outside_the_folder() {
        assert!(is_plain_name("replicasets.html"));
        assert!(!is_plain_name("../x.html"));
        assert!(!is_plain_name("/etc/passwd"));
        assert!(!is_plain_name(".."));
        assert!(!is_plain_name(MARKER));
    }
}
