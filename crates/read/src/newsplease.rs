//! news-please: one article as the news-please crawler writes it (a JSON object with `title`,
//! `maintext`, `date_publish`, `source_domain`, `url`, `authors`, `language`, `description`)
//! into a [`Page`]. In: the JSON text. Out: a page, or the reason it is not one. Pure.

use crate::Page;
use serde_json::Value;

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// True when a JSON object is a news-please article (it has `maintext`).
pub fn is_newsplease(v: &Value) -> bool {
    v.get("maintext").is_some()
}

/// Read a news-please object.
pub fn read(v: &Value) -> Result<Page, String> {
    let text = string(v, "maintext")
        .or_else(|| string(v, "text"))
        .ok_or_else(|| "no \"maintext\" (or it is empty)".to_string())?;
    let authors = v
        .get("authors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Page {
        title: string(v, "title"),
        text,
        date: string(v, "date_publish")
            .or_else(|| string(v, "date_modify"))
            .and_then(|d| corroborate_lang::date::parse_date(&d)),
        authors,
        outlet: string(v, "source_domain"),
        language: string(v, "language"),
        url: string(v, "url"),
        summary_only: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_map() {
        let v: Value = serde_json::from_str(
            r#"{"authors": ["Jane Doe"], "date_download": "2019-11-20 08:00:00", "date_modify": null,
                "date_publish": "2019-11-19 10:00:00", "description": "Teaser", "language": "en",
                "maintext": "The council voted.", "source_domain": "city.example", "title": "Vote",
                "url": "https://city.example/vote"}"#,
        )
        .unwrap();
        assert!(is_newsplease(&v));
        let p = read(&v).unwrap();
        assert_eq!(p.text, "The council voted.");
        assert_eq!(p.date.as_deref(), Some("2019-11-19"));
        assert_eq!(p.outlet.as_deref(), Some("city.example"));
        assert_eq!(p.authors, ["Jane Doe"]);
        let bad: Value = serde_json::from_str(r#"{"maintext": null, "title": "x"}"#).unwrap();
        assert!(read(&bad).is_err());
    }
}
