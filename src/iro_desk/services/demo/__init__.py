"""A demonstration unit: an obviously fictional IRO service with three years of history.

Shaped like the seed annual report (South Tyneside 2013-14): about 310 looked-after
children and 170 on child protection plans at the end, seven IROs (one part-time), ~140
starts and ~150 ends of care a year, reviews ~95% on time, PN participation codes, CP
conferences with agency reports, visits, a duty rota with enquiries, compliance forms
and Issues Resolution cases. Every date follows the rules in ``rules/``.

The same seed gives the same data: one ``random.Random(seed)`` drives everything, and
row ids come from it too. The rows are built as plain dicts and bulk inserted in chunks
(executemany, with the secondary indexes built once at the end), so a
national-sized unit (``children=200_000``, ~17 million rows) takes minutes, not hours.
The whole generation is one transaction with one audit event ("demo.generate").

Layout: ``proportions`` (the unit's shape and code mix), ``words`` (made-up names and
text), ``places`` (the 903's postcodes, providers and URNs), ``sink`` (bulk writing),
``base`` (state and seeded helpers), one module per area (``iros``, ``children``,
``care``, ``reviews``, ``protection``, ``visits``, ``quality``, ``enquiries``),
``builder`` (puts them together) and ``generate`` (the entry point).
"""

from iro_desk.services.demo.generate import MAX_CHILDREN, MIN_CHILDREN, generate_demo, is_empty
from iro_desk.services.demo.proportions import (
    CHILDREN_PER_IRO,
    DEFAULT_CHILDREN,
    DEFAULT_CP,
    DEFAULT_LOOKED_AFTER,
    HISTORY_YEARS,
)
from iro_desk.services.demo.summary import DemoSummary

__all__ = [
    "CHILDREN_PER_IRO",
    "DEFAULT_CHILDREN",
    "DEFAULT_CP",
    "DEFAULT_LOOKED_AFTER",
    "HISTORY_YEARS",
    "MAX_CHILDREN",
    "MIN_CHILDREN",
    "DemoSummary",
    "generate_demo",
    "is_empty",
]
