//! Markdown of management-system documents (policies, procedures) turned into HTML for a
//! page. Documents are written by members, not by us, so whatever they type is treated as
//! hostile: raw HTML is shown as text, links go only where a reader can safely follow, and
//! nothing is fetched from elsewhere when the page is read.

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html,
};

/// The HTML of `markdown`, safe to put in a page as it is: no raw HTML, scripts or remote images.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 2);
    html::push_html(&mut out, safe_events(events).into_iter());
    out
}

/// Where a link may take its reader, decided on the destination as the browser would read it.
enum Target {
    /// Another site: it must learn nothing of ours and gain no credit from being linked.
    Elsewhere(String),
    /// A mail address or a place in this same document.
    Here(String),
}

fn target(destination: &str) -> Option<Target> {
    // Browsers drop leading and trailing spaces and control characters before reading the
    // scheme, so the check sees what they will see.
    let destination = destination.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    let has_scheme = |scheme: &str| {
        destination
            .get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    };
    if has_scheme("http://") || has_scheme("https://") {
        Some(Target::Elsewhere(destination.to_owned()))
    } else if has_scheme("mailto:") || destination.starts_with('#') {
        Some(Target::Here(destination.to_owned()))
    } else {
        // An allow-list rather than a block-list: the schemes that run code or carry content
        // (javascript:, data:, vbscript:, …) are too many and too oddly spelt to enumerate.
        None
    }
}

fn escape_attribute(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The opening tag of a link; written here rather than by pulldown-cmark, which has no way to
/// add `rel`.
fn anchor(target: &Target, title: &str) -> String {
    let (href, rel) = match target {
        Target::Elsewhere(href) => (href, " rel=\"noopener noreferrer nofollow\""),
        Target::Here(href) => (href, ""),
    };
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_attribute(title))
    };
    format!("<a href=\"{}\"{title}{rel}>", escape_attribute(href))
}

/// One level down, since the page's own title is the only `<h1>`.
fn shifted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 | HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

fn safe_events(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut safe = Vec::with_capacity(events.len());
    // For each link or image open, whether it became an `<a>` that its end must close.
    let mut opened: Vec<bool> = Vec::new();
    let mut events = events.into_iter().peekable();
    while let Some(event) = events.next() {
        match event {
            // Our own markup goes out as `Event::Html`; everything the author wrote as HTML is
            // turned into text here, before it, so the two can never be confused.
            Event::Html(text) | Event::InlineHtml(text) => safe.push(Event::Text(text)),
            Event::Start(Tag::HtmlBlock) => safe.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => safe.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Table(alignments)) => {
                // pulldown-cmark aligns cells with `style` attributes, which the page's CSP
                // (`style-src 'self'`) refuses; plain cells at least draw no violations.
                let plain = vec![Alignment::None; alignments.len()];
                safe.push(Event::Start(Tag::Table(plain)));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => safe.push(Event::Start(Tag::Heading {
                level: shifted(level),
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(level)) => {
                safe.push(Event::End(TagEnd::Heading(shifted(level))));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                // pulldown-cmark leaves the scheme off e-mail autolinks (`<a@b.example>`).
                let destination = if link_type == LinkType::Email {
                    CowStr::from(format!("mailto:{dest_url}"))
                } else {
                    dest_url
                };
                // A link inside a link is not valid HTML; the inner one keeps only its text.
                match target(&destination).filter(|_| !opened.contains(&true)) {
                    Some(target) => {
                        safe.push(Event::Html(anchor(&target, &title).into()));
                        opened.push(true);
                    }
                    None => opened.push(false),
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                // A remote image would tell its host who reads the document and when; the
                // reader may still follow it as a link.
                match target(&dest_url).filter(|_| !opened.contains(&true)) {
                    Some(target @ Target::Elsewhere(_)) => {
                        safe.push(Event::Html(anchor(&target, &title).into()));
                        if matches!(events.peek(), Some(Event::End(TagEnd::Image))) {
                            // Without alt text the link would be empty and unreachable.
                            safe.push(Event::Text(dest_url));
                        }
                        opened.push(true);
                    }
                    _ => opened.push(false),
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if opened.pop() == Some(true) {
                    safe.push(Event::Html("</a>".into()));
                }
            }
            other => safe.push(other),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::render;

    const ELSEWHERE: &str = "rel=\"noopener noreferrer nofollow\"";

    #[test]
    fn script_tags_are_shown_as_text() {
        assert_eq!(
            render("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            render("Hello <script>alert(1)</script> there"),
            "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; there</p>\n"
        );
    }

    #[test]
    fn raw_html_with_event_handlers_is_shown_as_text() {
        let inline = render("See <img src=x onerror=alert(1)> here");
        assert_eq!(
            inline,
            "<p>See &lt;img src=x onerror=alert(1)&gt; here</p>\n"
        );
        let block = render("<img src=x onerror=alert(1)>\n\nAfter");
        assert!(!block.contains("<img"), "{block}");
        assert!(
            block.starts_with("<p>&lt;img src=x onerror=alert(1)&gt;"),
            "{block}"
        );
        let div = render("<div onclick=\"alert(1)\">\n*x*\n</div>");
        assert!(!div.contains("<div"), "{div}");
        assert!(div.contains("&lt;div onclick=\"alert(1)\"&gt;"), "{div}");
    }

    #[test]
    fn script_links_keep_only_their_text() {
        assert_eq!(render("[click](javascript:alert(1))"), "<p>click</p>\n");
        assert_eq!(
            render("[click][evil]\n\n[evil]: javascript:alert(1)"),
            "<p>click</p>\n"
        );
        assert_eq!(render("[click](JaVaScRiPt:alert(1))"), "<p>click</p>\n");
        assert_eq!(render("[click](  javascript:alert(1))"), "<p>click</p>\n");
        assert_eq!(render("[click](vbscript:msgbox(1))"), "<p>click</p>\n");
    }

    #[test]
    fn entity_encoded_schemes_are_refused() {
        assert_eq!(
            render("[click](&#106;avascript:alert(1))"),
            "<p>click</p>\n"
        );
        assert_eq!(
            render("[click](&#x6A;&#x61;vascript&#58;alert(1))"),
            "<p>click</p>\n"
        );
        assert_eq!(
            render("[click](java&#x09;script:alert(1))"),
            "<p>click</p>\n"
        );
    }

    #[test]
    fn autolinks_with_other_schemes_are_plain_text() {
        assert_eq!(
            render("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
        assert_eq!(
            render("<data:text/html;base64,PHNjcmlwdD4=>"),
            "<p>data:text/html;base64,PHNjcmlwdD4=</p>\n"
        );
        assert_eq!(
            render("<VBScript:msgbox(1)>"),
            "<p>VBScript:msgbox(1)</p>\n"
        );
    }

    #[test]
    fn data_file_and_protocol_relative_links_are_refused() {
        for destination in [
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "DATA:text/html,x",
            "file:///etc/passwd",
            "//evil.example/x",
            "/relative/path",
            "https:evil.example",
        ] {
            let html = render(&format!("[click]({destination})"));
            assert_eq!(html, "<p>click</p>\n", "{destination}");
        }
    }

    #[test]
    fn web_mail_and_fragment_links_are_kept() {
        assert_eq!(
            render("[ISO](https://www.iso.org/standard/81230.html \"The standard\")"),
            format!(
                "<p><a href=\"https://www.iso.org/standard/81230.html\" title=\"The standard\" \
                 {ELSEWHERE}>ISO</a></p>\n"
            )
        );
        assert_eq!(
            render("[site]( HTTP://example.org/?a=1&b=\"2\" )"),
            format!(
                "<p><a href=\"HTTP://example.org/?a=1&amp;b=&quot;2&quot;\" \
                 {ELSEWHERE}>site</a></p>\n"
            )
        );
        assert_eq!(
            render("[write](mailto:aims@example.org)"),
            "<p><a href=\"mailto:aims@example.org\">write</a></p>\n"
        );
        assert_eq!(
            render("<aims@example.org>"),
            "<p><a href=\"mailto:aims@example.org\">aims@example.org</a></p>\n"
        );
        assert_eq!(
            render("<https://example.org>"),
            format!("<p><a href=\"https://example.org\" {ELSEWHERE}>https://example.org</a></p>\n")
        );
        assert_eq!(
            render("[scope](#scope)"),
            "<p><a href=\"#scope\">scope</a></p>\n"
        );
    }

    #[test]
    fn images_are_never_loaded() {
        assert_eq!(
            render("![Org chart](https://example.org/chart.png)"),
            format!("<p><a href=\"https://example.org/chart.png\" {ELSEWHERE}>Org chart</a></p>\n")
        );
        assert_eq!(
            render("![](https://example.org/chart.png)"),
            format!(
                "<p><a href=\"https://example.org/chart.png\" {ELSEWHERE}>\
                 https://example.org/chart.png</a></p>\n"
            )
        );
        assert_eq!(render("![Org chart](chart.png)"), "<p>Org chart</p>\n");
        assert_eq!(render("![x](javascript:alert(1))"), "<p>x</p>\n");
        assert_eq!(
            render("![x](data:image/svg+xml;base64,PHN2Zz4=)"),
            "<p>x</p>\n"
        );
        let linked = render("[![logo](https://example.org/l.png)](https://example.org)");
        assert_eq!(linked.matches("<a ").count(), 1, "{linked}");
        assert!(!render("![a](https://example.org/a.png)").contains("<img"));
    }

    #[test]
    fn headings_start_below_the_page_title() {
        assert_eq!(
            render("# Policy\n## Scope\n###### Detail"),
            "<h2>Policy</h2>\n<h3>Scope</h3>\n<h6>Detail</h6>\n"
        );
        assert_eq!(render("Policy\n======"), "<h2>Policy</h2>\n");
        assert_eq!(render("##### Five"), "<h6>Five</h6>\n");
    }

    #[test]
    fn tables_strikethrough_and_task_lists_render() {
        let table = render("| Control | Owner |\n| --- | :-: |\n| A.2.2 | CISO |");
        assert!(table.starts_with("<table>"), "{table}");
        assert!(table.contains("<th>Control</th>"), "{table}");
        assert!(table.contains("<td>CISO</td>"), "{table}");
        assert!(!table.contains("style="), "{table}");
        assert_eq!(render("~~old~~"), "<p><del>old</del></p>\n");
        let tasks = render("- [x] done\n- [ ] open");
        assert!(tasks.contains("checked=\"\""), "{tasks}");
        assert_eq!(tasks.matches("type=\"checkbox\"").count(), 2, "{tasks}");
    }

    #[test]
    fn the_same_document_gives_the_same_html() {
        let document = "# P\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[x](https://e.org) <b>y</b>";
        assert_eq!(render(document), render(document));
    }
}
