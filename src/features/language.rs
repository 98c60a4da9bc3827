//! Languages: which one an article is written in, and each language's tools (stemmer, stop
//! words, background word frequencies, number and name conventions).
//!
//! spinscan knows the 18 languages rust-stemmers stems. An article's language is detected from
//! its own content text (whatlang, restricted to those 18), so a folder may mix languages and a
//! stored article keeps the language it was read in. `--lang CODE` forces one language.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;
use whatlang::Lang;

use super::background::{Background, BackgroundData};

/// A language's index in [`LANGUAGES`]; 0 is English. Stored with an article's features.
pub type LangId = u8;

/// What spinscan knows about one language before its tools are built.
struct Spec {
    code: &'static str,
    name: &'static str,
    algorithm: Algorithm,
    detect_as: Lang,
    background: BackgroundData,
    /// Writes numbers as 1.200,5 (or 1 200,5) rather than 1,200.5.
    decimal_comma: bool,
    /// Groups thousands with a space (1 200), which the word splitter would cut in two.
    space_groups: bool,
    /// Capitalises every noun: a capital letter alone does not make a name.
    capitalised_nouns: bool,
    /// Spends more function words than English on a phrase (articles, prepositions:
    /// Romance languages): verbatim shingles are one word longer.
    wordy: bool,
    /// Elided articles and prepositions written onto the next word (French l'homme).
    elisions: &'static [&'static str],
    /// Small number words rewriters swap with digits ("three" <-> "3"), as (word, digits).
    number_words: &'static [(&'static str, &'static str)],
    /// Writes compounds as one word ("Flugzeugkollision"), and the linking letters between
    /// their parts; `None` for a language that does not.
    compound_links: Option<&'static [&'static str]>,
    /// Month and weekday names, which a translation keeps as dates.
    calendar: &'static [&'static str],
}

static EN_NUMBERS: &[(&str, &str)] = &[
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("twenty", "20"),
    ("hundred", "100"),
    ("thousand", "1000"),
];
static DE_NUMBERS: &[(&str, &str)] = &[
    ("zwei", "2"),
    ("drei", "3"),
    ("vier", "4"),
    ("fünf", "5"),
    ("sechs", "6"),
    ("sieben", "7"),
    ("acht", "8"),
    ("neun", "9"),
    ("zehn", "10"),
    ("elf", "11"),
    ("zwölf", "12"),
    ("zwanzig", "20"),
    ("hundert", "100"),
    ("tausend", "1000"),
];
static FR_NUMBERS: &[(&str, &str)] = &[
    ("deux", "2"),
    ("trois", "3"),
    ("quatre", "4"),
    ("cinq", "5"),
    ("six", "6"),
    ("sept", "7"),
    ("huit", "8"),
    ("neuf", "9"),
    ("dix", "10"),
    ("onze", "11"),
    ("douze", "12"),
    ("vingt", "20"),
    ("cent", "100"),
    ("mille", "1000"),
];
static ES_NUMBERS: &[(&str, &str)] = &[
    ("dos", "2"),
    ("tres", "3"),
    ("cuatro", "4"),
    ("cinco", "5"),
    ("seis", "6"),
    ("siete", "7"),
    ("ocho", "8"),
    ("nueve", "9"),
    ("diez", "10"),
    ("once", "11"),
    ("doce", "12"),
    ("veinte", "20"),
    ("cien", "100"),
    ("mil", "1000"),
];
/// Month names (January first) then weekday names (Monday first), 19 in all; `-` where a
/// name is also a common word ("may") or a language names weekdays by number.
static EN_CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "-",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
static DE_CALENDAR: &[&str] = &[
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
];
static FR_CALENDAR: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
];
static ES_CALENDAR: &[&str] = &[
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];
static PT_CALENDAR: &[&str] = &[
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "-",
    "-",
    "-",
    "-",
    "-",
    "sábado",
    "domingo",
];
static IT_CALENDAR: &[&str] = &[
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
];
static NL_CALENDAR: &[&str] = &[
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];
static FR_ELISIONS: &[&str] = &[
    "l'", "d'", "j'", "m'", "n'", "s'", "t'", "c'", "qu'", "jusqu'", "lorsqu'", "puisqu'",
    "quoiqu'",
];
static IT_ELISIONS: &[&str] = &[
    "l'", "d'", "un'", "dell'", "dall'", "all'", "nell'", "sull'", "quell'", "c'",
];

const fn spec(
    code: &'static str,
    name: &'static str,
    algorithm: Algorithm,
    detect_as: Lang,
) -> Spec {
    Spec {
        code,
        name,
        algorithm,
        detect_as,
        background: BackgroundData::Compact(code),
        decimal_comma: true,
        space_groups: false,
        capitalised_nouns: false,
        wordy: false,
        elisions: &[],
        number_words: &[],
        compound_links: None,
        calendar: &[],
    }
}

static DE_LINKS: &[&str] = &["s", "es", "n", "en", "er", "e"];
static NL_LINKS: &[&str] = &["s", "en", "e"];
static NORDIC_LINKS: &[&str] = &["s", "e", "a", "u"];

/// The languages, English first. Danish reads Norwegian Bokmål's background table (wordfreq
/// has none for Danish; the written languages are close); Tamil has none (folder statistics
/// only). See `data/background/README.md`.
static LANGUAGES: LazyLock<Vec<Spec>> = LazyLock::new(|| {
    use Algorithm as A;
    let space = |s: Spec| Spec {
        space_groups: true,
        ..s
    };
    vec![
        Spec {
            background: BackgroundData::English,
            decimal_comma: false,
            number_words: EN_NUMBERS,
            calendar: EN_CALENDAR,
            ..spec("en", "English", A::English, Lang::Eng)
        },
        Spec {
            capitalised_nouns: true,
            number_words: DE_NUMBERS,
            calendar: DE_CALENDAR,
            compound_links: Some(DE_LINKS),
            ..spec("de", "German", A::German, Lang::Deu)
        },
        space(Spec {
            wordy: true,
            elisions: FR_ELISIONS,
            number_words: FR_NUMBERS,
            calendar: FR_CALENDAR,
            ..spec("fr", "French", A::French, Lang::Fra)
        }),
        Spec {
            wordy: true,
            number_words: ES_NUMBERS,
            calendar: ES_CALENDAR,
            ..spec("es", "Spanish", A::Spanish, Lang::Spa)
        },
        Spec {
            wordy: true,
            calendar: PT_CALENDAR,
            ..spec("pt", "Portuguese", A::Portuguese, Lang::Por)
        },
        Spec {
            wordy: true,
            elisions: IT_ELISIONS,
            calendar: IT_CALENDAR,
            ..spec("it", "Italian", A::Italian, Lang::Ita)
        },
        Spec {
            compound_links: Some(NL_LINKS),
            calendar: NL_CALENDAR,
            ..spec("nl", "Dutch", A::Dutch, Lang::Nld)
        },
        space(spec("ru", "Russian", A::Russian, Lang::Rus)),
        space(Spec {
            compound_links: Some(NORDIC_LINKS),
            ..spec("sv", "Swedish", A::Swedish, Lang::Swe)
        }),
        space(Spec {
            background: BackgroundData::Compact("nb"),
            compound_links: Some(NORDIC_LINKS),
            ..spec("da", "Danish", A::Danish, Lang::Dan)
        }),
        space(Spec {
            compound_links: Some(NORDIC_LINKS),
            ..spec("nb", "Norwegian", A::Norwegian, Lang::Nob)
        }),
        space(Spec {
            compound_links: Some(&[]),
            ..spec("fi", "Finnish", A::Finnish, Lang::Fin)
        }),
        space(spec("hu", "Hungarian", A::Hungarian, Lang::Hun)),
        Spec {
            wordy: true,
            ..spec("ro", "Romanian", A::Romanian, Lang::Ron)
        },
        spec("tr", "Turkish", A::Turkish, Lang::Tur),
        spec("el", "Greek", A::Greek, Lang::Ell),
        Spec {
            decimal_comma: false,
            ..spec("ar", "Arabic", A::Arabic, Lang::Ara)
        },
        Spec {
            background: BackgroundData::None,
            decimal_comma: false,
            ..spec("ta", "Tamil", A::Tamil, Lang::Tam)
        },
    ]
});

/// A language's analysis tools: stemmer, function words, conventions, background table.
pub struct Language {
    pub id: LangId,
    pub code: &'static str,
    pub name: &'static str,
    stemmer: Stemmer,
    stopwords: HashSet<&'static str>,
    spec: &'static Spec,
    background: OnceLock<Background>,
}

static STOPWORDS_EN: &str = include_str!("../../data/stopwords_en.txt");

static BUILT: LazyLock<Vec<OnceLock<Language>>> =
    LazyLock::new(|| LANGUAGES.iter().map(|_| OnceLock::new()).collect());

impl Language {
    /// The language codes spinscan knows, in [`LangId`] order.
    pub fn codes() -> Vec<&'static str> {
        LANGUAGES.iter().map(|s| s.code).collect()
    }

    /// The language with this id (ids come from [`Language::by_code`] or stored features; an
    /// unknown id reads as English).
    pub fn get(id: LangId) -> &'static Language {
        let id = if usize::from(id) < LANGUAGES.len() {
            id
        } else {
            0
        };
        BUILT[usize::from(id)].get_or_init(|| Language::build(id))
    }

    pub fn english() -> &'static Language {
        Language::get(0)
    }

    /// The language of an ISO 639-1 code or an English name ("de", "german"); Norwegian also
    /// answers to "no" and "nn".
    pub fn by_code(code: &str) -> anyhow::Result<&'static Language> {
        let code = code.trim().to_ascii_lowercase();
        let code = match code.as_str() {
            "no" | "nn" | "nob" => "nb",
            other => other,
        };
        LANGUAGES
            .iter()
            .position(|s| s.code == code || s.name.eq_ignore_ascii_case(code))
            .map(|i| Language::get(i as LangId))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "unsupported language {code:?}; supported: auto, {}",
                    Language::codes().join(", ")
                )
            })
    }

    fn build(id: LangId) -> Language {
        let spec = &LANGUAGES[usize::from(id)];
        let stopwords = if spec.code == "en" {
            STOPWORDS_EN
                .lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(str::split_whitespace)
                .collect()
        } else {
            let nltk = if spec.code == "nb" { "no" } else { spec.code };
            stop_words::lookup(nltk)
                .unwrap_or_default()
                .iter()
                .copied()
                .collect()
        };
        Language {
            id,
            code: spec.code,
            name: spec.name,
            stemmer: Stemmer::create(spec.algorithm),
            stopwords,
            spec,
            background: OnceLock::new(),
        }
    }

    pub fn is_stopword(&self, lower: &str) -> bool {
        self.stopwords.contains(lower)
    }

    /// The stem of a lower-case word, as the language's Snowball stemmer gives it.
    pub fn stem<'a>(&self, lower: &'a str) -> std::borrow::Cow<'a, str> {
        self.stemmer.stem(lower)
    }

    /// The word without an elided article in front (French "l'enquête" -> "enquête").
    pub fn strip_elision<'a>(&self, lower: &'a str) -> &'a str {
        for e in self.spec.elisions {
            if let Some(rest) = lower.strip_prefix(e) {
                if rest.chars().count() >= 2 {
                    return rest;
                }
            }
        }
        lower
    }

    /// The word without an elided article in front or an English possessive "'s" behind:
    /// what is stemmed as a content word.
    pub fn strip_clitics<'a>(&self, lower: &'a str) -> &'a str {
        let w = self.strip_elision(lower);
        if self.spec.code == "en" {
            w.trim_end_matches("'s")
        } else {
            w
        }
    }

    /// The word frequencies of this language at large (see [`Background`]).
    pub fn background(&self) -> &Background {
        self.background
            .get_or_init(|| Background::load(&self.spec.background, self))
    }

    /// Words per verbatim shingle: 5 ([`super::SHINGLE_WORDS`]), one more where the language
    /// spends more function words on the same phrase ("reconnu coupable du meurtre de sa
    /// femme"), so that a shared shingle says as much in every language.
    pub fn shingle_words(&self) -> usize {
        super::SHINGLE_WORDS + usize::from(self.spec.wordy)
    }

    /// Whether a capital letter alone marks a name (not in German, where nouns have one).
    pub fn capitals_mark_names(&self) -> bool {
        !self.spec.capitalised_nouns
    }

    /// A month (0-11) or weekday (12-18) name's place in the calendar, the same in every
    /// language that lists them.
    pub fn calendar_day(&self, lower: &str) -> Option<u8> {
        self.spec
            .calendar
            .iter()
            .position(|&w| w == lower)
            .map(|i| i as u8)
    }

    pub fn number_word(&self, lower: &str) -> Option<&'static str> {
        self.spec
            .number_words
            .iter()
            .find(|(w, _)| *w == lower)
            .map(|&(_, d)| d)
    }

    /// A number as one canonical string, whatever the language's separators: "1,200" (English)
    /// and "1.200" (German) -> "1200"; "3.50" (English) and "3,5" (German) -> "3.5".
    pub fn normalise_number(&self, lower: &str) -> String {
        let (group, decimal) = if self.spec.decimal_comma {
            ('.', ',')
        } else {
            (',', '.')
        };
        let mut s: String = lower
            .chars()
            .filter(|&c| c != group && c != ' ')
            .map(|c| if c == decimal { '.' } else { c })
            .collect();
        if s.contains('.') && s.chars().all(|c| c.is_ascii_digit() || c == '.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        s
    }

    /// The parts of a compound word, each a known word of the language ("flugzeugkollision"
    /// -> "flugzeug", "kollision"; linking letters dropped), or the word alone. A rewrite says
    /// "die Kollision des Flugzeugs" for "die Flugzeugkollision": split, the two share terms.
    /// Words common on their own stay whole, and so do words no split explains (names).
    pub fn split_compound<'a>(&self, word: &'a str) -> Vec<&'a str> {
        let letters = word.chars().count();
        if self.spec.compound_links.is_none()
            || !(MIN_COMPOUND_CHARS..=MAX_COMPOUND_CHARS).contains(&letters)
            || self.zipf_of(word) >= COMMON_WORD_ZIPF
        {
            return vec![word];
        }
        self.split_parts(word, 0).unwrap_or_else(|| vec![word])
    }

    /// Leftmost split first, so the tail (the compound's head noun) is as long as it can be;
    /// the front may itself be a compound of two known words.
    fn split_parts<'a>(&self, word: &'a str, depth: u8) -> Option<Vec<&'a str>> {
        for (i, _) in word.char_indices().skip(MIN_PART_CHARS - 1) {
            let (front, tail) = word.split_at(i);
            if front.chars().count() < MIN_PART_CHARS - 1 {
                continue;
            }
            if tail.chars().count() < MIN_PART_CHARS {
                break;
            }
            if self.zipf_of(tail) < KNOWN_PART_ZIPF {
                continue;
            }
            if let Some(front) = self.known_front(front) {
                return Some(vec![front, tail]);
            }
            if depth == 0 {
                if let Some(mut parts) = self.split_parts(front, 1) {
                    parts.push(tail);
                    return Some(parts);
                }
            }
        }
        None
    }

    /// The front part without its linking letters ("flughafens" -> "flughafen"), if known.
    fn known_front<'a>(&self, front: &'a str) -> Option<&'a str> {
        let links = self.spec.compound_links.unwrap_or_default();
        std::iter::once(front)
            .chain(links.iter().filter_map(|l| front.strip_suffix(l)))
            .find(|f| f.chars().count() >= MIN_PART_CHARS - 1 && self.zipf_of(f) >= KNOWN_PART_ZIPF)
    }

    fn zipf_of(&self, word: &str) -> f32 {
        self.background().zipf(super::stem_term(&self.stem(word)))
    }

    /// The paragraph with thousands groups joined where the language separates them with a
    /// space ("1 200 000" -> "1200000"), so a number stays one word.
    pub fn join_digit_groups<'a>(&self, folded: &'a str) -> std::borrow::Cow<'a, str> {
        static GROUP: LazyLock<regex::Regex> =
            LazyLock::new(|| regex::Regex::new(r"(\d) (\d{3})\b").expect("valid regex"));
        if !self.spec.space_groups || !GROUP.is_match(folded) {
            return std::borrow::Cow::Borrowed(folded);
        }
        // Each pass joins every other group ("1 200 000" -> "1200 000" -> "1200000"); six
        // passes join any real number, and a crafted run of groups costs no more than that.
        let mut s = folded.to_string();
        for _ in 0..6 {
            if !GROUP.is_match(&s) {
                break;
            }
            s = GROUP.replace_all(&s, "$1$2").into_owned();
        }
        std::borrow::Cow::Owned(s)
    }
}

/// Compounds are looked for in words of at least this many letters (and at most the longer:
/// splitting costs the square of a word's length, and no real compound is that long)...
const MIN_COMPOUND_CHARS: usize = 8;
const MAX_COMPOUND_CHARS: usize = 48;
/// ...that are not common words on their own ("Regierung", "Flughafen")...
const COMMON_WORD_ZIPF: f32 = 3.5;
/// ...as parts of at least this many letters (the front one fewer) that are known words.
const MIN_PART_CHARS: usize = 4;
const KNOWN_PART_ZIPF: f32 = 3.0;

/// How each article's language is chosen: detected from its text, or forced by `--lang`.
#[derive(Clone, Copy)]
pub enum LanguageChoice {
    Detect,
    Fixed(&'static Language),
}

impl LanguageChoice {
    /// `auto` (detect per article) or a language code.
    pub fn parse(s: &str) -> anyhow::Result<LanguageChoice> {
        if s.trim().eq_ignore_ascii_case("auto") {
            Ok(LanguageChoice::Detect)
        } else {
            Language::by_code(s).map(LanguageChoice::Fixed)
        }
    }

    /// The language of an article with these content paragraphs.
    pub fn of(&self, paragraphs: &[&str]) -> &'static Language {
        match self {
            LanguageChoice::Fixed(l) => l,
            LanguageChoice::Detect => detect(paragraphs),
        }
    }
}

/// Bytes of an article read to detect its language: a news lead is plenty (whatlang is right on
/// 99.7% of 300-character news leads), and detection, a tenth of a millisecond per thousand
/// characters, then costs little beside the rest of an article's analysis.
const DETECT_BYTES: usize = 500;

/// The language of an article's content paragraphs, among the 18. When whatlang is unsure
/// (short text, many names), its guess is kept only if the text has more of that language's
/// function words than of English ones: English is what spinscan assumed before it knew
/// other languages.
pub fn detect(paragraphs: &[&str]) -> &'static Language {
    static DETECTOR: LazyLock<whatlang::Detector> = LazyLock::new(|| {
        whatlang::Detector::with_allowlist(LANGUAGES.iter().map(|s| s.detect_as).collect())
    });
    let mut sample = String::new();
    for p in paragraphs {
        if sample.len() >= DETECT_BYTES {
            break;
        }
        sample.push_str(p);
        sample.push('\n');
    }
    if sample.len() > DETECT_BYTES {
        let mut end = DETECT_BYTES;
        while !sample.is_char_boundary(end) {
            end -= 1;
        }
        sample.truncate(end);
    }
    if is_plainly_english(&sample) {
        return Language::english();
    }
    let Some(info) = DETECTOR.detect(&sample) else {
        return Language::english();
    };
    let guess = LANGUAGES
        .iter()
        .position(|s| s.detect_as == info.lang())
        .map_or(Language::english(), |i| Language::get(i as LangId));
    if info.is_reliable() || guess.id == 0 {
        return guess;
    }
    let english = Language::english();
    let (mut theirs, mut ours) = (0, 0);
    for w in crate::text::words(&sample) {
        let lower = w.text.to_lowercase();
        theirs += usize::from(guess.is_stopword(&lower));
        ours += usize::from(english.is_stopword(&lower));
    }
    if theirs > ours {
        guess
    } else {
        english
    }
}

/// ASCII text in which English function words are at least a third of the words (English
/// news runs at 40-50%, other languages' at under 15%): English without running the detector,
/// which for English news, most of what spinscan reads, was a tenth of a scan's time.
fn is_plainly_english(sample: &str) -> bool {
    if !sample.is_ascii() {
        return false;
    }
    let english = Language::english();
    let mut lower = String::new();
    let (mut words, mut function) = (0, 0);
    for (_, w) in sample.unicode_word_indices() {
        crate::text::lowercase_into(w, &mut lower);
        words += 1;
        function += usize::from(english.is_stopword(&lower));
    }
    words >= 20 && function * 3 >= words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_english_skips_the_detector() {
        let english = "The government announced on Tuesday that it would raise the minimum wage for workers in the capital, after weeks of protests by unions that had shut down the port.";
        assert!(is_plainly_english(english));
        // Italian and Dutch written without accents, and English too short to judge.
        let italian = "Il governo ha annunciato martedi che aumentera il salario minimo per i lavoratori della capitale, dopo settimane di proteste dei sindacati che avevano chiuso il porto.";
        let dutch = "De regering heeft dinsdag aangekondigd dat zij het minimumloon voor werknemers in de hoofdstad zal verhogen, na weken van protesten van de vakbonden in de haven.";
        assert!(!is_plainly_english(italian));
        assert!(!is_plainly_english(dutch));
        assert!(!is_plainly_english("The port is closed."));
        assert_eq!(detect(&[italian]).code, "it");
        assert_eq!(detect(&[dutch]).code, "nl");
    }

    #[test]
    fn detects_news_leads_in_several_languages() {
        let cases = [
            ("en", "The government announced on Tuesday that it would raise the minimum wage for workers in the capital, after weeks of protests by unions."),
            ("de", "Die Bundesregierung hat am Dienstag angekündigt, den Mindestlohn für Beschäftigte in der Hauptstadt anzuheben, nachdem die Gewerkschaften wochenlang protestiert hatten."),
            ("fr", "Le gouvernement a annoncé mardi qu'il allait relever le salaire minimum des travailleurs de la capitale, après des semaines de manifestations syndicales."),
            ("es", "El gobierno anunció el martes que subirá el salario mínimo de los trabajadores de la capital, tras semanas de protestas de los sindicatos."),
            ("ru", "Правительство во вторник объявило, что повысит минимальную заработную плату работникам столицы после нескольких недель протестов профсоюзов."),
        ];
        for (code, text) in cases {
            assert_eq!(detect(&[text]).code, code, "{text}");
        }
    }

    #[test]
    fn short_or_unclear_text_falls_back_to_english() {
        assert_eq!(detect(&["OK"]).code, "en");
        // Many names make whatlang unsure; the function words settle it.
        let names =
            "Lisa Marie, que también se dedicaba a la música, ingresó con urgencia en un centro hospitalario.";
        assert_eq!(detect(&[names]).code, "es");
        assert_eq!(detect(&[]).code, "en");
    }

    #[test]
    fn numbers_read_the_same_in_every_convention() {
        let en = Language::english();
        let de = Language::by_code("de").unwrap();
        let fr = Language::by_code("fr").unwrap();
        assert_eq!(en.normalise_number("1,200"), de.normalise_number("1.200"));
        assert_eq!(en.normalise_number("3.50"), de.normalise_number("3,5"));
        assert_eq!(en.normalise_number("3.50"), "3.5");
        assert_eq!(
            fr.join_digit_groups("soit 1 200 000 euros"),
            "soit 1200000 euros"
        );
        assert_eq!(
            de.join_digit_groups("im Jahr 2023 200 Menschen"),
            "im Jahr 2023 200 Menschen"
        );
    }

    #[test]
    fn elided_articles_come_off_before_stemming() {
        let fr = Language::by_code("french").unwrap();
        assert_eq!(fr.strip_clitics("l'enquête"), "enquête");
        assert_eq!(fr.strip_clitics("aujourd'hui"), "aujourd'hui");
        assert_eq!(Language::english().strip_clitics("obama's"), "obama");
    }

    #[test]
    fn compounds_split_into_known_words_and_names_stay_whole() {
        let de = Language::by_code("de").unwrap();
        assert_eq!(
            de.split_compound("flugzeugkollision"),
            vec!["flugzeug", "kollision"]
        );
        assert_eq!(de.split_compound("regierung"), vec!["regierung"]);
        assert_eq!(de.split_compound("kowalczyk"), vec!["kowalczyk"]);
        let en = Language::english();
        assert_eq!(en.split_compound("firefighters"), vec!["firefighters"]);
    }

    #[test]
    fn hostile_words_and_digit_runs_stay_cheap() {
        let de = Language::by_code("de").unwrap();
        let long = "flugzeug".repeat(20_000);
        let start = std::time::Instant::now();
        assert_eq!(de.split_compound(&long), vec![long.as_str()]);
        let fr = Language::by_code("fr").unwrap();
        let digits = "1 ".to_string() + &"000 ".repeat(50_000);
        let joined = fr.join_digit_groups(&digits);
        assert!(joined.len() < digits.len());
        // Linear work: well under a second even in a debug build.
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }

    #[test]
    fn every_language_has_stop_words_and_a_stemmer() {
        for code in Language::codes() {
            let l = Language::by_code(code).unwrap();
            assert!(
                l.stopwords.len() >= 40,
                "{code}: {} stop words",
                l.stopwords.len()
            );
        }
        assert!(Language::by_code("de").unwrap().is_stopword("und"));
        assert!(Language::by_code("es").unwrap().is_stopword("los"));
        assert!(Language::by_code("xx").is_err());
    }
}
