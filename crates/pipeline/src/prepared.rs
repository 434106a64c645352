//! Prepared records: a [`PreparedArticle`] as flat columns (strings and bytes) so articles
//! prepared one by one on a cluster (Spark, Dask) can be written to Parquet and assigned to
//! stories later by [`crate::run::finish`] and [`crate::run::Ingest`]. A serialization
//! boundary with its own version ([`RECORD_FORMAT`]): a record made by another format or
//! another corroborate version is refused with the reason, never half-read.
//! In: `PreparedArticle` / `PreparedRecord`. Out: the other. No IO.

use crate::cluster::Features;
use crate::run::PreparedArticle;
use corroborate_model::Article;

/// The record layout; with the crate version it must match to be read back.
pub const RECORD_FORMAT: &str = concat!("corroborate-prepared/1 ", env!("CARGO_PKG_VERSION"));

/// One prepared article as columns. `id`, `title`, `date`, `outlet` and `url` repeat what
/// `article` holds, for queries over the Parquet files; `article` (the cleaned article as
/// JSON) and `features` (the clustering features as bytes) are what is read back.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedRecord {
    /// [`RECORD_FORMAT`] of the corroborate that made it.
    pub format: String,
    /// Article id.
    pub id: String,
    /// Where it was read from.
    pub path: String,
    /// Headline.
    pub title: String,
    /// Publication date, when known.
    pub date: Option<String>,
    /// Outlet, when known.
    pub outlet: Option<String>,
    /// Original URL, when known.
    pub url: Option<String>,
    /// Hash of the body as read (the store's duplicate check).
    pub body_hash: String,
    /// The title its input gave when it was titled from its text instead.
    pub given_title: Option<String>,
    /// The cleaned article as JSON.
    pub article: String,
    /// The clustering features (`Features::encode`).
    pub features: Vec<u8>,
}

/// Why a record could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Made by another corroborate (features and cleaning could differ).
    #[error("{id}: prepared by {found:?}, this is {RECORD_FORMAT:?}; prepare it again")]
    Format {
        /// The record's id.
        id: String,
        /// Its format.
        found: String,
    },
    /// The article column is not an article.
    #[error("{id}: the article column is not a prepared article: {reason}")]
    Article {
        /// The record's id.
        id: String,
        /// What JSON said.
        reason: String,
    },
    /// The features column is not features.
    #[error("{id}: the features column is not corroborate features")]
    Features {
        /// The record's id.
        id: String,
    },
}

impl PreparedRecord {
    /// The record of a prepared article.
    pub fn of(p: &PreparedArticle) -> PreparedRecord {
        let a = &p.article;
        PreparedRecord {
            format: RECORD_FORMAT.to_string(),
            id: a.id.clone(),
            path: p.path.clone(),
            title: a.title.clone(),
            date: a.date.clone(),
            outlet: a.outlet.clone(),
            url: a.url.clone(),
            body_hash: p.body_hash.clone(),
            given_title: p.given_title.clone(),
            // An article always serializes (strings, numbers and lists only).
            article: serde_json::to_string(a).unwrap_or_default(),
            features: p.features.encode(),
        }
    }

    /// The prepared article back.
    pub fn read(&self) -> Result<PreparedArticle, RecordError> {
        if self.format != RECORD_FORMAT {
            return Err(RecordError::Format {
                id: self.id.clone(),
                found: self.format.clone(),
            });
        }
        let article: Article =
            serde_json::from_str(&self.article).map_err(|e| RecordError::Article {
                id: self.id.clone(),
                reason: e.to_string(),
            })?;
        // The record is input: its spans must point into its text as cleaning makes them.
        let fits = |sp: &corroborate_model::Span| {
            sp.start <= sp.end
                && article.text.is_char_boundary(sp.start)
                && article.text.is_char_boundary(sp.end)
        };
        let ordered = article
            .paragraphs
            .windows(2)
            .all(|w| w[0].end <= w[1].start);
        if article.id.is_empty()
            || !article.sentences.is_empty()
            || !ordered
            || !article.paragraphs.iter().all(fits)
        {
            return Err(RecordError::Article {
                id: self.id.clone(),
                reason: "its id, paragraphs or sentences are not those of a cleaned article"
                    .to_string(),
            });
        }
        let features =
            Features::decode(&article.id, &self.features).ok_or_else(|| RecordError::Features {
                id: self.id.clone(),
            })?;
        Ok(PreparedArticle {
            article,
            path: self.path.clone(),
            body_hash: self.body_hash.clone(),
            given_title: self.given_title.clone(),
            features,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{finish, prepare_article, prepare_articles};
    use corroborate_model::{RawArticle, RemovedKind};

    fn raw(id: &str, outlet: &str, title: Option<&str>, body: &str) -> RawArticle {
        RawArticle {
            id: id.into(),
            path: format!("{id}.txt"),
            title: title.map(str::to_string),
            outlet: Some(outlet.into()),
            date: Some("2025-02-27".into()),
            body: body.into(),
            ..RawArticle::default()
        }
    }

    /// Three articles of one outlet sharing a lead line, one untitled so its title comes
    /// from that line until the batch removes it, one id twice with other text.
    fn batch() -> Vec<RawArticle> {
        let lead = "Read our live coverage of the summit in Washington here.";
        vec![
            raw(
                "a",
                "Herald",
                Some("Leaders meet"),
                &format!("{lead}\n\nStarmer met Trump on Thursday at the White House.\n\nThey spoke of Ukraine and trade.\n\nA deal on tariffs was not reached."),
            ),
            raw(
                "b",
                "Herald",
                None,
                &format!("{lead}\n\nThe prime minister asked for a security backstop.\n\nTrump did not commit to one.\n\nTalks go on next week."),
            ),
            raw(
                "c",
                "Herald",
                Some("Trade talks"),
                &format!("{lead}\n\nTariffs on steel stay for now, officials said.\n\nBoth sides want a deal.\n\nNo date was set."),
            ),
            raw("c", "Gazette", Some("Other c"), "Another article under the same id, about fishing quotas in the North Sea."),
        ]
    }

    #[test]
    fn articles_prepared_one_by_one_and_finished_as_a_batch_equal_the_batch_prepared_at_once() {
        let raws = batch();
        let whole = finish(prepare_articles(&raws));
        // Each article alone (as partitions on a cluster would), through the record, shuffled.
        let mut items: Vec<PreparedArticle> = raws
            .iter()
            .rev()
            .map(|r| PreparedRecord::of(&prepare_article(r)).read().unwrap())
            .collect();
        items.rotate_left(1);
        let parted = finish(items);
        assert_eq!(format!("{whole:?}"), format!("{parted:?}"));
        let b = parted.article("b").expect("b prepared");
        // The shared lead went as the outlet's boilerplate, and b's title came from what is left.
        assert!(b
            .removed
            .iter()
            .any(|r| r.kind == RemovedKind::RepeatedBoilerplate));
        assert_eq!(b.title, "The prime minister asked for a security backstop.");
        assert!(!b.text.contains("live coverage"));
        // The same id with other text: both kept, each under its content hash.
        let ids = parted.ids();
        assert_eq!(
            ids.iter().filter(|i| i.starts_with("c~")).count(),
            2,
            "{ids:?}"
        );
    }

    #[test]
    fn a_record_of_another_format_or_with_bad_columns_is_refused_with_its_id() {
        let rec = PreparedRecord::of(&prepare_article(&batch()[0]));
        let mut other = rec.clone();
        other.format = "corroborate-prepared/0 0.0.1".into();
        let e = other.read().unwrap_err().to_string();
        assert!(
            e.starts_with("a: prepared by") && e.contains("prepare it again"),
            "{e}"
        );
        let mut bad = rec.clone();
        bad.features.truncate(bad.features.len() - 1);
        assert!(bad
            .read()
            .unwrap_err()
            .to_string()
            .contains("features column"));
        let mut bad = rec;
        bad.article = "{".into();
        assert!(bad
            .read()
            .unwrap_err()
            .to_string()
            .starts_with("a: the article column"));
    }
}
