//! WARC: reads a WARC 1.0/1.1 stream record by record (Common Crawl's CC-News is WARC). In: any
//! `BufRead` (the caller wraps `.warc.gz` in a multi-member gzip decoder). Out: one
//! [`Entry`] per record: an HTML page (with its target URI, date and HTTP content type), a
//! skipped record (request, metadata, warcinfo, non-HTML responses), or an error naming the
//! record's byte offset, after which reading resumes at the next record header.
//!
//! Bounded: a record larger than the page cap is skipped without being held in memory; a
//! gzip-encoded HTTP body is inflated only up to the cap. Written here rather than taken from
//! a crate because recovery after a corrupt record and record offsets in errors are the point.

use std::io::{BufRead, Read};

/// A record longer than this is taken for a corrupt header (resynchronised, not skipped).
const MAX_RECORD_BYTES: u64 = 4 << 30;

/// Where a record header (`WARC/1.0`, `WARC/1.1`) begins in a line, if one does.
fn header_at(line: &str) -> Option<usize> {
    line.find("WARC/1.")
}

/// One thing read from a WARC stream.
#[derive(Debug)]
pub enum Entry {
    /// An HTML response (or resource) record.
    Page(WarcPage),
    /// A record that is not an HTML page, with its WARC-Type.
    Skipped(String),
    /// A record that could not be read, at this byte offset (of the uncompressed stream).
    Error { offset: u64, reason: String },
}

/// An HTML page from a WARC record.
#[derive(Debug)]
pub struct WarcPage {
    /// Byte offset of the record in the (uncompressed) stream.
    pub offset: u64,
    /// `WARC-Target-URI`.
    pub url: Option<String>,
    /// `WARC-Date`, `YYYY-MM-DD` (the capture date; the page's own date wins when present).
    pub capture_date: Option<String>,
    /// The HTTP `Content-Type` header.
    pub content_type: Option<String>,
    /// The HTTP payload: the page's bytes.
    pub body: Vec<u8>,
}

/// A reader of WARC records.
pub struct WarcReader<R: BufRead> {
    inner: R,
    offset: u64,
    done: bool,
    /// A record header line already read while resynchronising.
    pending: Option<(u64, String)>,
}

fn lower_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl<R: BufRead> WarcReader<R> {
    /// Read records from `inner`.
    pub fn new(inner: R) -> Self {
        WarcReader {
            inner,
            offset: 0,
            done: false,
            pending: None,
        }
    }

    /// Read one line (up to 64 KB), counting its bytes; `None` at the end of the stream.
    fn line(&mut self) -> std::io::Result<Option<String>> {
        let mut buf = Vec::new();
        let n = (&mut self.inner)
            .take(64 * 1024)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        self.offset += n as u64;
        Ok(Some(
            String::from_utf8_lossy(&buf)
                .trim_end_matches(['\r', '\n'])
                .to_string(),
        ))
    }

    /// Skip to the next record header line (`WARC/1.`, also after garbage that did not end
    /// in a newline); returns false at the end of the stream.
    fn resync(&mut self) -> bool {
        loop {
            let at = self.offset;
            match self.line() {
                Ok(Some(l)) if header_at(&l).is_some() => {
                    let i = header_at(&l).unwrap_or(0);
                    self.pending = Some((at + i as u64, l[i..].to_string()));
                    return true;
                }
                Ok(Some(_)) => continue,
                _ => return false,
            }
        }
    }

    fn fail(&mut self, offset: u64, reason: String) -> Option<Entry> {
        if !self.resync() {
            self.done = true;
        }
        Some(Entry::Error { offset, reason })
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        if self.done {
            return None;
        }
        // The version line, after any blank lines between records.
        let (start, version) = loop {
            let at = self.offset;
            if let Some(p) = self.pending.take() {
                break p;
            }
            match self.line() {
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(l)) if l.trim().is_empty() => continue,
                Ok(Some(l)) => break (at, l),
                Err(e) => {
                    self.done = true;
                    return Some(Entry::Error {
                        offset: at,
                        reason: format!("cannot read ({e})"),
                    });
                }
            }
        };
        let (start, version) = match header_at(&version) {
            // Garbage that did not end in a newline before a header: the record starts there.
            Some(i) if i > 0 => (start + i as u64, version[i..].to_string()),
            _ => (start, version),
        };
        if !version.starts_with("WARC/") {
            return self.fail(start, "not a WARC record header".to_string());
        }
        let mut headers = Vec::new();
        loop {
            match self.line() {
                Ok(Some(l)) if l.is_empty() => break,
                Ok(Some(l)) => {
                    if let Some((k, v)) = l.split_once(':') {
                        headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                    if headers.len() > 200 {
                        return self.fail(start, "record header too long".to_string());
                    }
                }
                Ok(None) => {
                    self.done = true;
                    return Some(Entry::Error {
                        offset: start,
                        reason: "truncated record header".to_string(),
                    });
                }
                Err(e) => {
                    self.done = true;
                    return Some(Entry::Error {
                        offset: start,
                        reason: format!("cannot read ({e})"),
                    });
                }
            }
        }
        let Some(len) =
            lower_header(&headers, "Content-Length").and_then(|v| v.parse::<u64>().ok())
        else {
            return self.fail(start, "record without a valid Content-Length".to_string());
        };
        // A length no record has is a corrupt header: skipping it would swallow the records
        // after it, so read on from here to the next record header instead.
        if len > MAX_RECORD_BYTES {
            return self.fail(start, format!("Content-Length {len} is not believable"));
        }
        let warc_type = lower_header(&headers, "WARC-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let block_type = lower_header(&headers, "Content-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let wanted = warc_type == "response" && block_type.contains("application/http")
            || warc_type == "resource" && block_type.contains("html");
        if !wanted || len > (crate::MAX_PAGE_BYTES as u64) * 2 {
            let skipped = std::io::copy(&mut (&mut self.inner).take(len), &mut std::io::sink());
            self.offset += skipped.as_ref().copied().unwrap_or(0);
            if skipped.map_or(true, |n| n < len) {
                self.done = true;
                return Some(Entry::Error {
                    offset: start,
                    reason: "truncated record".to_string(),
                });
            }
            if wanted {
                return Some(Entry::Error {
                    offset: start,
                    reason: format!("record too large ({} MB)", len >> 20),
                });
            }
            return Some(Entry::Skipped(if warc_type.is_empty() {
                "unknown".into()
            } else {
                warc_type
            }));
        }
        let mut block = Vec::with_capacity(len as usize);
        let got = (&mut self.inner).take(len).read_to_end(&mut block);
        self.offset += block.len() as u64;
        match got {
            Ok(n) if n as u64 == len => {}
            Ok(_) => {
                self.done = true;
                return Some(Entry::Error {
                    offset: start,
                    reason: "truncated record".to_string(),
                });
            }
            Err(e) => {
                self.done = true;
                return Some(Entry::Error {
                    offset: start,
                    reason: format!("cannot read ({e})"),
                });
            }
        }
        let url = lower_header(&headers, "WARC-Target-URI")
            .map(|u| u.trim_matches(['<', '>']).to_string());
        let capture_date =
            lower_header(&headers, "WARC-Date").and_then(corroborate_lang::date::parse_date);
        if warc_type == "resource" {
            return Some(Entry::Page(WarcPage {
                offset: start,
                url,
                capture_date,
                content_type: Some(block_type),
                body: block,
            }));
        }
        match http_payload(&block) {
            Ok((ctype, body)) => {
                let html = ctype.as_deref().map_or_else(
                    || {
                        crate::sniff::sniff(&body[..body.len().min(2048)], "")
                            == crate::Format::Html
                    },
                    |c| c.to_ascii_lowercase().contains("html"),
                );
                if !html {
                    return Some(Entry::Skipped("response (not HTML)".into()));
                }
                Some(Entry::Page(WarcPage {
                    offset: start,
                    url,
                    capture_date,
                    content_type: ctype,
                    body,
                }))
            }
            Err(reason) => Some(Entry::Error {
                offset: start,
                reason,
            }),
        }
    }
}

/// Split an HTTP response into its Content-Type and its decoded body (chunked transfer and
/// gzip/deflate content encodings undone, within the page cap).
fn http_payload(block: &[u8]) -> Result<(Option<String>, Vec<u8>), String> {
    let split = memchr::memmem::find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| memchr::memmem::find(block, b"\n\n").map(|i| (i, i + 2)))
        .ok_or_else(|| "HTTP response without a header end".to_string())?;
    let head = String::from_utf8_lossy(&block[..split.0]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    if !status.starts_with("HTTP/") {
        return Err("not an HTTP response".to_string());
    }
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if !(200..300).contains(&code) {
        return Err(format!("HTTP status {code}"));
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let ctype = lower_header(&headers, "Content-Type").map(str::to_string);
    let mut body = block[split.1..].to_vec();
    if lower_header(&headers, "Transfer-Encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        body = dechunk(&body).unwrap_or(body);
    }
    match lower_header(&headers, "Content-Encoding")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("gzip") | Some("x-gzip") => {
            body = crate::sniff::gunzip_capped(&body, crate::MAX_PAGE_BYTES)?;
        }
        Some("deflate") => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..])
                .take(crate::MAX_PAGE_BYTES as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("bad deflate body ({e})"))?;
            body = out;
        }
        _ => {}
    }
    Ok((ctype, body))
}

/// Undo chunked transfer encoding; `None` when the body is not validly chunked.
fn dechunk(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let eol = memchr::memmem::find(&b[i..], b"\r\n")? + i;
        let size_str = std::str::from_utf8(&b[i..eol]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        i = eol + 2;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(i..i.checked_add(size)?)?);
        i += size + 2;
        if i > b.len() {
            return Some(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, block_type: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://news.example/a\r\nWARC-Date: 2019-11-19T10:00:00Z\r\nContent-Type: {block_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    #[test]
    fn responses_are_pages_and_other_records_are_skipped() {
        let mut w = record("warcinfo", "application/warc-fields", b"software: x\r\n");
        w.extend(record(
            "request",
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        w.extend(record(
            "response",
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><p>Hello</p></html>",
        ));
        w.extend(record(
            "response",
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        let entries: Vec<Entry> = WarcReader::new(&w[..]).collect();
        assert_eq!(entries.len(), 4);
        assert!(matches!(&entries[0], Entry::Skipped(t) if t == "warcinfo"));
        assert!(matches!(&entries[1], Entry::Skipped(t) if t == "request"));
        match &entries[2] {
            Entry::Page(p) => {
                assert_eq!(p.url.as_deref(), Some("https://news.example/a"));
                assert_eq!(p.capture_date.as_deref(), Some("2019-11-19"));
                assert_eq!(p.body, b"<html><p>Hello</p></html>");
            }
            e => panic!("expected a page, got {e:?}"),
        }
        assert!(matches!(&entries[3], Entry::Skipped(_)));
    }

    #[test]
    fn a_corrupt_record_is_named_by_offset_and_reading_goes_on() {
        let good = record(
            "response",
            "application/http",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Second</p>",
        );
        let mut w = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\ngarbage\r\n"
            .to_vec();
        w.extend(&good);
        let entries: Vec<Entry> = WarcReader::new(&w[..]).collect();
        assert!(
            matches!(&entries[0], Entry::Error { offset: 0, reason } if reason.contains("Content-Length"))
        );
        assert!(matches!(&entries[1], Entry::Page(p) if p.body == b"<p>Second</p>"));
        // A record cut short is an error, not a page.
        let cut = &good[..good.len() - 10];
        let entries: Vec<Entry> = WarcReader::new(cut).collect();
        assert!(matches!(&entries[0], Entry::Error { reason, .. } if reason.contains("truncated")));
    }

    #[test]
    fn garbage_and_impossible_lengths_lose_no_good_record() {
        let page = |n: usize| {
            record(
                "response",
                "application/http",
                format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Page {n}</p>")
                    .as_bytes(),
            )
        };
        let pages = |w: &[u8]| -> Vec<String> {
            WarcReader::new(w)
                .filter_map(|e| match e {
                    Entry::Page(p) => Some(String::from_utf8_lossy(&p.body).to_string()),
                    _ => None,
                })
                .collect()
        };
        // Garbage that does not end in a newline, right before a record.
        let mut w = page(1);
        w.extend(b"\x00\x01 binary junk with no newline");
        w.extend(page(2));
        assert_eq!(pages(&w), ["<p>Page 1</p>", "<p>Page 2</p>"]);
        // A header claiming 2^62 bytes: named, and the records after it are read.
        let mut w = page(1);
        w.extend(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 4611686018427387904\r\n\r\nshort\r\n\r\n");
        w.extend(page(2));
        w.extend(page(3));
        assert_eq!(
            pages(&w),
            ["<p>Page 1</p>", "<p>Page 2</p>", "<p>Page 3</p>"]
        );
        let errors: Vec<String> = WarcReader::new(&w[..])
            .filter_map(|e| match e {
                Entry::Error { offset, reason } => Some(format!("{offset}: {reason}")),
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("not believable"), "{errors:?}");
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").unwrap(),
            b"Wikipedia"
        );
    }
}
