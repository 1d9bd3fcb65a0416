"""Where the figures of the 2035 go on the 2042-C-PRO (``data/declaration_2042.csv``).

The bénéfice CP goes in 5QC, the déficit CR in 5QE; the revenu brut social of
the cadre 8 in DSDE (DD) or DSDG (DC); the PAMC social split in DSCS, DSAV,
DSAW and DSAU. A practitioner who is the second declarant of the household's
return uses the second column (5RC, 5RE, DSDF, DSDH, DSDS, DSBV, DSBW, DSBU)::

    2024-01-01 custom "hn-option" "declarant" 2

Each row keeps its public source, shown to the user in French.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from beancount_hn.core.amounts import round_euros

#: The figures of the 2035 carried to the 2042-C-PRO (the rest are the PAMC social split).
RESULT_FIGURES = ("CP", "CR", "DD", "DC")


@dataclass(frozen=True)
class DeclarationBox:
    """One figure of the 2035 and its box on the 2042-C-PRO, for each declarant."""

    figure: str  # the 2035 code (CP…) or the social box of the first declarant (DSCS…)
    boxes: tuple[str, str]  # declarant 1, declarant 2
    label: str
    source: str
    confidence: str
    uncertain: bool

    def box(self, declarant: int) -> str:
        return self.boxes[declarant - 1]


@functools.cache
def declaration_boxes() -> dict[str, DeclarationBox]:
    """The table, by figure, in file order."""
    text = resources.files("beancount_hn").joinpath("data/declaration_2042.csv").read_text("utf-8")
    return {row["figure"]: DeclarationBox(row["figure"], (row["box_1"], row["box_2"]), row["label"],
                                          row["source"], row["confidence"], row["uncertain"] == "yes")
            for row in csv.DictReader(text.splitlines())}


def result_boxes(euros: dict[str, Decimal], declarant: int) -> dict[str, int]:
    """The 2042-C-PRO boxes of the form's results, whole euros: ``{"5QC": 81860, "5QE": 0, …}``
    (the cadre 8 boxes only for the years that have it)."""
    table = declaration_boxes()
    return {table[code].box(declarant): int(euros[code]) for code in RESULT_FIGURES if code in euros}


def whole_euros(amount: Decimal) -> int:
    return int(round_euros(amount))
