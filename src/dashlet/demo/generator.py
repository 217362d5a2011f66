"""Generating the demo data: orders for many tenants, a pure function of (orders, tenants).

Every random draw is ``mix32`` (a 32-bit integer hash, written out in SQL below) of the row
number and a salt, never DuckDB's own ``hash()``, which may change between versions. Rows are
drawn by inverse CDF: each attribute has a table of integer cut points in [0, 2^32) and an ASOF
join picks the last cut at or below the draw. Tenants differ in size, growth, regional mix and
favourite category; orders follow a weekly rhythm and a yearly season with a holiday peak.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb

GENERATOR = 1  # bump whenever the generated data changes, so old files are rebuilt
LAST_DAY = dt.date(2026, 6, 30)  # fixed, so every build of the demo shows the same numbers
DAYS = 730
FIRST_DAY = LAST_DAY - dt.timedelta(days=DAYS - 1)
CHUNK_ROWS = 100_000

REGIONS = ("North America", "Europe", "Asia Pacific", "Latin America", "Middle East & Africa")
# name, share of orders, refund rate
CHANNELS = (
    ("Web", 45, 0.035),
    ("Mobile app", 25, 0.03),
    ("Marketplace", 15, 0.07),
    ("Retail partners", 10, 0.045),
    ("Direct sales", 5, 0.015),
)
CATALOG: dict[str, tuple[tuple[str, float], ...]] = {
    "Electronics": (
        ("Wireless earbuds", 79.0),
        ("Smart watch", 199.0),
        ("Bluetooth speaker", 59.0),
        ("USB-C charger", 24.99),
        ("Noise-cancelling headphones", 249.0),
        ("4K action camera", 329.0),
    ),
    "Home & Kitchen": (
        ("Espresso machine", 389.0),
        ("Chef's knife", 89.0),
        ("Air fryer", 129.0),
        ("Linen bedding set", 159.0),
        ("Ceramic cookware set", 219.0),
        ("Scented candle", 19.5),
    ),
    "Apparel": (
        ("Merino sweater", 98.0),
        ("Rain jacket", 149.0),
        ("Running shoes", 120.0),
        ("Organic cotton tee", 28.0),
        ("Denim jeans", 79.0),
        ("Wool socks", 24.0),
    ),
    "Sports & Outdoors": (
        ("Yoga mat", 45.0),
        ("Trail backpack", 139.0),
        ("Insulated bottle", 32.0),
        ("Camping tent", 279.0),
        ("Adjustable dumbbells", 299.0),
        ("Bike helmet", 69.0),
    ),
    "Beauty": (
        ("Vitamin C serum", 38.0),
        ("Daily moisturizer", 29.0),
        ("Hair dryer", 179.0),
        ("Sunscreen SPF 50", 22.0),
        ("Eau de parfum", 95.0),
        ("Beard oil", 18.0),
    ),
    "Books & Media": (
        ("Cookbook", 34.0),
        ("Bestselling novel", 18.99),
        ("Picture book", 14.99),
        ("Vinyl record", 29.99),
        ("Board game", 44.0),
        ("Jigsaw puzzle", 21.0),
    ),
}
NAME_FIRST = (
    "Acme", "Northwind", "Bluebird", "Copperleaf", "Evergreen", "Harbor", "Juniper", "Lumen",
    "Maple", "Nimbus", "Orchid", "Pioneer", "Quartz", "Redwood", "Summit", "Tidewater", "Umber",
    "Vista", "Willow", "Zephyr", "Atlas", "Beacon", "Cobalt", "Driftwood", "Ember",
)  # fmt: skip
NAME_SECOND = (
    "Outfitters", "Goods", "Market", "Supply", "Trading", "Collective", "Home", "Studio", "Co.",
    "Emporium", "Provisions", "Store", "Works", "Labs",
)  # fmt: skip

# lowbias32 (Chris Wellons' integer hash): a bijection on 32-bit integers with good avalanche.
MACROS = """
CREATE TEMP MACRO xs(x, s) AS xor(x, x >> s);
CREATE TEMP MACRO mix32(x) AS xs((xs((xs(x::UBIGINT & 4294967295, 16) * 2146121005)
    & 4294967295, 15) * 2221713035) & 4294967295, 16);
CREATE TEMP MACRO draw(h, salt) AS mix32(h + salt * 2246822519)::BIGINT;
CREATE TEMP MACRO unit(h, salt) AS draw(h, salt) / 4294967296.0;
CREATE TEMP MACRO cut(w, part, k) AS (coalesce(sum(w) OVER (PARTITION BY part ORDER BY k
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::HUGEINT * 4294967296
    // sum(w) OVER (PARTITION BY part))::BIGINT;
"""

SCHEMA = """
CREATE TABLE regions (region_id INTEGER PRIMARY KEY, region VARCHAR NOT NULL);
CREATE TABLE channels (channel_id INTEGER PRIMARY KEY, channel VARCHAR NOT NULL,
    share INTEGER NOT NULL, refund_rate DOUBLE NOT NULL);
CREATE TABLE categories (category_id INTEGER PRIMARY KEY, category VARCHAR NOT NULL);
CREATE TABLE products (product_id INTEGER PRIMARY KEY, product VARCHAR NOT NULL,
    category_id INTEGER NOT NULL, category VARCHAR NOT NULL, price DECIMAL(10, 2) NOT NULL);
CREATE TEMP TABLE tenant_names (tenant_id INTEGER, name VARCHAR, plan VARCHAR);
"""

# Weights per tenant, then integer cut points for every attribute an order draws.
CUTS = """
CREATE TEMP TABLE tenant_shape AS
SELECT tenant_id, 1 / pow(tenant_id, 0.9) AS size,
    -0.2 + 1.4 * pow(unit(mix32(tenant_id), 1), 1.5) AS growth,
    1 + floor(unit(mix32(tenant_id), 2) * getvariable('categories'))::INTEGER AS main_category,
    1 + floor(unit(mix32(tenant_id), 3) * getvariable('regions'))::INTEGER AS home_region
FROM range(1, getvariable('tenants') + 1) r(tenant_id);

CREATE TABLE tenants AS
SELECT n.tenant_id, n.name, n.plan, r.region AS home_region
FROM tenant_names n JOIN tenant_shape s USING (tenant_id) JOIN regions r ON r.region_id = s.home_region
ORDER BY n.tenant_id;

CREATE TEMP TABLE tenant_cut AS
SELECT tenant_id, cut(w, 0, tenant_id) AS cut,
    least(999999, greatest(1, round(getvariable('orders') * size / sum(size) OVER () / 5)))::BIGINT AS customers
FROM (SELECT *, round(1e6 * size)::BIGINT AS w FROM tenant_shape);

CREATE TEMP TABLE day_cut AS
WITH days AS (
    SELECT day, dayofyear(d) AS doy, isodow(d) AS dow
    FROM (SELECT day, getvariable('first_day') + day::INTEGER AS d FROM range(getvariable('days')) r(day))
), weights AS (
    SELECT t.tenant_id, days.day, greatest(1, round(1e6
        * pow(1 + t.growth, days.day / 365)
        * (1 + 0.6 * exp(-pow((doy - 331) / 9, 2)) + 0.4 * exp(-pow((doy - 350) / 8, 2))
           + 0.15 * exp(-pow((doy - 135) / 25, 2)) - 0.12 * exp(-pow((doy - 205) / 40, 2)))
        * [1.0, 1.06, 1.08, 1.05, 1.02, 0.86, 0.78][dow]
        * (0.85 + 0.3 * unit(mix32(t.tenant_id * 1000 + days.day), 4))))::BIGINT AS w
    FROM tenant_shape t CROSS JOIN days
)
SELECT tenant_id, day, cut(w, tenant_id, day) AS cut FROM weights;

CREATE TEMP TABLE region_cut AS
SELECT tenant_id, region, cut(w, tenant_id, region_id) AS cut FROM (
    SELECT t.tenant_id, r.region_id, r.region, round(1e6
        * (CASE WHEN r.region_id = t.home_region THEN 5 ELSE 1 END)
        * (0.2 + unit(mix32(t.tenant_id * 16 + r.region_id), 5)))::BIGINT AS w
    FROM tenant_shape t CROSS JOIN regions r);

CREATE TEMP TABLE channel_cut AS
SELECT tenant_id, channel_id, cut(w, tenant_id, channel_id) AS cut FROM (
    SELECT t.tenant_id, c.channel_id,
        round(1e6 * c.share * (0.4 + 1.2 * unit(mix32(t.tenant_id * 16 + c.channel_id), 6)))
        ::BIGINT AS w
    FROM tenant_shape t CROSS JOIN channels c);

CREATE TEMP TABLE category_cut AS
SELECT tenant_id, category_id, cut(w, tenant_id, category_id) AS cut FROM (
    SELECT t.tenant_id, c.category_id, round(1e6
        * (CASE WHEN c.category_id = t.main_category THEN 4 ELSE 1 END)
        * (0.3 + unit(mix32(t.tenant_id * 16 + c.category_id), 7)))::BIGINT AS w
    FROM tenant_shape t CROSS JOIN categories c);

CREATE TEMP TABLE product_cut AS
SELECT category_id, product_id, cut(w, category_id, product_id) AS cut FROM (
    SELECT category_id, product_id,
        round(1e6 * pow(price, -0.5) * (0.5 + unit(mix32(product_id), 8)))::BIGINT AS w
    FROM products);

CREATE TEMP TABLE staging (seq BIGINT, tenant_id INTEGER, customer_id BIGINT,
    ordered_at TIMESTAMP, order_date DATE, region VARCHAR, product_id INTEGER, product VARCHAR,
    category VARCHAR, channel VARCHAR, quantity INTEGER, unit_price DECIMAL(10, 2),
    amount DECIMAL(12, 2), status VARCHAR);
"""

ORDERS_CHUNK = """
INSERT INTO staging
WITH base AS (
    SELECT seq, draw(h, 11) AS r_tenant, draw(h, 12) AS r_day, draw(h, 13) AS r_region,
        draw(h, 14) AS r_channel, draw(h, 15) AS r_category, draw(h, 16) AS r_product,
        unit(h, 17) AS u_customer, unit(h, 18) AS u_quantity, unit(h, 19) AS u_discount,
        unit(h, 20) AS u_status, unit(h, 21) AS u_time_a, unit(h, 22) AS u_time_b
    FROM (SELECT seq, mix32(seq) AS h FROM range($lo, $hi) r(seq))
), by_tenant AS (
    SELECT b.*, t.tenant_id, t.customers FROM base b
    ASOF JOIN tenant_cut t ON b.r_tenant >= t.cut
), by_day AS (
    SELECT o.*, d.day FROM by_tenant o
    ASOF JOIN day_cut d ON o.tenant_id = d.tenant_id AND o.r_day >= d.cut
), by_region AS (
    SELECT o.*, r.region FROM by_day o
    ASOF JOIN region_cut r ON o.tenant_id = r.tenant_id AND o.r_region >= r.cut
), by_channel AS (
    SELECT o.*, c.channel_id FROM by_region o
    ASOF JOIN channel_cut c ON o.tenant_id = c.tenant_id AND o.r_channel >= c.cut
), by_category AS (
    SELECT o.*, c.category_id FROM by_channel o
    ASOF JOIN category_cut c ON o.tenant_id = c.tenant_id AND o.r_category >= c.cut
), by_product AS (
    SELECT o.*, p.product_id FROM by_category o
    ASOF JOIN product_cut p ON o.category_id = p.category_id AND o.r_product >= p.cut
), priced AS (
    SELECT o.*, p.product, p.category, c.channel, c.refund_rate,
        getvariable('first_day') + o.day::INTEGER AS order_date,
        least(12, 1 + floor(-ln(1 - o.u_quantity) * 0.6))::INTEGER AS quantity,
        round(p.price * (1 + 0.04 * o.day / 365), 2)::DECIMAL(10, 2) AS unit_price,
        CASE WHEN o.u_discount < 0.7 THEN 1.00 WHEN o.u_discount < 0.9 THEN 0.90 ELSE 0.80 END
            AS pay_share
    FROM by_product o
    JOIN products p USING (product_id)
    JOIN channels c USING (channel_id)
)
SELECT seq, tenant_id,
    tenant_id * 1000000 + 1 + floor(customers * pow(u_customer, 1.5))::BIGINT AS customer_id,
    order_date::TIMESTAMP + to_seconds(
        (floor(86400 * (u_time_a + u_time_b) / 2)::BIGINT + 3600) % 86400) AS ordered_at,
    order_date, region, product_id, product, category, channel, quantity, unit_price,
    round(unit_price * quantity * pay_share, 2)::DECIMAL(12, 2) AS amount,
    CASE WHEN u_status < refund_rate THEN 'refunded'
         WHEN u_status < refund_rate + 0.025 THEN 'cancelled'
         ELSE 'completed' END AS status
FROM priced
"""

# Ids follow time, as real order ids do; rows are stored by tenant so that a tenant's query
# reads only its own row groups.
FINISH = """
CREATE TABLE orders AS
SELECT row_number() OVER (ORDER BY ordered_at, seq) AS order_id, tenant_id, customer_id,
    ordered_at, order_date, region, product_id, product, category, channel, quantity,
    unit_price, amount, status
FROM staging ORDER BY tenant_id, ordered_at, seq;
"""


def step_count(orders: int) -> int:
    """How many steps ``generate`` takes for ``orders`` orders (for a progress bar)."""
    return len(range(0, orders, CHUNK_ROWS)) + 2


def generate(connection: duckdb.DuckDBPyConnection, *, orders: int, tenants: int) -> Iterator[None]:
    """Fill an empty database with the demo tables; yields after each of ``step_count`` steps."""
    connection.execute(MACROS)
    connection.execute(SCHEMA)
    _insert_dimensions(connection, tenants)
    for name, value in _build_variables(orders, tenants).items():
        connection.execute(f"SET VARIABLE {name} = ?", [value])
    connection.execute(CUTS)
    yield
    for lo in range(0, orders, CHUNK_ROWS):
        connection.execute(ORDERS_CHUNK, {"lo": lo, "hi": min(lo + CHUNK_ROWS, orders)})
        yield
    connection.execute(FINISH)
    yield


def _build_variables(orders: int, tenants: int) -> dict[str, Any]:
    return {
        "orders": orders,
        "tenants": tenants,
        "days": DAYS,
        "first_day": FIRST_DAY,
        "regions": len(REGIONS),
        "categories": len(CATALOG),
    }


def _insert_dimensions(connection: duckdb.DuckDBPyConnection, tenants: int) -> None:
    _insert(connection, "regions", list(enumerate(REGIONS, start=1)))
    _insert(connection, "channels", [(i, *row) for i, row in enumerate(CHANNELS, start=1)])
    _insert(connection, "categories", list(enumerate(CATALOG, start=1)))
    products = [
        (name, category_id, category, price)
        for category_id, (category, items) in enumerate(CATALOG.items(), start=1)
        for name, price in items
    ]
    _insert(connection, "products", [(i, *row) for i, row in enumerate(products, start=1)])
    _insert(connection, "tenant_names", [tenant_name(t, tenants) for t in range(1, tenants + 1)])


def tenant_name(tenant_id: int, tenants: int) -> tuple[int, str, str]:
    """A tenant's id, unique name and plan (the biggest tenants are on the biggest plans)."""
    index = tenant_id - 1
    name = f"{NAME_FIRST[index % len(NAME_FIRST)]} {NAME_SECOND[index % len(NAME_SECOND)]}"
    combinations = len(NAME_FIRST) * len(NAME_SECOND)
    if index >= combinations:
        name += f" {index // combinations + 1}"
    if tenant_id <= max(1, tenants // 10):
        plan = "enterprise"
    elif tenant_id <= tenants // 3:
        plan = "growth"
    else:
        plan = "starter"
    return tenant_id, name, plan


def _insert(
    connection: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]
) -> None:
    # One statement for all rows: executemany prepares and runs one statement per row.
    row = "(" + ", ".join("?" * len(rows[0])) + ")"
    values = ", ".join([row] * len(rows))
    connection.execute(
        f"INSERT INTO {table} VALUES {values}",  # noqa: S608 (table names are ours)
        [value for row_values in rows for value in row_values],
    )
