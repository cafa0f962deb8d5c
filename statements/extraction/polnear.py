"""Read the PolNeAR corpus (a local copy of the public repository networkdynamics/PolNeAR) into gold quotes for the
evaluation: quoted attributions, their type, and the speaker's name.

Nothing from the corpus is stored in the project: `make eval-extract` reads the copy named by the POLNEAR_DIR
environment variable. Gold speakers come from the annotated source span when it holds a person's name, and
otherwise from CoreNLP's coreference chain through that span, trusted only when the chain contains a person's
proper name and none of four signs of a wrong chain shows (`Article._through_chain`). PolNeAR's CoreNLP files were
made automatically, so the resolutions were sampled and checked by hand, and those rules chosen on the samples
(docs/extraction.md, tests/data/polnear-coref-check.json and polnear-gold-check.json).
"""

import csv
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from .names import strip_title

QUOTE_CHARS = '"“”'
POSSESSIVE = {"'s", "’s", "'", "’"}
GROUP_PRONOUNS = {"they", "we", "them", "us"}
PERSONAL_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "i", "we", "they", "you", "it"}
# dependencies (CoreNLP's basic ones) of a name that only qualifies a noun, and of a name that is an object
MODIFIER_RELATIONS = {"compound", "nmod:poss"}
OBJECT_RELATIONS = {"dobj", "iobj", "compound"}  # and every "nmod…", a prepositional complement
PRONOUNS = {"he", "she", "him", "her", "his", "hers", "i", "we", "they", "you", "it", "who", "which", "that"}


@dataclass(frozen=True)
class Token:
    sentence: int
    index: int  # 1-based within the sentence, as in the CoreNLP file
    start: int
    end: int
    word: str
    ner: str
    relation: str = ""  # the token's basic dependency on its governor ("nsubj", "dobj", "nmod"…), "" when unknown


@dataclass(frozen=True)
class GoldSpeaker:
    name: str  # the person's full name as written in the article, or "" when unresolved
    kind: str  # person | institution | unresolved
    method: str  # source (a name in the annotated span) | coref (through a CoreNLP chain) | "" when unresolved
    # when unresolved, why: `ambiguous` (only a surname, and two first names compete), or a chain rule: `group`,
    # `modifier`, `quoted`, `object`
    mention: str


def read_ann(path: Path) -> tuple[dict[str, tuple[str, list[tuple[int, int]], str]], list[dict[str, str]]]:
    """brat standoff: text-bound annotations `T` (label, spans, text) and events `E` (role -> annotation id)."""
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            pairs = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
            spans[parts[0]] = (label, [(a, b) for a, b in pairs], parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(item.split(":", 1) for item in parts[1].split())
            events.append(roles)
    return spans, events


_TOKEN = re.compile(
    r"<token id=\"(\d+)\">\s*<word>(.*?)</word>.*?<CharacterOffsetBegin>(\d+)</CharacterOffsetBegin>\s*"
    r"<CharacterOffsetEnd>(\d+)</CharacterOffsetEnd>.*?<NER>(.*?)</NER>",
    re.DOTALL,
)
_DEPENDENCY = re.compile(
    r'<dep type="([^"]+)">\s*<governor idx="\d+">.*?</governor>\s*<dependent idx="(\d+)">', re.DOTALL
)
_MENTION = re.compile(
    r"<mention[^>]*>\s*<sentence>(\d+)</sentence>\s*<start>(\d+)</start>\s*<end>(\d+)</end>\s*<head>(\d+)</head>"
)


def read_corenlp(path: Path) -> tuple[list[Token], list[list[tuple[int, int, int, int]]]]:
    """Tokens with offsets, NER and dependency relation, and coreference chains as (sentence, start, end, head)
    token ranges. The files are CoreNLP's XML, one element a line; reading only these elements with expressions is
    many times faster than building the whole tree."""
    xml = path.read_text(encoding="utf-8")
    tokens = []
    body, _, coreference = xml.partition("<coreference>")
    for number, sentence in enumerate(re.split(r"<sentence id=\"\d+\"", body)[1:], start=1):
        basic = sentence.partition('<dependencies type="basic-dependencies">')[2].partition("</dependencies>")[0]
        relations = {int(index): relation for relation, index in _DEPENDENCY.findall(basic)}
        for match in _TOKEN.finditer(sentence.split("<parse>")[0]):
            index, word, start, end, ner = match.groups()
            tokens.append(
                Token(number, int(index), int(start), int(end), unescape(word), ner, relations.get(int(index), ""))
            )
    chains = []
    for chain in coreference.split("<coreference>"):
        mentions = [tuple(int(x) for x in m.groups()) for m in _MENTION.finditer(chain)]
        if mentions:
            chains.append(mentions)
    return tokens, chains


class Article:
    """One annotated article: its text, tokens, chains, and the people named in it."""

    def __init__(self, text: str, tokens: list[Token], chains: list[list[tuple[int, int, int, int]]]):
        self.text = text
        self.tokens = tokens
        self.chains = chains
        self.by_position = {(t.sentence, t.index): t for t in tokens}
        self.runs = self._runs(tokens)  # every PERSON name in the article, as (first token, last token)

    def _runs(self, tokens: list[Token]) -> list[tuple[Token, Token]]:
        runs, current = [], []
        for token in tokens:
            if token.ner == "PERSON" and (not current or current[-1].sentence == token.sentence):
                current.append(token)
                continue
            if current:
                runs.append((current[0], current[-1]))
            current = [token] if token.ner == "PERSON" else []
        if current:
            runs.append((current[0], current[-1]))
        return runs

    def name(self, run: tuple[Token, Token]) -> str:
        """The name as written, without a title CoreNLP took for part of it ("Mayor Marty Walsh")."""
        words = self.text[run[0].start : run[1].end].split()
        _title, rest = strip_title(words)
        return " ".join(rest or words)

    def possessor(self, run: tuple[Token, Token]) -> bool:
        """ "O'Malley's campaign": the name owns the phrase, it does not head it."""
        following = self.by_position.get((run[1].sentence, run[1].index + 1))
        return following is not None and following.word in POSSESSIVE

    def full_name(self, name: str) -> str:
        """The longest PERSON name in the article that ends with this name's surname and has every word of it
        ("Clinton" -> "Hillary Clinton"); the name itself when there is none or when two first names compete."""
        words = name.split()
        fuller = {}
        for run in self.runs:
            candidate = self.name(run)
            cwords = candidate.split()
            if cwords[-1] == words[-1] and len(cwords) > len(words) and all(w in cwords for w in words):
                fuller.setdefault(cwords[0], candidate)
                if len(candidate) > len(fuller[cwords[0]]):
                    fuller[cwords[0]] = candidate
        if len(fuller) == 1:
            return next(iter(fuller.values()))
        if fuller or len(words) > 1:
            return name
        # CoreNLP did not tag the full form as one name: a capitalised first name written before the surname
        firsts = {
            m.group(1)
            for m in re.finditer(r"\b([A-Z][a-z]+)\s+" + re.escape(name) + r"\b", self.text)
            if not strip_title([m.group(1), name])[0]
        }
        return f"{firsts.pop()} {name}" if len(firsts) == 1 else name

    def tokens_in(self, spans: list[tuple[int, int]]) -> list[Token]:
        return [t for t in self.tokens if any(a <= t.start and t.end <= b for a, b in spans)]

    def first_names(self, name: str) -> set[str]:
        """The first names the article's PERSON names give this surname ("Cruz": Ted and Heidi)."""
        return {
            self.name(run).split()[0]
            for run in self.runs
            if len(self.name(run).split()) > 1 and self.name(run).split()[-1] == name.split()[-1]
        }

    def speaker(self, spans: list[tuple[int, int]]) -> GoldSpeaker:
        """The gold speaker; a bare surname that two people in the article share ("Cruz" with Ted and Heidi Cruz
        named) is no full name and stays unresolved (`ambiguous`): any full name given for it could be right."""
        gold = self._speaker(spans)
        if gold.kind == "person" and len(gold.name.split()) == 1 and len(self.first_names(gold.name)) > 1:
            return GoldSpeaker("", "unresolved", "ambiguous", gold.mention)
        return gold

    def _speaker(self, spans: list[tuple[int, int]]) -> GoldSpeaker:
        mention = " ".join(" ".join(self.text[a:b] for a, b in spans).split())
        inside = self.tokens_in(spans)
        if not inside:
            return GoldSpeaker("", "unresolved", "", mention)
        keys = {(t.sentence, t.index) for t in inside}
        runs = [r for r in self.runs if (r[0].sentence, r[0].index) in keys and not self.possessor(r)]
        # the head of the phrase is its last name before an appositive or a relative clause: "Rubio spokesman Alex
        # Conant", "Giuliani, who served under …"
        cut = next((t.start for t in inside if t.word in {",", "who", "whom", "-LRB-", "--"}), inside[-1].end)
        main = [r for r in runs if r[1].end <= cut]
        if main or runs:
            run = main[-1] if main else runs[0]
            return GoldSpeaker(self.full_name(self.name(run)), "person", "source", mention)
        # a pronoun or a description: the CoreNLP chain whose mention lies in the span, if it names a person
        for chain in self.chains:
            if not any((s, h) in keys for s, _b, _e, h in chain):
                continue
            runs = []
            for sentence, _begin, _end, head in chain:
                head_token = self.by_position.get((sentence, head))
                if head_token is None or head_token.ner != "PERSON":
                    continue
                runs += [
                    run
                    for run in self.runs
                    if run[0].sentence == sentence and run[0].index <= head <= run[1].index and not self.possessor(run)
                ]
            if runs:
                return self._through_chain(runs, inside, mention)
        # a name CoreNLP did not tag ("Trump" as an organisation): a capitalised word that is a person's surname
        surnames = {self.name(r).split()[-1] for r in self.runs}
        for token in inside:
            word = self.text[token.start : token.end]
            if word in surnames and not self.possessor((token, token)):
                return GoldSpeaker(self.full_name(word), "person", "source", mention)
        # "Brandt, who said": the relative pronoun's antecedent is the name before the comma
        if inside[0].word.lower() in {"who", "whom"}:
            before = [r for r in self.runs if r[1].sentence == inside[0].sentence and r[1].index < inside[0].index]
            if before and inside[0].index - before[-1][1].index == 2 and not self.possessor(before[-1]):
                return GoldSpeaker(self.full_name(self.name(before[-1])), "person", "source", mention)
        organisations = [t for t in inside if t.ner == "ORGANIZATION"]
        head = inside[-1].word.lower()
        if organisations or (head not in PRONOUNS and not any(t.ner == "PERSON" for t in inside)):
            return GoldSpeaker("", "institution" if organisations else "unresolved", "", mention)
        return GoldSpeaker("", "unresolved", "", mention)

    def _through_chain(self, runs: list[tuple[Token, Token]], inside: list[Token], mention: str) -> GoldSpeaker:
        """The chain's fullest name, unless the text shows the chain took the wrong person (docs/extraction.md,
        "PolNeAR's gold": each rule was kept because, in a hand-checked sample, it left out more wrong golds than
        right ones)."""
        # "They", "she and other Democrats": a group, whom one person's name does not name
        first = inside[0].word.lower()
        if first in GROUP_PRONOUNS or (first in PERSONAL_PRONOUNS and any(t.word.lower() == "and" for t in inside)):
            return GoldSpeaker("", "unresolved", "group", mention)
        words = {word for run in runs for word in self.name(run).split()}
        # "the Trump campaign", "Sanders' campaign", "Burrows's book": a person only qualifies what speaks
        named = [t for t in inside if t.word in words or t.ner == "PERSON"]
        if any(t.relation in MODIFIER_RELATIONS and self._qualifies(t, inside) for t in named):
            return GoldSpeaker("", "unresolved", "modifier", mention)
        # "… Bernie will run …," he said: a chain named only inside quotations took a name from someone's words
        if all(self.quoted(run[0].start) for run in runs) and not self.quoted(inside[0].start):
            return GoldSpeaker("", "unresolved", "quoted", mention)
        # "Sanders complained to Charlie Rose … he said": the pronoun's nearest name is an object, which CoreNLP
        # often links a later "he" to although the subject is the one who speaks
        if len(inside) == 1 and inside[0].word.lower() in PERSONAL_PRONOUNS:
            before = [r for r in runs if r[1].end <= inside[0].start and not self.quoted(r[0].start)]
            if before:
                relation = max(before, key=lambda r: r[1].end)[1].relation
                if relation in OBJECT_RELATIONS or relation.startswith("nmod"):
                    return GoldSpeaker("", "unresolved", "object", mention)
        best = max((self.name(run) for run in runs), key=lambda n: (len(n.split()), len(n)))
        return GoldSpeaker(self.full_name(best), "person", "coref", mention)

    def _qualifies(self, token: Token, inside: list[Token]) -> bool:
        """The word after the name (past a possessive mark) is in the span and is no name: the name modifies it."""
        after = [
            t for t in inside if (t.sentence, t.index) > (token.sentence, token.index) and t.word not in POSSESSIVE
        ]
        return bool(after) and after[0].ner != "PERSON" and after[0].word[:1].islower()

    def quoted(self, position: int) -> bool:
        """Whether a character lies inside quotation marks, counting from its paragraph's start."""
        paragraph = self.text[self.text.rfind("\n", 0, position) + 1 : position]
        inside = False
        for char in paragraph.replace("''", '"').replace("``", '"'):
            if char == "“":
                inside = True
            elif char == "”":
                inside = False
            elif char == '"':
                inside = not inside
        return inside


def _fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in sorted(spans):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def quote_type(text: str, fragments: list[tuple[int, int]]) -> str | None:
    """direct: every fragment is inside quotation marks; mixed: some quoted words; None: no quotation marks."""
    # some archives (the New York Times' among them) write a double quotation mark as two apostrophes
    pieces = [text[a:b].replace("''", '"').replace("``", '"') for a, b in fragments]
    if not any(ch in piece for piece in pieces for ch in QUOTE_CHARS):
        return None
    for piece in pieces:
        core = piece.strip(" ,.;:—–-")
        if not (core[:1] in QUOTE_CHARS and core.rstrip(".,;:!?")[-1:] in QUOTE_CHARS + "?!."):
            return "mixed"
        inner = core[1:].rstrip(".,;:!?")
        inner = inner[:-1] if inner[-1:] in QUOTE_CHARS else inner
        if any(ch in inner for ch in "”") or re.search(r"\"\s", inner):
            return "mixed"  # a quote closes and the sentence goes on outside it
    return "direct"


def load_article(
    root: Path, compartment: str, stem: str, annotation: Path, meta: dict[str, str], parsed: tuple | None = None
) -> dict:
    folder = root / "data" / compartment
    text = (folder / "text" / f"{stem}.txt").read_text(encoding="utf-8")
    tokens, chains = parsed if parsed is not None else parse(folder, stem)
    article = Article(text, tokens, chains)
    spans, events = read_ann(annotation)
    quotes = []
    for event in events:
        if "Content" not in event or event["Content"] not in spans:
            continue
        fragments = _fragments(text, spans[event["Content"]][1])
        kind = quote_type(text, fragments) if fragments else None
        if kind is None:
            continue
        source = spans.get(event.get("Source", ""))
        gold = article.speaker(source[1]) if source else GoldSpeaker("", "unresolved", "", "")
        cue = spans.get(event.get("Cue", ""))
        quotes.append(
            {
                "type": kind,
                "quote_spans": [list(f) for f in fragments],
                "speaker": gold.name if gold.kind == "person" else "",
                "speaker_kind": gold.kind,
                "speaker_method": gold.method,
                "speaker_mention": gold.mention,
                "speaker_spans": [list(span) for span in source[1]] if source else [],
                "cue": cue[2] if cue else "",
                "event": event.get("Attribution", ""),
            }
        )
    quotes.sort(key=lambda q: q["quote_spans"][0])
    return {
        "id": f"polnear/{stem}",
        "title": meta.get("title", ""),
        "date": meta.get("publication_date", ""),
        "publisher": meta.get("publisher", stem.split("_")[0]),
        "text": text,
        "quotes": quotes,
        "polnear_compartment": compartment,
        "polnear_annotator": annotation.stem.rsplit("_", 1)[-1],
        "has_corenlp": bool(tokens),
    }


def parse(folder: Path, stem: str) -> tuple[list[Token], list[list[tuple[int, int, int, int]]]]:
    """The article's CoreNLP file, or nothing when the copy lacks it (a few are missing from the repository)."""
    path = folder / "corenlp" / f"{stem}.txt.xml"
    return read_corenlp(path) if path.exists() and path.stat().st_size > 100 else ([], [])


def _annotations(root: Path, compartment: str) -> dict[str, Path]:
    """One annotator's attributions per article: the first in name order when several annotated it."""
    if compartment not in {"train", "dev"}:
        raise ValueError("only the train and dev compartments are read; test is the held-out measure")
    chosen: dict[str, Path] = {}
    for annotation in sorted((root / "data" / compartment / "attributions").glob("*.ann")):
        chosen.setdefault(annotation.stem.rsplit("_", 1)[0], annotation)
    return chosen


def load_compartment(root: Path, compartment: str, parsed: dict | None = None) -> list[dict]:
    """Every article of `train` or `dev` (never `test`, the held-out measure) as gold quotes."""
    with (root / "data" / "metadata.tsv").open(encoding="utf-8") as handle:
        metadata = {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}
    return [
        load_article(root, compartment, stem, path, metadata.get(stem, {}), (parsed or {}).get(stem))
        for stem, path in _annotations(root, compartment).items()
    ]


def load_cached(root: Path, compartment: str) -> list[dict]:
    """`load_compartment`, with the CoreNLP tokens and chains kept as JSON in the system's temporary directory:
    reading 800 MB of XML takes minutes, working out the gold from it a second."""
    import hashlib
    import json
    import tempfile

    stamp = hashlib.sha1(f"{root.resolve()}:{compartment}:2".encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"polnear-corenlp-{compartment}-{stamp}.json"
    if cache.exists():
        raw = json.loads(cache.read_text(encoding="utf-8"))
        parsed = {stem: ([Token(*t) for t in tokens], chains) for stem, (tokens, chains) in raw.items()}
    else:
        folder = root / "data" / compartment
        parsed = {stem: parse(folder, stem) for stem in _annotations(root, compartment)}
        raw = {stem: ([list(t.__dict__.values()) for t in tokens], chains) for stem, (tokens, chains) in parsed.items()}
        cache.write_text(json.dumps(raw), encoding="utf-8")
    return load_compartment(root, compartment, parsed)
