"""How search reads common spellings: one set of rules, applied to every indexed text and to every query.

Both databases split "U.S." into the letters u and s, keep the s of "Syria's" as a word, and lower-case "US" into
the pronoun "us". Before a text is indexed or searched, these rules rewrite it:

- apostrophes: ’ ‘ ʼ ′ ´ ` are read as ';
- possessives: "Syria's", "Syria’s" and "SYRIA'S" are read as "Syria" (so "Syria's" finds "Syria" and the phrase
  "Syria's government" finds "Syria government"); "Syrias'" is already the word "Syrias", stemmed to "syria";
- abbreviations with dots: "U.K.", "U.K" and "u.k." are read as "UK" (so also "uk"), up to four letters, except the
  lower-case abbreviations of prose (`PROSE_ABBREVIATIONS`: "p.m.", "a.m.", "e.g.", "i.e." …, also "P.m." at the
  start of a sentence), which are read as their letters ("p m."): "PM" (the prime minister) does not find
  "3 p.m.", and "p.m." finds "p.m." but not "PM" (nor "pm", which the databases cannot tell from "PM"). Written in
  capitals ("P.M."), they are read as abbreviations like "U.K.";
- acronyms that are also English words (`WORD_ACRONYMS`): "U.S.", "u.s." and the capitals "US" are read as a
  word of their own, written in small capitals ("ᴜꜱ"), that neither the pronoun "us" nor "Us" matches: "US" and
  "U.S." find each other, "us" and "let us" find neither. Only capitals make the acronym: in a text written all
  in capitals, "LET US" is the acronym too.

Hyphenated words are read both ways. Both databases read "cease-fire" as the words cease and fire, so it finds
and is found by "cease fire"; and each hyphenated word of an indexed text is also indexed written as one word
(`compounds`: "ceasefire", "alassad"), in a part of the search document that is never shown, so "ceasefire" finds
"cease-fire". A query's hyphenated word finds either spelling: its words, or the word they make together
(search.parse_query). Only hyphens join (- ‐ ‑, not dashes), and only words with a letter ("F-16", not
"2016-11"). A phrase with a word written as one ("ceasefire talks") finds that spelling only.

Every rule replaces what it matches by as many characters, so a position in the rewritten text is the same position
in the original: a word the database marks in the rewritten text is marked in the original (search.snippets).

The rules are regular expressions that Python's `re` and PostgreSQL read alike. Python applies them to queries and,
on SQLite, to indexed texts (a function registered on each connection, which the index's triggers call); PostgreSQL
applies the same rules, with the same quick tests (`RUNS`), in the SQL function `statements_search_text`
(`POSTGRES_FUNCTION`). Changing a rule changes what is indexed: it needs a migration that indexes every statement
again (as 0019 does); changing only how the function is written needs one that replaces it (as 0027 does).
"""

import itertools
import re

# Acronyms that are also English words, and the small capitals that spell them as a word of their own.
WORD_ACRONYMS = ("US", "WHO", "IT")
SMALL_CAPITALS = {"H": "ʜ", "I": "ɪ", "O": "ᴏ", "S": "ꜱ", "T": "ᴛ", "U": "ᴜ", "W": "ᴡ"}
APOSTROPHES = "’‘ʼ′´`"
HYPHENS = "-‐‑"  # hyphen-minus, hyphen, non-breaking hyphen
LONGEST_ABBREVIATION = 4  # letters: U.S.S.R.
# Abbreviations of prose that would become another word without their dots ("p.m." the prime minister's "PM",
# "a.m." the verb "am"): read as their letters, the dots as spaces (PostgreSQL would read "p.m" as one word), unless
# written in capitals.
PROSE_ABBREVIATIONS = ("a.m.", "p.m.", "e.g.", "i.e.", "a.k.a.", "n.b.", "q.v.", "c.f.")


def _dotted(letters: str) -> str:
    """`U.S.` or `U.S` as a pattern, any case, with the last dot (if any) in group 1: not inside a longer word or
    abbreviation ("U.S.A." is not "U.S." followed by "A.")."""
    body = r"\.".join(f"[{letter.upper()}{letter.lower()}]" for letter in letters)
    return rf"(?<![\w.]){body}(\.?)(?!\.?\w)"


def _rules() -> list[tuple[str, str]]:
    """(pattern, replacement), in the order applied, case-sensitive. Each replacement is as long as what it replaces."""
    rules = [(r"([\w.])'[sS](?!\w)", r"\1  ")]  # a possessive's 's (the letter before is kept)
    for abbreviation in PROSE_ABBREVIATIONS:  # "p.m." as "p m.", which no later rule reads as an abbreviation
        first, *rest = abbreviation.strip(".").split(".")
        letters = r"\.".join([f"([{first}{first.upper()}])", *(f"({letter})" for letter in rest)])
        spaced = " ".join(rf"\{n}" for n in range(1, len(rest) + 2))
        rules.append((rf"(?<![\w.]){letters}(\.?)(?!\.?\w)", spaced + rf"\{len(rest) + 2}"))
    for acronym in WORD_ACRONYMS:
        word = "".join(SMALL_CAPITALS[letter] for letter in acronym)
        rules.append((_dotted(acronym), word + r"\1" + " " * (len(acronym) - 1)))
        rules.append((rf"(?<!\w){acronym}(?!\w)", word))
    for length in range(LONGEST_ABBREVIATION, 1, -1):  # the longest first: U.S.A. before U.S.
        letters = r"\.".join(["([A-Za-z])"] * length)
        groups = "".join(rf"\{n}" for n in range(1, length + 1))
        rules.append((rf"(?<![\w.]){letters}(\.?)(?!\.?\w)", groups + rf"\{length + 1}" + " " * (length - 1)))
    return rules


RULES = _rules()
# What a text must hold for a rule to match it (a pattern both databases read alike): most texts hold none, and a
# quick test skips the rule (a write of a statement rewrites four texts, and 0019 every statement's). A skipped rule
# would have changed nothing, so skipping never changes what a text reads as.
_DOT_LETTER = r"\.[A-Za-z]"
_NEEDS = ["'"] + [_DOT_LETTER] * len(PROSE_ABBREVIATIONS)
_NEEDS += [need for acronym in WORD_ACRONYMS for need in (_DOT_LETTER, acronym)]
_NEEDS += [_DOT_LETTER] * (LONGEST_ABBREVIATION - 1)
# The rules in runs that need the same thing, tested once a run: (need, [(pattern, replacement), …]).
RUNS = [
    (need, [rule for rule, _ in run])
    for need, run in itertools.groupby(zip(RULES, _NEEDS, strict=True), lambda r: r[1])
]
# What any run but the first (the possessive) needs: a dot before a letter, or the capitals of US, WHO, IT. One test of
# it spares most texts the tests of every run.
LATER_NEEDS = "|".join(dict.fromkeys(need for need, _ in RUNS[1:]))
_COMPILED_RUNS = [
    (re.compile(need), [(re.compile(pattern), replacement) for pattern, replacement in rules]) for need, rules in RUNS
]
_LATER_NEEDS = re.compile(LATER_NEEDS)
_APOSTROPHES = str.maketrans(APOSTROPHES, "'" * len(APOSTROPHES))


def normalise(text: str) -> str:
    """The text as search reads it: the same length, with the spellings above rewritten."""
    return normalise_with_spans(text)[0]


def normalise_with_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text as search reads it, and the (start, end) of each stretch a rule rewrote."""
    spans: list[tuple[int, int]] = []
    if any(apostrophe in text for apostrophe in APOSTROPHES):
        text = text.translate(_APOSTROPHES)
    for index, (need, rules) in enumerate(_COMPILED_RUNS):
        if index == 1 and not _LATER_NEEDS.search(text):
            break
        if not need.search(text):
            continue
        for pattern, replacement in rules:
            pieces, end = [], 0
            for match in pattern.finditer(text):
                pieces += [text[end : match.start()], match.expand(replacement)]
                spans.append(match.span())
                end = match.end()
            text = "".join(pieces) + text[end:]
    return text, spans


_COMPOUND = re.compile(rf"\w+(?:[{HYPHENS}]\w+)+")
_NO_HYPHENS = str.maketrans("", "", HYPHENS)


def compound_spans(text: str) -> list[tuple[tuple[int, int], str]]:
    """The (start, end) of each hyphenated word with a letter in a text as search reads it (normalise), and the
    word written as one: "a cease-fire and 2016-11" → [((2, 12), "ceasefire")]."""
    if not any(hyphen in text for hyphen in HYPHENS):  # most texts: a quick test spares the pattern's word-by-word
        return []
    return [
        (match.span(), match[0].translate(_NO_HYPHENS))
        for match in _COMPOUND.finditer(text)
        if any(character.isalpha() for character in match[0])
    ]


def compounds(*texts: str | None) -> str:
    """The hyphenated words of texts as search reads them, each written as one word, in order and separated by
    spaces: "a cease-fire, F-16s and 2016-11" → "ceasefire F16s"."""
    return " ".join(joined for text in texts if text for _, joined in compound_spans(text))


def closed(text: str) -> str:
    """The text with each hyphenated word (as `compounds` finds them) written as one: a query's other spelling."""
    return _COMPOUND.sub(
        lambda match: match[0].translate(_NO_HYPHENS) if any(c.isalpha() for c in match[0]) else match[0], text
    )


def register_sqlite_function(connection) -> None:
    """Give a SQLite connection `statements_search_text` and `statements_search_compounds` (of any number of
    texts), which the search index's triggers call."""
    connection.create_function("statements_search_text", 1, _sqlite_normalise, deterministic=True)
    connection.create_function("statements_search_compounds", -1, compounds, deterministic=True)


def _sqlite_normalise(text):
    return None if text is None else normalise(text)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _postgres_need(need: str) -> str:
    """A run's quick test of the text `t` in SQL: a substring where the pattern is plain letters (cheaper)."""
    if re.escape(need) == need:
        return f"strpos(t, {_sql_literal(need)}) > 0"
    return f"t ~ {_sql_literal(need)}"


def _postgres_steps() -> str:
    """The runs of rules as `normalise_with_spans` applies them, with the same quick tests."""

    def step(rules: list[tuple[str, str]]) -> str:
        return " ".join(
            f"t := regexp_replace(t, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'g');"
            for pattern, replacement in rules
        )

    (first_need, first_rules), *rest = RUNS
    lines = [f"IF {_postgres_need(first_need)} THEN {step(first_rules)} END IF;"]
    lines.append(f"IF t ~ {_sql_literal(LATER_NEEDS)} THEN")
    lines += [f"    IF {_postgres_need(need)} THEN {step(rules)} END IF;" for need, rules in rest]
    lines.append("END IF;")
    return "\n".join(f"        {line}" for line in lines)


POSTGRES_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION statements_search_text(body text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
        t text := translate(body, {_sql_literal(APOSTROPHES)}, {_sql_literal(chr(39) * len(APOSTROPHES))});
    BEGIN
{_postgres_steps()}
        RETURN t;
    END $$"""
POSTGRES_DROP_FUNCTION = "DROP FUNCTION IF EXISTS statements_search_text"

# `compounds` of one text, already read by statements_search_text; [[:alpha:]] is Python's str.isalpha.
_COMPOUND_GROUP = "(" + _COMPOUND.pattern + ")"
POSTGRES_COMPOUNDS_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION statements_search_compounds(body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(string_agg(translate(found[1], {_sql_literal(HYPHENS)}, ''), ' ' ORDER BY n), '')
        FROM regexp_matches(body, {_sql_literal(_COMPOUND_GROUP)}, 'g') WITH ORDINALITY AS m(found, n)
        WHERE found[1] ~ '[[:alpha:]]'
    $$"""
POSTGRES_DROP_COMPOUNDS_FUNCTION = "DROP FUNCTION IF EXISTS statements_search_compounds"
