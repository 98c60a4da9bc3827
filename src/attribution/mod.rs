//! Attribution stage: for each copy pair, which article is the source; for each family, which
//! member is the likely original, or whether the original is not in the folder at all.
//!
//! Evidence, strongest first: dates (the earlier article is the source when both are dated and
//! differ); containment asymmetry (a truncated copy or a summary is contained in its source,
//! not the other way round); content-farm marks (a `Source:` credit or a scraper stamp means
//! the page republishes); vocabulary (rewriters and spinners swap plain words for rarer ones).

mod direction;

pub use direction::{decide, inputs, Direction, Inputs, Weights, INPUTS};

use crate::score::model::CopyModel;
use crate::score::PairScore;

/// What attribution knows about one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleEvidence {
    pub date: Option<String>,
    /// Content-farm marks on the page (0 = none), see [`farm_marks`].
    pub farm: f32,
    /// The page's own site (from its published-on stamp or URL), as an `ingest::site_key`.
    pub own_site: Option<String>,
    /// The other site the page credits as its source ("Source: X", "Originally posted at URL").
    pub credited_site: Option<String>,
    /// The page stitches together parts of articles that are not copies of each other (a mashup).
    pub composite: bool,
    /// The body opens with a wire dateline ("CITY (Agency) —"), see [`has_dateline`].
    pub dateline: bool,
    /// Words in the clean body.
    pub words: u32,
}

impl ArticleEvidence {
    /// What one article's report row says (a mashup is known only from its pairs: `false`).
    pub fn of(a: &crate::pipeline::Analysed) -> ArticleEvidence {
        ArticleEvidence {
            date: a.meta.date.clone(),
            farm: farm_marks(a.marks),
            own_site: a.meta.own_site(),
            credited_site: a.meta.credited_site(),
            composite: false,
            dateline: a.marks.dateline,
            words: a.words,
        }
    }
}

/// The direction weights of a model file (`direction NAME WEIGHT` lines), in [`INPUTS`] order;
/// inputs the file does not name weigh nothing.
pub fn weights(model: &CopyModel) -> Weights {
    let mut w = [0.0; INPUTS.len()];
    for (name, weight) in &model.direction {
        if let Some(k) = INPUTS.iter().position(|n| n == name) {
            w[k] = *weight;
        }
    }
    w
}

/// Whether a first paragraph opens with a dateline: a place in capitals, optionally a date and
/// an agency in parentheses, then a dash or colon ("WASHINGTON (AP) —", "LOS ANGELES:",
/// "LONDON, March 3 (Reuters) -"), or an agency credit alone ("(Reuters) -").
pub fn has_dateline(first_paragraph: &str) -> bool {
    let s = first_paragraph.trim_start();
    let head: String = s.chars().take(80).collect();
    let mut rest = head.as_str();
    // The place: capital letters with spaces, dots, commas, apostrophes and hyphens, ending
    // at a word's end (the capital starting "Ukraine" in "KYIV, Ukraine" is not part of it).
    let mut place_len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_uppercase() || matches!(c, ' ' | '.' | ',' | '\'' | '-' | '/')))
        .map_or(rest.len(), |(i, _)| i);
    if rest[place_len..].starts_with(char::is_lowercase) {
        place_len = rest[..place_len].rfind([' ', ',']).unwrap_or(0);
    }
    let place = rest[..place_len].trim_end_matches([' ', ',', '-']);
    let has_place = place.chars().filter(|c| c.is_alphabetic()).count() >= 3;
    if has_place {
        rest = rest[place.len()..].trim_start_matches([',', ' ']);
        // An optional region or date before the credit or dash: "Ukraine ", "March 3 ".
        if let Some(at) = rest.find(['(', '—', '–', ':']) {
            if at <= 25 && !rest[..at].contains(['.', '"']) {
                rest = &rest[at..];
            }
        }
    }
    let mut credit = false;
    if let Some(inner) = rest.strip_prefix('(') {
        if let Some(close) = inner.find(')') {
            let agency = &inner[..close];
            credit = (2..=30).contains(&agency.len())
                && agency.chars().next().is_some_and(char::is_uppercase);
            rest = &inner[close + 1..];
        }
    }
    let rest = rest.trim_start();
    let dash = rest.starts_with(['—', '–', '-', ':']);
    dash && (credit || (has_place && place.len() >= 4))
}

/// What a page's boilerplate and metadata say about it republishing others' text.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageMarks {
    /// It credits another site as its source.
    pub credits_other_site: bool,
    /// It has a `Source:` line that names no site ("Source: Read Full Article").
    pub bare_source_line: bool,
    pub read_more: bool,
    pub related_links: bool,
    pub share_bar: bool,
    pub author_bio: bool,
    /// The body opens with a wire dateline (direction evidence, not a farm mark).
    pub dateline: bool,
}

impl PageMarks {
    /// The marks found, as the `farm_signals` column lists them.
    pub fn names(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (present, name) in [
            (self.credits_other_site, "credits_other_site"),
            (
                self.bare_source_line && !self.credits_other_site,
                "source_line",
            ),
            (self.read_more, "read_more"),
            (self.related_links, "related_links"),
            (self.share_bar, "share_bar"),
            (self.author_bio, "author_bio"),
        ] {
            if present {
                out.push(name);
            }
        }
        out
    }
}

/// Farm evidence from a page's marks. Crediting another site is the one mark a publisher of
/// original reporting does not carry; teaser blocks and "Read more" lines lean towards farms.
pub fn farm_marks(m: PageMarks) -> f32 {
    let mut f = 0.0;
    if m.credits_other_site {
        f += 1.0;
    } else if m.bare_source_line {
        f += 0.5;
    }
    for (present, weight) in [
        (m.read_more, 0.4),
        (m.related_links, 0.4),
        (m.share_bar, 0.2),
        (m.author_bio, 0.2),
    ] {
        if present {
            f += weight;
        }
    }
    f
}

/// The verdict on one family.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The member judged original, if one stands out.
    pub original: Option<u32>,
    /// Members look like siblings derived from a source that is not in the folder.
    pub source_outside_folder: bool,
}

/// Ranks a family's members by how often, and how clearly, they are the source in its copy
/// pairs. `directed` holds (pair, direction) for copy pairs inside the family.
pub fn origin(members: &[u32], directed: &[(&PairScore, Direction)]) -> Origin {
    if members.len() < 2 {
        return Origin {
            original: None,
            source_outside_folder: false,
        };
    }
    let net = |m: u32| -> f32 {
        directed
            .iter()
            .filter(|(p, _)| p.a == m || p.b == m)
            .map(|(_, d)| match d.source {
                Some(s) if s == m => d.confidence,
                Some(_) => -d.confidence,
                None => 0.0,
            })
            .sum()
    };
    let mut ranked: Vec<(u32, f32)> = members.iter().map(|&m| (m, net(m))).collect();
    ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let (top, top_net) = ranked[0];
    // The top member must win most of the confident decisions it is part of; otherwise the
    // members look like siblings derived from a source outside the folder.
    let (mut won, mut lost) = (0.0, 0.0);
    for (_, d) in directed.iter().filter(|(p, _)| p.a == top || p.b == top) {
        match d.source {
            Some(s) if s == top => won += d.confidence,
            Some(_) => lost += d.confidence,
            None => {}
        }
    }
    if top_net <= 0.0 || won < ORIGINAL_MIN_SHARE * (won + lost) {
        Origin {
            original: None,
            source_outside_folder: true,
        }
    } else {
        Origin {
            original: Some(top),
            source_outside_folder: false,
        }
    }
}

/// Share of its confident direction decisions the likely original must win.
const ORIGINAL_MIN_SHARE: f32 = 0.67;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{Relation, Signals};

    fn copy_pair(a: u32, b: u32, c_ab: f32, c_ba: f32) -> PairScore {
        PairScore {
            a,
            b,
            signals: Signals {
                containment_ab: c_ab,
                containment_ba: c_ba,
                ..Signals::default()
            },
            score: 0.9,
            relation: Relation::PartialCopy,
        }
    }

    #[test]
    fn datelines_are_recognised_and_headlines_are_not() {
        for yes in [
            "WASHINGTON (AP) — President Joe Biden said",
            "LOS ANGELES: Matthew Perry, troubled star",
            "LONDON, March 3 (Reuters) - Britain's economy",
            "(Reuters) - Shares of the company fell",
            "KYIV, Ukraine — A dam collapsed",
        ] {
            assert!(has_dateline(yes), "{yes}");
        }
        for no in [
            "President Joe Biden said on Sunday",
            "The US (and Canada) agreed - after talks",
            "A 6.8 magnitude earthquake - the strongest",
            "",
        ] {
            assert!(!has_dateline(no), "{no}");
        }
    }

    #[test]
    fn family_original_or_outside_source() {
        let p01 = copy_pair(0, 1, 0.5, 0.95);
        let p02 = copy_pair(0, 2, 0.5, 0.95);
        let d01 = Direction {
            source: Some(0),
            confidence: 0.8,
            ..Direction::UNDECIDED
        };
        let d02 = Direction {
            source: Some(0),
            confidence: 0.7,
            ..Direction::UNDECIDED
        };
        let o = origin(&[0, 1, 2], &[(&p01, d01), (&p02, d02)]);
        assert_eq!(
            o,
            Origin {
                original: Some(0),
                source_outside_folder: false
            }
        );

        // Three siblings whose pairwise directions go round in a circle: none is the source.
        let p12 = copy_pair(1, 2, 0.5, 0.5);
        let d01 = Direction {
            source: Some(1),
            confidence: 0.4,
            ..Direction::UNDECIDED
        };
        let d12 = Direction {
            source: Some(2),
            confidence: 0.4,
            ..Direction::UNDECIDED
        };
        let d02 = Direction {
            source: Some(0),
            confidence: 0.4,
            ..Direction::UNDECIDED
        };
        let o = origin(&[0, 1, 2], &[(&p01, d01), (&p12, d12), (&p02, d02)]);
        assert_eq!(o.original, None);
        assert!(o.source_outside_folder);
    }
}
