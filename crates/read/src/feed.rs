//! Feed: RSS 0.9x/1.0/2.0, Atom and JSON Feed documents (parsed by `feed-rs`) into one
//! [`Page`] per item. In: the feed's bytes. Out: pages, or an error naming why the feed could
//! not be read.
//!
//! An item with full content (`content:encoded`, Atom `content`) becomes an article whose text
//! is that content's main text; an item with only a summary (`description`, Atom `summary`)
//! becomes a short article with `summary_only` set, so nobody mistakes a teaser for the story.
//! Item HTML is untrusted and goes through the same extraction as a page (no markup survives).

use crate::Page;

/// Content shorter than this (characters of text) is a teaser, not the article.
const FULL_CONTENT_CHARS: usize = 400;

/// The text of an HTML (or plain) fragment from a feed.
fn fragment_text(html: &str) -> String {
    if !html.contains('<') {
        return crate::walk::collapse(&html.replace("\n\n", "\u{1}"))
            .replace('\u{1}', "\n\n")
            .trim()
            .to_string();
    }
    // A fragment is all body: every block counts, as the feed chose it.
    crate::all_text(html)
}

/// Read a feed into one page per item.
pub fn read_feed(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let feed = feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .build()
        .parse(bytes)
        .map_err(|e| format!("not a readable feed ({e})"))?;
    let outlet = feed
        .title
        .as_ref()
        .map(|t| crate::walk::collapse(&t.content));
    let language = feed.language.clone();
    let mut pages = Vec::new();
    for entry in feed.entries {
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(fragment_text)
            .unwrap_or_default();
        let summary = entry
            .summary
            .as_ref()
            .map(|s| fragment_text(&s.content))
            .unwrap_or_default();
        let (text, summary_only) = if content.chars().count() >= FULL_CONTENT_CHARS
            || !content.is_empty() && content.len() >= summary.len()
        {
            let teaser = content_is_teaser(&summary, &content);
            (content, teaser)
        } else {
            (summary, true)
        };
        if text.trim().is_empty() {
            continue;
        }
        let title = entry
            .title
            .as_ref()
            .map(|t| crate::walk::collapse(&fragment_text(&t.content)))
            .filter(|t| !t.is_empty());
        let date = entry
            .published
            .or(entry.updated)
            .map(|d| d.format("%Y-%m-%d").to_string());
        let authors = entry
            .authors
            .iter()
            .filter_map(|p| p.name.clone())
            .map(|n| crate::walk::collapse(&n))
            .filter(|n| !n.is_empty())
            .collect();
        let url = entry.links.first().map(|l| l.href.clone());
        pages.push(Page {
            title,
            text,
            date,
            authors,
            outlet: outlet.clone(),
            language: entry.language.clone().or_else(|| language.clone()),
            url,
            summary_only,
        });
    }
    Ok(pages)
}

/// Content that is short and no longer than the summary is still a teaser.
fn content_is_teaser(summary: &str, content: &str) -> bool {
    content.chars().count() < FULL_CONTENT_CHARS && content.len() <= summary.len().max(1) * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "The council voted on Tuesday to approve the new budget, which raises spending on schools by four per cent and cuts the roads programme. The vote followed a long debate in which members of every party spoke, and several said the cuts to roads would hurt rural areas most. The mayor said the budget was the fairest the city could afford this year.";

    #[test]
    fn rss_items_with_content_are_articles_and_teasers_are_marked() {
        let rss = format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>City Paper</title><language>en</language>
            <item><title>Budget approved</title><link>https://city.example/budget</link><pubDate>Tue, 19 Nov 2019 10:00:00 GMT</pubDate>
              <description>Short teaser.</description><content:encoded><![CDATA[<p>{BODY}</p><p>Second paragraph &amp; more.</p><script>alert(1)</script>]]></content:encoded></item>
            <item><title>Teaser only</title><link>https://city.example/t</link><description>&lt;p&gt;Only a &lt;b&gt;summary&lt;/b&gt; here.&lt;/p&gt;</description></item>
            </channel></rss>"#
        );
        let pages = read_feed(rss.as_bytes()).unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].title.as_deref(), Some("Budget approved"));
        assert_eq!(pages[0].date.as_deref(), Some("2019-11-19"));
        assert_eq!(pages[0].outlet.as_deref(), Some("City Paper"));
        assert!(pages[0].text.starts_with("The council voted"));
        assert!(pages[0].text.contains("Second paragraph & more."));
        assert!(!pages[0].text.contains("alert"));
        assert!(!pages[0].summary_only);
        assert_eq!(pages[1].text, "Only a summary here.");
        assert!(pages[1].summary_only);
    }

    #[test]
    fn atom_entries_are_read() {
        let atom = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:x</id><updated>2020-01-01T00:00:00Z</updated>
            <entry><title>Vote</title><id>urn:1</id><updated>2020-01-02T00:00:00Z</updated><published>2020-01-01T09:00:00Z</published>
            <author><name>Jane Doe</name></author><link href="https://wire.example/1"/><content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>"#
        );
        let pages = read_feed(atom.as_bytes()).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].date.as_deref(), Some("2020-01-01"));
        assert_eq!(pages[0].authors, ["Jane Doe"]);
        assert_eq!(pages[0].url.as_deref(), Some("https://wire.example/1"));
        assert!(!pages[0].summary_only);
    }

    #[test]
    fn a_broken_feed_is_an_error() {
        // Truncated: an error or nothing, never an invented article.
        assert!(read_feed(b"<rss><channel><item><title>x</title>").map_or(true, |p| p.is_empty()));
        assert!(read_feed(b"not xml at all").is_err());
    }
}
