"""Users by CSV file: the export of an organization's users, and an import that adds users (rows
without a user ID) and edits them (rows with one), each row through the same use cases as
`/v1/customer/users`, checked by the same request models.

An import first runs validate-only: every row is tried in a savepoint that is always rolled
back, so the preview says exactly what applying would do (an address already taken, an
extension in use, restricted mode) and changes nothing. Applying runs each row in a savepoint of
its own: a refused row leaves nothing behind and the others are kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tukku.core.csvsafe import text_cell
from tukku.core.errors import Codes, DomainError, Problem, invalid_all
from tukku.customer_admin import service as admin
from tukku.customer_admin.schemas import CustomerUserOut, PackageChange, UserCreate, UserUpdate
from tukku.customer_admin.service import CustomerContext
from tukku.identity.permissions import Permission
from tukku.subscribers import service as subscribers

USER_ID, FIRST, LAST, DISPLAY, EMAIL = "User ID", "First Name", "Last Name", "Display Name", "Email"
PACKAGE, EXTENSION, PHONE, STATUS = "Package", "Extension", "Phone Number", "Status"
EXPORTED = (USER_ID, FIRST, LAST, DISPLAY, EMAIL, PACKAGE, STATUS)
IMPORTED = (USER_ID, FIRST, LAST, DISPLAY, EMAIL, PACKAGE, EXTENSION, PHONE)
REQUIRED = (FIRST, LAST, EMAIL)
MAX_ROWS = 1000
MAX_BYTES = 1_000_000
# The request models' (and the services') field names, as the file's columns name them.
COLUMN_OF = {
    "email": EMAIL,
    "firstName": FIRST,
    "lastName": LAST,
    "displayName": DISPLAY,
    "package": PACKAGE,
    "extension": EXTENSION,
    "primaryPhoneNumber": PHONE,
}
ADDED, CHANGED, UNCHANGED = "added", "changed", "unchanged"


def export(users: list[CustomerUserOut]) -> str:
    """The users as a CSV file whose rows an import reads back (spreadsheet-safe text cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORTED)
    for u in users:
        cells = (
            u.id,
            u.first_name,
            u.last_name,
            u.display_name,
            u.email,
            u.package,
            u.subscriber_status,
        )
        writer.writerow([text_cell(c) for c in cells])
    return out.getvalue()


@dataclass
class Row:
    """One row of an imported file: its line, its cells by column, and what happened to it
    (`outcome`: added, changed or unchanged; empty with `errors` when refused)."""

    line: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    outcome: str = ""

    @property
    def user_id(self) -> str:
        """The user the row edits; empty for a new user."""
        return self.cells.get(USER_ID, "")


def _refused(description: str) -> DomainError:
    return invalid_all([Problem(Codes.INVALID_FIELD, f"file: {description}", "file")])


def read(content: bytes | str) -> list[Row]:
    """The file's rows (its header names the columns, `IMPORTED` in any order; unknown columns
    such as an export's Status are ignored); 400 naming `file` when it is not a UTF-8 CSV file,
    lacks a required column, has no rows or more than `MAX_ROWS`."""
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise _refused(f"at most {MAX_BYTES // 1000} kB")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _refused("not a UTF-8 text file") from None
    try:
        records = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    except csv.Error as bad:
        raise _refused(f"not a CSV file ({bad})") from None
    if not records:
        raise _refused("empty")
    header = [name.strip() for name in records[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise _refused(f"the header lacks {', '.join(missing)}")
    rows = [
        Row(line, {name: cell.strip() for name, cell in zip(header, record, strict=False)})
        for line, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not rows:
        raise _refused("no rows below the header")
    if len(rows) > MAX_ROWS:
        raise _refused(f"at most {MAX_ROWS} rows at a time")
    return rows


class _DryRun(Exception):
    """Raised inside a row's savepoint when only validating, to roll the row back."""


def run(
    session: Session,
    ctx: CustomerContext,
    rows: list[Row],
    *,
    now: datetime,
    links: subscribers.Links,
    apply: bool,
) -> None:
    """Try every row, each in a savepoint of its own, keeping what succeeds only if `apply`;
    each row's `outcome` or `errors` says what happened (or would happen). Managing users by
    file is refused (403) without `users.manage`, which restricted mode removes."""
    ctx.require(Permission.USERS_MANAGE)
    for row in rows:
        try:
            with session.begin_nested():
                row.outcome = _one(session, ctx, row, now, links)
                if not apply:
                    raise _DryRun
        except _DryRun:
            continue
        except ValidationError as invalid:
            row.errors = [_model_error(e) for e in invalid.errors()]
        except DomainError as refused:
            if refused.status == 403 and not _is_downgrade(refused):
                raise
            row.errors = [_problem(p) for p in refused.problems]


def _is_downgrade(refused: DomainError) -> bool:
    return any(p.code == Codes.DOWNGRADE_NOT_ALLOWED for p in refused.problems)


def _model_error(error: Any) -> str:
    place = str(error["loc"][0]) if error["loc"] else ""
    column = COLUMN_OF.get(place)
    return f"{column}: {error['msg']}" if column else str(error["msg"])


def _problem(problem: Problem) -> str:
    column = COLUMN_OF.get(problem.field or "")
    if column is None:
        return problem.description
    return f"{column}: {problem.description.removeprefix(f'{problem.field}: ')}"


def _or_none(value: str) -> str | None:
    return value or None


def _one(
    session: Session, ctx: CustomerContext, row: Row, now: datetime, links: subscribers.Links
) -> str:
    c = row.cells
    if not row.user_id:
        data = UserCreate.model_validate(
            {
                "email": c.get(EMAIL, ""),
                "firstName": c.get(FIRST, ""),
                "lastName": c.get(LAST, ""),
                "package": _or_none(c.get(PACKAGE, "")),
                "extension": _or_none(c.get(EXTENSION, "")),
                "primaryPhoneNumber": _or_none(c.get(PHONE, "")),
            }
        )
        user_id = admin.add_user(session, ctx, data, now, links)
        display = c.get(DISPLAY, "")
        if display and user_id:  # (none yet for a user asked to consent to moving in)
            names = UserUpdate.model_validate({"displayName": display})
            admin.edit_user(session, ctx, user_id, names, now)
        return ADDED
    current = admin.user(session, ctx, row.user_id)
    wanted = {
        "firstName": c.get(FIRST, ""),
        "lastName": c.get(LAST, ""),
        "displayName": c.get(DISPLAY, ""),
        "email": c.get(EMAIL, "").lower(),
    }
    now_held = {
        "firstName": current.first_name or "",
        "lastName": current.last_name or "",
        "displayName": current.display_name or "",
        "email": current.email,
    }
    changed = {k: v for k, v in wanted.items() if v != now_held[k]}
    if changed:
        admin.edit_user(session, ctx, row.user_id, UserUpdate.model_validate(changed), now)
    package = c.get(PACKAGE, "")
    if package and package != current.package:
        change = PackageChange.model_validate(
            {
                "package": package,
                "extension": _or_none(c.get(EXTENSION, "")),
                "primaryPhoneNumber": _or_none(c.get(PHONE, "")),
            }
        )
        admin.change_package(session, ctx, row.user_id, change, now)
        return CHANGED
    return CHANGED if changed else UNCHANGED
