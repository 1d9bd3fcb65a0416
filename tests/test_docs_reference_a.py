"""The user guide's reference pages list exactly what the code knows.

* ``docs/reference/options.md``: every ``hn-option`` of ``beancount_hn.core.config.OPTIONS``,
  once in the summary table and once as a detail section, and nothing else;
* ``docs/reference/metadonnees.md``: every metadata key the code reads or writes on an
  ``open``, a transaction, a posting or an ``hn-devis``/``hn-option`` directive — found
  by reading the source (``meta[...]``, ``meta.get(...)``, ``... in meta``,
  ``open_meta(account, ...)``), not from a list kept by hand — and nothing else;
* the Beancount snippets of the pages writer A owns parse, and use only known options
  and metadata keys.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
from beancount.parser import parser

from beancount_hn.core.config import OPTIONS
from beancount_hn.exports.pseudonymise import IDENTIFIER_KEYS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCE_DIRS = ("beancount_hn", "importers", "plugins")
#: Set by Beancount (or beangulp) on every directive; never written by a user.
INTERNAL_KEYS = frozenset({"filename", "lineno"})
OWN_PAGES = ("index.md", "demarrer.md", "recettes.md", "factures-devis.md", "tva.md",
             "reference/options.md", "reference/metadonnees.md")


# --- what the code knows ------------------------------------------------------------


def _strings(node: ast.AST) -> set[str] | None:
    """The string values of a literal (a string, or a tuple/list/set/frozenset of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        found: set[str] = set()
        for element in node.elts:
            values = _strings(element)
            if values is None:
                return None
            found |= values
        return found
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args \
            and node.func.id in ("frozenset", "set", "tuple"):
        argument = node.args[0]
        if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute) \
                and argument.func.attr == "split" and isinstance(argument.func.value, ast.Constant):
            return set(argument.func.value.value.split())
        return _strings(argument)
    return None


def _module_constants(trees: list[ast.Module]) -> dict[str, set[str]]:
    """Module-level ``NAME = "text"`` (or a collection of texts), across every module."""
    constants: dict[str, set[str]] = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            values = _strings(value)
            if isinstance(target, ast.Name) and values:
                constants.setdefault(target.id, set()).update(values)
    return constants


def _tail_name(node: ast.AST) -> str:
    """The name an expression ends with: ``txn.meta`` → ``meta``, ``(p.meta or {})`` → ``meta``."""
    if isinstance(node, ast.BoolOp):
        return _tail_name(node.values[0])
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
            and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
        return str(node.args[1].value)
    return ""


def _is_metadata(node: ast.AST) -> bool:
    return _tail_name(node).lower().endswith("meta")


class _MetadataKeys(ast.NodeVisitor):
    """Keys used on metadata dictionaries, resolved through constants and loop variables."""

    #: Helpers whose arguments after the first name a metadata key.
    KEY_HELPERS = frozenset({"open_meta", "_meta"})

    def __init__(self, constants: dict[str, set[str]]) -> None:
        self.constants = constants
        self.loops: list[dict[str, set[str]]] = [{}]
        self.keys: set[str] = set()

    def _resolve(self, node: ast.AST) -> set[str]:
        values = _strings(node)
        if values:
            return values
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return set().union(*(self._resolve(element) for element in node.elts))
        if isinstance(node, ast.Name):
            for scope in reversed(self.loops):
                if node.id in scope:
                    return scope[node.id]
            return self.constants.get(node.id, set())
        if isinstance(node, ast.Attribute):  # module.CONSTANT
            return self.constants.get(node.attr, set())
        return set()

    def _function(self, node: ast.AST) -> None:
        self.loops.append({})
        self.generic_visit(node)
        self.loops.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _loop(self, target: ast.AST, iterable: ast.AST) -> None:
        if isinstance(target, ast.Name):
            values = self._resolve(iterable)
            if values:
                self.loops[-1][target.id] = values

    def visit_For(self, node: ast.For) -> None:
        self._loop(node.target, node.iter)
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._loop(node.target, node.iter)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_metadata(node.value):
            self.keys |= self._resolve(node.slice)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Attribute) and function.attr in ("get", "pop") \
                and _is_metadata(function.value) and node.args:
            self.keys |= self._resolve(node.args[0])
        if _tail_name(function) in self.KEY_HELPERS:
            for argument in node.args[1:]:
                self.keys |= self._resolve(argument)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
                and _is_metadata(node.comparators[0]):
            self.keys |= self._resolve(node.left)
        self.generic_visit(node)


@functools.cache
def code_metadata_keys() -> frozenset[str]:
    """Every metadata key the package reads or writes, by reading its source."""
    trees = [ast.parse(path.read_text(encoding="utf-8"), str(path))
             for directory in SOURCE_DIRS for path in sorted((ROOT / directory).rglob("*.py"))]
    visitor = _MetadataKeys(_module_constants(trees))
    for tree in trees:
        visitor.visit(tree)
    # The pseudonymiser walks every key and treats these document numbers apart.
    keys = visitor.keys | set(IDENTIFIER_KEYS)
    return frozenset(key for key in keys if key not in INTERNAL_KEYS and not key.startswith("__"))


# --- what the pages say -------------------------------------------------------------


def _page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _first_cells(text: str) -> list[str]:
    """The first cell of every table row, header and separator rows excluded."""
    cells = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|\s*:?-", line):
            cells.append(line.split("|")[1].strip())
    return cells


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start:end]


def documented_options() -> list[str]:
    table = _section(_page("reference/options.md"), "## Toutes les options")
    return [m.group(1) for cell in _first_cells(table) if (m := re.fullmatch(r"`([a-z0-9-]+)`", cell))]


def option_sections() -> list[str]:
    return re.findall(r"^### `([a-z0-9-]+)`$", _page("reference/options.md"), re.MULTILINE)


def documented_keys() -> list[str]:
    table = _section(_page("reference/metadonnees.md"), "## Toutes les clés")
    return [m.group(1) for cell in _first_cells(table) if (m := re.fullmatch(r"`([a-z0-9-]+):`", cell))]


def _beancount_blocks(name: str) -> list[str]:
    return re.findall(r"^( *)```beancount\n(.*?)^\1```", _page(name), re.MULTILINE | re.DOTALL)


# --- the tests -----------------------------------------------------------------------


def test_the_extractor_finds_keys_read_in_each_way() -> None:
    keys = code_metadata_keys()
    # meta["convention"], open_meta(account, "vehicule"), a loop over a constant tuple
    # (movements.piece_of: PIECE_KEY), a *_KEY constant through .get, an "in" test.
    assert {"convention", "vehicule", "piece", "premier-numero", "hors-forfait", "iban"} <= keys
    assert not keys & INTERNAL_KEYS


def test_every_option_is_documented_once() -> None:
    table = documented_options()
    assert len(table) == len(set(table)), f"option en double dans le tableau : {table}"
    assert set(table) == set(OPTIONS), (
        f"manquent dans docs/reference/options.md : {sorted(set(OPTIONS) - set(table))} ; "
        f"inconnues du code : {sorted(set(table) - set(OPTIONS))}")


def test_every_option_has_its_detail_section() -> None:
    sections = option_sections()
    assert sorted(sections) == sorted(OPTIONS), (
        f"sections manquantes : {sorted(set(OPTIONS) - set(sections))} ; "
        f"sections en trop ou doubles : {sorted(set(sections) - set(OPTIONS)) or sections}")


def test_every_metadata_key_is_documented_once() -> None:
    code, page = code_metadata_keys(), documented_keys()
    assert len(page) == len(set(page)), f"clé en double : {sorted(k for k in page if page.count(k) > 1)}"
    assert set(page) == code, (
        f"manquent dans docs/reference/metadonnees.md : {sorted(code - set(page))} ; "
        f"inconnues du code : {sorted(set(page) - code)}")


@pytest.mark.parametrize("name", OWN_PAGES)
def test_snippets_parse_and_use_known_names(name: str) -> None:
    known_keys = code_metadata_keys()
    for indent, block in _beancount_blocks(name):
        text = "\n".join(line[len(indent):] for line in block.splitlines())
        _, errors, _ = parser.parse_string(text)
        assert not errors, f"{name} : extrait illisible par Beancount : {errors[0].message}\n{text}"
        for option in re.findall(r'custom "hn-option" "([^"]+)"', text):
            assert option in OPTIONS, f"{name} : option inconnue {option!r}"
        for key in re.findall(r"^\s+([a-z][a-z0-9-]*):\s", text, re.MULTILINE):
            assert key in known_keys, f"{name} : métadonnée inconnue {key!r}"
