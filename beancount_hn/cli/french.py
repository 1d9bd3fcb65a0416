"""Click in French: the help pages' own words and the command-line errors click raises.

Click writes its own texts in English (``Usage:``, ``Show this message and
exit.``, ``[default: table]``, ``Error: Missing option '--year'.``); ``hn``
speaks French to its users. Every ``hn`` command is declared with
``cls=FrenchCommand`` (the ``hn`` group with a :class:`FrenchGroup`):

* help pages get French headings, usage prefix and option notes through
  :class:`FrenchFormatter`, and a French ``--help`` line;
* the errors click raises while reading the command line are shown in French
  (:func:`translate`: a message it does not know is kept as click wrote it),
  under the usage line and a pointer to ``--help``;
* every other :class:`click.ClickException` (``HnError``…) is shown as
  ``Erreur : message``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from beancount_hn.core.errors import os_error_text

HELP_OPTION = "Afficher cette aide et quitter."
HEADINGS = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}
_NOTES = re.compile(r"\[(?P<items>[^\[\]]+)\]$")


def _quoted(match: re.Match[str], name: str = "name") -> str:
    return f"« {match.group(name)} »"


def _unquote(text: str) -> str:
    """``'--year' / '-y'`` → ``« --year » / « -y »`` (click quotes names with ``repr``)."""
    return re.sub(r"'([^']*)'", r"« \1 »", text)


#: Click's messages (as ``format_message()`` returns them) and their French wording.
_MESSAGES: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^Missing argument (?P<name>'.*?'|\S+?)\.(?P<rest>.*)$", re.S),  # 'FICHIERS...'.
     lambda m: f"argument {_unquote(m.group('name'))} manquant.{m.group('rest')}"),
    (re.compile(r"^Missing option (?P<name>.+?)\.(?P<rest>.*)$", re.S),
     lambda m: f"option {_unquote(m.group('name'))} manquante.{m.group('rest')}"),
    (re.compile(r"^Missing parameter:? (?P<name>.+?)\.?$"),
     lambda m: f"paramètre {_unquote(m.group('name'))} manquant."),
    (re.compile(r"^Missing command\.$"), lambda m: "commande manquante."),
    (re.compile(r"^No such option '(?P<name>[^']+)'\.(?: Did you mean (?P<maybe>[^?]+)\?)?$"),
     lambda m: f"option {_quoted(m)} inconnue." + (f" Vouliez-vous dire {_unquote(m.group('maybe'))} ?"
                                                    if m.group("maybe") else "")),
    (re.compile(r"^No such option '(?P<name>[^']+)'\. \(Did you mean one of: (?P<maybe>.+)\?\)$"),
     lambda m: f"option {_quoted(m)} inconnue (vouliez-vous dire {_unquote(m.group('maybe'))} ?)."),
    (re.compile(r"^No such command '(?P<name>[^']+)'\.(?P<rest>.*)$"),
     lambda m: f"commande {_quoted(m)} inconnue ; « hn --help » les liste."),
    (re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$"),
     lambda m: f"argument(s) en trop : {m.group('args')}"),
    (re.compile(r"^Option '(?P<name>[^']+)' requires an argument\.$"),
     lambda m: f"l'option {_quoted(m)} attend une valeur."),
    (re.compile(r"^Option '(?P<name>[^']+)' requires (?P<n>\d+) arguments\.$"),
     lambda m: f"l'option {_quoted(m)} attend {m.group('n')} valeurs."),
    (re.compile(r"^Option '(?P<name>[^']+)' does not take a value\.$"),
     lambda m: f"l'option {_quoted(m)} ne prend pas de valeur."),
    (re.compile(r"^Invalid value for (?P<name>.+?): (?P<detail>.*)$", re.S),
     lambda m: f"valeur invalide pour {_unquote(m.group('name'))} : {_detail(m.group('detail'))}"),
    (re.compile(r"^Invalid value: (?P<detail>.*)$", re.S),
     lambda m: f"valeur invalide : {_detail(m.group('detail'))}"),
]

_PATH_KINDS = {"File": "le fichier", "Directory": "le dossier", "Path": "le chemin"}

#: What click says of a value (after ``Invalid value for 'X':``).
_DETAILS: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^'(?P<value>.*)' is not a valid integer( range)?\.$"),
     lambda m: f"« {m.group('value')} » n'est pas un nombre entier."),
    (re.compile(r"^'(?P<value>.*)' is not a valid (float|decimal)( range)?\.$"),
     lambda m: f"« {m.group('value')} » n'est pas un nombre."),
    (re.compile(r"^'(?P<value>.*)' is not (one of )?(?P<choices>.*)\.$"),
     lambda m: f"« {m.group('value')} » n'est pas une valeur possible ({_unquote(m.group('choices'))})."),
    (re.compile(r"^'(?P<value>.*)' does not match the formats? (?P<formats>.*)\.$"),
     lambda m: f"« {m.group('value')} » n'est pas une date AAAA-MM-JJ."),
    (re.compile(r"^(?P<kind>File|Directory|Path) '(?P<value>.*)' does not exist\.$"),
     lambda m: f"{_PATH_KINDS[m.group('kind')]} « {m.group('value')} » n'existe pas."),
    (re.compile(r"^(?P<kind>File|Directory|Path) '(?P<value>.*)' is a directory\.$"),
     lambda m: f"{_PATH_KINDS[m.group('kind')]} « {m.group('value')} » est un dossier."),
    (re.compile(r"^(?P<kind>File|Directory|Path) '(?P<value>.*)' is a file\.$"),
     lambda m: f"{_PATH_KINDS[m.group('kind')]} « {m.group('value')} » est un fichier."),
    (re.compile(r"^(?P<kind>File|Directory|Path) '(?P<value>.*)' is not readable\.$"),
     lambda m: f"{_PATH_KINDS[m.group('kind')]} « {m.group('value')} » n'est pas lisible."),
    (re.compile(r"^(?P<kind>File|Directory|Path) '(?P<value>.*)' is not writable\.$"),
     lambda m: f"{_PATH_KINDS[m.group('kind')]} « {m.group('value')} » n'est pas accessible en écriture."),
]


#: Click's notes after an option's help (``[default: table; required]``), in French.
_NOTE_WORDS: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^default: (?P<value>.*)$"), lambda m: f"par défaut\u00a0: {m.group('value')}"),
    (re.compile(r"^required$"), lambda m: "obligatoire"),
]


def _first(rules: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]], text: str) -> str | None:
    for pattern, french in rules:
        match = pattern.match(text)
        if match:
            return french(match)
    return None


def _detail(text: str) -> str:
    return _first(_DETAILS, text) or text


def translate(message: str) -> str:
    """Click's English ``message`` in French; a message not in the table is returned unchanged."""
    return _first(_MESSAGES, message) or message


def _notes(text: str) -> str:
    """``… [default: table; required]`` → ``… [par défaut : table ; obligatoire]``."""
    match = _NOTES.search(text)
    if not match:
        return text
    items = [_first(_NOTE_WORDS, item) or item for item in match.group("items").split("; ")]
    return text[:match.start()] + "[" + " ; ".join(items) + "]"


class FrenchFormatter(click.HelpFormatter):
    """Click's help formatter with French headings, usage prefix and option notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Utilisation : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}\u00a0:\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _notes(text)) for term, text in rows], col_max, col_spacing)


class FrenchContext(click.Context):
    formatter_class = FrenchFormatter


def show_error(error: click.ClickException) -> None:
    """An error of the command line in French, on stderr, as click would place it."""
    if isinstance(error, click.UsageError) and error.ctx is not None:
        click.echo(error.ctx.get_usage(), err=True)
        click.echo(f"Essayez « {error.ctx.command_path} --help » pour l'aide.\n", err=True)
    click.echo(f"Erreur : {translate(error.format_message())}", err=True)


class FrenchMixin:
    """The French help option and error display shared by commands and groups."""

    context_class = FrenchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Click's ``main``, with its messages in French when it runs standalone."""
        run = super().main  # type: ignore[misc]
        if not standalone_mode:
            return run(args, prog_name, complete_var, standalone_mode=False, **extra)
        if sys.stdout is None:  # started with its output closed (``>&-``): the figures would go nowhere
            click.echo("Erreur : la sortie standard est fermée : rien de ce que la commande imprime ne serait "
                       "lu ; redirigez-la vers un fichier (> fichier.txt)", err=True)
            sys.exit(1)
        try:
            code = run(args, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()  # a full disk or a closed pipe shows here, not after the exit code is set
        except BrokenPipeError:  # the reader stopped early (``hn 2035 … | head``): nothing more to say
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
            sys.exit(1)
        except OSError as error:  # the output could not be written (disk full), or a file: not a traceback
            where = (f"{error.filename} : {os_error_text(error)}" if error.filename
                     else f"écriture de la sortie impossible : {os_error_text(error)}")
            click.echo(f"Erreur : {where} ; rien n'est garanti écrit", err=True)
            sys.exit(1)
        except click.ClickException as error:
            if type(error).__module__.startswith("click."):
                show_error(error)
            else:  # hn's own errors (HnError) are French already
                error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Interrompu.", err=True)
            sys.exit(1)
        except (SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:  # noqa: BLE001 - a fault of beancount-hn itself: one line, never a traceback
            click.echo(f"Erreur interne de beancount-hn ({type(error).__name__} : {error}) : aucun chiffre ni "
                       "fichier de cette commande n'est sûr ; signalez-la avec la commande et le livre en cause "
                       "(HN_DEBUG=1 affiche le détail)", err=True)
            if os.environ.get("HN_DEBUG"):
                raise
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class FrenchCommand(FrenchMixin, click.Command):
    """A click command that speaks French (see the module docstring)."""


class FrenchGroup(FrenchMixin, click.Group):
    """A click group that speaks French (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)
