"""Atom feeds of the newest published statements for any timeline filter: /feed.atom?speaker=…&topic=…"""

import re

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.text import Truncator

from .exports import codings_summary
from .filters import StatementFilter
from .models import Kind, Statement
from .revisions import PublicChange, latest_changes

FEED_SIZE = 50
TITLE_EXCERPT_CHARS = 80
# Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF): Django's XML writer refuses them,
# so one in a statement or in the query string would turn the whole feed into a server error.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return NOT_XML.sub("", value)


class InvalidFilter(Exception):
    """The query string did not validate; carries the form's errors."""

    def __init__(self, errors):
        super().__init__("invalid filter")
        self.errors = errors


class StatementFeed(Feed):
    """The newest published statements matching the timeline's filters, newest first."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilter as invalid:
            lines = [f"{field}: {' '.join(messages)}" for field, messages in invalid.errors.items()]
            return HttpResponseBadRequest(
                "This feed's filters are not valid.\n" + "\n".join(lines) + "\n",
                content_type="text/plain; charset=utf-8",
            )

    def get_object(self, request, *args, **kwargs) -> StatementFilter:
        statements = Statement.objects.published().with_related().with_role()
        filterset = StatementFilter(request.GET, queryset=statements, request=request)
        if not filterset.is_valid():
            raise InvalidFilter(filterset.errors)
        return filterset

    def title(self, filterset) -> str:
        return xml_text(f"Statement Tracker: {filterset.in_words()}")

    def subtitle(self, filterset) -> str:
        return f"The {FEED_SIZE} newest published statements matching these filters."

    def link(self, filterset) -> str:
        """The timeline page with the same filters."""
        query = filterset.request.GET.urlencode()
        return reverse("statements:timeline") + (f"?{query}" if query else "")

    def feed_url(self, filterset) -> str:
        return filterset.request.get_full_path()

    def items(self, filterset):
        # Always the newest: a feed reader wants what is new, whatever `sort` says.
        return filterset.qs.newest_first().annotate(codings_summary=codings_summary())[:FEED_SIZE]

    def item_title(self, statement) -> str:
        # Atom titles are plain text (type="text"): the XML writer escapes them, so no HTML escaping here.
        return xml_text(f"{statement.speaker.name}: {Truncator(statement.text).chars(TITLE_EXCERPT_CHARS)}")

    def item_description(self, statement) -> str:
        """HTML (Atom type="html"): the statement's text is escaped by format_html, so markup in it stays inert."""
        role = statement.role_on_date()
        speaker = f"{statement.speaker.name}, {role}" if role else statement.speaker.name
        kind = "" if statement.kind == Kind.DIRECT else " (paraphrase)"
        # The codings as the statements CSV's `codings` column writes them: "United States: critical (criticise or
        # accuse); …", read in the entries' own query.
        coded = format_html("<p>Coded: {}.</p>", statement.codings_summary) if statement.codings_summary else ""
        return xml_text(
            format_html(
                "<p>{}</p><p>— {}, {}{}. Source: {}, “{}”.</p>{}",
                statement.text,
                speaker,
                statement.display_date,
                kind,
                statement.source.outlet.name,
                statement.source.title,
                coded,
            )
        )

    def item_link(self, statement) -> str:
        return statement.get_absolute_url()

    def item_updateddate(self, statement):
        return statement.updated_at

    def item_pubdate(self, statement):
        return statement.published_at

    def item_author_name(self, statement) -> str:
        return xml_text(statement.speaker.name)

    def item_categories(self, statement) -> list[str]:
        return [xml_text(topic.name) for topic in statement.topics.all()]


class ChangesFeed(Feed):
    """/changes.atom: the newest corrections and retractions of public statements, newest first, each saying what
    changed in the permalink's words with the Editor's public note (statements/revisions.py)."""

    feed_type = Atom1Feed
    title = "Statement Tracker: corrections and retractions"
    subtitle = f"The {FEED_SIZE} newest corrections and retractions of published statements."

    def link(self) -> str:
        return reverse("statements:about") + "#corrections-heading"

    def feed_url(self) -> str:
        return reverse("statements:changes_feed")

    def items(self) -> list[PublicChange]:
        return latest_changes(FEED_SIZE)

    def item_title(self, change: PublicChange) -> str:
        statement = change.statement
        what = "Corrected" if change.kind == "correction" else "Retracted"
        excerpt = Truncator(statement.text).chars(TITLE_EXCERPT_CHARS)
        return xml_text(f"{what}: {statement.speaker.name}, {statement.display_date}: {excerpt}")

    def item_description(self, change: PublicChange) -> str:
        """HTML (Atom type="html"), every value escaped by format_html."""
        note = format_html("<p>{}</p>", change.note) if change.note else ""
        return xml_text(format_html("<p>{}</p>{}<p>“{}”</p>", change.line, note, change.statement.text))

    def item_link(self, change: PublicChange) -> str:
        return change.statement.get_absolute_url()

    def item_guid(self, change: PublicChange) -> str:
        return f"{change.statement.get_absolute_url()}#{change.anchor}"

    item_guid_is_permalink = False

    def item_updateddate(self, change: PublicChange):
        return change.at

    def item_pubdate(self, change: PublicChange):
        return change.at

    def item_author_name(self, change: PublicChange) -> str:
        return xml_text(change.statement.speaker.name)
