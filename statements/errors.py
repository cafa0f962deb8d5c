"""Short refusals (a bad request, too many requests) in the form the client reads: JSON {"detail": …} on the API,
a page like the rest of the site everywhere else."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def error_response(request, *, status: int, title: str, message: str) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        # The shape Django REST framework gives its own errors, so API clients handle every refusal alike.
        return JsonResponse({"detail": message}, status=status)
    return render(request, "statements/error.html", {"title": title, "message": message}, status=status)
