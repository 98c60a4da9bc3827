//! Boilerplate stage: label each line of an article with a boilerplate type (or none).
//!
//! Boilerplate is removed from the text used for similarity, but kept as evidence: the
//! types found on a page (scraper stamps, teaser lists, fake author bios) say something
//! about the site that published it.

//!
//! [`label_lines`] looks at one article: phrases from a [`Lexicon`] (data/boilerplate/en.tsv,
//! optionally extended by a user file) combined with line shape (length, stop-word density,
//! capitalisation, bullets, separators, `[TAG]` suffixes, URLs), position (the menu at the top)
//! and neighbours (a "Related" heading hands its type to the teaser lines under it).
//! [`mark_templates`] then looks across articles for lines repeated on unrelated pages; it
//! needs no text: [`template_input`] keeps the hashes it needs of one article, and
//! [`mark_templates_from`] judges from those.

use std::fmt;

mod label;
mod lexicon;
mod line;
mod template;

pub use label::label_lines;
pub use lexicon::Lexicon;
pub use template::{mark_templates, mark_templates_from, template_input, TemplateInput};

/// The kind of a boilerplate line. The names are the column values of `boilerplate.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    NavMenu,
    ShareBar,
    AuthorBio,
    ReadMore,
    RelatedLinks,
    NewsletterOrAdNotice,
    ScraperStamp,
    Template,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::NavMenu,
        Kind::ShareBar,
        Kind::AuthorBio,
        Kind::ReadMore,
        Kind::RelatedLinks,
        Kind::NewsletterOrAdNotice,
        Kind::ScraperStamp,
        Kind::Template,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NavMenu => "nav_menu",
            Kind::ShareBar => "share_bar",
            Kind::AuthorBio => "author_bio",
            Kind::ReadMore => "read_more",
            Kind::RelatedLinks => "related_links",
            Kind::NewsletterOrAdNotice => "newsletter_or_ad_notice",
            Kind::ScraperStamp => "scraper_stamp",
            Kind::Template => "template",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;

/// The type of a line a main-text extractor discarded but no rule typed: short link-like
/// lines are navigation, anything else is page template.
pub fn kind_of_discarded(line: &str) -> Kind {
    let t = line.trim();
    let words = t.split_whitespace().count();
    if words <= 4 && !t.ends_with(['.', '!', '?']) {
        Kind::NavMenu
    } else {
        Kind::Template
    }
}
