"""Turn an article into proposed statements: rules only, no Django, no downloaded models (see docs/extraction.md)."""

from .extract import extract
from .names import normalise
from .suggestions import find_duplicates, similarity
from .types import (
    Extraction,
    Fragment,
    KnownCountry,
    KnownOfficial,
    KnownPosition,
    KnownTopic,
    Proposal,
    Speaker,
)

__all__ = [
    "Extraction",
    "Fragment",
    "KnownCountry",
    "KnownOfficial",
    "KnownPosition",
    "KnownTopic",
    "Proposal",
    "Speaker",
    "extract",
    "find_duplicates",
    "normalise",
    "similarity",
]
