//! Gzip: a multi-member gzip stream decoded member by member, resynchronising on the next
//! member after a corrupt one (as `.warc.gz` archives are written: one member per record), so
//! one bad member costs its own bytes only. A member's decoded bytes are handed on only once
//! its checksum and length are verified, so a damaged record is dropped whole rather than read
//! as text; a member decoding to more than [`VERIFY_LIMIT`] bytes (a large single-member file)
//! is passed on as it decodes, and damage found at its end is still reported. Corrupt stretches
//! are recorded with their offset in the compressed file for the caller to report.
//! Never holds more than one buffer of compressed data and [`VERIFY_LIMIT`] decoded bytes;
//! never panics on input.

use flate2::bufread::GzDecoder;
use std::cell::RefCell;
use std::io::{BufRead, Read};
use std::rc::Rc;

/// The gzip member header: magic and the deflate method.
const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// Decoded bytes of one member held back until its checksum is verified: more than a WARC
/// record of any page the reader accepts needs, little enough to hold (larger members stream).
pub const VERIFY_LIMIT: usize = 8 << 20;

/// A `BufRead` that counts the bytes consumed from it.
pub struct Counted<R> {
    inner: R,
    consumed: Rc<RefCell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        *self.consumed.borrow_mut() += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        *self.consumed.borrow_mut() += amt as u64;
        self.inner.consume(amt);
    }
}

/// Where a corrupt stretch began (offset in the compressed input) and what was wrong.
pub type Damage = Rc<RefCell<Vec<(u64, String)>>>;

/// Decodes gzip members one after another; after a corrupt member, skips to the next member
/// header and goes on, recording the damage.
pub struct Members<R: BufRead> {
    state: State<R>,
    consumed: Rc<RefCell<u64>>,
    damage: Damage,
    /// Verified (or streaming) bytes not yet handed out, and how many of them were.
    ready: Vec<u8>,
    served: usize,
    /// The current member's decoded bytes, held until it ends intact.
    pending: Vec<u8>,
}

enum State<R: BufRead> {
    /// A member being decoded: where it starts, and whether it outgrew [`VERIFY_LIMIT`] and
    /// streams.
    Decoding(Box<GzDecoder<Counted<R>>>, u64, bool),
    Between(Counted<R>),
    Done,
}

impl<R: BufRead> Members<R> {
    /// Decode `inner`, a gzip stream of one or more members.
    pub fn new(inner: R) -> Self {
        let consumed = Rc::new(RefCell::new(0));
        let counted = Counted {
            inner,
            consumed: consumed.clone(),
        };
        Members {
            state: State::Between(counted),
            consumed,
            damage: Rc::new(RefCell::new(Vec::new())),
            ready: Vec::new(),
            served: 0,
            pending: Vec::new(),
        }
    }

    /// The corrupt stretches met so far (shared: still readable after the reader is gone).
    pub fn damage(&self) -> Damage {
        self.damage.clone()
    }

    /// Skip to the next member header; false at the end of the input.
    fn seek_member(raw: &mut Counted<R>) -> std::io::Result<bool> {
        loop {
            let buf = raw.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            if let Some(i) = buf.windows(3).position(|w| w == MAGIC) {
                raw.consume(i);
                return Ok(true);
            }
            // Keep the last two bytes: a header may straddle two buffers.
            let keep = buf.len().min(2);
            let n = buf.len() - keep;
            if n == 0 {
                // Fewer than three bytes left and no header: the end.
                let all = buf.len();
                raw.consume(all);
                return Ok(false);
            }
            raw.consume(n);
        }
    }

    /// Record a corrupt member and move past it to the next member header (or the end).
    fn corrupt(
        &mut self,
        mut raw: Counted<R>,
        start: u64,
        e: &std::io::Error,
    ) -> std::io::Result<()> {
        self.damage.borrow_mut().push((
            start,
            format!("corrupt gzip member ({e}); skipped to the next member"),
        ));
        // Past this member's header, then to the next header.
        if *self.consumed.borrow() == start {
            raw.consume(1);
        }
        if Self::seek_member(&mut raw)? {
            self.state = State::Between(raw);
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.served < self.ready.len() {
                let n = out.len().min(self.ready.len() - self.served);
                out[..n].copy_from_slice(&self.ready[self.served..self.served + n]);
                self.served += n;
                return Ok(n);
            }
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Ok(0),
                State::Between(mut raw) => {
                    let at = *self.consumed.borrow();
                    let found = match raw.fill_buf() {
                        Ok([]) => return Ok(0),
                        Ok(b) if b.starts_with(&MAGIC) || b.len() < 3 && MAGIC.starts_with(b) => {
                            true
                        }
                        Ok(_) => {
                            // Bytes that are not a member: skip them, say where.
                            let r = Self::seek_member(&mut raw)?;
                            self.damage
                                .borrow_mut()
                                .push((at, "not gzip data; skipped to the next member".into()));
                            r
                        }
                        Err(e) => return Err(e),
                    };
                    if !found {
                        return Ok(0);
                    }
                    let start = *self.consumed.borrow();
                    self.pending.clear();
                    self.state = State::Decoding(Box::new(GzDecoder::new(raw)), start, false);
                }
                State::Decoding(mut dec, start, true) => match dec.read(out) {
                    Ok(0) => self.state = State::Between(dec.into_inner()),
                    Ok(n) => {
                        self.state = State::Decoding(dec, start, true);
                        return Ok(n);
                    }
                    Err(e) => self.corrupt(dec.into_inner(), start, &e)?,
                },
                State::Decoding(mut dec, start, false) => {
                    let had = self.pending.len();
                    self.pending.resize(had + (64 << 10), 0);
                    let got = dec.read(&mut self.pending[had..]);
                    self.pending.truncate(had + *got.as_ref().unwrap_or(&0));
                    match got {
                        Ok(0) => {
                            // The member ended intact (gzip checks its CRC and length at
                            // its end): its bytes go out, then the next member.
                            std::mem::swap(&mut self.ready, &mut self.pending);
                            self.served = 0;
                            self.state = State::Between(dec.into_inner());
                        }
                        Ok(_) if self.pending.len() > VERIFY_LIMIT => {
                            // Too large to hold back: what is decoded goes out, the rest
                            // streams.
                            std::mem::swap(&mut self.ready, &mut self.pending);
                            self.served = 0;
                            self.state = State::Decoding(dec, start, true);
                        }
                        Ok(_) => self.state = State::Decoding(dec, start, false),
                        Err(e) => {
                            self.pending.clear();
                            self.corrupt(dec.into_inner(), start, &e)?;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn member(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: &[u8]) -> (String, Vec<(u64, String)>) {
        let mut m = Members::new(bytes);
        let damage = m.damage();
        let mut out = String::new();
        let _ = m.read_to_string(&mut out);
        let d = damage.borrow().clone();
        (out, d)
    }

    #[test]
    fn good_members_read_like_one_stream() {
        let mut all = member("one\n");
        all.extend(member("two\n"));
        let (out, damage) = read_all(&all);
        assert_eq!(out, "one\ntwo\n");
        assert!(damage.is_empty());
    }

    #[test]
    fn a_corrupt_member_costs_itself_only() {
        let (a, mut b, c) = (member("one\n"), member("two two two\n"), member("three\n"));
        let len = b.len();
        b[len / 2] ^= 0xff;
        b[len - 6] ^= 0xff;
        let mut all = a.clone();
        all.extend(&b);
        all.extend(b"garbage between members");
        all.extend(&c);
        let (out, damage) = read_all(&all);
        assert!(out.starts_with("one\n"), "{out:?}");
        assert!(out.ends_with("three\n"), "{out:?}");
        assert!(!damage.is_empty());
        assert_eq!(damage[0].0, a.len() as u64);
    }

    #[test]
    fn a_damaged_member_gives_none_of_its_bytes() {
        // Damage that still decodes (a flipped byte in a stored, uncompressed block) is
        // caught only by the checksum at the member's end: the member's text must not come
        // out, the next member's must.
        let text = "two ".repeat(500);
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
        e.write_all(text.as_bytes()).unwrap();
        let mut b = e.finish().unwrap();
        let at = b.len() / 2;
        b[at] = b'X';
        let (a, c) = (member("one\n"), member("three\n"));
        let mut all = a.clone();
        all.extend(&b);
        all.extend(&c);
        let (out, damage) = read_all(&all);
        assert_eq!(out, "one\nthree\n");
        assert_eq!(damage.len(), 1, "{damage:?}");
        assert_eq!(damage[0].0, a.len() as u64);
        assert!(damage[0].1.contains("corrupt gzip member"), "{damage:?}");
    }

    #[test]
    fn a_member_larger_than_the_verify_limit_streams_whole() {
        let text = "ten bytes\n".repeat(VERIFY_LIMIT / 10 + 1000);
        let mut all = member(&text);
        all.extend(member("after\n"));
        let (out, damage) = read_all(&all);
        assert_eq!(out.len(), text.len() + 6);
        assert!(out.ends_with("ten bytes\nafter\n"));
        assert!(damage.is_empty());
    }
}
