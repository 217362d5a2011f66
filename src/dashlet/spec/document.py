"""YAML read with positions: plain data plus the line of every key and list item.

PyYAML's composer keeps a mark on every node; walking the nodes ourselves lets each value be
found again by its field path (``("charts", 2, "sql")``) when a later check refuses it. The walk
also refuses what PyYAML would accept silently: a key given twice (the last would win) and alias
bombs or cycles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

FieldPath = tuple[str | int, ...]

MAX_NODES = 100_000  # far above any real dashboard; stops "billion laughs" alias expansion
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"


def field_name(path: FieldPath) -> str:
    """``("charts", 2, "sql")`` as ``charts[2].sql``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class YamlSyntaxError(Exception):
    """The text is not YAML Dashlet can read; ``line`` is 1-based."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Document:
    """A YAML document's data, with the line of each field path and of each scalar's text."""

    data: Any
    lines: Mapping[FieldPath, int]
    text_lines: Mapping[FieldPath, int]
    duplicates: tuple[tuple[FieldPath, int], ...] = ()

    def line(self, path: FieldPath) -> int | None:
        """The line of ``path``, else of its nearest parent that exists in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def text_line(self, path: FieldPath) -> int | None:
        """The line where the text of scalar ``path`` begins (after a ``|`` or ``>``)."""
        return self.text_lines.get(path, self.line(path))


@dataclass
class _Walk:
    constructor: yaml.constructor.SafeConstructor
    lines: dict[FieldPath, int] = field(default_factory=dict)
    text_lines: dict[FieldPath, int] = field(default_factory=dict)
    duplicates: list[tuple[FieldPath, int]] = field(default_factory=list)
    active: set[int] = field(default_factory=set)
    count: int = 0

    def value(self, node: Node, path: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlSyntaxError(_line(node), "The document expands to too many values.")
        if isinstance(node, ScalarNode):
            block = node.style in ("|", ">")
            self.text_lines[path] = _line(node) + (1 if block else 0)
            # Dates stay text: variable types decide how a default is read, not YAML.
            if node.tag == TIMESTAMP_TAG:
                return node.value
            try:
                return self.constructor.construct_object(node)
            except yaml.constructor.ConstructorError as error:
                raise YamlSyntaxError(_line(node), _sentence(error.problem)) from None
        if id(node) in self.active:
            raise YamlSyntaxError(_line(node), "An alias refers to itself.")
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return self.sequence(node, path)
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise YamlSyntaxError(_line(node), "This YAML node is not supported.")

    def sequence(self, node: SequenceNode, path: FieldPath) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            self.lines[(*path, index)] = _line(item)
            items.append(self.value(item, (*path, index)))
        return items

    def mapping(self, node: MappingNode, path: FieldPath) -> dict[str, Any]:
        own = {id(key) for key, _ in node.value if key.tag != MERGE_TAG}
        try:
            self.constructor.flatten_mapping(node)  # resolve `<<:` merge keys like PyYAML does
        except yaml.constructor.ConstructorError as error:
            raise YamlSyntaxError(_line(node), _sentence(error.problem)) from None
        result: dict[str, Any] = {}
        written: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlSyntaxError(_line(key_node), "A key must be plain text.")
            # The key's own text: YAML 1.1 would read `on:` or `yes:` as the boolean true.
            key = str(key_node.value)
            child = (*path, key)
            if id(key_node) in own:
                # A key may override a merged one, but a key written twice is a mistake.
                if key in written:
                    self.duplicates.append((child, _line(key_node)))
                written.add(key)
            self.lines[child] = _line(key_node)
            result[key] = self.value(value_node, child)
        return result


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _sentence(text: str | None) -> str:
    text = (text or "invalid YAML").strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def read_yaml(text: str) -> Document:
    """Parse one YAML document; raises YamlSyntaxError with the line of the first error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else int(mark.line) + 1
        raise YamlSyntaxError(line, "YAML syntax error: " + _sentence(error.problem)) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(None, "YAML syntax error: " + _sentence(str(error))) from None
    if root is None:
        return Document(data=None, lines={(): 1}, text_lines={})
    walk = _Walk(constructor=yaml.SafeLoader(""))
    data = walk.value(root, ())
    walk.lines.setdefault((), _line(root))
    return Document(
        data=data,
        lines=walk.lines,
        text_lines=walk.text_lines,
        duplicates=tuple(walk.duplicates),
    )
