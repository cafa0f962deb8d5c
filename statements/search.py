"""Full-text search on both databases, hidden behind StatementQuerySet.search().

SQLite: an FTS5 table, statements_statement_fts (porter stemming), kept in sync by triggers.
PostgreSQL: a tsvector on the statement's own row, kept by triggers, with a GIN index to list a word's matches and
a date index that carries it, to test each statement's words while walking in date order.
Both index the statement text, its original text, the speaker's name and aliases, and the source title,
so that every word of a query may be found in any of them. The SQL lives here and the migrations call it.
Texts and queries are read alike through statements/spellings.py ("U.S.", "Syria's", apostrophes), and each
document also holds its hyphenated words written as one ("cease-fire" as "ceasefire"), which is never shown.
"""

import itertools
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import Expression, RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import spellings

SQLITE_TABLE = "statements_statement_fts"
# PostgreSQL: the document's two columns on statements_statement (see the schema at the end of this file).
DOCUMENT, LONG_DOCUMENT = "search_document", "search_document_long"
COLUMNS = (DOCUMENT, LONG_DOCUMENT)

# Private-use characters mark highlights inside the database's snippet, so the text can be escaped first.
MARK_START, MARK_END = "\ue000", "\ue001"
# PostgreSQL's ts_headline parses its text as HTML and drops whatever looks like a tag ("<b>", "<are>"), so its
# marks would no longer line up with the quote (snippets). Angle brackets go in as these private-use characters,
# which its parser reads as blanks like the brackets.
ANGLE_MASKS = {"<": "\ue002", ">": "\ue003"}

MAX_TERMS = 20

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a "quoted phrase"
    negated: bool = False
    or_before: bool = False  # joined to the previous term by OR rather than AND
    closed: tuple[str, ...] = ()  # the words with each hyphenated word written as one, found as well as `words`


def parse_query(q: str) -> list[Term]:
    """Words, "quoted phrases", -exclusions and OR, as in a web search box; punctuation is ignored, spellings are
    read as the indexed texts are (spellings.normalise), and a hyphenated word also finds its words written as one
    ("cease-fire": "cease fire" or "ceasefire")."""
    terms: list[Term] = []
    pending_or = False
    for match in _TOKEN.finditer(spellings.normalise(q)):
        minus, phrase, bare = match.groups()
        if bare is not None and bare == "OR":
            pending_or = bool(terms)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        written = phrase if phrase is not None else bare
        words = tuple(w.lower() for w in _WORD.findall(written))
        if not words:
            continue
        closed = tuple(w.lower() for w in _WORD.findall(spellings.closed(written)))
        terms.append(
            Term(
                words=words,
                negated=bool(minus),
                or_before=pending_or and not minus,
                closed=closed if closed != words else (),
            )
        )
        pending_or = False
    positive = [t for t in terms if not t.negated]
    if not positive:
        return []
    return terms[:MAX_TERMS]


def _fts5_phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def _fts5_expression(terms: list[Term]) -> str:
    parts: list[str] = []
    for term in terms:
        quoted = _fts5_phrase(term.words)
        if term.closed:
            quoted = f"({quoted} OR {_fts5_phrase(term.closed)})"
        if term.negated:
            parts.append(f"NOT {quoted}")
        elif term.or_before and parts:
            parts.append(f"OR {quoted}")
        else:
            parts.append(quoted)
    # FTS5 wants a positive term first: move exclusions to the end.
    positives = [p for p in parts if not p.startswith("NOT ")]
    negatives = [p for p in parts if p.startswith("NOT ")]
    if positives and positives[0].startswith("OR "):
        positives[0] = positives[0][3:]
    # AND written out: FTS5 reads two phrases side by side as AND, but not a phrase beside a (group).
    positives[1:] = [p if p.startswith("OR ") else f"AND {p}" for p in positives[1:]]
    return " ".join(positives + negatives)


def _websearch_phrase(words: tuple[str, ...]) -> str:
    text = " ".join(words)
    return f'"{text}"' if len(words) > 1 else text


def tsquery_sql(terms: list[Term]) -> tuple[str, list[str]]:
    """PostgreSQL: the terms as a tsquery expression and its parameters. Each term is read by
    websearch_to_tsquery, and the terms are joined as it joins them (AND binds before OR, so "a b OR c" is
    (a AND b) OR c); a term with another spelling (Term.closed) is the OR of both, which websearch_to_tsquery
    cannot group."""
    groups: list[list[str]] = []  # an OR of AND-groups
    params: list[str] = []
    for term in terms:
        sql = _TSQUERY
        params.append(_websearch_phrase(term.words))
        if term.closed:
            sql = f"({_TSQUERY} || {_TSQUERY})"
            params.append(_websearch_phrase(term.closed))
        if term.negated:
            sql = f"!!{sql}"
        if term.or_before and groups:
            groups.append([sql])
        elif groups:
            groups[-1].append(sql)
        else:
            groups.append([sql])
    return "(" + " || ".join("(" + " && ".join(group) + ")" for group in groups) + ")", params


def matching_ids_sql(terms: list[Term]) -> tuple[str, list[str]]:
    """SQLite: a subquery of the ids of statements matching the terms, for `id IN (…)`."""
    return f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s", [_fts5_expression(terms)]


_TSQUERY = "websearch_to_tsquery('english', %s)"


class StatementSQL(Expression):
    """SQL about a statement row, with `{table}` standing for the statement table's alias in the query: qualified, so
    it stays right inside a subquery (U0) and when a query joins statements_statement a second time."""

    def __init__(self, template: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params, self.alias = template, params, None

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        return self.template.format(table=compiler.quote_name_unless_alias(self.alias)), list(self.params)


def document_condition(terms: list[Term], *, walk: bool) -> Q:
    """PostgreSQL: statements whose document matches the terms, in the form for a list or for a walk.

    Listed: `@@` on either column, which the planner may answer from the GIN indexes. Walked: the same test
    written as the function `ts_match_vq`, which no index can answer, so the planner walks the date index
    that carries the document; the few long documents are looked up once, by their own GIN index. Each test says
    its column is not NULL, so the condition is true or false, never NULL, and can be negated.
    """
    tsquery, query = tsquery_sql(terms)
    if walk:
        short = f"({{table}}.{DOCUMENT} IS NOT NULL AND ts_match_vq({{table}}.{DOCUMENT}, {tsquery}))"
        long = RawSQL(
            f"SELECT long.id FROM statements_statement AS long WHERE long.{LONG_DOCUMENT} @@ {tsquery}", query
        )
        return Q(StatementSQL(short, query, BooleanField())) | Q(pk__in=long)
    either = [f"({{table}}.{column} IS NOT NULL AND {{table}}.{column} @@ {tsquery})" for column in COLUMNS]
    return Q(StatementSQL(f"({' OR '.join(either)})", query * 2, BooleanField()))


def newest_matching_sql(terms: list[Term], published: str, newest: int) -> tuple[str, list]:
    """PostgreSQL: (statements read, statements matching) among the `newest` published ones, read from the walking
    index alone: how dense the matches are where a walk would go (StatementQuerySet.search). A long document
    (NULL here) is not counted: this is an estimate."""
    tsquery, params = tsquery_sql(terms)
    return (
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE ts_match_vq({DOCUMENT}, {tsquery})) FROM (SELECT {DOCUMENT}"
        " FROM statements_statement WHERE status = %s ORDER BY date DESC, id DESC LIMIT %s) AS newest",
        [*params, published, newest],
    )


def share_at_most(terms: list[Term], cursor) -> float:
    """PostgreSQL: the largest share of statements the terms can match, from the planner's statistics of the
    document column (its commonest lexemes and their shares, as of the last ANALYZE; a lexeme not among them is
    rarer than the rarest that is): every word of an AND must be there, so the rarest one bounds it, and an OR adds
    its alternatives. 1.0 without statistics. One query.

    The count among the newest statements sees a word that is common this month; this sees that it is rare over
    the years, when a walk would pass every statement without finding the newest 10,000 matches.
    """
    cursor.execute(
        "WITH stats AS (SELECT most_common_elems::text::text[] AS lexemes, most_common_elem_freqs AS shares"
        " FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'statements_statement'"
        " AND attname = %s)"
        " SELECT word, COALESCE(stats.shares[array_position(stats.lexemes, lexeme)],"
        " stats.shares[cardinality(stats.lexemes) + 1], 1.0)"
        " FROM unnest(%s::text[]) AS word"
        " CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', word))) AS lexeme"
        " LEFT JOIN stats ON true",
        [DOCUMENT, sorted({word for term in terms for word in term.words + term.closed})],
    )
    word_share: dict[str, float] = {}
    for word, share in cursor.fetchall():
        word_share[word] = min(word_share.get(word, 1.0), share)

    def share(words: tuple[str, ...]) -> float:  # a stop word has no lexeme and does not narrow the search
        return min((word_share.get(word, 1.0) for word in words), default=1.0)

    def term_share(term: Term) -> float:  # a term with another spelling: either
        return min(1.0, share(term.words) + share(term.closed)) if term.closed else share(term.words)

    groups: list[float] = []  # an AND of OR-groups
    for term in terms:
        if term.negated:
            continue
        if term.or_before and groups:
            groups[-1] = min(1.0, groups[-1] + term_share(term))
        else:
            groups.append(term_share(term))
    return min(groups, default=1.0)


def rank_expression(terms: list[Term]) -> Expression:
    """A relevance score per statement, higher is better."""
    if connection.vendor == "postgresql":
        tsquery, params = tsquery_sql(terms)
        rank = f"ts_rank_cd(COALESCE({{table}}.{DOCUMENT}, {{table}}.{LONG_DOCUMENT}), {tsquery})"
        return StatementSQL(rank, params, FloatField())
    # bm25() is lower for better matches; weights: text, speaker, source title, original text, compounds.
    # The inner query scores every match once; "LIMIT -1" stops SQLite from flattening it into a MATCH per outer
    # row (which took two minutes for a common word at a million statements) and makes it build an automatic
    # index on id instead (a third of a second for the same query).
    rank = (
        f"(SELECT m.rank FROM (SELECT rowid AS id, -bm25({SQLITE_TABLE}, 4.0, 2.0, 1.0, 1.0, 1.0) AS rank"
        f" FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s LIMIT -1) AS m WHERE m.id = {{table}}.id)"
    )
    return StatementSQL(rank, [_fts5_expression(terms)], FloatField())


def snippets(statement_ids: list[int], terms: list[Term], *, words: int = 30) -> dict[int, SafeString]:
    """Escaped HTML snippets of the statement text with the query's words in <mark>, for one page of ids.

    The database marks the matches in the text as search reads it (spellings.normalise), which has the original's
    length, so the marks fall on the same places in the original; a mark inside a rewritten spelling covers all of
    it ("U.S.", "Syria's"). A hyphenated word found written as one ("ceasefire" finds "cease-fire") is marked from
    the database's marks in the text's own compounds (spellings.compounds). The window of `words` words with the
    most marks is shown.
    """
    if not statement_ids or not terms:
        return {}
    placeholders = ", ".join(["%s"] * len(statement_ids))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            options = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
            tsquery, params = tsquery_sql(terms)
            cursor.execute(
                "SELECT id, text, ts_headline('english', translate(statements_search_text(text), '<>', %s),"
                f" {tsquery}, %s), ts_headline('english', statements_search_compounds(statements_search_text(text)),"
                f" {tsquery}, %s) FROM statements_statement WHERE id IN ({placeholders})",
                ["".join(ANGLE_MASKS.values()), *params, options, *params, options, *statement_ids],
            )
        else:
            cursor.execute(
                f"SELECT s.id, s.text, highlight({SQLITE_TABLE}, 0, %s, %s), highlight({SQLITE_TABLE}, 4, %s, %s)"
                f" FROM {SQLITE_TABLE} JOIN statements_statement AS s ON s.id = {SQLITE_TABLE}.rowid"
                f" WHERE {SQLITE_TABLE} MATCH %s AND {SQLITE_TABLE}.rowid IN ({placeholders})",
                [MARK_START, MARK_END, MARK_START, MARK_END, _fts5_expression(terms), *statement_ids],
            )
        rows = cursor.fetchall()
    return {pk: _snippet(text, _marks(text, marked, compounds), words) for pk, text, marked, compounds in rows}


_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}")


def _compound_marks(text: str, compounds: str | None) -> list[tuple[int, int]]:
    """The (start, end) of each hyphenated word of `text` whose form written as one the database marked in
    `compounds`, the marked copy of the joined words (from the whole document on SQLite, the text on PostgreSQL)."""
    found = {word.lower() for word in _MARKED.findall(compounds or "")}
    normalised = spellings.normalise(text)
    return [span for span, joined in spellings.compound_spans(normalised) if joined.lower() in found]


def _marks(text: str, marked: str, compounds: str | None = None) -> list[tuple[int, int]]:
    """The (start, end) in `text` of each stretch the database marked in its normalised copy `marked`, and of each
    hyphenated word it marked written as one (`compounds`), widened to whole rewritten spellings; none if the copy
    does not line up with the text."""
    marks, position, start = _compound_marks(text, compounds), 0, 0
    for character in marked:
        if character == MARK_START:
            start = position
        elif character == MARK_END:
            marks.append((start, position))
        else:
            position += 1
    if position != len(text):
        return []
    rewritten = spellings.normalise_with_spans(text)[1]
    widened = []
    for start, end in marks:
        grown = True
        while grown:  # a mark grows over each rewritten stretch it touches, and the stretches those touch
            grown = False
            for a, b in rewritten:
                if a < end and start < b and (a < start or end < b):
                    start, end, grown = min(a, start), max(b, end), True
        widened.append((start, end))
    return _joined_within_words(text, sorted(widened))


def _joined_within_words(text: str, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Marks apart only by a hyphen or an apostrophe inside a written word ("al-Assad", "O’Brien") made one, as
    SQLite marks them; PostgreSQL marks each part."""
    joined: list[tuple[int, int]] = []
    for start, end in marks:
        if joined and all(not c.isalnum() and not c.isspace() for c in text[joined[-1][1] : start]):
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _snippet(text: str, marks: list[tuple[int, int]], words: int) -> SafeString:
    """The `words` words of `text` around the most marks, escaped, with the marks in <mark> and … where cut."""
    spans = [match.span() for match in _SHOWN_WORD.finditer(text)]
    if not spans:
        return mark_safe("")
    marked = [any(a < end and start < b for a, b in marks) for start, end in spans]
    first = 0
    if len(spans) > words:
        running = list(itertools.accumulate(marked, initial=0))  # marked words before each word
        counts = [running[i + words] - running[i] for i in range(len(spans) - words + 1)]
        best = counts.index(max(counts))
        inside = [i for i in range(best, best + words) if marked[i]] or [best]
        # Centre the marks of the best window, so that they are read with what comes before as well as after.
        first = max(0, min(len(spans) - words, inside[0] - (words - (inside[-1] - inside[0] + 1)) // 2))
    last = min(len(spans), first + words)
    begin, end = spans[first][0], spans[last - 1][1]
    pieces, position = [], begin
    for a, b in sorted((max(a, begin), min(b, end)) for a, b in marks if a < end and begin < b):
        if a < position:  # overlaps the previous mark: extend it
            a = position
        if a >= b:
            continue
        pieces += [escape(text[position:a]), "<mark>", escape(text[a:b]), "</mark>"]
        position = b
    pieces.append(escape(text[position:end]))
    html = ("…" if first > 0 else "") + "".join(pieces) + ("…" if last < len(spans) else "")
    return mark_safe(html)  # noqa: S308 - every piece of text was escaped above; only our own <mark> tags are added


_SHOWN_WORD = re.compile(r"\S+")


# --- Schema: called by the migration --------------------------------------------------------------------------------

# Each column is indexed as search reads it (spellings.normalise, a Python function SQLite's connections are given:
# statements/apps.py), so a program that writes statements must be this app; the sqlite3 shell can read them. The
# last column, `compounds`, holds the hyphenated words of the other four written as one (spellings.compounds); it is
# searched, never highlighted.
SQLITE_COLUMNS = "rowid, text, speaker, source_title, original_text, compounds"
SQLITE_COMPOUNDS = "statements_search_compounds(text, speaker, source_title, original_text)"
# A new or edited statement's row of the index, from its parts as read by the inner SELECT.
SQLITE_DOCUMENT = f"""SELECT id, text, speaker, source_title, original_text, {SQLITE_COMPOUNDS} FROM (
    SELECT NEW.id AS id, statements_search_text(NEW.text) AS text,
        statements_search_text((SELECT name || ' ' || aliases FROM statements_official WHERE id = NEW.speaker_id))
            AS speaker,
        statements_search_text(COALESCE((SELECT title FROM statements_source WHERE id = NEW.source_id), ''))
            AS source_title,
        statements_search_text(NEW.original_text) AS original_text)"""

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(
        text, speaker, source_title, original_text, compounds, tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements_statement BEGIN
        INSERT INTO {SQLITE_TABLE}({SQLITE_COLUMNS}) {SQLITE_DOCUMENT};
    END""",
    f"""CREATE TRIGGER statements_fts_update
        AFTER UPDATE OF text, original_text, speaker_id, source_id ON statements_statement BEGIN
        DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id;
        INSERT INTO {SQLITE_TABLE}({SQLITE_COLUMNS}) {SQLITE_DOCUMENT};
    END""",
    f"""CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements_statement BEGIN
        DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id;
    END""",
    # A renamed official or retitled source: its part and the compounds (computed from the row's old values).
    f"""CREATE TRIGGER statements_fts_official AFTER UPDATE OF name, aliases ON statements_official BEGIN
        UPDATE {SQLITE_TABLE} SET speaker = statements_search_text(NEW.name || ' ' || NEW.aliases),
            compounds = statements_search_compounds(
                text, statements_search_text(NEW.name || ' ' || NEW.aliases), source_title, original_text)
        WHERE rowid IN (SELECT id FROM statements_statement WHERE speaker_id = NEW.id);
    END""",
    f"""CREATE TRIGGER statements_fts_source AFTER UPDATE OF title ON statements_source BEGIN
        UPDATE {SQLITE_TABLE} SET source_title = statements_search_text(NEW.title),
            compounds = statements_search_compounds(text, speaker, statements_search_text(NEW.title), original_text)
        WHERE rowid IN (SELECT id FROM statements_statement WHERE source_id = NEW.id);
    END""",
]

# The statements with ids in [%s, %s), indexed: filling the table, all at once or a batch at a time (index_statements).
# The parts are MATERIALIZED, so each is read once (SQLite would otherwise read it again for the compounds; the
# triggers, which cannot use WITH, read one statement's parts twice).
SQLITE_FILL = f"""INSERT INTO {SQLITE_TABLE}({SQLITE_COLUMNS})
    WITH parts AS MATERIALIZED (SELECT s.id AS id, statements_search_text(s.text) AS text,
        statements_search_text(o.name || ' ' || o.aliases) AS speaker,
        statements_search_text(COALESCE(src.title, '')) AS source_title,
        statements_search_text(s.original_text) AS original_text
        FROM statements_statement s JOIN statements_official o ON o.id = s.speaker_id
        LEFT JOIN statements_source src ON src.id = s.source_id
        WHERE s.id >= %s AND s.id < %s)
    SELECT id, text, speaker, source_title, original_text, {SQLITE_COMPOUNDS} FROM parts"""

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS statements_fts_insert",
    "DROP TRIGGER IF EXISTS statements_fts_update",
    "DROP TRIGGER IF EXISTS statements_fts_delete",
    "DROP TRIGGER IF EXISTS statements_fts_official",
    "DROP TRIGGER IF EXISTS statements_fts_source",
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
]

# PostgreSQL: the document lives on the statement's own row, in one of two columns (docs/performance.md, "Words").
# `search_document` holds it when it fits in an index row, which is nearly always: the walking index carries it, so
# a walk of the date index tests a statement's words without leaving the index. A btree index row holds at most
# 2,704 bytes, so the document of a very long statement (a whole speech) goes to `search_document_long` instead,
# which only a small GIN index covers. Exactly one of the two is set. Neither is a model field: the ORM never
# loads them, and `document_condition` / `rank_expression` name them.
# The largest document kept in `search_document`: the walking index's row also holds the links' copies, and every
# country in the world is about 1,000 bytes of `countries_cache`.
INDEXABLE_BYTES = 1400
# Weights: A the statement, B the speaker, C the source title, D the original-language text.
# Each part is read as search reads it: statements_search_text (spellings.POSTGRES_FUNCTION); then, also D, the
# hyphenated words of all four written as one (spellings.POSTGRES_COMPOUNDS_FUNCTION), which no snippet shows.
# PL/pgSQL, each part read once into a variable: as an SQL function with a subquery (not inlined), it cost twice as
# much a statement written.
POSTGRES_DOCUMENT_FUNCTION = """
    CREATE OR REPLACE FUNCTION statements_search_document(body text, original text, speaker bigint, source bigint)
    RETURNS tsvector LANGUAGE plpgsql STABLE AS $$
    DECLARE
        body_read text := statements_search_text(body);
        speaker_read text := statements_search_text(COALESCE(
            (SELECT name || ' ' || aliases FROM statements_official WHERE id = speaker), ''));
        source_read text := statements_search_text(COALESCE(
            (SELECT title FROM statements_source WHERE id = source), ''));
        original_read text := statements_search_text(original);
    BEGIN
        RETURN setweight(to_tsvector('english', body_read), 'A')
            || setweight(to_tsvector('english', speaker_read), 'B')
            || setweight(to_tsvector('english', source_read), 'C')
            || setweight(to_tsvector('english', original_read), 'D')
            || setweight(to_tsvector('english', statements_search_compounds(
                   concat_ws(' ', body_read, speaker_read, source_read, original_read))), 'D');
    END $$"""

POSTGRES_CREATE = [
    f"ALTER TABLE statements_statement ADD COLUMN {DOCUMENT} tsvector, ADD COLUMN {LONG_DOCUMENT} tsvector",
    spellings.POSTGRES_FUNCTION,
    spellings.POSTGRES_COMPOUNDS_FUNCTION,
    POSTGRES_DOCUMENT_FUNCTION,
    f"""CREATE FUNCTION statements_search_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        document tsvector := statements_search_document(NEW.text, NEW.original_text, NEW.speaker_id, NEW.source_id);
    BEGIN
        IF pg_column_size(document) <= {INDEXABLE_BYTES} THEN
            NEW.{DOCUMENT} := document;
            NEW.{LONG_DOCUMENT} := NULL;
        ELSE
            NEW.{DOCUMENT} := NULL;
            NEW.{LONG_DOCUMENT} := document;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER statements_search_write
        BEFORE INSERT OR UPDATE OF text, original_text, speaker_id, source_id ON statements_statement
        FOR EACH ROW EXECUTE FUNCTION statements_search_on_write()""",
    # A renamed official or source: naming the column in SET fires statements_search_write for each statement.
    """CREATE FUNCTION statements_search_on_official() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE statements_statement SET speaker_id = speaker_id WHERE speaker_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_official AFTER UPDATE OF name, aliases ON statements_official
        FOR EACH ROW EXECUTE FUNCTION statements_search_on_official()""",
    """CREATE FUNCTION statements_search_on_source() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE statements_statement SET source_id = source_id WHERE source_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER statements_search_source AFTER UPDATE OF title ON statements_source
        FOR EACH ROW EXECUTE FUNCTION statements_search_on_source()""",
    "UPDATE statements_statement SET text = text",  # the statements already there (fires statements_search_write)
    # The walking index: what the timeline's bounded query reads (statements/timeline/page.py), the copies of the links
    # for a word and a topic or country, and the document. Other filters combined with a common word read the row.
    f"""CREATE INDEX statement_search_walk ON statements_statement (status, date DESC, id DESC)
        INCLUDE (speaker_id, topics_cache, countries_cache, {DOCUMENT})""",
    f"CREATE INDEX statement_search_document ON statements_statement USING gin ({DOCUMENT})",
    f"""CREATE INDEX statement_search_document_long ON statements_statement USING gin ({LONG_DOCUMENT})
        WHERE {LONG_DOCUMENT} IS NOT NULL""",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS statements_search_write ON statements_statement",
    "DROP TRIGGER IF EXISTS statements_search_official ON statements_official",
    "DROP TRIGGER IF EXISTS statements_search_source ON statements_source",
    "DROP FUNCTION IF EXISTS statements_search_on_write, statements_search_on_official, statements_search_on_source",
    "DROP FUNCTION IF EXISTS statements_search_document",
    spellings.POSTGRES_DROP_FUNCTION,
    spellings.POSTGRES_DROP_COMPOUNDS_FUNCTION,
    f"ALTER TABLE statements_statement DROP COLUMN IF EXISTS {DOCUMENT}, DROP COLUMN IF EXISTS {LONG_DOCUMENT}",
]


def create_schema(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql, params=None)
    else:
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql, params=None)
        schema_editor.execute(SQLITE_FILL, params=[0, 2**63 - 1])


def drop_schema(schema_editor) -> None:
    statements = POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql, params=None)


def index_statements(connection, *, batch: int = 20_000, progress=None) -> None:
    """Index every statement again, `batch` ids at a time, each batch in its own transaction, calling
    `progress(done, total)` after each: after a change to what is indexed (spellings), on a table of any size.

    SQLite: replaces the batch's rows of the full-text table. PostgreSQL: computes each row's document again,
    through the trigger that keeps it (`SET text = text`), which rewrites the row.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id), COUNT(*) FROM statements_statement")
        low, high, total = cursor.fetchone()
    if not total:
        return
    postgresql = connection.vendor == "postgresql"
    done = 0
    for start in range(low, high + 1, batch):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if postgresql:
                cursor.execute(
                    "UPDATE statements_statement SET text = text WHERE id >= %s AND id < %s", [start, start + batch]
                )
            else:
                cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid >= %s AND rowid < %s", [start, start + batch])
                cursor.execute(SQLITE_FILL, [start, start + batch])
            done += cursor.rowcount
        if progress:
            progress(done, total)
