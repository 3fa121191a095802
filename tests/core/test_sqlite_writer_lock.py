"""SQLite writers of all processes wait on one lock file, never in SQLite's busy handler."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from tukku.core import db as db_module
from tukku.core.db import Database, sqlite_lock_file

WRITES_PER_PROCESS = 150

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy import text
    from tukku.core.db import Database

    url, name, writes, gate = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    db = Database(url, pool_size=2)
    while not gate.exists():
        time.sleep(0.01)
    for i in range(writes):
        with db.unit_of_work() as session:
            total = session.execute(text("SELECT total FROM tally")).scalar_one()
            session.execute(text("UPDATE tally SET total = :t"), {"t": total + 1})
            session.execute(text("INSERT INTO writes VALUES (:p, :i)"), {"p": name, "i": i})
    db.dispose()
    """
)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file of this test, with two scratch tables for counting writes."""
    path = tmp_path / "tukku.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}", pool_size=1)
    with database.unit_of_work() as session:
        session.execute(text("CREATE TABLE tally (total INTEGER NOT NULL)"))
        session.execute(text("INSERT INTO tally VALUES (0)"))
        session.execute(text("CREATE TABLE writes (process TEXT, n INTEGER)"))
    database.dispose()
    return f"sqlite:///{path}"


def test_the_lock_file_sits_beside_the_database_and_not_in_memory(tmp_path: Path) -> None:
    assert sqlite_lock_file(str(tmp_path / "t.db")) == f"{tmp_path}/t.db-writer.lock"
    assert sqlite_lock_file(None) is None
    assert sqlite_lock_file(":memory:") is None
    assert sqlite_lock_file("file:shared?mode=memory&cache=shared") is None


def test_a_writer_holds_the_lock_file_until_it_commits(sqlite_url: str) -> None:
    database = Database(sqlite_url, pool_size=2)
    lock_file = str(sqlite_lock_file(sqlite_url.removeprefix("sqlite:///")))

    with database.unit_of_work() as session:
        session.execute(text("UPDATE tally SET total = total + 1"))
        fd = os.open(lock_file, os.O_RDONLY)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(fd)
    database.dispose()


def test_a_writer_gives_up_on_another_process_and_leaves_the_lock_to_the_next(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_file = str(sqlite_lock_file(sqlite_url.removeprefix("sqlite:///")))
    other = os.open(lock_file, os.O_RDONLY)
    fcntl.flock(other, fcntl.LOCK_EX)  # as another process's writer holds it
    monkeypatch.setattr(db_module, "SQLITE_LOCK_TIMEOUT_SECONDS", 0.2)
    database = Database(sqlite_url, pool_size=2)
    with pytest.raises(TimeoutError, match="another process"):  # noqa: SIM117
        with database.unit_of_work() as session:
            session.execute(text("UPDATE tally SET total = total + 1"))
    with database.unit_of_work(write=False) as session:
        assert session.execute(text("SELECT total FROM tally")).scalar_one() == 0
    monkeypatch.setattr(db_module, "SQLITE_LOCK_TIMEOUT_SECONDS", 30)

    os.close(other)
    with database.unit_of_work() as session:
        session.execute(text("UPDATE tally SET total = total + 1"))
    with database.unit_of_work(write=False) as session:
        assert session.execute(text("SELECT total FROM tally")).scalar_one() == 1
    database.dispose()


def test_two_processes_writing_at_once_lose_nothing(sqlite_url: str, tmp_path: Path) -> None:
    gate = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, sqlite_url, name, str(WRITES_PER_PROCESS), str(gate)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    gate.touch()
    errors = [writer.communicate(timeout=120)[1] for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], errors
    database = Database(sqlite_url, pool_size=1)
    with database.unit_of_work(write=False) as session:
        total = session.execute(text("SELECT total FROM tally")).scalar_one()
        per_process = session.execute(
            text("SELECT process, count(DISTINCT n) FROM writes GROUP BY process ORDER BY 1")
        ).all()
    database.dispose()
    assert total == 2 * WRITES_PER_PROCESS
    assert [tuple(row) for row in per_process] == [
        ("a", WRITES_PER_PROCESS),
        ("b", WRITES_PER_PROCESS),
    ]
