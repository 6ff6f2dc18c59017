"""Importing and exporting the roster workbook (花名册, layout in `excel.py`).

`roster_import` reads the workbook once, validates every row of both sheets against the rules
(`roster.clean_members`, as `clean_member`), the county's tree and the importer's scope
(`validation`), and only then writes everything in one transaction (`writing`): the "组织"
sheet's new and changed organisations first, then the members. A member is matched by the
blind index of their ID number, so importing the same file again updates (or leaves unchanged)
rather than duplicates.
Any error and nothing is written: `ImportFailed` lists every problem with its Excel row, column
header and a Chinese message.

Members of the county that the file does not mention are left as they are: an import adds and
updates, it never deletes.

`roster_export` (`export`) writes what the user may see in the same layout, full ID numbers
included (so it re-imports), and is therefore for roles entitled to reveal them, and logged.

The import writes one audit row (who, when, the file's name and SHA-256, the job, the counts);
each member's history row points to it (`MemberEvent.audit`), and a changed member also gets
their own audit row with before and after.

Cost, nothing per row: one query for the county's tree, existing members looked up by blind
index in chunks, then per batch of rows one bulk insert (or update) each for members and their
history, and the changed members' audit rows. How long a 100,000-member roster takes against
python-calamine reading it: bench/README.md.
"""

from ._common import ImportErrorRow, ImportFailed, ImportResult
from .export import roster_export
from .importing import roster_import

__all__ = ["ImportErrorRow", "ImportFailed", "ImportResult", "roster_export", "roster_import"]
