"""The ``hn`` command line: one sub-command per report, each a thin face over the core.

Sub-commands are imported lazily (``COMMANDS``), so ``hn --help`` stays fast and
one broken optional dependency never takes the whole tool down.
"""

from __future__ import annotations

import importlib

import click

from beancount_hn import __version__
from beancount_hn.clifrench import FrenchGroup

#: name -> "module:attribute" of a click command.
COMMANDS: dict[str, str] = {
    "check": "beancount_hn.check_cli:check",
    "extract": "beancount_hn.extract_cli:extract",
    "invoices": "beancount_hn.invoices_cli:invoices",
    "2035": "beancount_hn.form2035_cli:form2035",
    "vat": "beancount_hn.vat_cli:vat",
    "export": "beancount_hn.export_cli:export",
    "note": "beancount_hn.notes_cli:note",
    "devis": "beancount_hn.notes_cli:devis",
    "notes": "beancount_hn.notes_cli:notes",
}


class LazyGroup(FrenchGroup):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="hn", message="%(prog)s, version %(version)s",
                      help="Afficher la version et quitter.")
def main() -> None:
    """beancount-hn : la comptabilité d'un professionnel de santé libéral (BNC, 2035) dans Beancount."""
