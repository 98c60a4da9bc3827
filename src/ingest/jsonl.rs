//! JSON-lines input: one article per line.
//!
//! Placeholder until the parser lands: reads nothing.

use std::io::BufRead;

use super::{Article, JsonFields, Problem};

/// Reads articles from a JSON-lines stream. Article paths are `FILE#LINE` (1-based line).
pub fn read_jsonl(
    path: &str,
    reader: impl BufRead,
    fields: &JsonFields,
) -> (Vec<Article>, Vec<Problem>) {
    let _ = (reader, fields);
    (
        Vec::new(),
        vec![Problem {
            path: path.to_string(),
            message: "JSON-lines input is not supported yet".into(),
        }],
    )
}
