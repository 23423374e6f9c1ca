"""Import and export of SSDA903 files, the national return on looked-after children.

Three CSV files with dd/mm/yyyy dates (docs/domain.md, "SSDA903 files"):

- ``header.csv``: CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
- ``episodes.csv``: CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,
  REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
- ``reviews.csv``: CHILD,DOB,REVIEW,REVIEW_CODE

The import checks every row of every file and notes every problem as
``file:line: field: reason``, of one of three kinds: files that cannot be read as a
return are refused whole (found in a first pass over the files, before anything is
written); a row that cannot be stored is skipped; a row with a data-quality finding is
stored as given. A second pass reads, checks and writes a batch of children at a time,
so memory does not grow with the return. Skipped rows and findings are kept
(``findings``) until a later import or the desk corrects them; ``strict`` refuses on any
of them. Everything is written in one transaction. It is idempotent: children
are matched on their reference, episodes on (child, DECOM) and reviews on
(child, REVIEW date), so importing the same files again changes nothing. Periods of
care are rebuilt from the chain of episodes (each DECOM equal to the previous DEC).

A return is a snapshot at 31 March: an episode still open then is written with a
blank DEC. So a blank DEC in a file never reopens an episode the database already
has as ended (the file is older than what is known), and the export writes an
episode that ended after the year's end as open.

Layout: ``fileformat`` (names, columns, code lists), ``reading`` (CSV to rows),
``parsing`` (rows to checked values), ``checking`` (a child's rows against each other
and the database), ``importing`` (``import_903``: a first pass over the whole return,
then a batch of children at a time),
``writing`` (new rows in bulk, one audit event per batch), ``findings`` (kept, listed,
cleared), ``export`` (``export_903``) and ``results`` (what either did).
"""

from iro_desk.services.ssda903.export import export_903
from iro_desk.services.ssda903.fileformat import (
    EPISODE_COLUMNS,
    EPISODES_FILE,
    HEADER_COLUMNS,
    HEADER_FILE,
    REVIEW_COLUMNS,
    REVIEWS_FILE,
)
from iro_desk.services.ssda903.importing import import_903
from iro_desk.services.ssda903.results import ExportResult, ImportResult

__all__ = [
    "EPISODES_FILE",
    "EPISODE_COLUMNS",
    "HEADER_COLUMNS",
    "HEADER_FILE",
    "REVIEWS_FILE",
    "REVIEW_COLUMNS",
    "ExportResult",
    "ImportResult",
    "export_903",
    "import_903",
]
