//! Tests on invented pages (made-up sites, names and wordings).
//!
//! Each page is written with a two-character code in front of every line giving the expected
//! label: `N ` nav_menu, `S ` share_bar, `A ` author_bio, `M ` read_more, `L ` related_links,
//! `E ` newsletter_or_ad_notice, `C ` scraper_stamp, `. ` none.

use super::*;

fn code(k: Option<Kind>) -> char {
    match k {
        None => '.',
        Some(Kind::NavMenu) => 'N',
        Some(Kind::ShareBar) => 'S',
        Some(Kind::AuthorBio) => 'A',
        Some(Kind::ReadMore) => 'M',
        Some(Kind::RelatedLinks) => 'L',
        Some(Kind::NewsletterOrAdNotice) => 'E',
        Some(Kind::ScraperStamp) => 'C',
        Some(Kind::Template) => 'T',
    }
}

/// Splits an annotated page into (expected codes, lines).
fn parse_page(page: &str) -> (Vec<char>, Vec<&str>) {
    let mut codes = Vec::new();
    let mut lines = Vec::new();
    for l in page.lines() {
        let l = l.strip_prefix("        ").unwrap_or(l);
        if l.is_empty() {
            codes.push('.');
            lines.push("");
            continue;
        }
        let mut ch = l.chars();
        let c = ch.next().unwrap();
        let rest = ch.as_str();
        let text = rest.strip_prefix(' ').unwrap_or(rest);
        codes.push(c);
        lines.push(text);
    }
    (codes, lines)
}

fn check(page: &str) {
    let lex = Lexicon::english();
    let (want, lines) = parse_page(page);
    let got = label_lines(&lines, &lex);
    let mut bad = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let g = code(got[i]);
        if g != want[i] {
            bad.push(format!(
                "line {}: want {} got {}: {line}",
                i + 1,
                want[i],
                g
            ));
        }
    }
    assert!(bad.is_empty(), "mislabelled lines:\n{}", bad.join("\n"));
}

#[test]
fn page_with_every_kind() {
    check(
        "
        N • Home
        N • Markets
        N • Culture
        N • Science
        N • Local
        .
        . Harbour council approves new ferry terminal after long debate
        .
        S Share this story: Facebook · X · Reddit · Email
        .
        . PORTVALE, Maine — The town council voted 5-2 on Tuesday to fund a new ferry terminal, ending a dispute that has lasted more than three years.
        .
        M Continue reading: Fishermen worry about winter quotas
        .
        . \"We finally have a plan that works for everyone,\" said council chair Edna Morrow.
        .
        E Get our morning briefing delivered to your inbox. Sign up for free, unsubscribe at any time.
        .
        . Construction is expected to start next spring.
        .
        . Funding
        .
        . The state will cover roughly half of the cost, according to the budget office.
        .
        C Originally published at https://portvale-daily.example/news/ferry-terminal
        .
        A Meet the writer
        A Tobias Wren
        A Tobias Wren is a staff reporter with nine years of experience covering coastal towns. His work has appeared in several regional papers.
        .
        L Trending Now
        L Storm damages pier in neighbouring village
        L High school robotics team heads to finals
        L Local bakery wins national award
        .
        C © 2024 Portvale Daily Media. All rights reserved.
        ",
    );
}

#[test]
fn other_wordings() {
    check(
        "
        N - Politics
        N - Money
        N - Style
        N - Gadgets
        .
        . A quiet revolution in battery recycling
        .
        . Recycling plants across the region are quietly changing how lithium is recovered from old phones and cars.
        .
        L Editor's Picks
        L - Five ways to cut your heating bill [GUIDE]
        L - The town that banned cars [FEATURE]
        .
        . Engineers say the new process uses less water and fewer chemicals than older methods.
        .
        M MORE: Why copper prices keep climbing
        .
        E ADVERTISEMENT
        .
        . The company plans to open two more plants next year.
        .
        S SHARE | Tweet | Pin | WhatsApp
        .
        C Via: greenwire-digest.example
        C Posted by Lena Ortiz on March 3, 2022
        ",
    );
}

#[test]
fn real_looking_footer_blocks() {
    check(
        "
        . Rain delays harvest across the valley
        .
        . Farmers in the valley said on Monday that persistent rain has pushed the grape harvest back by at least two weeks.
        .
        . Growers are now racing to bring in the fruit before the first frost.
        .
        S Follow us on Facebook, Instagram and X
        E We use cookies to improve your experience. By continuing to browse the site you agree to our use of cookies.
        E This post contains affiliate links, and we may receive a commission if you make a purchase.
        C This story first appeared on Valley Wire and is republished here with permission.
        C Copyright (c) 2021 Valley Wire Inc.
        L You might have missed
        L Vineyard owners turn to drones
        L Wine festival returns after three-year break
        ",
    );
}

#[test]
fn prose_is_not_boilerplate() {
    check(
        "
        . date 2022-05-01 The museum reopened on Sunday after a two-year renovation, officials said.
        .
        . OAKRIDGE, Tenn.
        .
        . \"It is a new beginning for the whole city,\" the director told reporters.
        .
        . A quieter wing
        .
        . The renovation added a reading room, a cafe and a rooftop garden that visitors can share.
        .
        . Critics said the ticket price, now $25, is too high for many families.
        .
        . The museum's newsletter, which reached 40,000 readers last year, will also be redesigned.
        .
        . Shares of the construction firm, which also owns stakes in Twitter and Facebook ads businesses, rose 3%.
        .
        . Source of the funding remains unclear, the report said.
        .
        . Read the room, she said: nobody wanted another delay.
        .
        . The study, published on Monday in a medical journal, followed 2,000 patients.
        .
        . Copyright law has long frustrated museums that want to digitise their archives.
        .
        . 4:15 p.m.
        .
        . Dr. Helen Park is a historian who has spent 20 years studying the building, and she said the work was careful.
        .
        . Share prices of the operator fell 3% on Monday.
        .
        . Follow us on this journey, the pastor told the congregation.
        .
        . Source: the health ministry said cases rose by a fifth.
        .
        . Copyright lawsuits rose in 2020 as more artists sued.
        .
        . The advertisement, which aired during the final, drew hundreds of complaints.
        .
        . Q: Where did you grow up?
        .
        . Photo: Getty Images
        ",
    );
}

#[test]
fn seed_like_shapes() {
    check(
        "
        N • News
        N   • Markets
        N   • Gaming
        .
        . Volcano observatory raises alert level
        .
        . Scientists raised the alert level on Friday after a swarm of small earthquakes.
        .
        C SITE_XQ: Published on https://quakenews.example/volcano-alert/ by Rowan Pike on 2023-02-01T10:00:00.000Z
        .
        . Residents were told to prepare for possible evacuation.
        .
        S Share: Twitter | Facebook | Linkedin
        .
        A About The Authors
        .
        A Rowan Pike
        .
        A Rowan Pike - Rowan Pike is a former science teacher with years of expertise in geology. She has helped many readers understand natural hazards. She believes that curiosity matters most.
        .
        L Recent Articles
        .
        L No articles found.
        ",
    );
}

#[test]
fn teaser_block_mid_article_and_consent() {
    check(
        "
        . Port strike enters second week
        .
        . Dock workers extended their strike on Monday as talks with employers stalled again.
        .
        M READ MORE: Shipping costs hit record as ports jam
        .
        . Union leaders said they would not return without a written guarantee.
        .
        L Don't miss…
        L Inside the control tower that runs the harbour[EXCLUSIVE]
        L Why container prices keep rising[ANALYSIS]
        .
        . Employers said the demands would cost too much.
        .
        E We use your sign-up to provide content in ways you've consented to and to improve our understanding of you. You can unsubscribe at any time. More info
        .
        . The government has offered to mediate.
        .
        C Source: Read Full Article
        ",
    );
}

#[test]
fn single_newline_page_with_related_block() {
    check(
        "
        . Council delays vote on bike lanes
        . The city council postponed a vote on new bike lanes until next month.
        . Cyclists had hoped for a decision before the summer.
        L Related:
        L Bike shop owner opens second store
        L Bridge repairs to close lanes for weeks
        . Opponents argue the lanes would remove too many parking spaces.
        . The mayor said she supports a compromise.
        ",
    );
}

#[test]
fn short_top_lines_without_bullets() {
    check(
        "
        N World
        N Business
        N Health
        N Arts
        . Orchestra cancels tour
        . The city orchestra cancelled its spring tour on Thursday, citing rising travel costs.
        ",
    );
}

#[test]
fn subhead_and_short_title_are_content() {
    check(
        "
        . approximation attempt
        .
        . The two countries tightened their partnership last year, when the government showed interest in closer ties.
        .
        . Key Dates
        .
        . Talks are expected to resume in the autumn.
        ",
    );
}

#[test]
fn lexicon_parse_errors_name_the_line() {
    let err = Lexicon::parse("# comment\nread_more\tprefix\tread on\nbogus_kind\tline\tx\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    let err = Lexicon::parse("read_more\tsometimes\tread on\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1") && err.contains("mode"), "{err}");
    let err = Lexicon::parse("\n\nread_more\tprefix\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    let err = Lexicon::parse("template\tline\tfooter text\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1"), "{err}");
    let err = Lexicon::parse("share_bar\tline\t---\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1") && err.contains("empty"), "{err}");
}

#[test]
fn user_lexicon_extends_builtin() {
    let mut lex = Lexicon::english();
    let before = lex.len();
    let user = Lexicon::parse("related_links\theading\tmore from the harbour desk\n").unwrap();
    lex.extend(user);
    assert_eq!(lex.len(), before + 1);
    let lines = [
        "The ferry will run every hour.",
        "",
        "More from the Harbour Desk",
        "Tide tables for the week",
        "Lighthouse reopens to visitors",
    ];
    let got = label_lines(&lines, &lex);
    assert_eq!(got[2], Some(Kind::RelatedLinks));
    assert_eq!(got[3], Some(Kind::RelatedLinks));
    assert_eq!(got[4], Some(Kind::RelatedLinks));
    assert_eq!(got[0], None);
    // the built-in lexicon alone does not know the heading
    let plain = label_lines(&lines, &Lexicon::english());
    assert_eq!(plain[2], None);
}

#[test]
fn blank_lines_are_never_labelled() {
    let lex = Lexicon::english();
    let lines = [
        "• News",
        "",
        "• Sports",
        "   ",
        "• Travel",
        "\u{200B}",
        "Title here",
    ];
    let got = label_lines(&lines, &lex);
    assert_eq!(got[1], None);
    assert_eq!(got[3], None);
    assert_eq!(got[5], None);
    assert_eq!(got[0], Some(Kind::NavMenu));
}

/// Body text for invented articles: distinct vocabulary per topic so that articles on different
/// topics share few content words.
fn body(topic: &[&str], n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let a = topic[i % topic.len()];
            let b = topic[(i * 3 + 1) % topic.len()];
            let c = topic[(i * 7 + 2) % topic.len()];
            format!("The {a} was near the {b}, and then the {c} was there too.")
        })
        .collect()
}

const FISHING: &[&str] = &[
    "trawler",
    "harbour",
    "mackerel",
    "quota",
    "skipper",
    "netting",
    "lighthouse",
    "tide",
    "cannery",
    "seagull",
    "dockside",
    "herring",
    "anchor",
    "buoy",
    "crab",
    "oyster",
];
const ROCKETS: &[&str] = &[
    "booster",
    "launchpad",
    "propellant",
    "orbit",
    "capsule",
    "telemetry",
    "satellite",
    "thruster",
    "gantry",
    "payload",
    "countdown",
    "astronaut",
    "nozzle",
    "fairing",
    "apogee",
    "rover",
];

#[test]
fn template_footer_shared_by_unrelated_articles() {
    let footer = "Thanks for reading the Lantern Gazette weekend edition";
    let mut a: Vec<String> = body(FISHING, 16);
    a.push(String::new());
    a.push(footer.to_string());
    let mut b: Vec<String> = body(ROCKETS, 16);
    b.push(String::new());
    b.push(footer.to_string());
    let articles: Vec<Vec<&str>> = [&a, &b]
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let lex = Lexicon::english();
    let mut labels: Vec<Vec<Option<Kind>>> =
        articles.iter().map(|l| label_lines(l, &lex)).collect();
    assert!(labels.iter().flatten().all(Option::is_none));
    mark_templates(&articles, &mut labels);
    assert_eq!(labels[0][17], Some(Kind::Template));
    assert_eq!(labels[1][17], Some(Kind::Template));
    assert_eq!(labels[0][0], None);
    assert_eq!(labels[1][3], None);
}

#[test]
fn sentence_shared_by_copies_of_one_story_is_not_template() {
    let shared = "The skipper said the mackerel quota would be cut by a third next season";
    let mut a: Vec<String> = body(FISHING, 16);
    a.insert(3, shared.to_string());
    // a rewrite of the same story: same topic words, different sentences
    let mut b: Vec<String> = body(FISHING, 16)
        .into_iter()
        .map(|s| s.replace("was near", "stood beside"))
        .collect();
    b.insert(5, shared.to_string());
    let articles: Vec<Vec<&str>> = [&a, &b]
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let mut labels: Vec<Vec<Option<Kind>>> = articles.iter().map(|l| vec![None; l.len()]).collect();
    mark_templates(&articles, &mut labels);
    assert!(labels.iter().flatten().all(Option::is_none), "{labels:?}");
}

#[test]
fn already_labelled_lines_are_not_relabelled_as_template() {
    let stamp = "Copyright 2024 Lantern Gazette - All Rights Reserved";
    let mut a: Vec<String> = body(FISHING, 6);
    a.push(stamp.to_string());
    let mut b: Vec<String> = body(ROCKETS, 6);
    b.push(stamp.to_string());
    let articles: Vec<Vec<&str>> = [&a, &b]
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let lex = Lexicon::english();
    let mut labels: Vec<Vec<Option<Kind>>> =
        articles.iter().map(|l| label_lines(l, &lex)).collect();
    mark_templates(&articles, &mut labels);
    assert_eq!(labels[0][6], Some(Kind::ScraperStamp));
    assert_eq!(labels[1][6], Some(Kind::ScraperStamp));
}

#[test]
fn english_lexicon_loads() {
    let lex = Lexicon::english();
    assert!(lex.len() > 500);
}

#[test]
fn closing_about_section_of_a_press_release_is_boilerplate() {
    let text = "Harbourline Opens Data Centre in Port Ellis\n\nHarbourline said on Monday it had opened a data centre in Port Ellis, creating 120 jobs.\n\nThe company expects the site to handle most of its northern traffic by next spring.\n\nChief executive Mara Oduya called the opening a milestone for the region.\n\nThe centre runs on power from the new offshore wind farm.\n\nAbout Harbourline\n\nHarbourline is a network services company founded in 2009 that serves ports, ferry operators and logistics firms across the north. For more information, visit its website.\n";
    let lines: Vec<&str> = text.lines().collect();
    let l = label_lines(&lines, &Lexicon::english());
    let about = lines
        .iter()
        .position(|x| *x == "About Harbourline")
        .expect("heading");
    assert_eq!(l[about], Some(Kind::AuthorBio));
    assert_eq!(l[about + 2], Some(Kind::AuthorBio));
    assert!(
        l[..about].iter().all(Option::is_none),
        "the release itself is content: {l:?}"
    );
}

#[test]
fn about_subhead_inside_an_article_stays_content() {
    let text = "Council Debates Harbour Plan\n\nThe council met on Monday to debate the harbour plan.\n\nAbout the plan\n\nThe plan would move the ferry terminal to the south basin by 2027, officials said, at a cost of 40 million krona.\n\nCouncillors will vote next month after a public consultation.\n\nResidents have until Friday to comment.\n\nThe harbour master backed the proposal in a letter to the council.\n";
    let lines: Vec<&str> = text.lines().collect();
    let l = label_lines(&lines, &Lexicon::english());
    assert!(l.iter().all(Option::is_none), "{l:?}");
}

/// Lines of an invented article: `n` sentences over `topic`, then `extra` lines.
fn story(topic: &[&str], n: usize, extra: &[&str]) -> Vec<String> {
    let mut v = body(topic, n);
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn mark_templates_from_compact_inputs() {
    let chrome = "Subscribe to the Quillmoor Courier evening digest today";
    let copied = "Harbour officials expect the new cannery to open before the herring season";
    let fish = story(FISHING, 16, &[copied, chrome]);
    // a copy of the fishing story on another page: same sentences, same copied line
    let fish_copy = story(FISHING, 16, &[copied]);
    let rockets = story(ROCKETS, 16, &[chrome]);
    let pages = [&fish, &fish_copy, &rockets];
    let articles: Vec<Vec<&str>> = pages
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let mut labels: Vec<Vec<Option<Kind>>> = articles.iter().map(|l| vec![None; l.len()]).collect();
    let inputs: Vec<TemplateInput> = articles
        .iter()
        .zip(&labels)
        .map(|(l, k)| template_input(l, k))
        .collect();
    drop(articles); // the verdicts need no text
    mark_templates_from(&inputs, &mut labels);
    // the site line, in two unrelated stories: template in both
    assert_eq!(labels[0][17], Some(Kind::Template));
    assert_eq!(labels[2][16], Some(Kind::Template));
    // the line shared by two copies of one story: copied content, not template
    assert_eq!(labels[0][16], None);
    assert_eq!(labels[1][16], None);
    // nothing else marked
    let marked = labels.iter().flatten().filter(|k| k.is_some()).count();
    assert_eq!(marked, 2, "{labels:?}");

    // the wrapper over text gives the same verdicts
    let articles: Vec<Vec<&str>> = pages
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let mut again: Vec<Vec<Option<Kind>>> = articles.iter().map(|l| vec![None; l.len()]).collect();
    mark_templates(&articles, &mut again);
    assert_eq!(again, labels);
}

#[test]
fn template_input_skips_labelled_lines() {
    let chrome = "Subscribe to the Quillmoor Courier evening digest today";
    let a = story(FISHING, 16, &[chrome]);
    let b = story(ROCKETS, 16, &[chrome]);
    let articles: Vec<Vec<&str>> = [&a, &b]
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let mut labels: Vec<Vec<Option<Kind>>> = articles.iter().map(|l| vec![None; l.len()]).collect();
    labels[1][16] = Some(Kind::NewsletterOrAdNotice);
    let inputs: Vec<TemplateInput> = articles
        .iter()
        .zip(&labels)
        .map(|(l, k)| template_input(l, k))
        .collect();
    mark_templates_from(&inputs, &mut labels);
    // the line no longer recurs among unlabelled lines
    assert_eq!(labels[0][16], None);
    assert_eq!(labels[1][16], Some(Kind::NewsletterOrAdNotice));
}

#[test]
fn word_streaming_matches_tokenize() {
    let samples = [
        "Don't STOP — it’s the U.S.A. & the café's 2nd Straße + ÉCOLE",
        "'quoted' words, o'clock; ‘single’ and İstanbul ǅemal",
        "",
        "   ...   ",
        "a1b2 C3PO x&y rock'n'roll '' end'",
    ];
    let mut buf = String::new();
    for s in samples {
        let toks = lexicon::tokenize(s);
        let mut words = Vec::new();
        lexicon::for_each_word(s, &mut buf, |w| {
            words.push((w.word.to_string(), w.start, w.end, w.cap, w.all_caps))
        });
        let want: Vec<_> = toks
            .iter()
            .map(|t| (t.word.clone(), t.start, t.end, t.cap, t.all_caps))
            .collect();
        assert_eq!(words, want, "{s}");
    }
}

#[test]
fn stopword_lookup() {
    for w in ["a", "the", "because", "although", "theyre", "ive", "said"] {
        assert!(line::is_stopword(w), "{w}");
    }
    for w in [
        "", "harbour", "thee", "th", "becausee", "alth", "Said", "the ",
    ] {
        assert!(!line::is_stopword(w), "{w}");
    }
}
