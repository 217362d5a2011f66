"""Properties: no value, however hostile, changes the SQL sent to the driver, and every value
comes back from the database exactly as it was bound."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Connection, Engine, MetaData, Table, create_engine, event

from dashlet.query.sql import bind_type, parse_sql, render_sql
from dashlet.query.values import convert_value
from dashlet.store.definitions import VARIABLE_TYPES, VariableDef

INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE items; --",
    '" OR ""="',
    "/* :V */ [[ :V ]]",
    "\\'; SELECT 1; --",
    "$$ :V $$",
    "::text",
    "]] OR [[",
    "%(V)s %s ? $1",
    "ünïcödé ✓ 漢字 🙂",
]
injection_text = st.lists(
    st.one_of(st.sampled_from(INJECTIONS), st.text(max_size=20)), max_size=4
).map("".join)
any_text = st.one_of(st.sampled_from(INJECTIONS), injection_text, st.text()).filter(
    lambda value: "\x00" not in value
)
datetimes = st.datetimes(
    min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30)
)

# What a token or a URL may carry for each type: native JSON values and their text forms.
RAW_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "string": any_text,
    "integer": st.integers(-(2**63), 2**63 - 1).flatmap(lambda n: st.sampled_from([n, str(n)])),
    "number": st.floats(allow_nan=False, allow_infinity=False).flatmap(
        lambda x: st.sampled_from([x, repr(x)])
    ),
    "boolean": st.sampled_from([True, False, "true", "FALSE", "1", "0"]),
    "date": st.dates().map(lambda d: d.isoformat()),
    "datetime": datetimes.map(lambda d: d.isoformat()),
}
REFERENCE: dict[str, object] = {
    "string": "reference",
    "integer": 0,
    "number": 0.0,
    "boolean": False,
    "date": datetime.date(2000, 1, 1),
    "datetime": datetime.datetime(2000, 1, 1),
}
SINGLE_SQL = "SELECT :V AS v, ':V [[x]]' AS label FROM (SELECT 1 AS one) AS t [[WHERE :V = :V]]"
MULTI_SQL = "SELECT v FROM items WHERE 1 = 1 [[AND v IN :V]] -- :V"
EXAMPLES = settings(max_examples=60, deadline=None)


class Warehouse:
    """One engine per backend and module, recording each statement text its driver receives."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url)
        self.sent: list[str] = []
        event.listen(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn: Connection, cursor: Any, statement: str, *rest: Any) -> None:
        self.sent.append(statement)

    def run(self, sql: str, variable: VariableDef, value: Any) -> tuple[str, list[Any]]:
        """The SQL text the driver got and the `v` column, read back with the variable's type."""
        rendered = render_sql(parse_sql(sql), {"V": value}, {"V": variable})
        items = Table("items", MetaData(), Column("v", bind_type(variable)), prefixes=["TEMPORARY"])
        with self.engine.connect() as conn:
            if variable.multi:
                items.create(conn)
                if value:
                    conn.execute(items.insert(), [{"v": item} for item in value])
            statement = rendered.statement().columns(v=bind_type(variable))
            found = [row.v for row in conn.execute(statement)]
            sent = self.sent[-1]
            if variable.multi:
                items.drop(conn)
                conn.commit()  # else SQLite rolls back the drop but not the create
        return sent, found


@pytest.fixture(
    scope="module",
    params=["sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def warehouse(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Warehouse]:
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")  # temporary tables only
    else:
        url = f"{request.param}:///{tmp_path_factory.mktemp('warehouse') / 'w.db'}"
    warehouse = Warehouse(url)
    yield warehouse
    warehouse.engine.dispose()


@pytest.mark.parametrize("type_", VARIABLE_TYPES)
@EXAMPLES
@given(data=st.data())
def test_single_value_never_changes_the_sql_and_round_trips(
    warehouse: Warehouse, type_: str, data: st.DataObject
) -> None:
    variable = VariableDef("V", type_)
    value = convert_value(variable, data.draw(RAW_VALUES[type_]))
    reference_sql, _ = warehouse.run(SINGLE_SQL, variable, REFERENCE[type_])
    sql, found = warehouse.run(SINGLE_SQL, variable, value)
    assert sql == reference_sql
    assert found == [value]


@pytest.mark.parametrize("type_", VARIABLE_TYPES)
@EXAMPLES
@given(data=st.data())
def test_multi_value_never_changes_the_sql_and_matches_each_item(
    warehouse: Warehouse, type_: str, data: st.DataObject
) -> None:
    variable = VariableDef("V", type_, multi=True)
    value = convert_value(variable, data.draw(st.lists(RAW_VALUES[type_], max_size=5)))
    assert isinstance(value, list)
    reference_sql, _ = warehouse.run(MULTI_SQL, variable, [REFERENCE[type_]] * len(value))
    sql, found = warehouse.run(MULTI_SQL, variable, value)
    assert sql == reference_sql
    assert sorted(found) == sorted(value)
