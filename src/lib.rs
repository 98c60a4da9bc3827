//! spinscan: find content-farm copies and spun (rewritten) news articles.
//!
//! The library is the pipeline; each module is one stage, in the order data flows:
//! [`ingest`] -> [`boilerplate`] -> [`features`] -> [`candidates`] -> [`score`] ->
//! [`families`] -> [`attribution`] -> [`report`]. [`pipeline`] wires them together so the
//! `scan` and `eval` commands run exactly the same code; [`store`] keeps per-article blobs
//! between passes so memory stays bounded. See ARCHITECTURE.md.

pub mod attribution;
pub mod boilerplate;
pub mod candidates;
pub mod eval;
pub mod evidence;
pub mod families;
pub mod features;
pub mod html;
pub mod incremental;
pub mod ingest;
pub mod pipeline;
pub mod report;
pub mod score;
pub mod spans;
pub mod state;
pub mod store;
pub mod text;
