"""Words, for the pseudonymised exports: how names are compared, and the words that are no name.

Names are compared as *plain* words: upper case, accents removed, letters
Unicode does not decompose mapped to their plain form (``Łucja`` → ``LUCJA``).
The word lists say what is never a person's name in a ledger: civilities,
particles, the words banks add to a label, the words that describe a group of
receipts, months, NGAP key letters. They stop the search for a name; they never
spare a word of a known person's name (a patient called « Janvier » is replaced).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from beancount_hn.core.words import WORD, plain  # noqa: F401 - the exports read them from here too

CIVILITIES = frozenset("""
    M MR MME MMES MLLE MLLES MM MRS MS MISS DR PR ME MAITRE MONSIEUR MADAME MADEMOISELLE
    MESSIEURS MESDAMES DOCTEUR PROFESSEUR
""".split())
#: Civilities that are also ordinary words in lower case (« il me doit »): civilities only capitalised.
SHORT_CIVILITIES = frozenset("M MR MME MMES MLLE MLLES MM MRS MS DR PR ME".split())
PARTICLES = frozenset("DE DU DES D L LA LE LES VAN VON DER DEN DI DA DOS DAS EL AL BEN BIN IBN Y".split())
#: What a bank adds to a label around the payer's name (« VIR SEPA M DUPONT REF 123 »).
BANK_WORDS = frozenset("""
    VIR VIRT VIREMENT VIREMENTS SEPA INST PRLV PRELEVEMENT CB CARTE CHQ CHEQUE CHEQUES REMISE REMISES
    RETRAIT DEPOT REF REFERENCE MOTIF EMIS RECU RECUS FACT FACTURE FACTURES REGLEMENT PAIEMENT
    TPE DAB ESP ESPECES AVOIR ECHEANCE ECH ACOMPTE SOLDE TP RUM ICS
    IBAN BIC RIB TEL TELEPHONE PORTABLE MOBILE FIXE MAIL EMAIL COURRIEL SIRET SIREN NUMERO ADRESSE
""".split())
#: Words that describe receipts, not a person (« Lot FSE », « Cours collectifs Pilates », « Patients »).
GENERIC_WORDS = frozenset("""
    LOT LOTS FSE NOEMIE PATIENT PATIENTS CLIENT CLIENTS COURS ATELIER ATELIERS SEANCE SEANCES
    COLLECTIF COLLECTIFS COLLECTIVE COLLECTIVES GROUPE GROUPES DIVERS TIERS PAYANT PAYANTS REMISE REMISES
    CHEQUE CHEQUES ESPECES VIREMENT VIREMENTS RETRAIT DEPOT PILATES YOGA STAGE STAGES FORMATION
    ABONNEMENT ABONNEMENTS MOIS SEMAINE RECETTE RECETTES HONORAIRES CAISSE CAHIER BILAN BILANS
    MASSAGE MASSAGES REEDUCATION KINE KINESITHERAPIE SOINS SOIN ACTE ACTES CONSULTATION CONSULTATIONS
    DOMICILE CABINET FAMILLE TICKET TICKETS MODERATEUR MODERATEURS DEPASSEMENT DEPASSEMENTS
    TELETRANSMISSION AMO AMC EUR EUROS TOTAL REGULARISATION ANNULATION REMBOURSEMENT
""".split())
MONTHS = frozenset("""
    JANVIER FEVRIER MARS AVRIL MAI JUIN JUILLET AOUT SEPTEMBRE OCTOBRE NOVEMBRE DECEMBRE
    JANV FEV FEVR AVR JUIL SEPT OCT NOV DEC
""".split())
#: NGAP key letters and codes of the professions (« 12 AMK 8 », « DRA 8.5 »).
NGAP_CODES = frozenset("""
    AMK AMC AMS APM ARL DRA NMI PLL RAB TMK IFD IFN IFO IFP IFR IFS IK IKM IKP IKS FAD FRD HC HN DE
    AMI AMX AIS BSA BSB BSC DI MAU MCI AMY AMP SF SFI CCAM NGAP
""".split())
#: Connecting words of a sentence (« Bilan et séance »).
_CONNECTORS = frozenset("ET OU EN A AU AUX PAR POUR SUR AVEC SANS DANS UN UNE".split())


def name_key(text: str) -> tuple[str, ...]:
    """The plain words (letters and digits) of a name, to compare two spellings of it."""
    return tuple(re.findall(r"[^\W_]+", plain(text)))


#: Words that end the search for an unknown name (never a name's word by themselves).
STOP_WORDS = CIVILITIES | PARTICLES | BANK_WORDS | GENERIC_WORDS | MONTHS | NGAP_CODES | _CONNECTORS


#: Words that introduce another name of the same person (« née Poitevin », « Vve Castagnac »).
NAME_INTRODUCERS = frozenset("NEE VVE VEUVE EPOUSE EP EPSE".split())
#: The domain's words that no ordinary-word list holds: bank labels, accounting, the profession.
DOMAIN_WORDS = frozenset("""
    REMBT RMBT RBT RBST REMB ASSURE ASSUREE ASSURES PRELEV PRLVT VIRT VIREM DEB CRED CREDIT DEBIT
    CPTE CTE NUM NO NR REF REFS HT TTC TVA EI EIRL SCM SCI SELARL SARL SAS SASU EURL BNC FEC PCG CSG CRDS
    CFE CVAE IRPP URSSAF CARPIMKO CARCDSF CPAM MSA SNIR PAMC DSAV DSAW AGA OGA CGA SIE SIP RSI CNAV
    MK MKDE KINE KINES KINESITHERAPEUTE KINESITHERAPEUTES KINESITHERAPIE OSTEOPATHE OSTEOPATHIE
    REEDUCATION REEDUCATIONS BALNEOTHERAPIE PHYSIOTHERAPIE ELECTROTHERAPIE DRAINAGE LYMPHATIQUE
    LOMBALGIE LOMBALGIES CERVICALGIE CERVICALGIES DORSALGIE SCIATIQUE TENDINITE TENDINOPATHIE ENTORSE
    LIGAMENTOPLASTIE PROTHESE POSTOPERATOIRE PERINEE PERINEALE RESPIRATOIRE BRONCHIOLITE VESTIBULAIRE
    SCOLIOSE RACHIS GONARTHROSE COXARTHROSE CAPSULITE HALLUX VALGUS LCA PTH PTG
    PRESCRIPTION PRESCRIPTIONS ORDONNANCE ORDONNANCES FSE FSES NOEMIE SESAM VITALE ADELI RPPS
    TELETRANSMISSION TELETRANSMISSIONS REGULARISATION DOTATION DOTATIONS AMORTISSEMENT AMORTISSEMENTS
    IMMOBILISATION IMMOBILISATIONS REINTEGRATION QUOTE QP BAREME KILOMETRIQUE KM KMS CV
    SMS WEB INTERNET EMAIL MAIL MAILS LOGICIEL ABONNEMENT MUTUELLE MUTUELLES
    NIR SS SECU RC RCP CREDITEURS DEBITEURS CREDITEUR DEBITEUR
    PRO PROS CONNECT BUSINESS DIRECT SERVICES ONLINE FRANCE AGENCE ENTREPRISES
    """.split())


@cache
def ordinary_words() -> frozenset[str]:
    """The ordinary French words of ``data/french_words.txt`` (plain), read once."""
    text = resources.files("beancount_hn").joinpath("data", "french_words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_harmless(upper: str) -> bool:
    """True when the plain word ``upper`` names no one by itself: an ordinary French word, a word of
    the domain (bank labels, accounting, NGAP…), a civility or a particle, or a single letter."""
    return len(upper) <= 1 or upper in STOP_WORDS or upper in DOMAIN_WORDS or upper in NAME_INTRODUCERS \
        or upper in ordinary_words()


def is_civility(word: str) -> bool:
    """A civility as written before a name (« Mme », « M », « Docteur »; « me » in lower case is a word)."""
    upper = plain(word)
    return upper in CIVILITIES and (upper not in SHORT_CIVILITIES or is_capitalised(word))


def is_capitalised(word: str) -> bool:
    """``Dupont``, ``DUPONT`` (a name is written so), not ``dupont``."""
    return word[:1].isupper()
