import pytest

from dashlet.spec.document import YamlSyntaxError, field_name, read_yaml


def test_every_key_and_list_item_has_its_line() -> None:
    document = read_yaml("slug: a\ncharts:\n  - slug: one\n    title: One\n  - slug: two\n")
    assert document.line(("slug",)) == 1
    assert document.line(("charts", 0)) == 3
    assert document.line(("charts", 0, "title")) == 4
    assert document.line(("charts", 1, "slug")) == 5


def test_a_missing_field_takes_the_line_of_its_nearest_parent() -> None:
    document = read_yaml("charts:\n  - slug: one\n  - slug: two\n")
    assert document.line(("charts", 1, "title")) == 3


def test_block_sql_text_starts_on_the_line_after_its_key() -> None:
    document = read_yaml("a: 1\nsql: |\n  SELECT 1\n  FROM t\ninline: SELECT 2\n")
    assert document.text_line(("sql",)) == 3
    assert document.text_line(("inline",)) == 5


def test_a_key_given_twice_is_reported_with_the_second_line() -> None:
    document = read_yaml("slug: a\ntitle: A\nslug: b\n")
    assert document.duplicates == ((("slug",), 3),)


def test_a_key_may_override_a_merged_key() -> None:
    document = read_yaml("base: &b {width: 4}\nchart:\n  <<: *b\n  width: 6\n")
    assert document.data["chart"] == {"width": 6}
    assert document.duplicates == ()


def test_dates_stay_text_so_variable_types_decide() -> None:
    assert read_yaml("default: 2024-01-31\n").data == {"default": "2024-01-31"}


def test_keys_keep_their_text_even_when_yaml_1_1_would_read_a_boolean() -> None:
    assert read_yaml("on: yes\n").data == {"on": True}


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("slug: a\ntitle: Sales: overview\n")
    assert caught.value.line == 2
    assert caught.value.message == "YAML syntax error: Mapping values are not allowed here."


def test_an_alias_that_contains_itself_is_refused() -> None:
    with pytest.raises(YamlSyntaxError, match="refers to itself"):
        read_yaml("a: &x [1, *x]\n")


def test_an_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(YamlSyntaxError, match="too many values"):
        read_yaml("\n".join(lines))


def test_field_names_read_like_paths() -> None:
    assert field_name(("charts", 2, "sql")) == "charts[2].sql"
    assert field_name(("theme",)) == "theme"
    assert field_name(()) == ""
