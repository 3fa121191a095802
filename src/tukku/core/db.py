"""Database engines, declarative base, and the unit of work bounding each request, job, command."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
    literal_column,
)
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base with named constraints, so migrations can refer to every one by name."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


SQLITE_LOCK_TIMEOUT_SECONDS = 30
"""How long a writer waits for the SQLite write lock, in all, before `TimeoutError`."""


class SqliteWriterLock:
    """The one writer of a SQLite database at a time, across threads and processes.

    Writers of this process queue on a thread lock; then, for a database file, writers of every
    process wait on `flock` of a file beside it (`<database>-writer.lock`). The kernel wakes the
    waiters the moment the holder lets go, and a lock dies with its process, so a crash never
    leaves it taken. Without it, writers of several processes would meet in SQLite's busy
    handler, which sleeps in growing steps (up to 100 ms) however soon the lock is free.
    """

    def __init__(self, lock_file: str | None) -> None:
        self.lock_file = lock_file
        self._thread_lock = threading.Lock()
        self._fd: int | None = None

    def acquire(self) -> None:
        """Wait for both locks, at most `SQLITE_LOCK_TIMEOUT_SECONDS` in all."""
        deadline = time.monotonic() + SQLITE_LOCK_TIMEOUT_SECONDS
        if not self._thread_lock.acquire(timeout=SQLITE_LOCK_TIMEOUT_SECONDS):
            raise TimeoutError("the SQLite database stayed locked by another writer")
        if self.lock_file is None:
            return
        try:
            self._fd = _flock(self.lock_file, deadline - time.monotonic())
        except BaseException:
            self._thread_lock.release()
            raise
        if self._fd is None:
            self._thread_lock.release()
            raise TimeoutError("the SQLite database stayed locked by another process's writer")

    def release(self) -> None:
        """Let the next writer in, of this process or another (at commit or rollback)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor of the open file unlocks it
            self._fd = None
        self._thread_lock.release()


def _flock(path: str, timeout: float) -> int | None:
    """A new descriptor of `path` holding its exclusive `flock`, or None after `timeout` seconds.

    `flock` itself cannot time out, so a contended wait blocks in a helper thread. A waiter that
    gives up leaves the helper to unlock (close) its descriptor once it gets the lock: each
    acquisition opens the file anew, so that late lock is its own and nobody else's.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pass
    except BaseException:
        os.close(fd)
        raise
    else:
        return fd
    handover = threading.Lock()
    taken = threading.Event()
    failure: list[BaseException] = []
    abandoned = False

    def wait() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException as exc:
            failure.append(exc)
        with handover:
            if not abandoned and not failure:
                taken.set()
                return
        os.close(fd)

    threading.Thread(target=wait, name="sqlite-writer-lock", daemon=True).start()
    taken.wait(max(timeout, 0))
    with handover:
        if taken.is_set():
            return fd
        if failure:
            raise failure[0]
        abandoned = True
    return None


def _configure_sqlite(engine: Engine, begin_statement: str, lock: SqliteWriterLock | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that upgrades to a writer
        # fails at once with SQLITE_BUSY when another writer committed in between. Writers queue
        # on `SqliteWriterLock` first, instead of SQLite's sleeping busy handler, which is left
        # to wait only for writers outside tukku (the sqlite3 shell, a backup).
        if lock is None:
            connection.exec_driver_sql(begin_statement)
            return
        lock.acquire()
        try:
            connection.exec_driver_sql(begin_statement)
        except BaseException:
            lock.release()
            raise
        connection.connection.info["holds_write_lock"] = True

    if lock is not None:

        @event.listens_for(engine, "checkin")
        def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
            # The transaction has ended (commit or rollback) before a connection is checked in.
            if record.info.pop("holds_write_lock", False):
                lock.release()


def sqlite_lock_file(database: str | None) -> str | None:
    """The writers' lock file of a SQLite database (`<path>-writer.lock`); None in memory."""
    if database and database.startswith("file:"):  # a URI filename (`?uri=true`)
        database, _, query = database.removeprefix("file:").partition("?")
        if "mode=memory" in query.split("&"):
            return None
    if not database or database == ":memory:":
        return None
    return f"{os.path.abspath(database)}-writer.lock"


class Database:
    """Owns the engines and hands out units of work; one per process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            connect_args = {"check_same_thread": False, "timeout": 30}
            self.engine = create_engine(self.url, connect_args=connect_args, pool_size=pool_size)
            self.read_engine = create_engine(
                self.url, connect_args=connect_args, pool_size=pool_size
            )
            lock = SqliteWriterLock(sqlite_lock_file(self.url.database))
            _configure_sqlite(self.engine, "BEGIN IMMEDIATE", lock)
            _configure_sqlite(self.read_engine, "BEGIN", None)
        else:
            self.engine = create_engine(
                self.url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
            self.read_engine = self.engine
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)
        self._listeners: list[Callable[[frozenset[str]], None]] = []
        self._lock = threading.Lock()

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.url.get_backend_name()

    def on_commit(self, listener: Callable[[frozenset[str]], None]) -> None:
        """Register a callback told which signals (e.g. `jobs`) a committed unit of work raised."""
        with self._lock:
            self._listeners.append(listener)

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise.

        Read-only units always roll back, so a read path can never write by accident.
        """
        session = self.open_session(write=write)
        try:
            yield session
        except BaseException:
            self.finish(session, write=write, ok=False)
            raise
        self.finish(session, write=write, ok=True)

    def open_session(self, *, write: bool) -> Session:
        """The session of a new unit of work (no I/O until its first statement)."""
        return (self._writer if write else self._reader)()

    def finish(self, session: Session, *, write: bool, ok: bool) -> None:
        """End a unit of work: commit a successful writer, roll back the rest, tell listeners."""
        committed = False
        try:
            if write and ok:
                session.commit()
                committed = True
            else:
                session.rollback()
        finally:
            signals = frozenset(session.info.pop("signals", ()))
            session.close()
        if committed and signals:
            for listener in list(self._listeners):
                listener(signals)

    def dispose(self) -> None:
        """Close every pooled connection (at shutdown, or in a forked child)."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def table_of(model: type[Base]) -> Table:
    """The table a model maps, for Core statements built once (`insert(table_of(Model))`)."""
    return Base.metadata.tables[model.__tablename__]


def raise_signal(session: Session, name: str) -> None:
    """Ask for `name` to be announced to commit listeners once this unit of work commits."""
    session.info.setdefault("signals", set()).add(name)


SeqType = BigInteger().with_variant(Integer(), "sqlite")
"""Integer primary keys: BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite."""


def str_enum(enum: type[StrEnum], length: int) -> SqlEnum:
    """A column of `enum`'s values in a VARCHAR(`length`), as a `String` column would be (no
    database enum type, no CHECK): the schema stays as migrations made it; rows read as members."""
    return SqlEnum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


def insert_ignoring_conflicts(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT that does nothing when a unique key already exists; True if a row was added."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).values(**values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(**values).on_conflict_do_nothing()
    # RETURNING, not the row count: psycopg reports -1 rows for ON CONFLICT DO NOTHING.
    return session.execute(stmt.returning(literal_column("1"))).first() is not None
