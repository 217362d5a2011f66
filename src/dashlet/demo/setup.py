"""Setting up the demo: warehouse, workspace, organization ``demo``, its owner, its dashboards.

Every step is idempotent, so ``dashlet demo`` can run again and again on the same data dir: the
warehouse is reused, the packaged YAML is copied over the last copy and applied again, and the
owner's password, generated once and kept in the data dir, is printed again.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import select

from dashlet.auth.passwords import hash_password, verify_password
from dashlet.config import Settings
from dashlet.demo.warehouse import WarehouseInfo, build_warehouse
from dashlet.errors import NotFound
from dashlet.spec.apply import ApplyReport, apply_folder
from dashlet.store.dashboards import list_dashboards
from dashlet.store.database import Database, open_database
from dashlet.store.definitions import DashboardDef
from dashlet.store.models import User
from dashlet.store.organizations import OrganizationInfo, create_organization, get_organization
from dashlet.store.users import add_member

ORG_SLUG = "demo"
ORG_NAME = "Dashlet demo"
OWNER_EMAIL = "owner@demo.dashlet.local"
OWNER_PASSWORD_FILE = "demo_owner_password"  # noqa: S105 (a file name)
DEMO_DIR = "demo"
WAREHOUSE_FILE = "warehouse.duckdb"
DEMO_TENANTS = 50


@dataclass(frozen=True)
class DemoInfo:
    """What ``ensure_demo`` set up; ``settings`` carry the server key the demo uses."""

    settings: Settings
    folder: Path
    warehouse: WarehouseInfo
    organization: OrganizationInfo
    owner_email: str
    owner_password: str
    dashboards: tuple[DashboardDef, ...]
    applied: ApplyReport


def ensure_demo(settings: Settings, *, orders: int = 1_000_000, progress: bool = True) -> DemoInfo:
    """Build or reuse everything the demo needs in ``settings.data_dir``; safe to call again."""
    settings = settings.with_demo_secret_key()
    folder = settings.data_dir / DEMO_DIR
    warehouse = build_warehouse(
        folder / WAREHOUSE_FILE, orders=orders, tenants=DEMO_TENANTS, progress=progress
    )
    copy_workspace(folder)
    db = open_database(settings)
    try:
        organization = _ensure_organization(db)
        password = _owner_password(settings.data_dir)
        _ensure_owner(db, password)
        applied = apply_folder(db, folder, ORG_SLUG)
        dashboards = tuple(list_dashboards(db, ORG_SLUG))
    finally:
        db.dispose()
    return DemoInfo(
        settings=settings,
        folder=folder,
        warehouse=warehouse,
        organization=organization,
        owner_email=OWNER_EMAIL,
        owner_password=password,
        dashboards=dashboards,
        applied=applied,
    )


def workspace() -> Traversable:
    """The packaged demo workspace: ``sources.yaml`` and ``dashboards/``."""
    return files("dashlet.demo") / "workspace"


def copy_workspace(folder: Path) -> None:
    """Copy the packaged workspace into ``folder``, replacing the YAML and SQL copied before."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in workspace().iterdir():
        target = folder / item.name
        if target.is_dir():
            shutil.rmtree(target)  # so a dashboard removed from the package goes away too
        _copy(item, target)


def _copy(item: Traversable, target: Path) -> None:
    if item.is_dir():
        target.mkdir()
        for child in item.iterdir():
            _copy(child, target / child.name)
    elif item.name.endswith((".yaml", ".sql")):
        target.write_bytes(item.read_bytes())


def _ensure_organization(db: Database) -> OrganizationInfo:
    try:
        return get_organization(db, ORG_SLUG)
    except NotFound:
        return create_organization(db, ORG_SLUG, ORG_NAME)


def _owner_password(data_dir: Path) -> str:
    """The demo owner's password: made once, kept readable by this user only."""
    path = data_dir / OWNER_PASSWORD_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(12))
    return path.read_text().strip()


def _ensure_owner(db: Database, password: str) -> None:
    """Make the owner login, and make sure the password printed is the one that works."""
    add_member(db, OWNER_EMAIL, hash_password(password), ORG_SLUG, "owner")
    with db.session() as session:
        user = session.scalars(select(User).where(User.email == OWNER_EMAIL)).one()
        if not verify_password(user.password_hash, password):
            user.password_hash = hash_password(password)
