"""Seeded generator of realistic regional flexpool scenarios for Twente.

The region has 14 municipalities and some 68 care employers: 8 hospitals and
rehabilitation centres, 22 VVT (nursing homes, home care), 7 GGZ, 12 GHZ,
6 welzijn and 13 others (youth care, GP out-of-hours posts, hospices, day
care). Every organisation has 1-4 locations and its sector's own shift
patterns; hospitals and some GHZ carry CAO overlays. Pool workers live near
their home organisation, hold roles with matching registrations
(``big:verpleegkundige``, ``skj:jeugdzorgwerker``), competences
(``handeling:*``), a VOG and inductions at nearby locations, work a home roster
(``fixed_work``, with up to 16 weeks of history for the larger sizes) and state
availability and preferences.

Output follows ``flexpool-scenario/1`` (``/work/shared/spec/scenario.md``).
Randomness comes only from ``random.Random`` seeded by (seed, size, part), and
no set is ever iterated, so a seed gives the same scenario in every process.

    python -m examples.twente.generate --size M --seed 1 --out examples/twente/twente-M.json
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

FORMAT = "flexpool-scenario/1"
TIMEZONE = "Europe/Amsterdam"
ZONE = ZoneInfo(TIMEZONE)
DEFAULT_START = date(2026, 11, 30)  # a Monday, ISO week 49

# ---------------------------------------------------------------- sizes


@dataclass(frozen=True)
class SizeSpec:
    """How big a scenario is; ``supply`` scales the pool's contract hours to the demand."""

    name: str
    organisations: int
    workers: int
    weeks: int
    target_slots: int
    history_weeks: int
    supply: float = 1.2
    start: date = DEFAULT_START

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"horizon start {self.start} is not a Monday")
        if not 1 <= self.organisations <= len(ORGANISATIONS):
            raise ValueError(f"organisations must be 1..{len(ORGANISATIONS)}")
        if self.workers < 1 or self.weeks < 1 or self.target_slots < 1 or self.history_weeks < 0:
            raise ValueError("workers, weeks and target_slots must be positive")

    @property
    def end(self) -> date:
        return self.start + timedelta(days=7 * self.weeks - 1)


# ---------------------------------------------------------------- geography

# name: (lat, lon, inhabitants x 1000); coordinates of the main town hall/centre.
MUNICIPALITIES: dict[str, tuple[float, float, int]] = {
    "Almelo": (52.3567, 6.6625, 74),
    "Borne": (52.2990, 6.7520, 24),
    "Dinkelland": (52.3770, 7.0050, 27),  # Denekamp
    "Enschede": (52.2215, 6.8937, 161),
    "Haaksbergen": (52.1567, 6.7389, 25),
    "Hellendoorn": (52.3620, 6.4650, 36),  # Nijverdal
    "Hengelo": (52.2658, 6.7931, 82),
    "Hof van Twente": (52.2333, 6.5833, 35),  # Goor
    "Losser": (52.2611, 7.0047, 23),
    "Oldenzaal": (52.3133, 6.9292, 32),
    "Rijssen-Holten": (52.3100, 6.5190, 38),
    "Tubbergen": (52.4070, 6.7840, 21),
    "Twenterand": (52.4086, 6.6222, 34),  # Vriezenveen
    "Wierden": (52.3590, 6.5930, 25),
}
EARTH_RADIUS_KM = 6371.0
SISTER_LOCATION_KM = 18  # an organisation's other locations lie within this of its main one

# ---------------------------------------------------------------- roles and credentials

HELP, VIG, VPK = "helpende", "verzorgende-ig", "verpleegkundige"
BEG, AGOOG, JZW = "begeleider", "agoog", "jeugdzorgwerker"
BIG, SKJ, VOG = "big:verpleegkundige", "skj:jeugdzorgwerker", "vog"
INJ, KATH, SOND = "handeling:injecteren", "handeling:katheteriseren", "handeling:sondevoeding"

# role: [(competence, probability the worker holds it)]
COMPETENCES: dict[str, tuple[tuple[str, float], ...]] = {
    VPK: ((INJ, 0.92), (KATH, 0.78), (SOND, 0.65)),
    VIG: ((INJ, 0.65), (KATH, 0.45), (SOND, 0.40)),
    BEG: ((SOND, 0.15), (INJ, 0.05)),
}
EXPIRING_SHARE = 0.03  # registrations and competences that lapse inside the horizon
NEW_COMPETENCE_SHARE = 0.015  # competences attested only during the horizon
HOSPITAL_RULES = {
    "max_night_shift_minutes": 540, "max_consecutive_nights": 5, "max_shift_minutes": 600,
}
GHZ_RULES = {"min_daily_rest_minutes": 720}


# ---------------------------------------------------------------- shift patterns


@dataclass(frozen=True)
class ShiftTemplate:
    """A recurring shift of a kind of organisation; ``priorities`` weighs 1..5."""

    code: str
    label: str
    start: str
    end: str
    unpaid_break: int
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()
    extra_requires: tuple[tuple[str, float], ...] = ()
    priorities: tuple[int, int, int, int, int] = (0, 2, 4, 1, 0)
    weight: float = 1.0
    max_headcount: int = 2
    days: str = "all"  # "all", "weekdays" or "weekend"

    def runs_on(self, day: date) -> bool:
        weekend = day.weekday() >= 5
        return self.days == "all" or (self.days == "weekend") == weekend


T = ShiftTemplate
NIGHT_NURSE = (0, 0, 1, 3, 2)

ZIEKENHUIS = (
    T("vroeg", "vroege dienst verpleegafdeling", "07:00", "15:30", 30, (VPK,), (BIG,),
      ((INJ, 0.5), (KATH, 0.2)), (0, 1, 4, 4, 1), 5, 3),
    T("laat", "late dienst verpleegafdeling", "15:00", "23:30", 30, (VPK,), (BIG,),
      ((INJ, 0.4),), (0, 2, 5, 3, 1), 4, 3),
    T("nacht", "nachtdienst verpleegafdeling", "23:00", "07:30", 30, (VPK,), (BIG,),
      (), NIGHT_NURSE, 2.5, 2),
    T("zorgass", "zorgassistent", "07:30", "16:00", 30, (VIG, HELP), (),
      (), (1, 3, 2, 0, 0), 1.5, 2),
)
REVALIDATIE = (
    T("vroeg", "vroege dienst revalidatie", "07:00", "15:30", 30, (VPK, VIG), (),
      ((INJ, 0.4), (KATH, 0.3)), (0, 2, 4, 2, 0), 4, 2),
    T("laat", "late dienst revalidatie", "15:00", "23:30", 30, (VPK, VIG), (),
      ((INJ, 0.3),), (0, 2, 4, 2, 0), 3, 2),
    T("nacht", "nachtdienst revalidatie", "23:00", "07:30", 30, (VPK,), (BIG,),
      (), (0, 0, 2, 4, 1), 1, 1),
    T("dag", "dagdienst therapie-ondersteuning", "08:30", "17:00", 30, (VIG, HELP), (),
      (), (1, 3, 2, 0, 0), 2, 2, "weekdays"),
)
VVT = (
    T("vroegkort", "korte vroege dienst", "07:00", "11:00", 0, (HELP, VIG), (),
      (), (1, 3, 3, 0, 0), 3, 2),
    T("vroeg", "vroege dienst", "07:00", "13:00", 0, (VIG, VPK), (),
      ((INJ, 0.4), (SOND, 0.2)), (0, 2, 4, 2, 0), 3, 2),
    T("avond", "avonddienst", "17:00", "21:00", 0, (HELP, VIG), (),
      (), (2, 3, 2, 0, 0), 2.5, 2),
    T("laat", "late dienst", "16:00", "23:00", 30, (VIG, VPK), (),
      ((INJ, 0.3),), (0, 2, 4, 1, 0), 2.5, 2),
    T("nacht", "nachtdienst", "23:00", "07:00", 0, (VIG, VPK), (),
      ((INJ, 0.2),), (0, 0, 2, 3, 1), 1.5, 1),
    T("nachtvpk", "nachtdienst verpleegkundige (meerdere locaties)", "23:00", "07:00", 0,
      (VPK,), (BIG,), (), NIGHT_NURSE, 0.5, 1),
)
THUISZORG = (
    T("ochtend", "ochtendroute wijkzorg", "07:00", "11:00", 0, (VIG, VPK), (),
      ((INJ, 0.5), (KATH, 0.3), (SOND, 0.1)), (0, 2, 4, 1, 0), 4, 3),
    T("vroeg", "vroege dienst wijkzorg", "07:00", "13:00", 0, (VIG, VPK), (),
      ((INJ, 0.5),), (0, 2, 4, 1, 0), 2, 2),
    T("avond", "avondroute wijkzorg", "17:00", "21:00", 0, (VIG, HELP), (),
      (), (1, 3, 3, 0, 0), 2, 2),
    T("laat", "late dienst wijkzorg", "16:00", "23:00", 30, (VIG, VPK), (),
      ((INJ, 0.4),), (0, 2, 4, 1, 0), 2, 2),
    T("nacht", "nachtzorg (rijdende dienst)", "23:00", "07:00", 0, (VPK,), (BIG,),
      (), NIGHT_NURSE, 0.7, 1),
)
GGZ = (
    T("dagvpk", "dagdienst verpleegkundige kliniek", "08:30", "17:00", 30, (VPK,), (BIG,),
      ((INJ, 0.3),), (0, 1, 4, 2, 0), 3, 2),
    T("dag", "dagdienst begeleiding", "08:30", "17:00", 30, (AGOOG, BEG), (),
      (), (1, 3, 3, 0, 0), 3, 2),
    T("laat", "late dienst kliniek", "15:30", "23:30", 30, (VPK, AGOOG), (),
      (), (0, 2, 3, 1, 0), 1.5, 2),
    T("nacht", "nachtdienst kliniek", "23:15", "07:45", 30, (VPK,), (BIG,),
      (), NIGHT_NURSE, 0.7, 1),
)
GHZ = (
    T("vroeg", "vroege dienst woonvorm", "07:00", "13:00", 0, (BEG, VIG, AGOOG), (VOG,),
      (), (1, 3, 3, 0, 0), 1.5, 2),
    T("laat", "late dienst woonvorm", "14:30", "22:30", 30, (BEG, AGOOG), (VOG,),
      ((SOND, 0.15),), (0, 2, 4, 1, 0), 4, 2),
    T("slaap", "slaapdienst", "22:30", "07:30", 0, (BEG, AGOOG), (VOG,),
      (), (0, 0, 2, 4, 1), 2.5, 1),
    T("weekend", "weekenddienst woonvorm", "09:00", "17:30", 30, (BEG, AGOOG, VIG), (VOG,),
      (), (0, 2, 4, 0, 0), 2, 2, "weekend"),
)
WELZIJN = (
    T("ochtend", "ochtend buurtwerk", "09:00", "13:00", 0, (AGOOG, BEG, HELP), (),
      (), (3, 3, 1, 0, 0), 2, 2, "weekdays"),
    T("dag", "dagdienst welzijn", "09:00", "17:00", 30, (AGOOG, BEG), (),
      (), (2, 3, 2, 0, 0), 3, 2, "weekdays"),
    T("middag", "middag- en avonddienst", "13:00", "21:00", 30, (AGOOG, BEG), (),
      (), (2, 3, 2, 0, 0), 2.5, 2),
)
JEUGDZORG = (
    T("dag", "dagdienst leefgroep", "08:00", "16:30", 30, (JZW, AGOOG), (SKJ, VOG),
      (), (0, 2, 4, 1, 0), 2, 2),
    T("laat", "late dienst leefgroep", "15:00", "23:00", 30, (JZW, AGOOG), (SKJ, VOG),
      (), (0, 1, 4, 2, 0), 3, 2),
    T("slaap", "slaapdienst leefgroep", "23:00", "07:30", 0, (JZW, AGOOG), (SKJ, VOG),
      (), (0, 0, 2, 3, 1), 2, 1),
)
HUISARTSENZORG = (
    T("avond", "triage avonddienst", "17:00", "23:00", 0, (VPK,), (BIG,),
      (), (0, 1, 3, 3, 1), 3, 2),
    T("weekend", "triage weekenddienst", "08:00", "16:30", 30, (VPK,), (BIG,),
      (), (0, 1, 3, 3, 0), 3, 2, "weekend"),
    T("balie", "baliedienst weekend", "08:00", "16:30", 30, (VIG, HELP), (),
      (), (1, 3, 2, 0, 0), 1.5, 1, "weekend"),
    T("nacht", "triage nachtdienst", "23:00", "08:00", 30, (VPK,), (BIG,),
      (), NIGHT_NURSE, 1, 1),
)
HOSPICE = (
    T("vroeg", "vroege dienst hospice", "07:30", "15:30", 30, (VPK, VIG), (),
      ((INJ, 0.6), (SOND, 0.2)), (0, 1, 4, 2, 0), 3, 2),
    T("laat", "late dienst hospice", "15:00", "23:00", 30, (VPK, VIG), (),
      ((INJ, 0.5),), (0, 1, 4, 2, 0), 3, 2),
    T("nacht", "nachtdienst hospice", "23:00", "07:30", 30, (VPK,), (BIG,),
      (), NIGHT_NURSE, 1.5, 1),
)
DAGBESTEDING = (
    T("dag", "dagbesteding", "08:30", "16:30", 30, (BEG, AGOOG, HELP), (VOG,),
      (), (2, 3, 2, 0, 0), 4, 2, "weekdays"),
    T("ochtend", "ochtend dagbesteding", "08:30", "12:30", 0, (BEG, HELP), (VOG,),
      (), (3, 3, 1, 0, 0), 2, 2, "weekdays"),
)


# ---------------------------------------------------------------- kinds of organisation


@dataclass(frozen=True)
class OrgKind:
    """A kind of care organisation: sector, demand, sites, shifts and staff."""

    sector: str
    demand_weight: float  # relative open slots per location
    locations: tuple[int, int]
    location_prefix: str
    named_by_municipality: bool
    induction_share: float  # share of its locations requiring induction
    templates: tuple[ShiftTemplate, ...]
    role_mix: tuple[tuple[tuple[str, ...], int], ...]
    overlay: dict[str, int] | None = None
    overlay_share: float = 0.0
    vog_share: float = 0.6


KINDS: dict[str, OrgKind] = {
    "ziekenhuis": OrgKind(
        "ziekenhuis", 3.0, (1, 3), "Locatie", True, 1.0, ZIEKENHUIS,
        (((VPK,), 70), ((VPK, VIG), 8), ((VIG,), 14), ((HELP,), 8)), HOSPITAL_RULES, 1.0, 0.5),
    "revalidatie": OrgKind(
        "ziekenhuis", 1.6, (1, 2), "Locatie", True, 1.0, REVALIDATIE,
        (((VPK,), 45), ((VIG,), 40), ((HELP,), 15)), HOSPITAL_RULES, 1.0, 0.5),
    "vvt": OrgKind(
        "vvt", 1.4, (2, 4), "Locatie", False, 0.85, VVT,
        (((VIG,), 45), ((VPK,), 22), ((HELP,), 18), ((VIG, BEG), 8), ((HELP, BEG), 7)),
        vog_share=0.95),
    "thuiszorg": OrgKind(
        "vvt", 1.6, (1, 3), "Wijkteam", True, 0.8, THUISZORG,
        (((VIG,), 50), ((VPK,), 35), ((HELP,), 15)), vog_share=0.95),
    "ggz": OrgKind(
        "ggz", 1.3, (1, 3), "Kliniek", False, 0.9, GGZ,
        (((VPK,), 40), ((AGOOG,), 35), ((AGOOG, BEG), 15), ((BEG,), 10)), vog_share=0.7),
    "ghz": OrgKind(
        "ghz", 1.3, (2, 4), "Woonvorm", False, 0.95, GHZ,
        (((BEG,), 45), ((BEG, VIG), 15), ((AGOOG, BEG), 25), ((VIG,), 10), ((VPK,), 5)),
        GHZ_RULES, 0.4, 1.0),
    "welzijn": OrgKind(
        "welzijn", 0.6, (1, 2), "Buurtcentrum", False, 0.5, WELZIJN,
        (((AGOOG,), 40), ((AGOOG, BEG), 25), ((BEG,), 15), ((HELP,), 20)), vog_share=0.8),
    "jeugdzorg": OrgKind(
        "jeugdzorg", 0.9, (1, 3), "Leefgroep", False, 0.9, JEUGDZORG,
        (((JZW,), 55), ((JZW, AGOOG), 30), ((AGOOG,), 15)), vog_share=1.0),
    "huisartsenzorg": OrgKind(
        "huisartsenzorg", 1.2, (1, 2), "Huisartsenpost", True, 0.8, HUISARTSENZORG,
        (((VPK,), 70), ((VIG,), 30)), vog_share=0.5),
    "hospice": OrgKind(
        "other", 0.6, (1, 1), "Hospice", False, 0.9, HOSPICE,
        (((VPK,), 45), ((VIG,), 45), ((HELP,), 10)), vog_share=0.9),
    "dagbesteding": OrgKind(
        "other", 0.5, (1, 2), "Dagbesteding", False, 0.6, DAGBESTEDING,
        (((BEG,), 40), ((BEG, AGOOG), 30), ((HELP,), 30)), vog_share=1.0),
}

# (kind, id, name, main municipality): invented names, not real organisations.
ORGANISATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("ziekenhuis", "zh-stadsveld", "Stadsveld Ziekenhuis", "Enschede"),
    ("ziekenhuis", "zh-hofkamp", "Ziekenhuis Hofkamp", "Almelo"),
    ("ziekenhuis", "zh-drienerbeek", "Drienerbeek Medisch Centrum", "Hengelo"),
    ("ziekenhuis", "zh-oldenhof", "Streekziekenhuis Oldenhof", "Oldenzaal"),
    ("ziekenhuis", "zh-reggedal", "Reggedal Kliniek", "Hellendoorn"),
    ("revalidatie", "rev-bolderhoek", "Revalidatiecentrum De Bolderhoek", "Enschede"),
    ("revalidatie", "rev-beekdal", "Revalidatiekliniek Het Beekdal", "Hengelo"),
    ("revalidatie", "rev-buurse", "Orthopedische Kliniek Buurse", "Haaksbergen"),
    ("vvt", "vvt-esrand", "Zorgcentrum De Esrand", "Enschede"),
    ("vvt", "vvt-ravelijn", "Woonzorgcentrum Het Ravelijn", "Enschede"),
    ("thuiszorg", "tz-stadenesch", "Thuiszorg Stad en Esch", "Enschede"),
    ("vvt", "vvt-veldkamp", "Verpleeghuis De Veldkamp", "Hengelo"),
    ("thuiszorg", "tz-hengelonoord", "Wijkzorg Hengelo-Noord", "Hengelo"),
    ("vvt", "vvt-brinkhof", "Zorggroep De Brinkhof", "Almelo"),
    ("vvt", "vvt-vlasakker", "Zorgcentrum De Vlasakker", "Almelo"),
    ("thuiszorg", "tz-almelo", "Thuiszorg Almelo Centraal", "Almelo"),
    ("vvt", "vvt-kolk", "Woonzorg De Kolk", "Borne"),
    ("vvt", "vvt-dinkelhof", "Zorgcentrum De Dinkelhof", "Dinkelland"),
    ("vvt", "vvt-hogeesch", "Verpleeghuis De Hoge Esch", "Haaksbergen"),
    ("vvt", "vvt-reggehof", "Zorggroep Reggehof", "Hellendoorn"),
    ("vvt", "vvt-wooldhuis", "Zorgcentrum Het Wooldhuis", "Hof van Twente"),
    ("thuiszorg", "tz-hofenhoeve", "Thuiszorg Hof en Hoeve", "Hof van Twente"),
    ("vvt", "vvt-lutterhof", "Woonzorgcentrum De Lutterhof", "Losser"),
    ("vvt", "vvt-marke", "Zorgcentrum De Marke", "Oldenzaal"),
    ("thuiszorg", "tz-noordoost", "Wijkverpleging Noordoost Twente", "Oldenzaal"),
    ("vvt", "vvt-schoolkamp", "Zorgcentrum De Schoolkamp", "Rijssen-Holten"),
    ("vvt", "vvt-weyde", "Woonzorg De Weyde", "Tubbergen"),
    ("vvt", "vvt-vonder", "Zorgcentrum De Vonder", "Twenterand"),
    ("thuiszorg", "tz-twenterand", "Thuiszorg Vriezenveen-Vroomshoop", "Twenterand"),
    ("vvt", "vvt-spieker", "Woonzorgcentrum Het Spieker", "Wierden"),
    ("ggz", "ggz-boddenkamp", "GGZ Boddenkamp", "Enschede"),
    ("ggz", "ggz-oostwaarts", "Oostwaarts GGZ", "Almelo"),
    ("ggz", "ggz-hengelozuid", "Psychiatrisch Centrum Hengelo-Zuid", "Hengelo"),
    ("ggz", "ggz-regge", "Regge Psychiatrie", "Rijssen-Holten"),
    ("ggz", "ggz-kompas", "GGZ Het Kompas", "Oldenzaal"),
    ("ggz", "ggz-overstap", "Verslavingszorg De Overstap", "Enschede"),
    ("ggz", "ggz-dehorst", "Kinder- en Jeugdpsychiatrie De Horst", "Hengelo"),
    ("ghz", "ghz-werf", "Stichting De Werf", "Almelo"),
    ("ghz", "ghz-esrakker", "Woongroepen De Esrakker", "Enschede"),
    ("ghz", "ghz-twentselanden", "Stichting Twentse Landen", "Hengelo"),
    ("ghz", "ghz-zonnehoeve", "Stichting Zonnehoeve", "Borne"),
    ("ghz", "ghz-bolder", "Woonvormen Het Bolder", "Enschede"),
    ("ghz", "ghz-lindeboom", "De Lindeboom Gehandicaptenzorg", "Haaksbergen"),
    ("ghz", "ghz-dalweg", "Stichting Dalweg", "Hellendoorn"),
    ("ghz", "ghz-kattenbelt", "Stichting Kattenbelt", "Hof van Twente"),
    ("ghz", "ghz-dinkeloord", "Dinkeloord Wonen en Dagbesteding", "Losser"),
    ("ghz", "ghz-hunnekamp", "Stichting De Hunnekamp", "Oldenzaal"),
    ("ghz", "ghz-vriezenhof", "Vriezenhof Gehandicaptenzorg", "Twenterand"),
    ("ghz", "ghz-enterbroek", "Woongemeenschap Enterbroek", "Wierden"),
    ("welzijn", "wz-enschedezuid", "Welzijn Enschede-Zuid", "Enschede"),
    ("welzijn", "wz-hengelooost", "Stichting Welzijn Hengelo-Oost", "Hengelo"),
    ("welzijn", "wz-almelo", "Buurtwerk Almelo", "Almelo"),
    ("welzijn", "wz-noordoost", "Welzijn Noordoost Twente", "Tubbergen"),
    ("welzijn", "wz-haaksbergen", "Stichting Samen Haaksbergen", "Haaksbergen"),
    ("welzijn", "wz-rijssen", "Welzijn Rijssen-Holten", "Rijssen-Holten"),
    ("jeugdzorg", "jz-ommezwaai", "Jeugdzorg De Ommezwaai", "Enschede"),
    ("jeugdzorg", "jz-kompasroos", "Stichting Kompasroos", "Almelo"),
    ("jeugdzorg", "jz-gezinshuizen", "Jeugdhulp Hengelo Gezinshuizen", "Hengelo"),
    ("jeugdzorg", "jz-boomgaard", "Jeugdzorg De Boomgaard", "Oldenzaal"),
    ("jeugdzorg", "jz-weitlanden", "Jeugdwoonvoorziening Weitlanden", "Wierden"),
    ("huisartsenzorg", "hap-enschede", "Huisartsenpost Enschede-Haaksbergen", "Enschede"),
    ("huisartsenzorg", "hap-almelo", "Huisartsenpost Almelo-Twenterand", "Almelo"),
    ("huisartsenzorg", "hap-hengelo", "Huisartsenpost Hengelo-Oldenzaal", "Hengelo"),
    ("hospice", "hos-twentehuis", "Hospice Het Twentehuis", "Hengelo"),
    ("hospice", "hos-dinkeldal", "Hospice Dinkeldal", "Losser"),
    ("dagbesteding", "db-akkerhof", "Zorgboerderij De Akkerhof", "Tubbergen"),
    ("dagbesteding", "db-ontmoeting", "Dagbesteding Het Ontmoetingshuis", "Enschede"),
    ("dagbesteding", "db-kringloop", "Dagcentrum De Kringloop", "Rijssen-Holten"),
)
# The regional mix of DOMAIN.md; jeugdzorg, huisartsenzorg and other make up "other".
SECTOR_GROUPS: dict[str, int] = {
    "ziekenhuis": 8, "vvt": 22, "ggz": 7, "ghz": 12, "welzijn": 6, "other": 13,
}
LOCATION_WORDS = (
    "De Es", "Het Hofland", "De Werf", "De Molen", "Het Veldhuis", "De Linde", "De Horst",
    "Het Kolkje", "De Stokhorst", "Het Assink", "De Eschmarke", "De Bleek", "Het Brook",
    "De Kamp", "Het Varviksingel", "De Wheem", "Het Hogeland", "De Meijers", "De Bongerd",
    "Het Gijmink", "De Tichel", "Het Mosbeek", "De Zandkamp", "Het Lentfert", "De Heurne",
    "Het Dijkhuis", "De Pol", "Het Noorderhagen", "De Zuiderhagen", "De Keppel",
)

# ---------------------------------------------------------------- people

FIRST_NAMES = (
    "Anouk", "Femke", "Sanne", "Lotte", "Iris", "Esther", "Marieke", "Ingrid", "Gerda",
    "Monique", "Sandra", "Linda", "Chantal", "Petra", "Yvonne", "Kim", "Laura", "Anne", "Eva",
    "Sophie", "Julia", "Lisa", "Fleur", "Maud", "Noor", "Roos", "Mirjam", "Hanneke", "Wendy",
    "Jolanda", "Karin", "Annemiek", "Marloes", "Nienke", "Daphne", "Ilse", "Manon", "Joyce",
    "Bianca", "Tessa", "Demi", "Romy", "Milou", "Jasmijn", "Fatima", "Samira", "Aylin",
    "Elif", "Meryem", "Nadia", "Dewi", "Joanna", "Agnieszka", "Bram", "Jeroen", "Martijn",
    "Henk", "Gerrit", "Jan", "Wim", "Stefan", "Thijs", "Rick", "Koen", "Niels", "Bas",
    "Sander", "Tim", "Ruben", "Daan", "Lars", "Mohamed", "Emre", "Youssef", "Mehmet",
    "Dennis", "Erik", "Marco", "Jordy", "Rutger",
)
LAST_NAMES = (
    "Nijhuis", "Oude Luttikhuis", "Kamphuis", "Morsink", "Brinkhuis", "Wolters", "Pierik",
    "Tijhuis", "Wessels", "Lammertink", "Nijenhuis", "Oude Vrielink", "Hofstede", "Bosch",
    "Meijer", "Jansen", "de Vries", "Smit", "Visser", "Mulder", "Bakker", "ter Horst",
    "Assink", "Haverkate", "Kuipers", "ten Brinke", "Olthof", "Boerrigter", "Scholten",
    "Klein Gunnewiek", "Heuvelink", "Leferink", "Rouwhorst", "Schuurman", "Vos", "Huisman",
    "Bruggink", "Velthuis", "Lansink", "Hulsbos", "Pieters", "Yilmaz", "Kaya", "El Amrani",
    "Bouzid", "Demir", "Kowalski", "Nowak", "Sahin", "Dijkstra", "Groothuis",
    "Oude Wesselink", "Wiegerinck", "ter Haar", "Slaghekke", "Ottink", "Wennink", "Eshuis",
    "Stokkers", "Dubbink",
)
# choices and weights
TRAVEL_KM = ((10, 2), (15, 4), (20, 5), (25, 4), (30, 4), (35, 2), (40, 2), (50, 1))
NO_TRAVEL_LIMIT_SHARE = 0.15
EXTRA_INDUCTIONS = ((1, 1), (2, 3), (3, 5), (4, 5), (5, 3), (6, 2))
HYBRID_SHARE = 0.6  # workers with a home roster inside the horizon
HOME_SHIFTS_PER_WEEK = ((1, 3), (2, 4), (3, 2))
HISTORY_SHARE = 0.45
HISTORY_SHIFTS_PER_WEEK = ((1, 1), (2, 2), (3, 3), (4, 2))
TARGET_FRACTIONS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
MAX_SHIFTS_SHARE = 0.35
UNAVAILABLE_SHARE = 0.45
LEAVE_SHARE = 0.6  # horizons of 2+ weeks (December): 4-14 days of leave
CHRISTMAS_LEAVE_FROM = (12, 19)  # leave starts three times as often from this (month, day)
PREFERENCE_SHARE = 0.55
WEEKEND_DEMAND_FACTOR = 1.4  # the pool gets the weekends the own staff leave open
MAX_FIXED_WORK_MINUTES = 570  # 9.5 h per fixed-work item
MAX_FIXED_NIGHTS_PER_WEEK = 2
MAX_FIXED_RUN_DAYS = 5
WEEKLY_REST_MINUTES = 2160

SIZES: dict[str, SizeSpec] = {
    "S": SizeSpec("S", 10, 60, 1, 150, 1, supply=1.15),
    "R150": SizeSpec("R150", 25, 150, 1, 400, 1, supply=1.0),
    "M": SizeSpec("M", 68, 600, 1, 2500, 16, supply=1.15),
    "L": SizeSpec("L", 68, 2000, 4, 10000, 16, supply=0.9),
    # the size of issue 3's yardstick: 600 workers, 68 organisations, 2 weeks, 3,359 slots
    "M2W": SizeSpec("M2W", 68, 600, 2, 3359, 16, supply=0.9),
}


# ---------------------------------------------------------------- small helpers


def resolve_size(size: str | SizeSpec) -> SizeSpec:
    """A named size (``S``, ``R150``, ``M``, ``L``) or a custom :class:`SizeSpec`."""
    if isinstance(size, SizeSpec):
        return size
    try:
        return SIZES[size]
    except KeyError:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}") from None


def _rng(seed: int, key: str, part: str) -> random.Random:
    """An independent, process-stable stream per part (string seeds are hashed with SHA-512)."""
    return random.Random(f"twente:{seed}:{key}:{part}")


def _pick(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    """One value of a ``(value, weight)`` table."""
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into integers summing to ``total``."""
    s = sum(weights)
    exact = [total * w / s for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def local(day: date, hhmm: str) -> datetime:
    """Wall-clock time on ``day`` in the scenario zone."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZONE)


def exists_locally(moment: datetime) -> bool:
    """False for a wall-clock time inside the spring DST gap."""
    back = moment.astimezone(UTC).astimezone(ZONE)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def elapsed_minutes(start: datetime, end: datetime) -> int:
    """Real elapsed minutes (via UTC: a DST night is an hour shorter or longer)."""
    return int((end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(minutes=1))


def fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def shift_times(day: date, template: ShiftTemplate) -> tuple[datetime, datetime]:
    start, end = local(day, template.start), local(day, template.end)
    if template.end <= template.start:
        end = local(day + timedelta(days=1), template.end)
    return start, end


def night_minutes(start: datetime, end: datetime) -> int:
    """Wall-clock minutes inside local 00:00-06:00 windows (ATW art. 1:7)."""
    total = 0
    for offset in (0, 1):
        midnight = local(start.date() + timedelta(days=offset), "00:00")
        six = local(start.date() + timedelta(days=offset), "06:00")
        lo, hi = max(start, midnight), min(end, six)
        if hi > lo:
            total += int((hi - lo) / timedelta(minutes=1))
    return total


def is_night(template: ShiftTemplate) -> bool:
    start, end = shift_times(DEFAULT_START, template)
    return night_minutes(start, end) > 60


def horizon_days(spec: SizeSpec) -> list[date]:
    return [spec.start + timedelta(days=i) for i in range(7 * spec.weeks)]


# ---------------------------------------------------------------- organisations


@dataclass
class Site:
    """A location with what the generator needs to know about it."""

    org_id: str
    org_name: str
    kind: str
    id: str
    municipality: str
    lat: float
    lon: float
    induction_required: bool


@dataclass
class BuiltOrg:
    kind: str
    data: dict[str, Any]
    sites: list[Site] = field(default_factory=list)


def select_organisations(spec: SizeSpec, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """All 68, or a subset keeping the regional sector mix (largest remainder)."""
    if spec.organisations == len(ORGANISATIONS):
        return list(ORGANISATIONS)
    groups = list(SECTOR_GROUPS)
    quotas = largest_remainder(spec.organisations, [SECTOR_GROUPS[g] for g in groups])
    chosen: list[tuple[str, str, str, str]] = []
    for group, quota in zip(groups, quotas, strict=True):
        members = [o for o in ORGANISATIONS if _group_of(o[0]) == group]
        chosen.extend(rng.sample(members, quota))
    return [o for o in ORGANISATIONS if o in chosen]


def _group_of(kind: str) -> str:
    sector = KINDS[kind].sector
    return sector if sector in SECTOR_GROUPS else "other"


def nearby_municipalities(name: str, within_km: float) -> list[tuple[str, float]]:
    """Municipalities within ``within_km`` of ``name`` (itself included), nearest first."""
    lat, lon, _ = MUNICIPALITIES[name]
    found = [(m, haversine_km(lat, lon, la, lo)) for m, (la, lo, _) in MUNICIPALITIES.items()]
    return sorted([f for f in found if f[1] <= within_km], key=lambda f: (f[1], f[0]))


def build_organisation(plan: tuple[str, str, str, str], rng: random.Random) -> BuiltOrg:
    kind_key, org_id, name, main = plan
    kind = KINDS[kind_key]
    count = rng.randint(*kind.locations)
    near = nearby_municipalities(main, SISTER_LOCATION_KM)
    weights = [MUNICIPALITIES[m][2] / (1 + d / 4) ** 2 for m, d in near]
    municipalities = [main, *rng.choices([m for m, _ in near], weights=weights, k=count - 1)]
    words = rng.sample(LOCATION_WORDS, count)
    org = BuiltOrg(kind_key, {"id": org_id, "name": name, "sector": kind.sector})
    if kind.overlay and rng.random() < kind.overlay_share:
        org.data["rules"] = dict(kind.overlay)
    locations: list[dict[str, Any]] = []
    for muni, word in zip(municipalities, words, strict=True):
        base = f"{org_id}-{slug(muni)}"
        n = sum(1 for loc in locations if loc["municipality"] == muni)
        loc_id = base if n == 0 else f"{base}-{n + 1}"
        label = muni if kind.named_by_municipality and n == 0 else word
        lat, lon, _ = MUNICIPALITIES[muni]
        loc = {
            "id": loc_id,
            "name": f"{kind.location_prefix} {label}",
            "municipality": muni,
            "lat": round(lat + rng.gauss(0, 0.006), 4),
            "lon": round(lon + rng.gauss(0, 0.009), 4),
        }
        locations.append(loc)
        induction = rng.random() < kind.induction_share
        org.sites.append(
            Site(org_id, name, kind_key, loc_id, muni, loc["lat"], loc["lon"], induction)
        )
    org.data["locations"] = locations
    return org


# ---------------------------------------------------------------- demand


def build_shifts(orgs: list[BuiltOrg], spec: SizeSpec, rng: random.Random) -> list[dict[str, Any]]:
    """Open shifts whose headcounts sum to ``spec.target_slots`` (capacity permitting)."""
    sites = [s for o in orgs for s in o.sites]
    weights = [KINDS[s.kind].demand_weight * rng.uniform(0.6, 1.4) for s in sites]
    quotas = largest_remainder(spec.target_slots, weights)
    shifts: list[dict[str, Any]] = []
    for site, quota in zip(sites, quotas, strict=True):
        shifts.extend(site_shifts(site, quota, horizon_days(spec), rng))
    return sorted(shifts, key=lambda s: (s["start"], s["id"]))


def site_shifts(site: Site, quota: int, days: list[date],
                rng: random.Random) -> list[dict[str, Any]]:
    kind = KINDS[site.kind]
    extras = {t.code: [c for c, p in t.extra_requires if rng.random() < p] for t in kind.templates}
    candidates = [
        (day, t) for day in days for t in kind.templates
        if t.runs_on(day) and all(exists_locally(m) for m in shift_times(day, t))
    ]
    weights = [t.weight * (WEEKEND_DEMAND_FACTOR if d.weekday() >= 5 else 1) for d, t in candidates]
    headcount: dict[int, int] = {}
    for _ in range(quota):
        if not candidates:
            break
        index = rng.choices(range(len(candidates)), weights=weights)[0]
        headcount[index] = headcount.get(index, 0) + 1
        if headcount[index] >= candidates[index][1].max_headcount:
            weights[index] = 0.0
            if not any(weights):
                break
    return [
        shift_dict(site, *candidates[i], headcount[i], extras, rng) for i in sorted(headcount)
    ]


def shift_dict(site: Site, day: date, t: ShiftTemplate, headcount: int,
               extras: dict[str, list[str]], rng: random.Random) -> dict[str, Any]:
    start, end = shift_times(day, t)
    return {
        "id": f"{site.id}-{day.isoformat()}-{t.code}",
        "organisation": site.org_id,
        "location": site.id,
        "start": fmt(start),
        "end": fmt(end),
        "unpaid_break_minutes": t.unpaid_break,
        "headcount": headcount,
        "roles": list(t.roles),
        "requires": list(t.requires) + extras[t.code],
        "induction_required": site.induction_required,
        "priority": rng.choices(range(1, 6), weights=t.priorities)[0],
        "label": t.label,
    }


# ---------------------------------------------------------------- workers


@dataclass
class WorkItem:
    """A fixed-work item under construction (local aware times)."""

    start: datetime
    end: datetime
    unpaid_break: int
    label: str
    night: bool

    @property
    def late_night(self) -> bool:
        return self.night and self.end.time() > time(2, 0)

    def as_json(self) -> dict[str, Any]:
        return {"start": fmt(self.start), "end": fmt(self.end),
                "unpaid_break_minutes": self.unpaid_break, "label": self.label}


@dataclass
class WorkerContext:
    """Scenario-wide facts every worker is drawn against."""

    spec: SizeSpec
    orgs: list[BuiltOrg]
    sites: list[Site]
    org_weights: list[float]
    mean_pool_hours: float


def build_workers(orgs: list[BuiltOrg], shifts: list[dict[str, Any]], spec: SizeSpec,
                  seed: int) -> list[dict[str, Any]]:
    ctx = WorkerContext(
        spec=spec,
        orgs=orgs,
        sites=[s for o in orgs for s in o.sites],
        org_weights=[KINDS[o.kind].demand_weight * len(o.sites) for o in orgs],
        mean_pool_hours=mean_pool_hours(shifts, spec),
    )
    rng = _rng(seed, spec.name, "workers")
    return [build_worker(ctx, n, random.Random(rng.getrandbits(64))) for n in range(spec.workers)]


def mean_pool_hours(shifts: list[dict[str, Any]], spec: SizeSpec) -> float:
    """Weekly pool hours per worker that give ``spec.supply`` times the demanded hours."""
    minutes = 0
    for s in shifts:
        start = datetime.fromisoformat(s["start"]).replace(tzinfo=ZONE)
        end = datetime.fromisoformat(s["end"]).replace(tzinfo=ZONE)
        minutes += (elapsed_minutes(start, end) - s["unpaid_break_minutes"]) * s["headcount"]
    hours = minutes / 60 / spec.weeks * spec.supply / spec.workers
    return min(max(hours, 8.0), 32.0)


def build_worker(ctx: WorkerContext, n: int, rng: random.Random) -> dict[str, Any]:
    home_org = rng.choices(ctx.orgs, weights=ctx.org_weights)[0]
    home_site = rng.choice(home_org.sites)
    kind = KINDS[home_org.kind]
    roles = list(_pick(rng, kind.role_mix))
    home = home_of(home_site, rng)
    travel = travel_limit(rng, home, home_site)
    worker: dict[str, Any] = {
        "id": f"w{n + 1:04d}",
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "home": home,
    }
    if travel is not None:
        worker["max_travel_km"] = travel
    worker["roles"] = roles
    inducted = inductions(ctx, rng, roles, home, travel, home_org, home_site)
    worker["credentials"] = credentials(ctx.spec, rng, roles, kind) + [
        {"code": f"induction:{s.id}", "kind": "induction"} for s in inducted
    ]
    hybrid = rng.random() < HYBRID_SHARE
    worker["contract"] = contract(ctx, rng, hybrid)
    leave = leave_window(ctx.spec, rng)
    fixed = fixed_work(ctx.spec, rng, home_org, roles, hybrid, leave)
    unavailable = unavailability(ctx.spec, rng, fixed, leave)
    if unavailable:
        worker["unavailable"] = unavailable
    if fixed:
        worker["fixed_work"] = [item.as_json() for item in fixed]
    prefs = preferences(ctx.spec, rng, home_org, inducted)
    if prefs:
        worker["preferences"] = prefs
    return worker


def home_of(site: Site, rng: random.Random) -> dict[str, Any]:
    """Home in the site's municipality or a neighbouring one, with jittered coordinates."""
    if rng.random() < 0.55:
        muni = site.municipality
    else:
        near = nearby_municipalities(site.municipality, 25)
        weights = [MUNICIPALITIES[m][2] / (1 + d / 5) ** 2 for m, d in near]
        muni = rng.choices([m for m, _ in near], weights=weights)[0]
    lat, lon, _ = MUNICIPALITIES[muni]
    return {"municipality": muni, "lat": round(lat + rng.gauss(0, 0.012), 4),
            "lon": round(lon + rng.gauss(0, 0.018), 4)}


def distance(home: dict[str, Any], site: Site) -> float:
    return haversine_km(home["lat"], home["lon"], site.lat, site.lon)


def travel_limit(rng: random.Random, home: dict[str, Any], home_site: Site) -> int | None:
    """Travel limit in km, never below the trip to the worker's own location."""
    if rng.random() < NO_TRAVEL_LIMIT_SHARE:
        return None
    km = _pick(rng, TRAVEL_KM)
    own = distance(home, home_site)
    return km if own <= km else 5 * math.ceil(own / 5)


def can_fill(roles: Sequence[str], site: Site) -> bool:
    return any(not t.roles or set(t.roles) & set(roles) for t in KINDS[site.kind].templates)


def inductions(ctx: WorkerContext, rng: random.Random, roles: list[str], home: dict[str, Any],
               travel: int | None, home_org: BuiltOrg, home_site: Site) -> list[Site]:
    """The home location, some sister locations and a few more near home."""
    reach = travel if travel is not None else 30
    chosen = [home_site]
    for site in home_org.sites:
        if site is not home_site and distance(home, site) <= reach and rng.random() < 0.6:
            chosen.append(site)
    own = home_org.data["id"]
    pool = [s for s in ctx.sites
            if s.org_id != own and distance(home, s) <= reach and can_fill(roles, s)]
    same_sector = KINDS[home_org.kind].sector
    weights = [(2.0 if KINDS[s.kind].sector == same_sector else 1.0) / (1 + distance(home, s) / 5)
               for s in pool]
    for _ in range(min(_pick(rng, EXTRA_INDUCTIONS), len(pool))):
        index = rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool.pop(index))
        weights.pop(index)
    return chosen


def validity(rng: random.Random, spec: SizeSpec, years: int) -> dict[str, str]:
    """valid_from/valid_until of a registration or attestation running ``years`` years.

    A few lapse inside the horizon and a few start inside it.
    """
    span = timedelta(days=365 * years)
    days = 7 * spec.weeks
    draw = rng.random()
    if draw < EXPIRING_SHARE:
        until = spec.start + timedelta(days=rng.randrange(days - 1))
        since = until - span
    elif draw < EXPIRING_SHARE + NEW_COMPETENCE_SHARE:
        since = spec.start + timedelta(days=rng.randrange(1, days))
        until = since + span
    else:
        until = spec.end + timedelta(days=rng.randint(20, 365 * years))
        since = until - span
    return {"valid_from": since.isoformat(), "valid_until": until.isoformat()}


def credentials(spec: SizeSpec, rng: random.Random, roles: list[str],
                kind: OrgKind) -> list[dict[str, Any]]:
    """Registrations for the roles, competences by role, and a VOG."""
    creds: list[dict[str, Any]] = []
    if VPK in roles:
        creds.append({"code": BIG, "kind": "bevoegd", **validity(rng, spec, 5)})
    skj_share = 1.0 if JZW in roles else (0.8 if kind.sector == "jeugdzorg" else 0.3)
    if (JZW in roles or AGOOG in roles) and rng.random() < skj_share:
        creds.append({"code": SKJ, "kind": "bevoegd", **validity(rng, spec, 5)})
    held: list[str] = []
    for role in roles:
        for code, p in COMPETENCES.get(role, ()):
            if code not in held and rng.random() < p:
                held.append(code)
    for code in sorted(held):
        creds.append({"code": code, "kind": "bekwaam", **validity(rng, spec, 2)})
    if rng.random() < kind.vog_share:
        issued = spec.start - timedelta(days=rng.randint(30, 4 * 365))
        if rng.random() < NEW_COMPETENCE_SHARE:
            issued = spec.start + timedelta(days=rng.randrange(1, 7 * spec.weeks))
        creds.append({"code": VOG, "kind": "other", "valid_from": issued.isoformat()})
    return creds


def contract(ctx: WorkerContext, rng: random.Random, hybrid: bool) -> dict[str, int]:
    """Weekly pool hours of 8..36 h around the size's mean; hybrids take fewer."""
    mean = ctx.mean_pool_hours * (0.8 if hybrid else 1.3)
    frac = min(max((mean - 8) / 28, 0.05), 0.95)
    hours = 8 + 28 * rng.betavariate(3 * frac, 3 * (1 - frac))
    hours = min(36, max(8, 4 * round(hours / 4)))
    result = {
        "max_minutes_per_week": hours * 60,
        "target_minutes_per_week": 60 * max(4, round(hours * rng.choice(TARGET_FRACTIONS))),
    }
    if rng.random() < MAX_SHIFTS_SHARE:
        result["max_shifts_per_week"] = min(5, math.ceil(hours / 8) + rng.randint(0, 1))
    return result


# ---------------------------------------------------------------- fixed work


def fixed_work(spec: SizeSpec, rng: random.Random, home_org: BuiltOrg, roles: list[str],
               hybrid: bool, leave: tuple[datetime, datetime] | None) -> list[WorkItem]:
    """Home roster inside the horizon (hybrids) and history before it (part of the pool).

    Legal-ish by construction: no overlaps, >= 11 h (12 h for a 720-min CAO, 14 h
    after a late night) between items, at most 4 a week and 2 nights a week, no
    night series of 3, no run longer than 5 days, 36 h weekly rest, <= 9.5 h each.
    """
    history = 0
    if spec.history_weeks and rng.random() < HISTORY_SHARE:
        history = min(spec.history_weeks, rng.choice((1, 2, 4, 8, 12, 16, 16, 16)))
    own = [t for t in KINDS[home_org.kind].templates if set(t.roles) & set(roles)]
    own = own or list(KINDS[home_org.kind].templates)
    min_rest = home_org.data.get("rules", {}).get("min_daily_rest_minutes", 660)
    org_id = home_org.data["id"]
    items: list[WorkItem] = []
    for week in range(-history, spec.weeks):
        monday = spec.start + timedelta(days=7 * week)
        if week < 0:
            count, label = _pick(rng, HISTORY_SHIFTS_PER_WEEK), f"historie {org_id}"
        elif hybrid:
            count, label = _pick(rng, HOME_SHIFTS_PER_WEEK), f"eigen rooster {org_id}"
        else:
            continue
        week_items: list[WorkItem] = []
        for offset in sorted(rng.sample(range(7), count)):
            day = monday + timedelta(days=offset)
            templates = [t for t in own if t.runs_on(day)]
            item = fixed_item(day, rng.choice(templates), label) if templates else None
            if leave and item and item.start < leave[1] and leave[0] < item.end:
                continue
            if item and fits(item, items + week_items, min_rest):
                week_items.append(item)
        items.extend(keep_weekly_rest(monday, items, week_items))
    return items


def fixed_item(day: date, t: ShiftTemplate, label: str) -> WorkItem | None:
    start, end = shift_times(day, t)
    if not (exists_locally(start) and exists_locally(end)):
        return None
    if elapsed_minutes(start, end) - t.unpaid_break > MAX_FIXED_WORK_MINUTES:
        return None  # e.g. a sleep-in over the autumn DST change
    return WorkItem(start, end, t.unpaid_break, f"{label} ({t.code})", is_night(t))


def fits(item: WorkItem, before: list[WorkItem], min_rest: int) -> bool:
    """Does ``item`` follow the (chronological) items ``before`` legally-ish?"""
    if not before:
        return True
    last = before[-1]
    rest = 840 if last.late_night else min_rest
    if elapsed_minutes(last.end, item.start) < rest:
        return False
    dates = [w.start.date() for w in before]
    day = item.start.date()
    if item.night:
        nights = [w.start.date() for w in before if w.night]
        in_week = [d for d in nights if d >= day - timedelta(days=day.weekday())]
        if len(in_week) >= MAX_FIXED_NIGHTS_PER_WEEK:
            return False
        if day - timedelta(days=1) in nights and day - timedelta(days=2) in nights:
            return False
    run = 1
    while day - timedelta(days=run) in dates:
        run += 1
    return run <= MAX_FIXED_RUN_DAYS


def keep_weekly_rest(monday: date, earlier: list[WorkItem],
                     items: list[WorkItem]) -> list[WorkItem]:
    """Drop the week's last items until its longest free period reaches 36 h.

    ``earlier`` items count where they reach into the week (a Sunday night).
    """
    week_start, week_end = local(monday, "00:00"), local(monday + timedelta(days=7), "00:00")
    carried = [w for w in earlier[-1:] if w.end > week_start]
    kept = list(items)
    while kept:
        busy = [(max(w.start, week_start), min(w.end, week_end)) for w in carried + kept]
        edges = [week_start, *(m for span in busy for m in span), week_end]
        gaps = [elapsed_minutes(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
        if max(gaps) >= WEEKLY_REST_MINUTES:
            break
        kept.pop()
    return kept


# ---------------------------------------------------------------- availability and wishes


def leave_window(spec: SizeSpec, rng: random.Random) -> tuple[datetime, datetime] | None:
    """In horizons of 2+ weeks, part of the pool takes 4-14 days off, often around Christmas."""
    if spec.weeks < 2 or rng.random() >= LEAVE_SHARE:
        return None
    days = horizon_days(spec)
    weights = [3 if (d.month, d.day) >= CHRISTMAS_LEAVE_FROM else 1 for d in days]
    first = rng.choices(days, weights=weights)[0]
    return local(first, "00:00"), local(first + timedelta(days=rng.randint(4, 14)), "00:00")


def unavailability(spec: SizeSpec, rng: random.Random, fixed: list[WorkItem],
                   leave: tuple[datetime, datetime] | None) -> list[dict[str, str]]:
    """The leave, and for part of the pool days off, mornings, evenings; never on fixed work."""
    kept = [leave] if leave else []
    windows: list[tuple[datetime, datetime]] = []
    days = horizon_days(spec)
    if rng.random() < UNAVAILABLE_SHARE:
        for _ in range(rng.randint(1, 2) * spec.weeks):
            day = rng.choice(days)
            windows.append(rng.choice((
                (local(day, "00:00"), local(day + timedelta(days=1), "00:00")),
                (local(day, "07:00"), local(day, "13:00")),
                (local(day, "17:00"), local(day + timedelta(days=1), "00:00")),
            )))
    for start, end in windows:
        clash = any(start < w.end and w.start < end for w in fixed)
        clash = clash or any(start < e and s < end for s, e in kept)
        if not clash:
            kept.append((start, end))
    return [{"start": fmt(s), "end": fmt(e)} for s, e in sorted(kept)]


def preferences(spec: SizeSpec, rng: random.Random, home_org: BuiltOrg,
                inducted: list[Site]) -> dict[str, Any]:
    if rng.random() >= PREFERENCE_SHARE:
        return {}
    prefs: dict[str, Any] = {}
    avoid, prefer = [], []
    for week in range(spec.weeks):
        monday = spec.start + timedelta(days=7 * week)
        if rng.random() < 0.35:
            avoid.append(avoid_window(rng, monday))
        if rng.random() < 0.25:
            prefer.append(prefer_window(rng, monday))
    if avoid:
        prefs["avoid"] = avoid
    if prefer:
        prefs["prefer"] = prefer
    kinds = shift_kind_likes(rng)
    if kinds:
        prefs["shift_kinds"] = kinds
    orgs = organisation_likes(rng, home_org, inducted)
    if orgs:
        prefs["organisations"] = orgs
    return prefs


def avoid_window(rng: random.Random, monday: date) -> dict[str, Any]:
    choice = rng.randrange(3)
    wednesday, saturday = monday + timedelta(days=2), monday + timedelta(days=5)
    if choice == 0:  # Wednesday afternoon: the children are home
        start, end = local(wednesday, "12:00"), local(wednesday, "18:00")
    elif choice == 1:  # the weekend
        start, end = local(saturday, "00:00"), local(saturday + timedelta(days=2), "00:00")
    else:  # one evening
        day = monday + timedelta(days=rng.randrange(7))
        start, end = local(day, "17:00"), local(day + timedelta(days=1), "00:00")
    return {"start": fmt(start), "end": fmt(end), "weight": rng.randint(2, 8)}


def prefer_window(rng: random.Random, monday: date) -> dict[str, Any]:
    day = monday + timedelta(days=rng.randrange(7))
    start, end = rng.choice((("07:00", "16:00"), ("08:00", "17:30"), ("14:00", "23:30")))
    return {"start": fmt(local(day, start)), "end": fmt(local(day, end)),
            "weight": rng.randint(1, 6)}


def shift_kind_likes(rng: random.Random) -> dict[str, int]:
    likes: dict[str, int] = {}
    draw = rng.random()
    if draw < 0.5:
        likes["night"] = rng.randint(-8, -2)
    elif draw < 0.58:
        likes["night"] = rng.randint(2, 6)
    for kind, share in (("early", 0.3), ("day", 0.15), ("late", 0.25)):
        if rng.random() < share:
            likes[kind] = rng.choice((-4, -3, -2, -1, 1, 2, 3, 4))
    return {k: likes[k] for k in ("early", "day", "late", "night") if k in likes}


def organisation_likes(rng: random.Random, home_org: BuiltOrg,
                       inducted: list[Site]) -> dict[str, int]:
    likes: dict[str, int] = {}
    if rng.random() < 0.4:
        likes[home_org.data["id"]] = rng.randint(2, 5)
    others = [s.org_id for s in inducted if s.org_id != home_org.data["id"]]
    if others and rng.random() < 0.25:
        likes[rng.choice(others)] = rng.choice((-4, -3, -2, 2, 3, 4))
    return likes


# ---------------------------------------------------------------- the scenario


def scenario_name(spec: SizeSpec, seed: int) -> str:
    first = spec.start.isocalendar().week
    last = spec.end.isocalendar().week
    weeks = f"week {first}" if first == last else f"weeks {first}-{last}"
    return f"Twente {spec.name}, {weeks} {spec.start.year} (seed {seed})"


def generate(size: str | SizeSpec, seed: int = 1) -> dict[str, Any]:
    """A complete ``flexpool-scenario/1`` dict; the same (size, seed) gives the same dict."""
    spec = resolve_size(size)
    region = f"{spec.organisations}-orgs"  # sizes with the same organisations share the region
    plans = select_organisations(spec, _rng(seed, region, "organisations"))
    site_rng = _rng(seed, region, "locations")
    orgs = [build_organisation(plan, site_rng) for plan in plans]
    shifts = build_shifts(orgs, spec, _rng(seed, spec.name, "demand"))
    workers = build_workers(orgs, shifts, spec, seed)
    return {
        "format": FORMAT,
        "name": scenario_name(spec, seed),
        "timezone": TIMEZONE,
        "horizon": {"start": spec.start.isoformat(), "end": spec.end.isoformat()},
        "rules": {},
        "organisations": [o.data for o in orgs],
        "workers": workers,
        "shifts": shifts,
        "pinned": [],
        "weights": {},
    }


def summarise(scenario: dict[str, Any]) -> dict[str, int]:
    """Counts for READMEs and tests."""
    start = scenario["horizon"]["start"]
    fixed = [f for w in scenario["workers"] for f in w.get("fixed_work", [])]
    return {
        "organisations": len(scenario["organisations"]),
        "locations": sum(len(o["locations"]) for o in scenario["organisations"]),
        "workers": len(scenario["workers"]),
        "shifts": len(scenario["shifts"]),
        "slots": sum(s.get("headcount", 1) for s in scenario["shifts"]),
        "priority_5_slots": sum(s["headcount"] for s in scenario["shifts"] if s["priority"] == 5),
        "fixed_work": len(fixed),
        "fixed_work_history": sum(1 for f in fixed if f["start"] < start),
        "unavailable": sum(len(w.get("unavailable", [])) for w in scenario["workers"]),
    }


def _is_flat(value: dict[str, Any] | list[Any]) -> bool:
    """Holds only scalars and lists of scalars (printed on one line)."""
    children = value.values() if isinstance(value, dict) else value
    return all(
        not isinstance(v, dict | list)
        or (isinstance(v, list) and not any(isinstance(x, dict | list) for x in v))
        for v in children
    )


def to_json_text(value: Any, depth: int = 0) -> str:
    """JSON with one line per shift, credential, fixed-work item, ...: compact and diffable."""
    if not isinstance(value, dict | list) or not value or _is_flat(value):
        return json.dumps(value, ensure_ascii=False)
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        body = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {to_json_text(v, depth + 1)}"
                for k, v in value.items()]
        return "{\n" + ",\n".join(body) + "\n" + "  " * depth + "}"
    body = [pad + to_json_text(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(body) + "\n" + "  " * depth + "]"


def write_scenario(scenario: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json_text(scenario) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write here (default: standard output)")
    args = parser.parse_args(argv)
    began = clock.perf_counter()
    scenario = generate(args.size, args.seed)
    seconds = clock.perf_counter() - began
    if args.out:
        write_scenario(scenario, args.out)
    else:
        sys.stdout.write(to_json_text(scenario) + "\n")
    counts = ", ".join(f"{k} {v}" for k, v in summarise(scenario).items())
    print(f"{scenario['name']}: {counts} ({seconds:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
