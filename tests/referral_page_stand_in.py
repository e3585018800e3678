"""The site's URLs, with a stand-in referral page where this checkout has none yet.

The referral page (``referrals:referral_detail``, which ``Referral.get_absolute_url`` names) is its own
feature; the escalation and the referral watch link their notifications to it and the page includes
the escalation part. Where the page exists, these are exactly the site's URLs and the tests use it.
The stand-in shows only the escalation part, which names no patient.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, include, path

from escc_site import urls as site
from referrals import selectors
from referrals import urls as referral_urls

HAS_REFERRAL_PAGE = any(isinstance(p, URLPattern) and p.name == "referral_detail" for p in referral_urls.urlpatterns)


def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for_view(user=request.user, pk=pk)
    return render(request, "referrals/_escalation.html", {"referral": referral})


handler500 = site.handler500
if HAS_REFERRAL_PAGE:
    urlpatterns = site.urlpatterns
else:
    referral_routes = [*referral_urls.urlpatterns, path("<int:pk>/", referral_page, name="referral_detail")]
    urlpatterns = [p for p in site.urlpatterns if getattr(p, "namespace", None) != "referrals"] + [
        path("referrals/", include((referral_routes, "referrals")))
    ]
