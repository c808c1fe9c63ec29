//! The container's read-only filesystem: a tree of directories, files and
//! symlinks with owners, modes and times, and path resolution the way the
//! kernel does it (`.`, `..`, symlinks, a bound on link hops).

use std::collections::BTreeMap;

use jiff::Timestamp;

/// How many symlinks one lookup may follow, as Linux's `MAXSYMLINKS`.
const MAX_LINK_HOPS: usize = 40;

/// Why a path cannot be used, worded as `strerror` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Not a directory")]
    NotADirectory,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Too many levels of symbolic links")]
    TooManyLinks,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Dir(BTreeMap<String, Node>),
    File(Vec<u8>),
    Symlink(String),
}

/// Owner, permission bits and modification time of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub uid: u32,
    pub gid: u32,
    /// Permission bits only (e.g. 0o644); the type comes from the node.
    pub mode: u32,
    pub mtime: Timestamp,
}

impl Meta {
    pub fn root(mode: u32, mtime: Timestamp) -> Meta {
        Meta {
            uid: 0,
            gid: 0,
            mode,
            mtime,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub meta: Meta,
}

impl Node {
    pub fn dir(meta: Meta) -> Node {
        Node {
            kind: NodeKind::Dir(BTreeMap::new()),
            meta,
        }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.kind, NodeKind::Dir(_))
    }

    /// What `stat` reports as the size: bytes of a file, the target's length
    /// for a symlink, a block for a directory.
    pub fn size(&self) -> u64 {
        match &self.kind {
            NodeKind::Dir(_) => 4096,
            NodeKind::File(b) => b.len() as u64,
            NodeKind::Symlink(t) => t.len() as u64,
        }
    }

    /// `ls -l`'s mode column, e.g. `drwxr-xr-x`.
    pub fn mode_string(&self) -> String {
        let kind = match self.kind {
            NodeKind::Dir(_) => 'd',
            NodeKind::File(_) => '-',
            NodeKind::Symlink(_) => 'l',
        };
        let mode = if matches!(self.kind, NodeKind::Symlink(_)) {
            0o777
        } else {
            self.meta.mode
        };
        let mut s = String::with_capacity(10);
        s.push(kind);
        for shift in [6, 3, 0] {
            let bits = (mode >> shift) & 7;
            s.push(if bits & 4 != 0 { 'r' } else { '-' });
            s.push(if bits & 2 != 0 { 'w' } else { '-' });
            s.push(if bits & 1 != 0 { 'x' } else { '-' });
        }
        if mode & 0o1000 != 0 {
            // The sticky bit shows in the others' execute column.
            let last = if mode & 1 != 0 { 't' } else { 'T' };
            s.pop();
            s.push(last);
        }
        s
    }
}

/// The whole tree, rooted at `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filesystem {
    root: Node,
}

/// `cwd` joined with `path` and normalised lexically (no symlinks).
pub fn absolute(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn components(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
        .collect()
}

impl Filesystem {
    pub fn new(meta: Meta) -> Filesystem {
        Filesystem {
            root: Node::dir(meta),
        }
    }

    /// The node at an absolute, normalised path without following links,
    /// creating missing directories with `meta` on the way.
    fn dir_mut(&mut self, path: &str, meta: Meta) -> &mut BTreeMap<String, Node> {
        let mut node = &mut self.root;
        for part in components(path) {
            let NodeKind::Dir(children) = &mut node.kind else {
                unreachable!("the builder only descends through directories");
            };
            let child = children.entry(part).or_insert_with(|| Node::dir(meta));
            if !child.is_dir() {
                *child = Node::dir(meta);
            }
            node = child;
        }
        match &mut node.kind {
            NodeKind::Dir(children) => children,
            _ => unreachable!("dir_mut ends on a directory"),
        }
    }

    /// `mkdir -p` with `meta` for every directory it creates; an existing
    /// directory at `path` takes `meta`.
    pub fn mkdir_p(&mut self, path: &str, meta: Meta) {
        let path = absolute("/", path);
        if path == "/" {
            self.root.meta = meta;
            return;
        }
        let (parent, name) = split_parent(&path);
        let dir = self.dir_mut(parent, meta);
        let entry = dir
            .entry(name.to_string())
            .or_insert_with(|| Node::dir(meta));
        if !entry.is_dir() {
            *entry = Node::dir(meta);
        }
        entry.meta = meta;
    }

    /// Puts `node` at `path`, replacing what was there (a mount hides the
    /// image's directory the same way). Parents are created with `parent_meta`.
    pub fn put(&mut self, path: &str, node: Node, parent_meta: Meta) {
        let path = absolute("/", path);
        if path == "/" {
            self.root = node;
            return;
        }
        let (parent, name) = split_parent(&path);
        self.dir_mut(parent, parent_meta)
            .insert(name.to_string(), node);
    }

    pub fn write(&mut self, path: &str, content: impl Into<Vec<u8>>, meta: Meta) {
        self.put(
            path,
            Node {
                kind: NodeKind::File(content.into()),
                meta,
            },
            Meta {
                mode: 0o755,
                ..meta
            },
        );
    }

    pub fn symlink(&mut self, path: &str, target: &str, meta: Meta) {
        self.put(
            path,
            Node {
                kind: NodeKind::Symlink(target.to_string()),
                meta,
            },
            Meta {
                mode: 0o755,
                ..meta
            },
        );
    }

    /// Resolves `path` (relative to `cwd`) to the canonical path and its
    /// node; the last component's symlink is followed when `follow` is set.
    pub fn lookup(&self, cwd: &str, path: &str, follow: bool) -> Result<(String, &Node), FsError> {
        let mut pending: Vec<String> = components(&absolute(cwd, path));
        pending.reverse();
        let mut stack: Vec<(String, &Node)> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            let current = stack.last().map_or(&self.root, |(_, n)| *n);
            if part == ".." {
                stack.pop();
                continue;
            }
            let NodeKind::Dir(children) = &current.kind else {
                return Err(FsError::NotADirectory);
            };
            let child = children.get(&part).ok_or(FsError::NotFound)?;
            match &child.kind {
                NodeKind::Symlink(target) if follow || !pending.is_empty() => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(FsError::TooManyLinks);
                    }
                    if target.starts_with('/') {
                        stack.clear();
                    }
                    for p in components(target).into_iter().rev() {
                        pending.push(p);
                    }
                }
                _ => stack.push((part, child)),
            }
        }
        let canonical = format!(
            "/{}",
            stack
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join("/")
        );
        Ok((canonical, stack.last().map_or(&self.root, |(_, n)| *n)))
    }

    /// A file's bytes, following symlinks.
    pub fn read(&self, cwd: &str, path: &str) -> Result<&[u8], FsError> {
        match &self.lookup(cwd, path, true)?.1.kind {
            NodeKind::File(b) => Ok(b),
            NodeKind::Dir(_) => Err(FsError::IsADirectory),
            NodeKind::Symlink(_) => unreachable!("lookup follows the last link"),
        }
    }

    /// A directory's entries in name order, following symlinks to it.
    pub fn list(&self, cwd: &str, path: &str) -> Result<&BTreeMap<String, Node>, FsError> {
        match &self.lookup(cwd, path, true)?.1.kind {
            NodeKind::Dir(children) => Ok(children),
            _ => Err(FsError::NotADirectory),
        }
    }
}

fn split_parent(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some(("", name)) => ("/", name),
        Some((parent, name)) => (parent, name),
        None => ("/", path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta::root(0o644, Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(absolute("/etc", "trino/../hosts"), "/etc/hosts");
        assert_eq!(absolute("/etc", "/"), "/");
        assert_eq!(absolute("/", ".."), "/");
    }

    #[test]
    fn symlinks_resolve_like_a_configmap_volume() {
        let mut fs = Filesystem::new(Meta::root(0o755, Timestamp::UNIX_EPOCH));
        fs.write(
            "/etc/trino/..2026_11_30/config.properties",
            "coordinator=true\n",
            meta(),
        );
        fs.symlink("/etc/trino/..data", "..2026_11_30", meta());
        fs.symlink(
            "/etc/trino/config.properties",
            "..data/config.properties",
            meta(),
        );
        assert_eq!(
            fs.read("/", "/etc/trino/config.properties"),
            Ok(&b"coordinator=true\n"[..])
        );
        assert_eq!(fs.read("/etc", "trino/nope"), Err(FsError::NotFound));
        assert_eq!(fs.read("/", "/etc"), Err(FsError::IsADirectory));
        let (canonical, node) = fs
            .lookup("/", "/etc/trino/config.properties", false)
            .unwrap();
        assert_eq!(canonical, "/etc/trino/config.properties");
        assert_eq!(node.mode_string(), "lrwxrwxrwx");
        assert_eq!(
            fs.lookup("/", "/etc/trino/..data", true).unwrap().0,
            "/etc/trino/..2026_11_30"
        );
    }

    #[test]
    fn link_loops_end() {
        let mut fs = Filesystem::new(Meta::root(0o755, Timestamp::UNIX_EPOCH));
        fs.symlink("/a", "/b", meta());
        fs.symlink("/b", "/a", meta());
        assert_eq!(fs.read("/", "/a"), Err(FsError::TooManyLinks));
        fs.write("/f", "x", meta());
        assert_eq!(fs.read("/", "/f/g"), Err(FsError::NotADirectory));
    }
}
