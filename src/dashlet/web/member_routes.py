"""The native dashboard view: the embed page's renderer and data routes, for signed-in members.

    GET /o/{org}/dashboards/{slug}/view                      the page (the admin page frames it)
    GET /o/{org}/dashboards/{slug}/data                      every chart's data, as NDJSON
    GET /o/{org}/dashboards/{slug}/charts/{chart}.json|.csv  one chart's data, its CSV
    GET /o/{org}/dashboards/{slug}/variables/{name}/choices.json   a filter's options
Authorized by the session cookie: any member who may read dashboards sets every variable,
hidden ones too (a member of the organization sees all its tenants). No embed token, usage
counting, enable switch or revocation rules: those are embed concepts.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dashlet.auth.principals import member_principal
from dashlet.auth.roles import Action
from dashlet.embed.access import Grant, member_grant, member_page_grant
from dashlet.embed.directory import OrganizationEntry
from dashlet.errors import DashletError, NotFound
from dashlet.store.definitions import DashboardDef
from dashlet.store.organizations import SLUG as ORGANIZATION_SLUG
from dashlet.web import guards
from dashlet.web.data_routes import DashboardData, services, viewer_values
from dashlet.web.embed_page import PageSetup, render_embed_page
from dashlet.web.errors import refusal_response

DASHBOARD = "/o/{org}/dashboards/{slug}"
FRAMED_BY = ("'self'",)  # only the admin page, on this origin, frames the view


def member_dashboard(request: Request) -> tuple[OrganizationEntry, DashboardDef]:
    """The URL's dashboard, for a signed-in member of its organization who may read it.

    Refuses in this order: no session (401), not a member or no such role (403), no such
    dashboard (404), so a stranger never learns which dashboards exist.
    """
    org = request.path_params["org"]
    signed_in = guards.signed_in_user(request)
    if not ORGANIZATION_SLUG.match(org):  # never sent to the database (see EmbedGate)
        raise NotFound()
    found = services(request)
    member_principal(found.db, signed_in, org).require(Action.READ_DASHBOARDS)
    return found.gate.dashboard(org, request.path_params["slug"])


def member_grant_of(request: Request) -> Grant:
    """A data request's grant: the member's session, then their ``var.NAME`` values."""
    organization, dashboard = member_dashboard(request)
    return member_grant(organization, dashboard, viewer_values(request))


async def view(request: Request) -> Response:
    """The dashboard page for a member, framed by the admin page; a refusal page without."""
    try:
        organization, dashboard = member_dashboard(request)
    except DashletError as error:
        # A refusal, never a redirect to sign-in: the page lives in a frame.
        return refusal_response(error, html=True, frame_ancestors=FRAMED_BY)
    base = DASHBOARD.format(org=organization.info.slug, slug=dashboard.slug)
    setup = PageSetup(base, "", FRAMED_BY)
    return render_embed_page(request, member_page_grant(organization, dashboard), setup)


def member_routes() -> list[BaseRoute]:
    return [
        Route(DASHBOARD + "/view", view, methods=["GET"]),
        *DashboardData(member_grant_of).routes(DASHBOARD),
    ]
