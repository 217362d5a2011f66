"""The admin web app's routes: sign-in, dashboards, embed settings, embedding, usage, members,
audit, data sources. Each page module checks the role the route needs (``admin_pages.member``)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from dashlet.web import (
    admin_account,
    admin_api_keys,
    admin_audit,
    admin_dashboards,
    admin_editor,
    admin_embed_panel,
    admin_embedding,
    admin_members,
    admin_sources,
    admin_usage,
)
from dashlet.web.member_routes import member_routes

GET, POST = ["GET"], ["POST"]
ORG = "/o/{org}"
EMBEDDING = ORG + "/embedding"
DASHBOARD = ORG + "/dashboards/{slug}"
SOURCE = ORG + "/sources/{source_id:int}"


def admin_routes() -> list[BaseRoute]:
    return [
        Route("/", admin_account.home, methods=GET),
        Route("/switch", admin_account.switch_organization, methods=GET),
        Route("/login", admin_account.login_page, methods=GET),
        Route("/login", admin_account.login, methods=POST),
        Route("/logout", admin_account.logout, methods=POST),
        Route("/account/password", admin_account.password_page, methods=GET),
        Route("/account/password", admin_account.change_password, methods=POST),
        Route(ORG + "/dashboards", admin_dashboards.dashboards_page, methods=GET),
        Route(ORG + "/new-dashboard", admin_editor.new_page, methods=GET),
        Route(DASHBOARD, admin_dashboards.dashboard_page, methods=GET),
        Route(DASHBOARD + "/edit", admin_editor.edit_page, methods=GET),
        Route(DASHBOARD + "/delete", admin_dashboards.delete_dashboard, methods=POST),
        *member_routes(),  # the native view's page and data, framed by the page above
        Route(DASHBOARD + "/embed", admin_embed_panel.embed_panel, methods=GET),
        Route(DASHBOARD + "/embed", admin_embed_panel.save_embed_settings, methods=POST),
        Route(DASHBOARD + "/embed/preview", admin_embed_panel.preview, methods=POST),
        Route(EMBEDDING, admin_embedding.embedding_page, methods=GET),
        Route(EMBEDDING + "/secret/reveal", admin_embedding.reveal_secret, methods=POST),
        Route(EMBEDDING + "/secret/reset", admin_embedding.reset_secret, methods=POST),
        Route(EMBEDDING + "/secret/rotate", admin_embedding.rotate_secret, methods=POST),
        Route(EMBEDDING + "/settings", admin_embedding.change_embedding, methods=POST),
        Route(EMBEDDING + "/revocations", admin_embedding.add_revocation, methods=POST),
        Route(
            EMBEDDING + "/revocations/{rule_id:int}/remove",
            admin_embedding.remove_revocation,
            methods=POST,
        ),
        Route(EMBEDDING + "/explain", admin_embedding.explain, methods=POST),
        Route(ORG + "/usage", admin_usage.usage_page, methods=GET),
        Route(ORG + "/members", admin_members.members_page, methods=GET),
        Route(ORG + "/members", admin_members.invite, methods=POST),
        Route(ORG + "/members/{user_id:int}/role", admin_members.change_role, methods=POST),
        Route(ORG + "/members/{user_id:int}/remove", admin_members.remove, methods=POST),
        Route(ORG + "/api-keys", admin_api_keys.api_keys_page, methods=GET),
        Route(ORG + "/api-keys", admin_api_keys.create_key, methods=POST),
        Route(ORG + "/api-keys/{key_id:int}/revoke", admin_api_keys.revoke_key, methods=POST),
        Route(ORG + "/audit", admin_audit.audit_page, methods=GET),
        Route(ORG + "/sources", admin_sources.sources_page, methods=GET),
        Route(ORG + "/sources", admin_sources.add_source, methods=POST),
        Route(SOURCE, admin_sources.edit_page, methods=GET),
        Route(SOURCE, admin_sources.save_source, methods=POST),
        Route(SOURCE + "/test", admin_sources.run_connection_test, methods=POST),
    ]
