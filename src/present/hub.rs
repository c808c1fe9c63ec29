//! The presentation's end of the notes socket: every connected notes window
//! gets the latest snapshot at once and each new one after, and what they
//! send comes back as commands. Several windows may follow one
//! presentation.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::protocol::{self, Command, Snapshot};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("another trinetes already presents from {0} (its notes windows follow it)")]
    InUse(PathBuf),
    #[error("cannot listen on {path}: {source}")]
    Listen {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A listening hub; dropping it stops it and removes the socket file.
pub struct Hub {
    path: PathBuf,
    latest: watch::Sender<Option<String>>,
    cancel: CancellationToken,
}

impl Hub {
    /// Listens on `path`. A socket file that nobody answers on is left over
    /// from a presentation that was killed, and is replaced.
    pub async fn start(path: &Path) -> Result<(Hub, mpsc::Receiver<Command>), HubError> {
        if path.exists() {
            if UnixStream::connect(path).await.is_ok() {
                return Err(HubError::InUse(path.to_path_buf()));
            }
            let _ = std::fs::remove_file(path);
        }
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let listener = UnixListener::bind(path).map_err(|source| HubError::Listen {
            path: path.to_path_buf(),
            source,
        })?;
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        let (latest, _) = watch::channel(None);
        let (commands_tx, commands) = mpsc::channel(64);
        let cancel = CancellationToken::new();
        tokio::spawn(accept(
            listener,
            latest.clone(),
            commands_tx,
            cancel.clone(),
        ));
        Ok((
            Hub {
                path: path.to_path_buf(),
                latest,
                cancel,
            },
            commands,
        ))
    }

    /// Sends `snapshot` to every window, if it differs from the last one.
    pub fn publish(&self, snapshot: &Snapshot) {
        let line = protocol::encode(snapshot);
        self.latest.send_if_modified(|last| {
            if last.as_deref() == Some(line.as_str()) {
                false
            } else {
                *last = Some(line);
                true
            }
        });
    }

    /// How many notes windows follow now.
    pub fn followers(&self) -> usize {
        self.latest.receiver_count()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.cancel.cancel();
        let _ = std::fs::remove_file(&self.path);
    }
}

async fn accept(
    listener: UnixListener,
    latest: watch::Sender<Option<String>>,
    commands: mpsc::Sender<Command>,
    cancel: CancellationToken,
) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                tokio::spawn(serve(stream, latest.subscribe(), commands.clone(), cancel.clone()));
            }
        }
    }
}

/// One notes window: snapshots out, commands in, until either side ends.
async fn serve(
    stream: UnixStream,
    mut latest: watch::Receiver<Option<String>>,
    commands: mpsc::Sender<Command>,
    cancel: CancellationToken,
) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    latest.mark_changed();
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            changed = latest.changed() => {
                if changed.is_err() {
                    return;
                }
                let line = latest.borrow_and_update().clone();
                if let Some(line) = line
                    && write.write_all(format!("{line}\n").as_bytes()).await.is_err()
                {
                    return;
                }
            }
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    if let Some(command) = protocol::decode::<Command>(&line) {
                        let _ = commands.send(command).await;
                    }
                }
                _ => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::protocol::LessonView;

    fn snapshot(title: &str) -> Snapshot {
        Snapshot {
            lesson: Some(LessonView {
                title: title.into(),
                ..LessonView::default()
            }),
            ..Snapshot::default()
        }
    }

    async fn read_snapshot(
        lines: &mut tokio::io::Lines<BufReader<tokio::net::unix::OwnedReadHalf>>,
    ) -> Snapshot {
        let line = tokio::time::timeout(std::time::Duration::from_secs(5), lines.next_line())
            .await
            .expect("a snapshot within 5 s")
            .unwrap()
            .unwrap();
        protocol::decode(&line).unwrap()
    }

    #[tokio::test]
    async fn two_windows_follow_and_one_drives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("present.sock");
        let (hub, mut commands) = Hub::start(&path).await.unwrap();
        hub.publish(&snapshot("first"));

        let a = UnixStream::connect(&path).await.unwrap();
        let b = UnixStream::connect(&path).await.unwrap();
        let (a_read, mut a_write) = a.into_split();
        let (b_read, _b_write) = b.into_split();
        let mut a_lines = BufReader::new(a_read).lines();
        let mut b_lines = BufReader::new(b_read).lines();
        // Each gets the latest at once...
        assert_eq!(read_snapshot(&mut a_lines).await, snapshot("first"));
        assert_eq!(read_snapshot(&mut b_lines).await, snapshot("first"));
        // ... and each change, but not a repeat.
        hub.publish(&snapshot("first"));
        hub.publish(&snapshot("second"));
        assert_eq!(read_snapshot(&mut a_lines).await, snapshot("second"));
        assert_eq!(read_snapshot(&mut b_lines).await, snapshot("second"));

        a_write
            .write_all(b"\"next\"\nnot a command\n\"run\"\n")
            .await
            .unwrap();
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            vec![
                commands.recv().await.unwrap(),
                commands.recv().await.unwrap(),
            ]
        })
        .await
        .unwrap();
        assert_eq!(got, vec![Command::Next, Command::Run]);
    }

    #[tokio::test]
    async fn a_live_hub_is_not_replaced_and_a_dead_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("present.sock");
        let (hub, _commands) = Hub::start(&path).await.unwrap();
        assert!(matches!(Hub::start(&path).await, Err(HubError::InUse(_))));
        drop(hub);
        assert!(!path.exists(), "the socket file goes with the hub");
        // A file left by a killed presentation.
        std::os::unix::net::UnixListener::bind(&path).unwrap();
        assert!(path.exists());
        let (_hub, _commands) = Hub::start(&path).await.unwrap();
    }
}
