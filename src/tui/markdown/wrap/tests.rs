//! The wrapper's behaviour, one case per test.

use ratatui::style::Modifier;

use super::*;

fn texts(lines: &[Vec<Seg>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.iter().map(|s| s.text.as_str()).collect())
        .collect()
}

#[test]
fn wraps_at_word_boundaries() {
    let segs = [Seg::new("the quick brown fox jumps", Style::new())];
    assert_eq!(texts(&wrap(&segs, 10)), ["the quick", "brown fox", "jumps"]);
}

#[test]
fn styles_survive_a_wrap() {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let segs = [
        Seg::new("plain ", Style::new()),
        Seg::new("bold words here", bold),
    ];
    let lines = wrap(&segs, 11);
    assert_eq!(texts(&lines), ["plain bold", "words here"]);
    assert_eq!(lines[1][0].style, bold);
}

#[test]
fn long_words_are_cut() {
    let segs = [Seg::new("abcdefghij", Style::new())];
    assert_eq!(texts(&wrap(&segs, 4)), ["abcd", "efgh", "ij"]);
}

#[test]
fn wide_characters_count_two_columns() {
    let segs = [Seg::new("日本語 日本語", Style::new())];
    assert_eq!(texts(&wrap(&segs, 6)), ["日本語", "日本語"]);
    let cut = hard_wrap(&[Seg::new("日本語", Style::new())], 5);
    assert_eq!(texts(&cut), ["日本", "語"]);
}

#[test]
fn newline_forces_a_break() {
    let segs = [Seg::new("a\nb", Style::new())];
    assert_eq!(texts(&wrap(&segs, 10)), ["a", "b"]);
}

fn plain(text: &str) -> [Seg; 1] {
    [Seg::new(text, Style::new())]
}

fn widths(lines: &[Vec<Seg>]) -> Vec<usize> {
    lines.iter().map(|l| segs_width(l)).collect()
}

#[test]
fn hanging_indent_starts_every_line_after_the_first() {
    let lines = wrap_with(
        &plain("error: the cause of the failure is here"),
        16,
        &WrapStyle::hanging(2),
    );
    assert_eq!(
        texts(&lines),
        ["error: the cause", "  of the failure", "  is here"]
    );
}

#[test]
fn output_keeps_its_columns_and_indents_what_wraps() {
    let style = WrapStyle::output(4);
    let table = "NAME   READY   STATUS";
    assert_eq!(texts(&wrap_with(&plain(table), 40, &style)), [table]);
    let lines = wrap_with(&plain("  spec:  replicas: 3 and more"), 16, &style);
    // The run at a break goes; the text's own indentation stays.
    assert_eq!(
        texts(&lines),
        ["  spec:", "    replicas: 3", "    and more"]
    );
    assert!(widths(&lines).iter().all(|&w| w <= 16), "{lines:?}");
}

#[test]
fn a_command_breaks_between_flags_never_inside_one() {
    let command =
        "kubectl create deployment web --image=nginx --replicas=3 --dry-run=client --no-headers";
    let mark = Style::new().add_modifier(Modifier::DIM);
    // From the narrowest width that holds "--dry-run=client" after the
    // indent, with room for the mark.
    for width in 20..=90 {
        let lines = wrap_with(&plain(command), width, &WrapStyle::command(2, mark));
        let text = texts(&lines);
        for (i, line) in text.iter().enumerate() {
            assert!(text_width(line) <= width, "{width}: {line:?}");
            let body = line.strip_suffix(CONTINUATION).unwrap_or(line);
            for word in body.split_whitespace() {
                assert!(
                    command.split(' ').any(|w| w == word),
                    "{width}: {word:?} was cut"
                );
            }
            assert_eq!(line.ends_with(CONTINUATION), i + 1 < text.len(), "{text:?}");
            if i > 0 {
                assert!(line.starts_with("  ") && !line.starts_with("   "));
            }
        }
        assert_eq!(join_continued(&text, 2), command, "{width}: {text:?}");
    }
}

#[test]
fn the_continuation_mark_has_its_own_style() {
    let mark = Style::new().add_modifier(Modifier::DIM);
    let lines = wrap_with(&plain("ls --all --long"), 10, &WrapStyle::command(2, mark));
    assert_eq!(texts(&lines), ["ls --all \\", "  --long"]);
    assert_eq!(lines[0].last(), Some(&Seg::new(CONTINUATION, mark)));
}

#[test]
fn a_command_does_not_break_inside_quotes() {
    let command = r#"sh -c "echo one two three" 'a b' c\ d"#;
    let lines = wrap_with(&plain(command), 26, &WrapStyle::command(2, Style::new()));
    let text = texts(&lines);
    assert_eq!(
        text,
        ["sh -c \\", r#"  "echo one two three" \"#, r"  'a b' c\ d"]
    );
    assert_eq!(join_continued(&text, 2), command);
    let escaped = wrap_with(
        &plain(r"ls a\ b c"),
        8,
        &WrapStyle::command(2, Style::new()),
    );
    assert_eq!(texts(&escaped), ["ls \\", r"  a\ b \", "  c"]);
}

/// The room for the mark is kept on every line, so a cut line is as
/// narrow as a marked one.
#[test]
fn a_word_wider_than_the_line_is_cut_without_a_mark() {
    let lines = wrap_with(
        &plain("aws s3 ls s3://abcdefghijkl"),
        10,
        &WrapStyle::command(2, Style::new()),
    );
    assert_eq!(
        texts(&lines),
        ["aws s3 \\", "  ls \\", "  s3://a", "  bcdefg", "  hijkl"]
    );
}

#[test]
fn no_break_spaces_keep_words_together_and_draw_as_spaces() {
    let segs = plain("a long warning (x\u{a0}dismisses)");
    assert_eq!(
        texts(&wrap_with(&segs, 18, &WrapStyle::hanging(2))),
        ["a long warning", "  (x dismisses)"]
    );
}

#[test]
fn wide_characters_count_two_columns_when_indented() {
    let lines = wrap_with(&plain("日本語 日本語 日本語"), 9, &WrapStyle::hanging(2));
    assert_eq!(texts(&lines), ["日本語", "  日本語", "  日本語"]);
    let cut = wrap_with(&plain("日本語日本語"), 7, &WrapStyle::output(2));
    assert_eq!(texts(&cut), ["日本語", "  日本", "  語"]);
    assert!(widths(&cut).iter().all(|&w| w <= 7));
}

#[test]
fn an_indent_too_wide_for_the_line_is_dropped() {
    let lines = wrap_with(&plain("aaa bbb ccc"), 4, &WrapStyle::hanging(3));
    assert_eq!(texts(&lines), ["aaa", "bbb", "ccc"]);
}
