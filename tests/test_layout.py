"""The package's layout is its architecture: each subpackage says what it owns and what it may
import, and imports go one way (faces → rules → core), checked on every module's imports
(those inside functions too)."""

from __future__ import annotations

import ast
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
#: Where each subpackage of ``beancount_hn`` lives in the repository.
SOURCES = {"beancount_hn": "beancount_hn", "beancount_hn.plugins": "plugins",
           "beancount_hn.importers": "importers"}
#: What each layer may import, besides itself, Beancount and the standard library.
MAY_IMPORT = {
    "core": set(),
    "tax": {"core"},
    "invoicing": {"core", "tax"},
    "render": {"core", "tax", "invoicing"},
    "plugins": {"core", "tax", "invoicing"},
    "importers": {"core"},
    "exports": {"core", "tax", "invoicing", "render"},
    "fava": {"core", "tax", "invoicing", "render", "exports"},
    "cli": {"core", "tax", "invoicing", "render", "exports", "importers"},
}


def _modules() -> list[tuple[str, str]]:
    """(dotted module name, path) of every module of the package."""
    found = []
    for package, folder in SOURCES.items():
        base = os.path.join(ROOT, folder)
        for directory, subdirectories, names in os.walk(base):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(("__", "."))]
            relative = os.path.relpath(directory, base)
            prefix = package if relative == "." else f"{package}.{relative.replace(os.sep, '.')}"
            for name in names:
                if name.endswith(".py"):
                    module = prefix if name == "__init__.py" else f"{prefix}.{name[:-3]}"
                    found.append((module, os.path.join(directory, name)))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "beancount_hn" else None


def _imports(path: str) -> list[tuple[str, int]]:
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [(f"{node.module}.{alias.name}" if node.module == "beancount_hn" else node.module,
                       node.lineno) for alias in node.names]
    return [(name, line) for name, line in names if name.startswith("beancount_hn")]


MODULES = _modules()


def test_the_package_root_holds_only_subpackages() -> None:
    top = sorted(name for name in os.listdir(os.path.join(ROOT, "beancount_hn"))
                 if name.endswith(".py") and name != "__init__.py")
    assert top == []


@pytest.mark.parametrize("layer", sorted(set(MAY_IMPORT)))
def test_each_subpackage_says_what_it_owns_and_may_import(layer: str) -> None:
    folder = SOURCES.get(f"beancount_hn.{layer}", os.path.join("beancount_hn", layer))
    with open(os.path.join(ROOT, folder, "__init__.py"), encoding="utf-8") as handle:
        doc = ast.get_docstring(ast.parse(handle.read()))
    assert doc and "may import" in doc.lower(), layer


def test_imports_go_one_way() -> None:
    wrong = []
    for module, path in MODULES:
        layer = _layer(module)
        if layer is None:
            continue
        allowed = MAY_IMPORT[layer] | {layer}
        for name, line in _imports(path):
            target = _layer(name)
            if target is not None and target not in allowed and target != "__version__":
                wrong.append(f"{os.path.relpath(path, ROOT)}:{line}: {layer} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_every_module_belongs_to_a_layer() -> None:
    assert {_layer(module) for module, _ in MODULES if module != "beancount_hn"} <= set(MAY_IMPORT)
