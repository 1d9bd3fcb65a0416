"""The user guide's tables (docs/, writer B's pages) hold exactly what the code knows.

Each table is compared with the data the code itself reads: the 2035 lines
(``lines2035.lines()``), the default account names (``mapping.default_rules()``),
the 2042-C-PRO boxes, the ``hn`` commands and the exit codes they can return,
the CSV presets and the keys of a layout, the files of ``hn export``, the FEC's
default account numbers, Fava's downloads and the pseudonymisation's
placeholders. A row the code does not know, or a value of the code the page
misses, fails here: the guide cannot drift from the tool.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from beancount_hn import cli
from beancount_hn.core import mapping
from beancount_hn.core.config import ADJUSTABLE_BOXES
from beancount_hn.core.loading import HnError
from beancount_hn.importers import layouts
from beancount_hn.tax import lines2035
from beancount_hn.tax.declaration import declaration_boxes

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CODE_DIRS = ("beancount_hn", "importers", "plugins")


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under the ``## heading`` (its ``###`` subsections included), up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"section « {heading} » absente"
    return match.group(1)


def subsection(text: str, heading: str) -> str:
    """The text under the ``### heading``, up to the next heading of level 2 or 3."""
    match = re.search(rf"^### {re.escape(heading)}\n(.*?)(?=^##+ |\Z)", text, re.M | re.S)
    assert match, f"sous-section « {heading} » absente"
    return match.group(1)


SEPARATOR = re.compile(r"\|(\s*:?-+:?\s*\|)+")


def cells_of(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every markdown table of ``text``: its header cells and its body rows."""
    found: list[tuple[list[str], list[list[str]]]] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if SEPARATOR.fullmatch(line):
            found.append((cells_of(lines[number - 1]), []))
        elif line.startswith("|") and found and not SEPARATOR.fullmatch(following):
            found[-1][1].append(cells_of(line))
    return found


def table_rows(text: str) -> list[list[str]]:
    """The body rows of every table of ``text``."""
    return [row for _, rows in tables(text) for row in rows]


def table_headed(text: str, first: str) -> list[list[str]]:
    """The body rows of the one table of ``text`` whose first header cell is ``first``."""
    (rows,) = [rows for header, rows in tables(text) if header[0] == first]
    return rows


def quoted(cell: str) -> list[str]:
    """The `code spans` of a cell."""
    return re.findall(r"`([^`]+)`", cell)


# --- reference/lignes-2035.md --------------------------------------------------------


SENS = {"credit": "crédit", "debit": "débit"}
RANK_WORDS = dict(zip(mapping.RANKS, ("par défaut", "générique", "nature", "objet", "exclu"), strict=True))


def test_every_2035_line_is_on_the_page_in_form_order() -> None:
    rows = table_rows(section(page("reference/lignes-2035.md"), "Les cases de la 2035"))
    assert [quoted(cells[0]) for cells in rows] == [[row.code] for row in lines2035.lines()]
    for cells, row in zip(rows, lines2035.lines(), strict=True):
        label = row.label + (" (?)" if row.uncertain else "")
        assert cells[1:5] == [row.line or "—", label, SENS[row.sign], "oui" if row.mappable else "non"], row.code
        assert ("`ajustement-2035`" in cells[5]) == (row.code in ADJUSTABLE_BOXES), row.code


def test_the_special_values_are_those_ligne_2035_accepts() -> None:
    rows = table_rows(section(page("reference/lignes-2035.md"), "Valeurs spéciales"))
    written = {value.strip('"') for cells in rows for value in quoted(cells[0]) + quoted(cells[1])}
    assert written == set(lines2035._SPECIAL_ALIASES)
    for cells in rows:
        (canonical,) = quoted(cells[0])
        for value in [canonical, *quoted(cells[1])]:
            assert lines2035.normalize_value(value.strip('"')) == canonical.strip('"')


def test_every_default_account_name_row_is_on_the_page() -> None:
    rows = table_rows(section(page("reference/lignes-2035.md"), "Noms de comptes par défaut"))
    rules = mapping.default_rules()
    assert len(rows) == len(rules)
    for cells, rule in zip(rows, rules, strict=True):
        assert cells[0] == f"`{rule.root.capitalize()}`"
        assert cells[2:4] == [f"`{rule.line}`", RANK_WORDS[mapping.RANKS[rule.rank]]], cells
        names = quoted(cells[1])
        assert bool(names) == (rule.pattern.pattern != ".*"), cells
        for name in names:
            assert rule.pattern.search(name), f"{name} : la ligne {rule.order + 1} de la table ne le lit pas"
            assert mapping.resolve(rule.root, name).line == rule.line, name


def test_the_2042_boxes_are_those_of_the_declaration_table() -> None:
    rows = table_rows(section(page("reference/lignes-2035.md"), "Report sur la 2042-C-PRO"))
    expected = [[f"`{box.figure}`", f"`{box.boxes[0]}`", f"`{box.boxes[1]}`",
                 box.label + (" (?)" if box.uncertain else "")] for box in declaration_boxes().values()]
    assert rows == expected


# --- reference/codes-sortie.md -------------------------------------------------------


def exit_codes_of_the_code() -> set[int]:
    """0, the codes written in ``SystemExit(n)``/``sys.exit(n)``, and those of click's exceptions."""
    codes = {0, click.ClickException.exit_code, click.UsageError.exit_code, HnError.exit_code}
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            codes.update(int(n) for n in re.findall(r"(?:SystemExit|sys\.exit)\((\d+)\)", path.read_text("utf-8")))
    return codes


def test_the_exit_codes_are_those_the_code_returns() -> None:
    rows = table_rows(section(page("reference/codes-sortie.md"), "Les trois codes"))
    assert {int(cells[0]) for cells in rows} == exit_codes_of_the_code()


def test_every_command_has_its_row() -> None:
    rows = table_rows(section(page("reference/codes-sortie.md"), "Commande par commande"))
    documented = [quoted(cells[0])[0] for cells in rows]
    assert sorted(documented) == sorted([f"hn {name}" for name in cli.COMMANDS] + ["hn", "bean-check"])
    assert all(len(cells) == 4 for cells in rows)


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_a_wrong_command_line_exits_2_and_a_missing_ledger_1(name: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli.main, [name, "--option-inconnue"]).exit_code == 2
    missing = str(tmp_path / "absent.beancount")
    args = {"check": [missing], "2035": [missing, "--year", "2025"], "vat": [missing],
            "invoices": [missing], "export": [missing, "--year", "2025", "--out", str(tmp_path / "x")],
            "notes": [missing, "--year", "2025", "--out", str(tmp_path / "x")],
            "note": ["F-1", missing], "devis": ["D-1", missing], "extract": [missing]}[name]
    result = runner.invoke(cli.main, [name, *args])
    assert result.exit_code == 1, result.output
    assert "Erreur" in result.output and "Traceback" not in result.output


# --- releves.md ----------------------------------------------------------------------


def test_every_bank_preset_has_its_row_and_the_journal_its_name() -> None:
    text = page("releves.md")
    rows = table_rows(section(text, "Les banques prises en charge"))
    documented = [name for cells in rows for name in quoted(cells[1])]
    banks = {name for name, layout in layouts.presets().items() if layout.kind == layouts.BANK}
    assert sorted(documented) == sorted(banks)
    journals = {name for name, layout in layouts.presets().items() if layout.kind == layouts.JOURNAL}
    assert all(f"`{name}`" in section(text, "Le journal du logiciel métier") for name in journals)


def test_the_keys_and_roles_of_a_layout_are_all_documented() -> None:
    text = section(page("releves.md"), "Ajouter sa banque")
    keys = [quoted(cells[0])[0] for cells in table_rows(subsection(text, "Les clés d'une mise en page"))]
    assert sorted(keys) == sorted(layouts._KEYS)
    roles = [quoted(cells[0])[0] for cells in table_rows(subsection(text, "Les rôles de colonne d'un relevé"))]
    assert sorted(roles) == sorted(layouts.ROLES[layouts.BANK][0] + layouts.ROLES[layouts.BANK][1])


def test_the_journal_columns_are_those_of_its_preset() -> None:
    rows = table_rows(section(page("releves.md"), "Le journal du logiciel métier"))
    journal = layouts.preset("logiciel-metier")
    required, optional = layouts.ROLES[layouts.JOURNAL]
    assert [quoted(cells[0])[0] for cells in rows] == [*required, *optional]
    for cells in rows:
        role, *names = quoted(cells[0]) + quoted(cells[1])
        assert tuple(names) == tuple(journal.columns[role]), role
        assert cells[1].startswith("obligatoire") == (role in required), role


def _allowed_keys(function: str) -> set[str]:
    """The keys a ``[[rule]]``/``[[settlement]]`` may have: the set literal its reader passes to ``_fields``."""
    from beancount_hn.importers import categorize
    tree = ast.parse(Path(categorize.__file__).read_text("utf-8"))
    (reader,) = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == function]
    (allowed,) = [call.args[3] for call in ast.walk(reader) if isinstance(call, ast.Call)
                  and getattr(call.func, "id", "") == "_fields"]
    return {element.value for element in allowed.elts}


@pytest.mark.parametrize(("table", "reader"), [("[[rule]]", "_rule_from"),
                                               ("[[settlement]]", "_settlement_from")])
def test_the_keys_of_a_rules_file_are_all_documented(table: str, reader: str) -> None:
    rows = table_headed(page("releves.md"), f"Clé de `{table}`")
    assert sorted(quoted(cells[0])[0] for cells in rows) == sorted(_allowed_keys(reader))


# --- expert-comptable.md -------------------------------------------------------------


EXAMPLE = ROOT / "ledger_example" / "main.beancount"


def test_the_files_table_lists_every_file_hn_export_writes(tmp_path: Path) -> None:
    out = tmp_path / "dossier"
    result = CliRunner().invoke(cli.main, ["export", str(EXAMPLE), "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = {path.name.replace("935919142", "<SIREN>").replace("2025", "<année>") for path in out.iterdir()}
    rows = table_headed(section(page("expert-comptable.md"), "Ce que contient le dossier"), "Fichier")
    assert sorted(quoted(cells[0])[0] for cells in rows) == sorted(written)


def test_the_fec_account_numbers_are_those_of_the_default_table() -> None:
    from beancount_hn.exports.accounts_pcg import default_rules
    rows = table_headed(page("expert-comptable.md"), "Racine")
    rules = default_rules()
    assert len(rows) == len(rules)
    roots = {"treasury": "trésorerie", "income": "`Income`", "expenses": "`Expenses`", "assets": "`Assets`",
             "liabilities": "`Liabilities`", "equity": "`Equity`"}
    for cells, rule in zip(rows, rules, strict=True):
        line = f"`{rule.line}`" if rule.line else ("—" if rule.root not in ("income", "expenses") else "toute autre")
        assert [cells[0], cells[1], cells[3], cells[4]] == [roots[rule.root], line, f"`{rule.number}`", rule.label]


# --- fava.md -------------------------------------------------------------------------


def test_every_download_of_the_cabinet_page_is_listed() -> None:
    from beancount_hn.fava.downloads import DOWNLOADS
    rows = table_headed(section(page("fava.md"), "Les téléchargements"), "Bouton")
    assert sorted(cells[0] for cells in rows) == sorted(label for label, _, _ in DOWNLOADS.values())


# --- confidentialite.md --------------------------------------------------------------


def test_every_placeholder_of_the_pseudonymisation_is_explained() -> None:
    from beancount_hn.exports import contacts, pseudonymise
    placeholders = {value for module in (contacts, pseudonymise) for name, value in vars(module).items()
                    if name.isupper() and isinstance(value, str) and re.fullmatch(r"\[[^\]]+\]", value)}
    rows = table_headed(section(page("confidentialite.md"), "La pseudonymisation"), "Ce qui est trouvé")
    documented = {token for cells in rows for token in quoted(cells[1]) if token.startswith("[")}
    assert documented == placeholders
