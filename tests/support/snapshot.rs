//! Expected output as insta snapshots, in `tests/<area>/snapshots/NAME.snap`
//! (the area is the test binary). Filters mask what changes from run to run
//! before the comparison. Update with `cargo insta review`, or by running the
//! test with `INSTA_UPDATE=always` and reading the diff.

use std::path::PathBuf;

/// A Kubernetes uid.
pub const UID: (&str, &str) = (
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "UID",
);

/// What varies in kubectl's output from a cluster whose clock ticks on its
/// own: times, dates, generated name suffixes, addresses, ages and uids. The
/// last three collapse column padding, which follows the masked values'
/// widths, so lines compare word by word.
pub const TICKING_CLUSTER: &[(&str, &str)] = &[
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<TIME>"),
    (
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}",
        "<DATE>",
    ),
    (
        r"(web-)[bcdfghjklmnpqrstvwxz2456789]{6,10}(-[bcdfghjklmnpqrstvwxz2456789]{5})?",
        "${1}<HASH>${2}",
    ),
    (r"(<HASH>-)[bcdfghjklmnpqrstvwxz2456789]{5}", "${1}<SUFFIX>"),
    (r"\b\d+\.\d+\.\d+\.\d+\b", "<IP>"),
    (r"\b\d+(\.\d+)?(s|m|h|d)(\d+s|\d+m)?\b", "<AGE>"),
    (
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "<UID>",
    ),
    (r"(?m)^[ \t]+", ""),
    (r"(?m)[ \t]+$", ""),
    (r"[ \t]+", " "),
];

/// Compares `text`, after `filters` (regex, replacement; applied in order),
/// with the snapshot `name` of the calling test binary's area.
pub fn assert_filtered<R: AsRef<str>, S: AsRef<str>>(name: &str, text: &str, filters: &[(R, S)]) {
    let area = module_path!()
        .split("::")
        .next()
        .expect("a module path starts with its crate");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(area)
            .join("snapshots"),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for (regex, replacement) in filters {
        settings.add_filter(regex.as_ref(), replacement.as_ref().to_string());
    }
    settings.bind(|| insta::assert_snapshot!(name, text));
}
