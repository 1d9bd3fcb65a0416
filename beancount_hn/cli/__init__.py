"""The ``hn`` command line: one sub-command per report, each a thin face over the core.

Sub-commands are imported lazily (``COMMANDS``), so ``hn --help`` stays fast and
one broken optional dependency never takes the whole tool down.

Each command is a module of this package (``check``, ``form2035``, ``vat``,
``invoices``, ``export``, ``extract``, ``notes``); ``french`` makes click speak
French. A command loads the ledger (``core.loading``), calls the rules and prints
what ``render`` writes: it computes nothing itself.

May import: every layer (``core``, ``tax``, ``invoicing``, ``render``, ``exports``,
``importers``); nothing imports it.
"""

from __future__ import annotations

import importlib

import click

from beancount_hn import __version__
from beancount_hn.cli.french import FrenchGroup

#: name -> "module:attribute" of a click command.
COMMANDS: dict[str, str] = {
    "check": "beancount_hn.cli.check:check",
    "extract": "beancount_hn.cli.extract:extract",
    "invoices": "beancount_hn.cli.invoices:invoices",
    "2035": "beancount_hn.cli.form2035:form2035",
    "vat": "beancount_hn.cli.vat:vat",
    "export": "beancount_hn.cli.export:export",
    "note": "beancount_hn.cli.notes:note",
    "devis": "beancount_hn.cli.notes:devis",
    "notes": "beancount_hn.cli.notes:notes",
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
