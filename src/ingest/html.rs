//! HTML input: the main article text, metadata and the discarded page chrome.
//!
//! Placeholder until the extractor lands: reads nothing.

use super::Article;

/// Parses one HTML page. `lines` holds every text block of the page in document order;
/// `outside_body[i]` is true for blocks the main-text extractor left out.
pub fn parse_html(path: String, bytes: &[u8]) -> Result<Article, String> {
    let _ = (path, bytes);
    Err("HTML input is not supported yet".into())
}
