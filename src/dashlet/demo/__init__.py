"""The demo: a generated DuckDB warehouse of orders for many tenants, and dashboards over it.

``dashlet.demo.warehouse.build_warehouse`` makes the data; ``dashlet.demo.setup.ensure_demo``
puts the organization ``demo``, its owner and the packaged ``workspace/`` dashboards in place.
"""
