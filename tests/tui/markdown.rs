//! Markdown to terminal lines, one assertion per line: text and style.

use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use trinetes::tui::markdown::{Render, line_text};
use trinetes::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

fn style_of(line: &Line, text: &str) -> Style {
    line.spans
        .iter()
        .find(|s| s.content.contains(text))
        .unwrap_or_else(|| panic!("no span with {text:?} in {line:?}"))
        .style
}

fn width(line: &Line) -> usize {
    line.spans.iter().map(|s| s.content.width()).sum()
}

#[test]
fn paragraphs_wrap_to_the_width_with_a_blank_line_between() {
    let lines = Render::new("one two three four five six seven\n\nnext")
        .width(12)
        .texts();
    assert_eq!(
        lines,
        ["one two", "three four", "five six", "seven", "", "next"]
    );
}

#[test]
fn no_line_is_wider_than_asked() {
    let md = "# A heading that is long\n\nSome *emphasis* and **strong** words and `inline code` \
              and [a link](https://example.com/a/very/long/path) here.\n\n\
              > quoted text that goes on and on\n\n- item one is long enough to wrap\n  - nested item \
              also long\n\n```sh\nkubectl get pods --all-namespaces --output wide --show-labels\n```\n\n\
              | a | b |\n|---|---|\n| long cell text here | other long cell text |\n\n---\n";
    for w in [10u16, 20, 33, 60] {
        for line in Render::new(md).width(w).lines() {
            assert!(width(&line) <= usize::from(w), "width {w}: {line:?}");
        }
    }
}

#[test]
fn headings_are_styled_and_h1_is_underlined() {
    let t = Theme::dark();
    let lines = Render::new("# Title\n\n## Section\n\n### Sub")
        .width(40)
        .lines();
    assert_eq!(line_text(&lines[0]), "Title");
    assert_eq!(lines[0].spans[0].style, t.heading1);
    assert_eq!(line_text(&lines[1]), "━━━━━");
    assert_eq!(line_text(&lines[3]), "Section");
    assert_eq!(lines[3].spans[0].style, t.heading2);
    assert_eq!(line_text(&lines[5]), "Sub");
    assert!(
        lines[5].spans[0]
            .style
            .add_modifier
            .contains(Modifier::BOLD)
    );
}

#[test]
fn emphasis_strong_code_and_strikethrough_keep_their_styles_across_a_wrap() {
    let t = Theme::dark();
    let lines = Render::new("plain **bold words that wrap** `code` ~~gone~~ *it*")
        .width(16)
        .lines();
    assert_eq!(line_text(&lines[0]), "plain bold words");
    assert_eq!(style_of(&lines[0], "bold"), t.strong);
    assert_eq!(line_text(&lines[1]), "that wrap code");
    assert_eq!(
        style_of(&lines[1], "that"),
        t.strong,
        "bold continues on the next line"
    );
    assert_eq!(style_of(&lines[1], "code"), t.inline_code);
    assert_eq!(line_text(&lines[2]), "gone it");
    assert_eq!(style_of(&lines[2], "gone"), t.strikethrough);
    assert_eq!(style_of(&lines[2], "it"), t.emphasis);
}

#[test]
fn links_show_their_url_and_record_a_region() {
    let t = Theme::dark();
    let r = Render::new("See [the docs](https://k8s.io/docs) now.").width(60);
    let lines = r.lines();
    assert_eq!(
        line_text(&lines[0]),
        "See the docs (https://k8s.io/docs) now."
    );
    assert_eq!(style_of(&lines[0], "the docs"), t.link);
    assert_eq!(style_of(&lines[0], "https://k8s.io/docs"), t.link_url);
    let links = r.rendered().links;
    assert_eq!(
        links.len(),
        2,
        "link text and url are both clickable: {links:?}"
    );
    assert_eq!((links[0].line, links[0].column, links[0].width), (0, 4, 8));
    assert_eq!(links[0].url, "https://k8s.io/docs");
    assert_eq!((links[1].column, links[1].width), (14, 19));
}

#[test]
fn autolinks_show_the_url_once() {
    let texts = Render::new("<https://trino.io>").width(40).texts();
    assert_eq!(texts, ["https://trino.io"]);
}

#[test]
fn hyperlink_option_leaves_no_escape_codes_in_the_lines() {
    let lines = Render::new("[x](https://a.b)")
        .hyperlinks(true)
        .width(40)
        .lines();
    for line in &lines {
        for span in &line.spans {
            assert!(!span.content.contains('\x1b'), "{span:?}");
        }
    }
}

#[test]
fn bullet_and_ordered_lists_nest_with_hanging_indent() {
    let md = "- first item wraps here\n- second\n  1. one\n  2. two\n     - deep\n3. x";
    let lines = Render::new(md).width(14).texts();
    assert_eq!(
        lines,
        [
            "• first item",
            "  wraps here",
            "• second",
            "  1. one",
            "  2. two",
            "     ▪ deep",
            "",
            "3. x"
        ]
    );
}

#[test]
fn ordered_lists_keep_their_start_number() {
    assert_eq!(
        Render::new("7. a\n8. b").width(20).texts(),
        ["7. a", "8. b"]
    );
}

#[test]
fn task_lists_show_boxes() {
    assert_eq!(
        Render::new("- [x] done\n- [ ] todo").width(20).texts(),
        ["• [x] done", "• [ ] todo"]
    );
}

#[test]
fn block_quotes_carry_a_bar_on_every_line() {
    let t = Theme::dark();
    let lines = Render::new("> one two three\n>\n> four").width(10).lines();
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert_eq!(texts, ["│ one two", "│ three", "│", "│ four"]);
    for line in &lines {
        assert_eq!(line.spans[0].style, t.quote_bar);
    }
}

#[test]
fn tables_align_columns() {
    let md = "| name | replicas |\n|:-----|---------:|\n| web | 3 |\n| trino-worker | 12 |";
    let lines = Render::new(md).width(40).texts();
    assert_eq!(
        lines,
        [
            "name         │ replicas",
            "─────────────┼─────────",
            "web          │        3",
            "trino-worker │       12",
        ]
    );
    let t = Theme::dark();
    let styled = Render::new(md).width(40).lines();
    assert!(
        style_of(&styled[0], "name")
            .add_modifier
            .contains(Modifier::BOLD)
    );
    assert_eq!(style_of(&styled[1], "─"), t.table_border);
}

#[test]
fn wide_tables_wrap_inside_their_columns() {
    let md = "| a | b |\n|---|---|\n| alpha beta gamma | x |";
    let lines = Render::new(md).width(12).texts();
    assert_eq!(
        lines,
        [
            "a        │ b",
            "─────────┼──",
            "alpha    │ x",
            "beta     │",
            "gamma    │"
        ]
    );
}

#[test]
fn horizontal_rule_spans_the_width() {
    let lines = Render::new("a\n\n---\n\nb").width(8).texts();
    assert_eq!(lines, ["a", "", "────────", "", "b"]);
}

#[test]
fn code_blocks_are_labelled_indented_and_highlighted() {
    let t = Theme::dark();
    let md = "```yaml\nkind: Service\nspec:\n  type: NodePort\n```";
    let lines = Render::new(md).width(40).lines();
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert_eq!(
        texts,
        ["yaml", "  kind: Service", "  spec:", "    type: NodePort"]
    );
    assert_eq!(lines[0].spans[0].style, t.code_label);
    assert_eq!(style_of(&lines[1], "kind"), t.code_keyword);
    assert_eq!(style_of(&lines[1], "Service"), t.code_string);
}

#[test]
fn shell_json_and_sql_blocks_are_highlighted() {
    let t = Theme::dark();
    let sh = Render::new("```bash\nhelm install tcb trino/trino # go\n```")
        .width(60)
        .lines();
    assert_eq!(style_of(&sh[1], "helm"), t.code_keyword);
    assert_eq!(style_of(&sh[1], "# go"), t.code_comment);
    let json = Render::new("```json\n{\"nodes\": 3}\n```")
        .width(60)
        .lines();
    assert_eq!(style_of(&json[1], "\"nodes\""), t.code_keyword);
    assert_eq!(style_of(&json[1], "3"), t.code_number);
    let sql = Render::new("```sql\nSELECT * FROM nation\n```")
        .width(60)
        .lines();
    assert_eq!(style_of(&sql[1], "SELECT"), t.code_keyword);
}

#[test]
fn long_code_lines_are_cut_not_wrapped_at_words() {
    let lines = Render::new("```\nabcdefghij\n```").width(6).texts();
    assert_eq!(lines, ["  abcd", "  efgh", "  ij"]);
}

#[test]
fn images_show_alt_text_and_their_diagram() {
    let t = Theme::dark();
    let r = Render::new("![the nesting](../assets/diagrams/x.txt)")
        .diagram("../assets/diagrams/x.txt", "+---+\n| P |\n+---+\n")
        .width(30);
    let lines = r.lines();
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert_eq!(
        texts,
        ["[image: the nesting]", "  +---+", "  | P |", "  +---+"]
    );
    assert_eq!(style_of(&lines[0], "the nesting"), t.image);
    assert_eq!(style_of(&lines[1], "+---+"), t.diagram);
    let without = Render::new("![alt](missing.png)").width(30).texts();
    assert_eq!(without, ["[image: alt]"]);
}

#[test]
fn html_comments_are_hidden_other_html_is_dim() {
    let md = "before\n\n<!-- notes: secret\n     more -->\n\nafter <!-- inline --> text\n\n<div>shown</div>";
    let lines = Render::new(md).width(40).texts();
    assert_eq!(lines, ["before", "", "after text", "", "<div>shown</div>"]);
}

#[test]
fn wide_characters_wrap_by_display_width() {
    let lines = Render::new("日本語 の テキスト です").width(8).lines();
    for line in &lines {
        assert!(width(line) <= 8, "{line:?}");
    }
    assert_eq!(line_text(&lines[0]), "日本語");
}

#[test]
fn odd_and_unsupported_markdown_does_not_panic() {
    let inputs = [
        "",
        "[^1]\n\n[^1]: a footnote",
        "<details><summary>x</summary>\n\ny\n</details>",
        "* * *",
        "- \n- ",
        "| a |\n|---|",
        "```\nunterminated",
        "$x$ and $$y$$",
        "![](empty)",
        "[](https://x)",
        "> - > 1. nested\n>    ```sh\n>    ls\n>    ```",
        "Line<br>break and hard  \nbreak",
        "Term\n: definition",
        "\u{0}\u{7}\t\r\n",
    ];
    for md in inputs {
        for w in [0u16, 1, 3, 80] {
            let _ = Render::new(md).width(w).lines();
        }
    }
    assert_eq!(Render::new("a<br>b").width(20).texts(), ["a", "b"]);
}

#[test]
fn no_color_theme_renders_without_colours() {
    let t = Theme::dark().without_color();
    for line in Render::new("# H\n\n**b** `c` [l](u)\n\n```sh\nls -l\n```")
        .theme(t)
        .width(40)
        .lines()
    {
        for span in &line.spans {
            assert_eq!(span.style.fg, None, "{span:?}");
        }
    }
}
