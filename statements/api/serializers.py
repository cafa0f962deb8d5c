"""What the API shows: names and slugs next to every reference, never internal fields (notes, authors, drafts)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Coding, Country, Official, Position, Statement, Topic
from ..positions.models import LINKED_FROM, LinkKind


def absolute(request, path: str) -> str:
    """An absolute URL when serialising for a request (always in views), the bare path otherwise."""
    return request.build_absolute_uri(path) if request is not None else path


class CountryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class TopicRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["name", "slug"]


class OfficialRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The official's public page.")

    class Meta:
        model = Official
        fields = ["name", "slug", "url"]

    def get_url(self, official) -> str:
        return absolute(self.context.get("request"), official.get_absolute_url())


class SourceSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.name")
    title = serializers.CharField()
    url = serializers.CharField(help_text="The report's URL; empty when it is not online.")
    published_on = serializers.DateField()
    medium = serializers.CharField(help_text="interview, press_conference, article, …")
    venue = serializers.CharField(help_text="Where it was said when that is not the outlet, e.g. CNN.")


class OtherReportSerializer(serializers.Serializer):
    """Another source that reported the statement (docs/trust.md#other-reports): never its kept text."""

    outlet = serializers.CharField(source="source.outlet.name")
    outlet_slug = serializers.CharField(source="source.outlet.slug", help_text="The outlet's slug, as `outlet=` takes.")
    title = serializers.CharField(source="source.title")
    url = serializers.CharField(source="source.url", help_text="The report's URL; empty when it is not online.")
    published_on = serializers.DateField(source="source.published_on")
    language = serializers.CharField(source="source.language", help_text="ISO 639-1 code of the report, e.g. en, ru.")
    medium = serializers.CharField(source="source.medium", help_text="interview, press_conference, article, …")
    venue = serializers.CharField(source="source.venue", help_text="Where it was said when that is not the outlet.")
    wording = serializers.SerializerMethodField(
        help_text="The report's own words when they differ from the statement's `text` (a translation, another "
        "transcript); empty when it reports the same words."
    )

    def get_wording(self, report) -> str:
        return report.text if report.wording_differs() else ""


class CodingSerializer(serializers.ModelSerializer):
    """A coding of the statement (docs/codebook.md): its target, stance and speech act, as numbers and in words."""

    target_type = serializers.SerializerMethodField(help_text="country, or official (a person or an institution).")
    target_country = CountryRefSerializer(allow_null=True, help_text="The target country (null for an official).")
    target_official = OfficialRefSerializer(
        allow_null=True, help_text="The target official or institution (null for a country)."
    )
    stance = serializers.IntegerField(
        allow_null=True, help_text="-2 (hostile) to 2 (strongly supportive); null: no stance, which is not 0."
    )
    stance_words = serializers.CharField(help_text="The stance in words: “Critical (−1)”, or “No stance”.")
    act = serializers.CharField(help_text="The speech act's value (criticise, warn…); empty until coded.")
    act_words = serializers.CharField(source="get_act_display", help_text="The speech act in words; empty until coded.")

    class Meta:
        model = Coding
        fields = [
            "target_type",
            "target_country",
            "target_official",
            "stance",
            "stance_words",
            "act",
            "act_words",
            "coded_at",
        ]

    def get_target_type(self, coding) -> str:
        return "country" if coding.target_country_id else "official"


class LinkedStatementSerializer(serializers.Serializer):
    """The statement at the other end of a link: enough to cite it and to fetch it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Its permalink page.")
    api_url = serializers.SerializerMethodField()
    date = serializers.DateField()
    date_precision = serializers.CharField()

    def get_url(self, statement) -> str:
        return absolute(self.context.get("request"), statement.get_absolute_url())

    def get_api_url(self, statement) -> str:
        return absolute(self.context.get("request"), reverse("api:statement-detail", kwargs={"pk": statement.pk}))


class LinkSerializer(serializers.Serializer):
    """A typed link, read from this statement: to an earlier statement ("responds_to"), or from a later one."""

    direction = serializers.ChoiceField(
        choices=["earlier", "later"],
        help_text="earlier: this statement links to an earlier one; later: a later statement links to this one.",
    )
    kind = serializers.ChoiceField(choices=LinkKind.values, help_text="How the later statement relates to the earlier.")
    words = serializers.CharField(help_text="The link as the permalink reads it: “Responds to”, “Answered by”…")
    statement = LinkedStatementSerializer(help_text="The statement at the other end (never a draft).")


def links_shown(statement) -> list[dict]:
    """Both directions of a statement's links, from `with_codings_and_links()`'s prefetches: earlier ones first."""
    earlier = [
        {"direction": "earlier", "kind": link.kind, "words": LinkKind(link.kind).label, "statement": link.linked}
        for link in statement.public_links
    ]
    later = [
        {
            "direction": "later",
            "kind": link.kind,
            "words": LINKED_FROM[LinkKind(link.kind)],
            "statement": link.statement,
        }
        for link in statement.public_linked_from
    ]
    return earlier + later


class StatementSerializer(serializers.ModelSerializer):
    """One published statement, as the timeline shows it, with its other reports, codings and links. Expects
    `for_api()`."""

    url = serializers.SerializerMethodField(help_text="The statement's permalink page.")
    api_url = serializers.SerializerMethodField()
    speaker = OfficialRefSerializer()
    speaker_role = serializers.SerializerMethodField(help_text="The speaker's position on the statement's date.")
    speaker_country = CountryRefSerializer(source="speaker.country", allow_null=True)
    topics = TopicRefSerializer(many=True)
    countries = CountryRefSerializer(many=True, help_text="Countries the statement concerns.")
    officials_mentioned = OfficialRefSerializer(source="mentioned_officials", many=True)
    source = SourceSerializer()
    other_reports = OtherReportSerializer(
        many=True, help_text="Other sources that reported the statement, earliest published first."
    )
    codings = CodingSerializer(many=True, help_text="How the statement is coded toward each target (docs/codebook.md).")
    links = serializers.SerializerMethodField(help_text="Typed links to earlier and from later public statements.")

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "api_url",
            "date",
            "date_precision",
            "speaker",
            "speaker_role",
            "speaker_country",
            "kind",
            "text",
            "original_text",
            "original_language",
            "topics",
            "countries",
            "officials_mentioned",
            "source",
            "other_reports",
            "updated_at",
            "codings",
            "links",
        ]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, statement) -> list[dict]:
        return LinkSerializer(links_shown(statement), many=True, context=self.context).data

    def get_url(self, statement) -> str:
        return absolute(self.context.get("request"), statement.get_absolute_url())

    def get_api_url(self, statement) -> str:
        return absolute(self.context.get("request"), reverse("api:statement-detail", kwargs={"pk": statement.pk}))

    def get_speaker_role(self, statement) -> str:
        return statement.role_on_date()


class StatementDetailSerializer(StatementSerializer):
    """A permalink keeps resolving after a retraction: the detail adds the status and the reason."""

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "status", "retraction_reason"]


class PositionSerializer(serializers.ModelSerializer):
    country = CountryRefSerializer(allow_null=True)

    class Meta:
        model = Position
        fields = ["title", "organisation", "country", "start_date", "end_date"]


class OfficialSerializer(serializers.ModelSerializer):
    """An official with the positions held and how many published statements they made."""

    url = serializers.SerializerMethodField(help_text="The official's public page.")
    api_url = serializers.SerializerMethodField()
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField())
    country = CountryRefSerializer(allow_null=True)
    positions = PositionSerializer(many=True)
    statement_count = serializers.SerializerMethodField(help_text="Published statements by this official.")
    statements_url = serializers.SerializerMethodField(help_text="This official's statements in the API.")

    class Meta:
        model = Official
        fields = [
            "name",
            "slug",
            "url",
            "api_url",
            "aliases",
            "country",
            "wikidata_id",
            "is_synthetic",
            "positions",
            "statement_count",
            "statements_url",
        ]

    def get_statement_count(self, official) -> int:
        return self.context["counts"].speakers.get(official.pk, 0)

    def get_url(self, official) -> str:
        return absolute(self.context.get("request"), official.get_absolute_url())

    def get_api_url(self, official) -> str:
        return absolute(self.context.get("request"), reverse("api:official-detail", kwargs={"slug": official.slug}))

    def get_statements_url(self, official) -> str:
        return absolute(self.context.get("request"), f"{reverse('api:statement-list')}?speaker={official.slug}")


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The topic's public page.")
    api_url = serializers.SerializerMethodField()
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The parent topic's slug (null for a top topic)."
    )
    statement_count = serializers.SerializerMethodField(help_text="Published statements tagged with this topic itself.")
    statements_url = serializers.SerializerMethodField(help_text="Statements on this topic and its sub-topics.")

    class Meta:
        model = Topic
        fields = ["name", "slug", "url", "api_url", "parent", "description", "statement_count", "statements_url"]

    def get_statement_count(self, topic) -> int:
        return self.context["counts"].tagged().get(topic.pk, 0)

    def get_url(self, topic) -> str:
        return absolute(self.context.get("request"), topic.get_absolute_url())

    def get_api_url(self, topic) -> str:
        return absolute(self.context.get("request"), reverse("api:topic-detail", kwargs={"slug": topic.slug}))

    def get_statements_url(self, topic) -> str:
        return absolute(self.context.get("request"), f"{reverse('api:statement-list')}?topic={topic.slug}")


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The country's public page.")
    api_url = serializers.SerializerMethodField()
    statement_count = serializers.SerializerMethodField(help_text="Published statements concerning this country.")
    speaker_statement_count = serializers.SerializerMethodField(
        help_text="Published statements by this country's officials."
    )
    statements_url = serializers.SerializerMethodField(help_text="Statements concerning this country.")

    class Meta:
        model = Country
        fields = ["code", "name", "url", "api_url", "statement_count", "speaker_statement_count", "statements_url"]

    def get_statement_count(self, country) -> int:
        return self.context["counts"].countries.get(country.pk, 0)

    def get_speaker_statement_count(self, country) -> int:
        if "speaker_countries" not in self.context:  # once a request: the context is shared by a list's rows
            country_of = dict(Official.objects.exclude(country=None).values_list("pk", "country_id"))
            self.context["speaker_countries"] = self.context["counts"].speaker_countries(country_of)
        return self.context["speaker_countries"].get(country.pk, 0)

    def get_url(self, country) -> str:
        return absolute(self.context.get("request"), country.get_absolute_url())

    def get_api_url(self, country) -> str:
        return absolute(self.context.get("request"), reverse("api:country-detail", kwargs={"code": country.code}))

    def get_statements_url(self, country) -> str:
        return absolute(self.context.get("request"), f"{reverse('api:statement-list')}?country={country.code}")
