//! corroborate's pipeline: pure stages over the shared model. No filesystem, network, clock
//! (beyond timings) or randomness: it reads nothing; `corroborate-read` turns inputs into the
//! `RawArticle`s handed in.
//!
//! | stage       | module          | input                       | output                    |
//! |-------------|-----------------|-----------------------------|---------------------------|
//! | clean       | [`clean`]       | `&[RawArticle]`             | `Vec<Article>` (no sentences) |
//! | segment     | [`segment`]     | `&Article`                  | `Vec<Sentence>`           |
//! | entities    | [`entities`]    | `&Article`                  | `Vec<Mention>`; merged `Vec<Entity>` |
//! | quotes      | [`quotes`]      | `&Article`, mentions        | `Vec<QuoteMention>`; merged `Vec<Quote>` |
//! | numbers     | [`numbers`]     | `&Article`                  | `Vec<NumberMention>`      |
//! | align       | [`align`]       | articles + analyses         | facts, derivations, lineages, conflicts |
//! | summary     | [`summary`]     | articles + alignment        | `Vec<SummarySentence>`    |
//! | consolidate | [`consolidate`] | articles + analyses         | `Story`                   |
//!
//! [`similarity`] is the one same-fact decision, shared by align, summary and `similar`.
//! Tokens, words, stems, stop words, months and dates come from `corroborate_lang`, the one
//! language layer.
//!
//! [`run::digest`] is the one orchestrator.
//!
//! ```
//! use corroborate_model::RawArticle;
//! use corroborate_pipeline::run::digest;
//! let raw = RawArticle {
//!     id: "a".into(),
//!     path: "a.txt".into(),
//!     body: "Headline\n\nSir Keir Starmer met Donald Trump. “We want to work with you,” he said.".into(),
//!     body_has_headline: true,
//!     ..RawArticle::default()
//! };
//! let d = digest(vec![raw], vec![]);
//! assert_eq!(d.articles[0].title, "Headline");
//! assert_eq!(d.stories[0].quotes[0].speaker.as_deref(), Some("Keir Starmer"));
//! ```

pub mod align;
pub mod claims;
pub mod clean;
pub mod cluster;
pub mod consolidate;
pub mod entities;
pub mod lexicon;
pub mod numbers;
pub mod prepared;
pub mod quotes;
pub mod run;
pub mod segment;
pub mod similarity;
pub mod summary;
pub mod tagger;
