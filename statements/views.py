"""Public pages: the filterable timeline, a permalink per statement, entity pages and indexes.

Every query starts from `Statement.objects.published()` (lists, counts, facets, chart) or `.public()` (a permalink,
which keeps resolving after a retraction). Drafts are never selected, so they 404 everywhere.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from .alerts.subscribing import alert_form_context, alert_query_for
from .citations import FORMATS, Citation
from .compare.relations import pair_slug, partners
from .corrections import ErrorReportForm, file_report
from .models import Coding, Country, Official, OptionCount, Statement, StatementLink, Status, Topic
from .positions.agreement import figures as agreement_figures
from .revisions import Revisions, revisions
from .timeline.form import topic_tree
from .timeline.page import PageNotFound, group_by_date, page_not_found, paginate, timeline_page

RELATED_LIMIT = 10


@require_safe
def timeline(request):
    """The public timeline at /: filter form, facets, volume chart and a page of statements under date headings."""
    return timeline_page(request)


def entity_timeline(request, template: str, context: dict, statements, *, alert_query: str):
    """An entity page: its own details plus its published statements, paginated under date headings, and the form
    to follow them by email (`alert_query`: the same statements as a filter of the timeline)."""
    try:
        page = paginate(request, statements.newest_first())
    except PageNotFound:
        return page_not_found(request)
    context.update(page=page, groups=group_by_date(page.object_list), **alert_form_context(alert_query))
    return render(request, template, context)


def public_statement(pk) -> Statement:
    """A published or retracted statement with everything its permalink shows; a draft or unknown id is a 404."""
    statements = Statement.objects.public().with_related().with_other_reports(passages=True).with_role().with_passage()
    return get_object_or_404(statements, pk=pk)


def citation_of(request, statement: Statement) -> tuple[Citation, Revisions]:
    """The statement's citation, in the version of its last public correction (statements/revisions.py)."""
    found = revisions(statement)
    # A statement made public before its history was kept has no public version in it: its publication stands in.
    made_public = statement.published_at or statement.updated_at
    first = found.first_public or timezone.localdate(made_public)
    url = request.build_absolute_uri(statement.get_absolute_url())
    return Citation(statement, url, found.version or first, first), found


def permalink(request, statement: Statement, report_form: ErrorReportForm, *, status: int = 200):
    topic_ids = [topic.pk for topic in statement.topics.all()]
    related = []
    if topic_ids:
        related = list(
            Statement.objects.published()
            .for_official(statement.speaker_id)
            .linked_to(topics=topic_ids)
            .exclude(pk=statement.pk)
            .newest_first()[:RELATED_LIMIT]
        )
    citation, found = citation_of(request, statement)
    context = {
        "statement": statement,
        "citation": citation,
        "corrections": found.corrections,
        "related": related,
        "codings": list(Coding.objects.filter(statement=statement).for_display()),
        "links": StatementLink.objects.shown_on(statement),
        "retracted": statement.status == Status.RETRACTED,
        "report_form": report_form,
    }
    return render(request, "statements/statement_detail.html", context, status=status)


@require_safe
def statement_detail(request, pk):
    """A permalink: published or retracted (with the reason); a draft is a 404."""
    return permalink(request, public_statement(pk), ErrorReportForm())


@require_safe
def statement_citation(request, pk, fmt):
    """The permalink's citation as a file for a reference manager: BibTeX, RIS or CSL-JSON. A draft is a 404."""
    if fmt not in FORMATS:
        raise Http404("Citations are offered as cite.bib, cite.ris and cite.json.")
    citation, _ = citation_of(request, public_statement(pk))
    content_type, extension, _ = FORMATS[fmt]
    response = HttpResponse(citation.download(fmt), content_type=content_type)
    filename = f"statement-{pk}-{citation.version.isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def report_error(request, pk):
    """The permalink's "Report an error" form: stored for the Editors, then back to the permalink with thanks.

    Bad input re-renders the permalink with the messages by the fields (400) and stores nothing.
    """
    statement = public_statement(pk)
    form = ErrorReportForm(request.POST)
    if not form.is_valid():
        return permalink(request, statement, form, status=400)
    if not form.is_spam():  # a bot gets the same thanks, so it learns nothing
        file_report(statement=statement, message=form.cleaned_data["message"], email=form.cleaned_data["email"])
    messages.success(request, "Thank you: your report has reached the editors.")
    return redirect(statement.get_absolute_url() + "#report")


@require_safe
def official_detail(request, slug):
    official = get_object_or_404(Official.objects.public().select_related("country"), slug=slug)
    context = {"official": official, "positions": list(official.positions.select_related("country"))}
    return entity_timeline(
        request,
        "statements/official_detail.html",
        context,
        Statement.objects.published().for_official(official),
        alert_query=alert_query_for(speaker=official.slug),
    )


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    ids = Topic.subtree_ids([topic])
    statements = Statement.objects.published().linked_to(topics=ids)
    context = {"topic": topic, "children": list(topic.children.all())}
    return entity_timeline(
        request, "statements/topic_detail.html", context, statements, alert_query=alert_query_for(topic=topic.slug)
    )


@require_safe
def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    officials = list(Official.objects.with_published_statements().filter(country=country).order_by("name"))
    statements = Statement.objects.published().linked_to(countries=[country.pk])
    relations = [(partner, pair_slug(country, partner)) for partner in partners(country)]
    context = {"country": country, "officials": officials, "relations": relations}
    return entity_timeline(
        request,
        "statements/country_detail.html",
        context,
        statements,
        alert_query=alert_query_for(country=country.code),
    )


def with_counts(objects, counts: dict[int, int]) -> list:
    """The objects that have published statements, each with its count as `n`."""
    found = []
    for obj in objects:
        obj.n = counts.get(obj.pk, 0)
        if obj.n > 0:
            found.append(obj)
    return found


@require_safe
def official_list(request):
    counts = OptionCount.objects.counts().speakers  # kept by triggers (docs/option-counts.md)
    officials = with_counts(Official.objects.select_related("country").order_by("name"), counts)
    return render(request, "statements/official_list.html", {"officials": officials})


@require_safe
def topic_list(request):
    counts = OptionCount.objects.counts().tagged()
    topics = list(Topic.objects.all())
    for topic in topics:
        topic.n = counts.get(topic.pk, 0)  # every topic is listed, with 0 when it has no published statements
    return render(request, "statements/topic_list.html", {"topics": topic_tree(topics)})


@require_safe
def country_list(request):
    countries = with_counts(Country.objects.order_by("name"), OptionCount.objects.counts().countries)
    return render(request, "statements/country_list.html", {"countries": countries})


@require_safe
def about(request):
    """The about page, with the latest coding agreement figures (docs/codebook.md#agreement), read from the data."""
    return render(request, "statements/about.html", {"agreement": agreement_figures()})
