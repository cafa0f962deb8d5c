"""How to cite a statement: what is cited is this tracker's entry (the statement as curated here, in the version of
its last correction), with the original report named as where the words were found.

APA (7th edition) and Chicago (17th, notes and bibliography) in their forms for a quotation found in a secondary
source: the speaker's words "as cited in" (APA) or "quoted in" (Chicago) our entry, whose author is the tracker,
never the speaker. BibTeX, RIS and CSL-JSON for reference managers carry the same facts, CSL's `original-*`
variables naming the report. The same facts again as `citation_*` meta tags (Google Scholar, Zotero), schema.org
JSON-LD and OpenGraph (link previews). Written here by hand: each is a few lines of a fixed format, and
citeproc-py's CSL styles do not have these secondary-source forms (tests read every download back with
bibtexparser and rispy).
"""

import dataclasses
import datetime
import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .models import Kind, Statement, Status

SITE_NAME = "Statement Tracker"
TITLE_WORDS = 12
DESCRIPTION_CHARS = 200

FORMATS = {
    # name in the URL: (content type, file extension, label)
    "bib": ("application/x-bibtex; charset=utf-8", "bib", "BibTeX"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", "RIS"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json", "CSL-JSON"),
}


def long_date(day: datetime.date) -> str:
    """December 7, 2026 (APA and Chicago write dates month first)."""
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def inverted(name: str) -> str:
    """Peskov, Dmitry: a bibliography lists a person surname first."""
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def surname(name: str) -> str:
    return name.split()[-1] if name.split() else name


@dataclasses.dataclass(frozen=True)
class Citation:
    """The citation of one public statement. `url` is its absolute permalink; `version` the date of its last
    correction (else of its publication: statements/revisions.py)."""

    statement: Statement
    url: str
    version: datetime.date
    first_public: datetime.date

    @property
    def speaker(self) -> str:
        return self.statement.speaker.name

    @property
    def excerpt(self) -> str:
        return Truncator(self.statement.text).words(TITLE_WORDS, truncate="…")

    @property
    def title(self) -> str:
        """Our entry's title: who, when, and the words (a paraphrase is not in quotation marks)."""
        words = f"“{self.excerpt}”" if self.statement.kind == Kind.DIRECT else f"{self.excerpt} (paraphrase)"
        return f"{self.speaker}, {self.statement.display_date}: {words}"

    @property
    def report(self) -> str:
        """The original report, as a reference names it: TASS, “Title,” November 11, 2016."""
        source = self.statement.source
        return f"{source.outlet.name}, “{source.title},” {long_date(source.published_on)}"

    @property
    def version_label(self) -> str:
        return f"version of {self.version.day} {self.version.strftime('%B %Y')}"

    @property
    def kind_label(self) -> str:
        return "Quotation" if self.statement.kind == Kind.DIRECT else "Paraphrase"

    # --- Styles ---------------------------------------------------------------------------------------------------

    def apa(self) -> SafeString:
        """APA reference-list entry for our entry (the secondary source: APA lists the work you read)."""
        return format_html(
            "{}. ({}, {}). <i>{}</i> [{} reported by {}]. {}",
            SITE_NAME,
            self.version.year,
            f"{self.version.strftime('%B')} {self.version.day}",
            self.title,
            self.kind_label,
            self.report,
            self.url,
        )

    def apa_in_text(self) -> str:
        """APA's in-text form for words found in a secondary source."""
        return f"({surname(self.speaker)}, {self.statement.date.year}, as cited in {SITE_NAME}, {self.version.year})"

    @property
    def nested_title(self) -> str:
        """The title inside quotation marks: its own quotation marks become single ones."""
        return self.title.replace("“", "‘").replace("”", "’")

    def chicago_note(self) -> SafeString:
        return format_html(
            "{}, {}, reported by {}, quoted in {}, “{},” last modified {}, {}.",
            self.speaker,
            self.statement.display_date,
            self.report,
            SITE_NAME,
            self.nested_title,
            long_date(self.version),
            self.url,
        )

    def chicago_bibliography(self) -> SafeString:
        return format_html(
            "{}. {} of {}. Reported by {}. Quoted in {}, “{}.” Last modified {}. {}.",
            inverted(self.speaker),
            "Statement" if self.statement.kind == Kind.DIRECT else "Paraphrased statement",
            self.statement.display_date,
            self.report,
            SITE_NAME,
            self.nested_title,
            long_date(self.version),
            self.url,
        )

    def styles(self) -> list[tuple[str, str, SafeString | str]]:
        """(id, label, citation) for the permalink's "Cite this statement"."""
        return [
            ("cite-apa", "APA (reference list)", self.apa()),
            ("cite-apa-in-text", "APA (in the text)", self.apa_in_text()),
            ("cite-chicago-note", "Chicago (note)", self.chicago_note()),
            ("cite-chicago-bibliography", "Chicago (bibliography)", self.chicago_bibliography()),
        ]

    # --- Downloads ------------------------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return f"statementtracker{self.statement.pk}v{self.version:%Y%m%d}"

    @property
    def note(self) -> str:
        said = "Quotation of" if self.statement.kind == Kind.DIRECT else "Paraphrase of"
        when = self.statement.display_date
        return f"{said} {self.speaker}, {when}, as reported by {self.report}; {self.version_label}."

    def bibtex(self) -> str:
        fields = {
            "author": "{" + bibtex_escape(SITE_NAME) + "}",
            "title": bibtex_escape(self.title),
            "year": str(self.version.year),
            "month": self.version.strftime("%b").lower(),
            "date": self.version.isoformat(),
            "url": self.url,
            "howpublished": "\\url{" + self.url + "}",
            "publisher": bibtex_escape(SITE_NAME),
            "note": bibtex_escape(self.note),
        }
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields.items()
        )
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [
            ("TY", "ELEC"),
            ("ID", self.key),
            ("TI", self.title),
            ("AU", SITE_NAME),
            ("PY", str(self.version.year)),
            ("DA", self.version.strftime("%Y/%m/%d")),
            ("ET", self.version_label),
            ("PB", SITE_NAME),
            ("UR", self.url),
            ("N1", self.note),
            ("ER", ""),
        ]
        return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)

    def csl(self) -> dict:
        source = self.statement.source
        return {
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "author": [{"literal": SITE_NAME}],
            "container-title": SITE_NAME,
            "publisher": SITE_NAME,
            "issued": {"date-parts": [[self.version.year, self.version.month, self.version.day]]},
            "version": self.version.isoformat(),
            "URL": self.url,
            "note": self.note,
            "original-author": [_csl_name(self.speaker)],
            "original-date": {"date-parts": [_date_parts(self.statement)]},
            "original-title": source.title,
            "original-publisher": source.outlet.name,
            **({"source": source.url} if source.url else {}),
        }

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2) + "\n"

    def download(self, name: str) -> str:
        return {"bib": self.bibtex, "ris": self.ris, "json": self.csl_json}[name]()

    # --- What reference managers and link previews read --------------------------------------------------------

    def meta_tags(self) -> list[tuple[str, str]]:
        """Highwire `citation_*` tags: the author of our entry is the tracker, not the speaker."""
        return [
            ("citation_title", self.title),
            ("citation_author", SITE_NAME),
            ("citation_publisher", SITE_NAME),
            ("citation_publication_date", self.version.strftime("%Y/%m/%d")),
            ("citation_online_date", self.first_public.strftime("%Y/%m/%d")),
            ("citation_public_url", self.url),
            ("citation_language", "en"),
        ]

    def opengraph(self) -> list[tuple[str, str]]:
        return [
            ("og:type", "article"),
            ("og:site_name", SITE_NAME),
            ("og:title", self.title),
            ("og:description", Truncator(self.statement.text).chars(DESCRIPTION_CHARS)),
            ("og:url", self.url),
            ("article:published_time", self.first_public.isoformat()),
            ("article:modified_time", self.version.isoformat()),
        ]

    def json_ld(self) -> dict:
        """schema.org: a Quotation by its speaker for a direct quote; a plain CreativeWork about them for a paraphrase.
        Either way based on the report, and published by the tracker."""
        statement, source = self.statement, self.statement.source
        speaker = {"@type": "Person", "name": self.speaker}
        if statement.speaker.wikidata_id:
            speaker["sameAs"] = f"https://www.wikidata.org/wiki/{statement.speaker.wikidata_id}"
        report = {
            "@type": "CreativeWork",
            "name": source.title,
            "datePublished": source.published_on.isoformat(),
            "publisher": {"@type": "Organization", "name": source.outlet.name},
            "inLanguage": source.language,
        }
        if source.url:
            report["url"] = source.url
        data = {
            "@context": "https://schema.org",
            "@type": "Quotation" if statement.kind == Kind.DIRECT else "CreativeWork",
            "@id": self.url,
            "url": self.url,
            "name": self.title,
            "text": statement.text,
            "dateCreated": statement.date.isoformat(),
            "datePublished": self.first_public.isoformat(),
            "dateModified": self.version.isoformat(),
            "version": self.version.isoformat(),
            "isBasedOn": report,
            "publisher": {"@type": "Organization", "name": SITE_NAME},
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "inLanguage": "en",
        }
        if statement.kind == Kind.DIRECT:
            data["creator"] = speaker
        else:
            data["about"] = speaker
        if statement.status == Status.RETRACTED:
            data["creativeWorkStatus"] = "Retracted"
        return data

    def json_ld_script(self) -> SafeString:
        """The JSON-LD as a <script type="application/ld+json"> body: data, not code, so the CSP is not involved;
        <, > and & are escaped so that no text can close the element."""
        text = json.dumps(self.json_ld(), ensure_ascii=False)
        return mark_safe(text.translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}))  # noqa: S308


def _date_parts(statement: Statement) -> list[int]:
    """A CSL date as precisely as the statement's date is known."""
    day = statement.date
    return [day.year, day.month, day.day][: {"year": 1, "month": 2}.get(statement.date_precision, 3)]


def _csl_name(name: str) -> dict:
    parts = name.split()
    if len(parts) < 2:
        return {"literal": name}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field's value: LaTeX's special characters escaped, whitespace as single spaces (UTF-8
    otherwise, which biber and bibtexparser read)."""
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in " ".join(text.split()))
