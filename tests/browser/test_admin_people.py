"""The admin's people and secret tools in Chromium: members, the audit log, the organization
switcher, password change, and the Embedding page's rotate, revocation and token explainer.

Everything runs in organization ``people`` (made here with the browser suite's ``shop``
dashboard), so its secret and members change nothing for other tests.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jwt
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.organizations import reveal_secret
from dashlet.store.users import add_member
from tests.auth.members import PASSWORD, password_hash
from tests.browser.conftest import AdminOrg, Tab, sign_in, write_workspace

ORG = "people"


@pytest.fixture(scope="module")
def org(
    make_admin_org: Callable[[str], AdminOrg], tmp_path_factory: pytest.TempPathFactory
) -> AdminOrg:
    made = make_admin_org(ORG)
    apply_folder(made.db, write_workspace(tmp_path_factory.mktemp("people") / "workspace"), ORG)
    return made


@pytest.fixture
def browser_context_factory(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in browsers of their own (separate cookies), closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        contexts.append(browser.new_context())
        page = contexts[-1].new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def owner_page(tab: Tab, org: AdminOrg) -> Page:
    sign_in(tab.page, org, "owner")
    return tab.page


def token(org: AdminOrg, secret: str, **claims: object) -> str:
    dashboard = get_dashboard(org.db, org.slug, "shop")
    payload = {
        "organization": dashboard.organization_id,
        "dashboard": dashboard.id,
        "exp": time.time() + 600,
        "env": {"TENANT": 1},
        **claims,
    }
    return jwt.encode(payload, secret.encode(), "HS256")


def status_of(page: Page, org: AdminOrg, signed: str) -> int:
    return page.request.get(
        f"{org.live.base_url}/d/{org.slug}/shop/charts/total.json?embed_token={signed}"
    ).status


def log_in_with_form(page: Page, org: AdminOrg, email: str, password: str) -> None:
    page.goto(f"{org.live.base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_added_member_signs_in_with_the_role_they_were_given(
    owner_page: Page, org: AdminOrg, browser_context_factory: Callable[[], Page]
) -> None:
    owner_page.goto(org.url("/members"))
    owner_page.get_by_label("Email").fill("new.editor@people.test")
    owner_page.get_by_label("First password").fill("a first password")
    owner_page.locator(f"form[action='/o/{ORG}/members'] select[name=role]").select_option("editor")
    owner_page.get_by_role("button", name="Add member").click()
    owner_page.wait_for_url("**notice=member_added")
    expect(owner_page.locator("[data-member='new.editor@people.test']")).to_be_visible()
    newcomer = browser_context_factory()
    log_in_with_form(newcomer, org, "new.editor@people.test", "a first password")
    newcomer.wait_for_url(f"**/o/{ORG}/dashboards")
    nav = newcomer.get_by_role("navigation", name="Organization")
    expect(nav.get_by_role("link", name="Data sources")).to_be_visible()
    expect(nav.get_by_role("link", name="Embedding")).to_have_count(0)


def test_a_role_change_is_in_the_audit_log_with_who_did_it(owner_page: Page, org: AdminOrg) -> None:
    owner_page.goto(org.url("/members"))
    owner_page.get_by_label(f"Role of {org.email('viewer')}").select_option("editor")
    owner_page.locator(f"[data-member='{org.email('viewer')}']").get_by_role(
        "button", name="Change"
    ).click()
    owner_page.wait_for_url("**notice=member_changed")
    owner_page.get_by_role("link", name="Audit log").click()
    row = owner_page.locator("[data-action='member.role_changed']").first
    expect(row).to_contain_text(org.email("owner"))
    expect(row).to_contain_text(org.email("viewer"))


def test_the_last_owner_cannot_be_demoted(owner_page: Page, org: AdminOrg) -> None:
    owner_page.goto(org.url("/members"))
    owner_page.get_by_label(f"Role of {org.email('owner')}").select_option("viewer")
    owner_page.locator(f"[data-member='{org.email('owner')}']").get_by_role(
        "button", name="Change"
    ).click()
    expect(owner_page.locator("[data-code='conflict']")).to_be_visible()
    owner_page.goto(org.url("/members"))
    expect(owner_page.get_by_label(f"Role of {org.email('owner')}")).to_have_value("owner")


def test_a_member_of_two_organizations_switches_between_them(
    tab: Tab, org: AdminOrg, make_admin_org: Callable[[str], AdminOrg]
) -> None:
    other = make_admin_org("people-two")
    add_member(org.db, org.email("editor"), password_hash(), other.slug, "viewer")
    sign_in(tab.page, org, "editor")
    tab.page.goto(org.url("/dashboards"))
    tab.page.locator(".org-switcher select").select_option(other.slug)
    tab.page.wait_for_url(f"**/o/{other.slug}/dashboards")
    expect(tab.page.locator(".admin-nav").get_by_role("link", name="Data sources")).to_have_count(0)


def test_a_changed_password_signs_in_and_ends_the_other_sessions(
    org: AdminOrg, browser_context_factory: Callable[[], Page]
) -> None:
    email = "mover@people.test"
    add_member(org.db, email, password_hash(), ORG, "viewer")
    here, elsewhere = browser_context_factory(), browser_context_factory()
    for page in (here, elsewhere):
        log_in_with_form(page, org, email, PASSWORD)
        page.wait_for_url(f"**/o/{ORG}/dashboards")
    here.goto(f"{org.live.base_url}/account/password")
    here.get_by_label("Current password").fill(PASSWORD)
    here.get_by_label("New password").fill("a brand new password")
    here.get_by_role("button", name="Change password").click()
    here.wait_for_url("**notice=password_changed")
    elsewhere.goto(org.url("/dashboards"))
    elsewhere.wait_for_url("**/login**")
    log_in_with_form(elsewhere, org, email, "a brand new password")
    elsewhere.wait_for_url(f"**/o/{ORG}/dashboards")


def test_rotating_keeps_the_old_secret_working_for_the_grace_window(
    owner_page: Page, org: AdminOrg
) -> None:
    old = reveal_secret(org.db, ORG)
    owner_page.goto(org.url("/embedding"))
    owner_page.get_by_label(re.compile("Rotate, keeping the old secret")).fill("5")
    owner_page.get_by_role("button", name="Rotate").click()
    owner_page.wait_for_url("**notice=secret_rotated")
    owner_page.get_by_role("button", name="Reveal").click()
    new = owner_page.locator("#secret-value").text_content() or ""
    assert new != old
    assert status_of(owner_page, org, token(org, old)) == 200
    assert status_of(owner_page, org, token(org, new)) == 200


def test_a_revocation_rule_refuses_a_token_and_the_explainer_says_why(
    owner_page: Page, org: AdminOrg
) -> None:
    revoked = token(org, reveal_secret(org.db, ORG), jti="leaked-7")
    assert status_of(owner_page, org, revoked) == 200
    owner_page.goto(org.url("/embedding"))
    owner_page.get_by_label("Revoke").select_option("jti")
    owner_page.get_by_label("jti", exact=True).fill("leaked-7")
    owner_page.get_by_role("button", name="Add rule").click()
    owner_page.wait_for_url("**notice=revocation_added")
    assert status_of(owner_page, org, revoked) == 403
    owner_page.get_by_label("Embed token").fill(revoked)
    owner_page.get_by_role("button", name="Explain").click()
    failed = owner_page.locator(".checks .check-failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("leaked-7")


def test_an_editor_deletes_a_dashboard_after_typing_its_slug(
    tab: Tab, make_admin_org: Callable[[str], AdminOrg], tmp_path: Path
) -> None:
    doomed = make_admin_org("doomed")
    apply_folder(doomed.db, write_workspace(tmp_path / "workspace"), doomed.slug)
    signed = token(doomed, reveal_secret(doomed.db, doomed.slug))
    assert status_of(tab.page, doomed, signed) == 200
    sign_in(tab.page, doomed, "editor")
    tab.page.goto(doomed.url("/dashboards/shop"))
    tab.page.get_by_text("Delete this dashboard").click()
    tab.page.get_by_label(re.compile("to confirm")).fill("shop")
    tab.page.once("dialog", lambda dialog: dialog.accept())
    tab.page.get_by_role("button", name="Delete dashboard").click()
    tab.page.wait_for_url("**notice=dashboard_deleted")
    expect(tab.page.get_by_text("No dashboards yet")).to_be_visible()
    assert status_of(tab.page, doomed, signed) == 404
