"""The site's URLs, with stand-ins for the referral page and its edit form where the branch has none yet.

The coordinator's actions send the browser back to the referral page (``referrals:referral_detail``)
and link to the re-triage form (``referrals:referral_update``); the stand-ins give those names a
plain page so the actions' tests run whether or not the pages are there.
"""

from django.shortcuts import render
from django.urls import URLResolver, include, path

from escc_site.urls import urlpatterns as site_urlpatterns
from referrals import urls as referral_urls


def stand_in(request, pk):
    """The referral's coordinator's part alone, as the referral page includes it."""
    from referrals import selectors

    referral = selectors.referral_get_for_view(user=request.user, pk=pk)
    return render(request, "referrals/_coordinator_actions.html", {"referral": referral})


_named = {getattr(entry, "name", None) for entry in referral_urls.urlpatterns}
_stand_ins = [
    path(route, stand_in, name=name)
    for route, name in (("<int:pk>/", "referral_detail"), ("<int:pk>/edit/", "referral_update"))
    if name not in _named
]
urlpatterns = [
    *(entry for entry in site_urlpatterns if not (isinstance(entry, URLResolver) and entry.namespace == "referrals")),
    path("referrals/", include(([*referral_urls.urlpatterns, *_stand_ins], "referrals"))),
]
