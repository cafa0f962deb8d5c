"""Countries and topics suggested from their names, aliases and keywords; the near-duplicate warning."""

import difflib
import re
from collections.abc import Iterable, Sequence

from .names import adjective_pattern, normalise
from .types import KnownCountry, KnownOfficial, Proposal


def _term_pattern(term: str) -> re.Pattern | None:
    term = term.strip()
    if not term:
        return None
    # Case-aware: "US" or "Kremlin" must match as written; an all-lower-case keyword ("sanctions") matches any case.
    flags = re.IGNORECASE if term == term.lower() else 0
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", flags)


def country_matcher(countries: Iterable) -> list[tuple[object, list[re.Pattern]]]:
    """Countries by name, aliases, and the adjective of the name ("Norwegian territory")."""
    compiled = term_matcher(countries, lambda c: (c.name, *c.aliases))
    for country, patterns in compiled:
        adjective = adjective_pattern(country.name)
        if adjective and not any(adjective.pattern == p.pattern for p in patterns):
            patterns.append(adjective)
    return compiled


def term_matcher(items: Iterable, terms_of) -> list[tuple[object, list[re.Pattern]]]:
    """Compile each item's name and aliases/keywords once per article."""
    compiled = []
    for item in items:
        patterns = [pattern for term in terms_of(item) if (pattern := _term_pattern(term))]
        if patterns:
            compiled.append((item, patterns))
    return compiled


def suggest(text: str, matcher: list[tuple[object, list[re.Pattern]]]) -> list:
    """Items whose name or aliases/keywords occur in the text as whole words."""
    return [item for item, patterns in matcher if any(pattern.search(text) for pattern in patterns)]


def named(text: str, matcher: list[tuple[object, list[re.Pattern]]]) -> list[tuple[int, object]]:
    """(where first named, item) for each item whose name or aliases occur in the text as whole words."""
    found = []
    for item, patterns in matcher:
        starts = [match.start() for pattern in patterns if (match := pattern.search(text))]
        if starts:
            found.append((min(starts), item))
    return found


def named_targets(
    text: str, countries: list[tuple[object, list[re.Pattern]]], officials: list[tuple[object, list[re.Pattern]]]
) -> list[KnownCountry | KnownOfficial]:
    """The countries and officials the text names, in the order first named."""
    return [item for _, item in sorted(named(text, countries) + named(text, officials), key=lambda pair: pair[0])]


def propose_target(
    targets: Sequence[KnownCountry | KnownOfficial], *, own_country: str = "", own: Iterable[int] = ()
) -> KnownCountry | KnownOfficial | None:
    """The target to propose for a statement naming `targets` (in the order named): the first that is not on the
    speaker's own side (their side's country `own_country`, an official of that country, or one of the officials
    `own`: the speaker, the institution they speak for); failing that, the first named (the own country, when
    nothing else is); None when nothing is named."""
    own = set(own)

    def on_own_side(target) -> bool:
        if isinstance(target, KnownCountry):
            return bool(own_country) and target.code == own_country
        return target.id in own or (bool(own_country) and target.country == own_country)

    others = [target for target in targets if not on_own_side(target)]
    return (others or list(targets) or [None])[0]


def find_duplicates(
    proposals: Sequence[Proposal], existing: Sequence[tuple[str, str]], threshold: float = 0.9
) -> list[Proposal]:
    """Mark proposals whose text is near-identical to an existing (speaker name, text) pair of the same speaker."""
    prepared = [(normalise(speaker), _words(text), text) for speaker, text in existing]
    for proposal in proposals:
        if proposal.speaker is None:
            continue
        name = normalise(proposal.speaker.name)
        words = _words(proposal.text)
        for index, (speaker, other_words, _text) in enumerate(prepared):
            if speaker != name:
                continue
            if similarity(words, other_words) >= threshold:
                proposal.duplicate_of = index
                break
    return [p for p in proposals if p.duplicate_of is not None]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def similarity(a: list[str], b: list[str]) -> float:
    """Token-level difflib ratio, or containment when one text is a shortened version of the other."""
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    matcher = difflib.SequenceMatcher(None, shorter, longer, autojunk=False)
    contained = sum(block.size for block in matcher.get_matching_blocks()) / len(shorter)
    return max(ratio, contained if len(shorter) >= 8 else 0.0)
