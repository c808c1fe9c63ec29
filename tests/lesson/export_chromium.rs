//! The HTML handouts as a browser shows them: headless Chromium takes a
//! screenshot of the index, which the test reads pixel by pixel (the
//! heading band in the stylesheet's colour across the top, its white
//! heading text, dark body text on white below), and dumps a lesson page's
//! DOM, which must hold its headings and steps. Chromium missing fails the
//! test and says how to install it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

fn chromium() -> PathBuf {
    ["chromium", "chromium-browser"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        })
        .unwrap_or_else(|| {
            panic!(
                "chromium is not installed; the handout screenshot test needs it: \
                 `apt-get install chromium` (.ci/run installs it)"
            )
        })
}

/// Runs headless Chromium on a local file with no network of its own, in a
/// fresh profile, and waits for it (at most two minutes).
fn run_chromium(args: &[String], page: &Path) -> Output {
    let profile = tempfile::tempdir().expect("temp dir");
    let child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let pid = child.id();
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(output) = result.recv_timeout(Duration::from_millis(200)) {
            return output.expect("chromium's output");
        }
        if Instant::now() > deadline {
            // SAFETY: kill(2) on the pid of the child this test started.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("headless chromium did not finish within two minutes");
        }
    }
}

fn export_handouts(dir: &Path) {
    let state = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["lessons", "export", "--html"])
        .arg(dir)
        .env_remove("TRINETES_LESSONS")
        .env("XDG_STATE_HOME", state.path())
        .output()
        .expect("the trinetes binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--band: #rrggbb` as the exported stylesheet sets it.
fn band_colour(css: &str) -> [u8; 3] {
    let at = css
        .find("--band:")
        .expect("the stylesheet names the band colour");
    let hex = css[at + "--band:".len()..].trim_start();
    let hex = hex.strip_prefix('#').expect("a #rrggbb colour");
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits");
    [byte(0), byte(2), byte(4)]
}

struct Screenshot {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

impl Screenshot {
    fn decode(bytes: &[u8]) -> Self {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("unexpected colour type {other:?}"),
        };
        let rgb = buf[..info.line_size * info.height as usize]
            .chunks(info.line_size)
            .flat_map(|line| {
                line.chunks(channels)
                    .take(info.width as usize)
                    .map(|px| [px[0], px[1], px[2]])
            })
            .collect();
        Screenshot {
            width: info.width as usize,
            height: info.height as usize,
            rgb,
        }
    }

    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb[y * self.width + x]
    }

    fn count(&self, rows: std::ops::Range<usize>, pick: impl Fn([u8; 3]) -> bool) -> usize {
        rows.flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .filter(|&(x, y)| pick(self.at(x, y)))
            .count()
    }
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 8)
}

#[test]
fn the_index_shows_its_heading_band_and_text_in_a_real_browser() {
    let dir = tempfile::tempdir().expect("temp dir");
    export_handouts(dir.path());
    let band = band_colour(&std::fs::read_to_string(dir.path().join("handouts.css")).expect("css"));
    let shot = dir.path().join("index.png");
    let out = run_chromium(
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={WIDTH},{HEIGHT}"),
        ],
        &dir.path().join("index.html"),
    );
    let bytes = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "chromium wrote no screenshot ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let shot = Screenshot::decode(&bytes);
    assert_eq!((shot.width, shot.height), (WIDTH as usize, HEIGHT as usize));

    // The band runs across the top, full width, from the first row down.
    let band_rows = (0..shot.height)
        .take_while(|&y| near(shot.at(4, y), band) && near(shot.at(shot.width - 4, y), band))
        .count();
    assert!(
        (60..400).contains(&band_rows),
        "the heading band ({band:?}) should fill the top rows; it fills {band_rows}, \
         the top-left pixel is {:?}",
        shot.at(4, 0)
    );
    let white = |p: [u8; 3]| p.iter().all(|&c| c > 230);
    let dark = |p: [u8; 3]| p.iter().all(|&c| c < 90);
    let letters = shot.count(0..band_rows, white);
    assert!(
        letters > 2_000,
        "the heading's white letters on the band: {letters} pixels"
    );
    // Below it, the page is white paper with dark text on it.
    let below = band_rows + 10..shot.height;
    let paper = shot.count(below.clone(), white);
    let ink = shot.count(below.clone(), dark);
    let area = below.len() * shot.width;
    assert!(
        paper > area / 2,
        "mostly white below the band: {paper} of {area}"
    );
    assert!(ink > 3_000, "text below the band: {ink} dark pixels");
}

#[test]
fn a_lesson_page_in_the_browser_has_its_headings_and_steps() {
    let dir = tempfile::tempdir().expect("temp dir");
    export_handouts(dir.path());
    let out = run_chromium(&["--dump-dom".to_string()], &dir.path().join("eks.html"));
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("<h1>EKS and eksctl</h1>"),
        "no title heading in the DOM: {}\n{}",
        dom,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dom.contains("<h2>Create the cluster</h2>"), "{dom}");
    assert!(
        dom.contains("<h3 id=\"step-create-cluster\">Step 1: Create the EKS cluster"),
        "{dom}"
    );
    assert!(dom.contains("<code class=\"language-sh\">eksctl create cluster --name"));
    assert!(dom.contains("<h3 id=\"step-get-nodes\">Step 3: "), "{dom}");
    assert!(dom.contains("<link rel=\"stylesheet\" href=\"handouts.css\">"));
}
