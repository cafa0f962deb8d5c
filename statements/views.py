"""Public pages. Placeholder views until the timeline lands (issue 3): every one starts from public statements."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Country, Official, Statement, Topic


@require_GET
def timeline(request):
    statements = Statement.objects.published().with_related().with_role()[:50]
    return render(request, "statements/timeline.html", {"statements": statements})


@require_GET
def statement_detail(request, pk):
    statement = get_object_or_404(Statement.objects.public().with_related().with_role(), pk=pk)
    return render(request, "statements/statement_detail.html", {"statement": statement})


@require_GET
def official_detail(request, slug):
    official = get_object_or_404(Official, slug=slug)
    return render(request, "statements/official_detail.html", {"official": official})


@require_GET
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return render(request, "statements/topic_detail.html", {"topic": topic})


@require_GET
def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    return render(request, "statements/country_detail.html", {"country": country})
