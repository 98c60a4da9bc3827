//! Attribution stage: for each copy pair, which article is the source; for each family, which
//! member is the likely original, or whether the original is not in the folder at all.
//!
//! Evidence, strongest first: dates (the earlier article is the source when both are dated and
//! differ); containment asymmetry (a truncated copy or a summary is contained in its source,
//! not the other way round); content-farm marks (a `Source:` credit or a scraper stamp means
//! the page republishes); vocabulary (rewriters and spinners swap plain words for rarer ones).

use crate::score::{PairScore, Relation};

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

/// The direction decided for one copy pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Direction {
    /// The article judged to be the source, if the evidence says anything.
    pub source: Option<u32>,
    /// 0..1: how clear the evidence is.
    pub confidence: f32,
}

/// Weight of [`crate::score::Signals::vocabulary_shift`] for reworded copies (per Zipf unit).
const VOCABULARY_WEIGHT: f32 = 4.0;

/// Share of one text found in the other from which it counts as (nearly) wholly contained.
const WHOLE_TEXT_COVERAGE: f32 = 0.6;

/// Evidence below this says nothing: no source is named.
const MIN_EVIDENCE: f32 = 0.05;

/// Decides which of a copy pair is the source.
pub fn direction(p: &PairScore, a: &ArticleEvidence, b: &ArticleEvidence) -> Direction {
    // Positive evidence: `a` is the copy, `b` the source.
    let mut e = 0.0f32;
    if let (Some(da), Some(db)) = (&a.date, &b.date) {
        match da.cmp(db) {
            std::cmp::Ordering::Greater => e += 2.0,
            std::cmp::Ordering::Less => e -= 2.0,
            std::cmp::Ordering::Equal => {}
        }
    }
    // A page that credits the other page's site took its text from it.
    let credits = |x: &ArticleEvidence, y: &ArticleEvidence| {
        x.credited_site.is_some() && x.credited_site == y.own_site
    };
    if credits(a, b) {
        e += 3.0;
    }
    if credits(b, a) {
        e -= 3.0;
    }
    // A mashup stitched from two stories copies each of them.
    if a.composite != b.composite {
        e += if a.composite { 1.5 } else { -1.5 };
    }
    let s = &p.signals;
    // Small differences are noise (a changed title, a caption); only a clear asymmetry counts.
    let dead_zone = |x: f32| if x.abs() < 0.05 { 0.0 } else { x };
    match p.relation {
        Relation::VerbatimCopy | Relation::PartialCopy => {
            if s.containment_ab.max(s.containment_ba) >= WHOLE_TEXT_COVERAGE {
                // One text is (nearly) all inside the other: a truncated copy is contained in
                // its source, not the other way round.
                e += 2.0 * dead_zone(s.containment_ab - s.containment_ba);
            } else {
                // A passage shared by two longer texts: it was lifted out of the text it makes
                // a larger share of, into a text where it is a smaller part among other material.
                e -= 2.0 * dead_zone(s.containment_ab - s.containment_ba);
            }
        }
        _ => {
            // Reworded copies: a summary or a condensed rewrite aligns into its source, not the
            // other way round, and drops names and numbers far more often than it adds them.
            e += 1.5 * dead_zone(s.align_ab - s.align_ba);
            e += 3.0 * dead_zone(s.kept_ab - s.kept_ba);
        }
    }
    // The page with more content-farm marks is the republisher.
    e += 0.5 * (a.farm - b.farm);
    // Spinners swap plain words for rarer synonyms; that holds for synonym spins (about 9 in
    // 10 on spun-dev) but only weakly for LLM rewrites (9 of 14 real ones), which may also
    // simplify, so for rewrites it only tips a balance.
    match p.relation {
        Relation::SpunCopy => e += VOCABULARY_WEIGHT * s.vocabulary_shift,
        Relation::Rewrite => e += (VOCABULARY_WEIGHT * s.vocabulary_shift).clamp(-0.3, 0.3),
        _ => {}
    }
    if e.abs() < MIN_EVIDENCE {
        return Direction {
            source: None,
            confidence: 0.0,
        };
    }
    Direction {
        source: Some(if e > 0.0 { p.b } else { p.a }),
        confidence: e.abs().tanh(),
    }
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
    use crate::score::Signals;

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
    fn earlier_date_is_the_source() {
        let p = copy_pair(0, 1, 0.9, 0.9);
        let early = ArticleEvidence {
            date: Some("2024-01-02".into()),
            ..Default::default()
        };
        let late = ArticleEvidence {
            date: Some("2024-03-01".into()),
            ..Default::default()
        };
        assert_eq!(direction(&p, &late, &early).source, Some(1));
        assert_eq!(direction(&p, &early, &late).source, Some(0));
    }

    #[test]
    fn truncated_copy_is_contained_in_its_source() {
        // a is fully inside b, b is only half inside a: b is the source.
        let p = copy_pair(0, 1, 0.95, 0.5);
        let none = ArticleEvidence::default();
        let d = direction(&p, &none, &none);
        assert_eq!(d.source, Some(1));
        assert!(d.confidence > 0.5);
    }

    #[test]
    fn family_original_or_outside_source() {
        let p01 = copy_pair(0, 1, 0.5, 0.95);
        let p02 = copy_pair(0, 2, 0.5, 0.95);
        let d01 = Direction {
            source: Some(0),
            confidence: 0.8,
        };
        let d02 = Direction {
            source: Some(0),
            confidence: 0.7,
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
        };
        let d12 = Direction {
            source: Some(2),
            confidence: 0.4,
        };
        let d02 = Direction {
            source: Some(0),
            confidence: 0.4,
        };
        let o = origin(&[0, 1, 2], &[(&p01, d01), (&p12, d12), (&p02, d02)]);
        assert_eq!(o.original, None);
        assert!(o.source_outside_folder);
    }
}
