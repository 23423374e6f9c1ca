"""The IRO Desk bundle: every record of a desk as CSV files (docs/formats.md).

``export_bundle`` writes the three 903 files (by the 903 exporter, over every year) and
one file per kind of record; ``import_bundle`` checks every file before writing, writes
in one transaction, and matches what is already held so a second import changes nothing.

Layout: ``table`` (columns, reading and writing CSV), ``store`` (audited writes, keys),
``people`` (IROs, children, allocations), ``meetings`` (conferences, other meetings,
agency reports), ``casework`` (CP plans and the record-per-row files that ``generic``
handles), ``export`` and ``importing``.
"""

from iro_desk.services.bundle.export import ExportedBundle, export_bundle
from iro_desk.services.bundle.importing import ImportedBundle, import_bundle

__all__ = ["ExportedBundle", "ImportedBundle", "export_bundle", "import_bundle"]
