import pytest

from dashlet.errors import SpecError
from dashlet.spec.tenancy import require_fail_closed, tenancy_report
from dashlet.store.definitions import ChartDef, DashboardDef, EmbedSettings, SourceDef, VariableDef

TENANT = VariableDef(name="TENANT", type="integer", hidden=True)
REGION = VariableDef(name="REGION", type="string", multi=True)


def embedded(
    *charts: ChartDef, variables: tuple[VariableDef, ...] = (TENANT, REGION), enabled: bool = True
) -> DashboardDef:
    return DashboardDef(
        id=1,
        organization_id=1,
        slug="sales",
        title="Sales",
        source=SourceDef(id=1, organization_id=1, name="w", url="sqlite://"),
        embed=EmbedSettings(enabled=enabled),
        variables=variables,
        charts=charts,
    )


def chart(slug: str, sql: str, *, shared: bool = False) -> ChartDef:
    return ChartDef(slug=slug, title=slug, type="table", sql=sql, shared=shared)


FILTERED = chart("filtered", "SELECT * FROM orders WHERE tenant_id = :TENANT")
UNFILTERED = chart("everything", "SELECT * FROM orders [[ WHERE region IN :REGION ]]")


def test_a_chart_filtered_outside_optional_clauses_passes() -> None:
    report = require_fail_closed(embedded(FILTERED))
    assert report.applies
    assert [(f.name, f.filtered_by) for f in report.findings] == [("filtered", ("TENANT",))]


def test_a_chart_without_a_hidden_variable_is_refused_by_name() -> None:
    with pytest.raises(SpecError) as caught:
        require_fail_closed(embedded(FILTERED, UNFILTERED))
    (problem,) = caught.value.problems
    assert problem.message.startswith(
        "Chart 'everything' does not filter by a hidden variable (:TENANT)"
    )
    assert "shared: true" in problem.message


def test_a_hidden_variable_only_inside_an_optional_clause_is_refused() -> None:
    optional = chart("optional", "SELECT * FROM orders WHERE 1 = 1 [[ AND tenant_id = :TENANT ]]")
    (refusal,) = tenancy_report(embedded(optional)).refusals
    assert refusal.problem is not None
    assert refusal.problem.startswith(
        "Chart 'optional' uses hidden variable TENANT only inside [[ ]]"
    )


def test_a_required_hidden_variable_may_sit_inside_an_optional_clause() -> None:
    required = VariableDef(name="TENANT", type="integer", hidden=True, required=True)
    optional = chart("optional", "SELECT * FROM orders WHERE 1 = 1 [[ AND tenant_id = :TENANT ]]")
    assert tenancy_report(embedded(optional, variables=(required,))).refusals == ()


def test_a_shared_chart_is_exempt() -> None:
    shared = chart("everything", UNFILTERED.sql, shared=True)
    report = require_fail_closed(embedded(FILTERED, shared))
    assert [f.shared for f in report.findings] == [False, True]


def test_viewer_choices_sql_must_filter_by_a_hidden_variable() -> None:
    region = VariableDef(
        name="REGION", type="string", choices_sql="SELECT DISTINCT region FROM orders"
    )
    (refusal,) = tenancy_report(embedded(FILTERED, variables=(TENANT, region))).refusals
    assert (refusal.kind, refusal.name) == ("choices", "REGION")


def test_hidden_variables_choices_sql_is_not_a_dropdown() -> None:
    tenant = VariableDef(
        name="TENANT", type="integer", hidden=True, choices_sql="SELECT id FROM tenants"
    )
    assert tenancy_report(embedded(FILTERED, variables=(tenant,))).refusals == ()


def test_the_rule_does_not_apply_while_embedding_is_off() -> None:
    report = tenancy_report(embedded(UNFILTERED, enabled=False))
    assert not report.applies
    assert report.refusals == ()
    assert report.findings[0].problem is not None  # what turning embedding on would refuse


def test_a_dashboard_without_hidden_variables_has_no_tenants_to_separate() -> None:
    report = require_fail_closed(embedded(UNFILTERED, variables=(REGION,)))
    assert not report.applies
    assert report.hidden == ()


def test_unreadable_sql_is_refused_rather_than_trusted() -> None:
    broken = chart("broken", "SELECT * FROM orders WHERE tenant_id = :TENANT AND name = 'x")
    (refusal,) = tenancy_report(embedded(broken)).refusals
    assert refusal.problem is not None
    assert "cannot be read" in refusal.problem
