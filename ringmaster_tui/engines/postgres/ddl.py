"""SQLite DDL made into PostgreSQL DDL: a source writes its schema once, for SQLite, and
`init URL` creates the same tables on PostgreSQL.

What is kept as the orchestrators write it: text stays text, and so do timestamps and
JSON (SQLite stores both as text, and the readers parse them at the models' edge), so a
PostgreSQL database made here holds and sorts the same values as a SQLite one. Mapped:
- INTEGER (any *INT* type) → bigint (SQLite integers are 64-bit); `INTEGER PRIMARY KEY`
  (with or without AUTOINCREMENT) → an identity column; REAL/FLOAT/DOUBLE/NUMERIC →
  double precision; BLOB → bytea; BOOLEAN → boolean (defaults 0/1 → false/true);
  VARCHAR(n) and other text types → text (SQLite never enforces a length);
- defaults: `datetime('now')`, CURRENT_TIMESTAMP, `strftime(...)` → the same text made by
  `to_char`; `lower(hex(randomblob(16)))` → 32 random hex digits;
- PRAGMAs and SQLite's full-text tables (and the triggers feeding them) are left out: a
  reader falls back to a plain scan when the index table is missing;
- triggers → a PL/pgSQL function and a trigger; the usual "AFTER UPDATE: set updated_at
  on the same row" becomes a BEFORE UPDATE trigger that sets it on the row being written.
A statement that cannot be translated raises UntranslatableError naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["PostgresSchema", "UntranslatableError", "expected_schema", "sqlite_to_postgres"]


class UntranslatableError(ValueError):
    """A statement of the SQLite DDL has no PostgreSQL translation."""


# SQLite's text for "now", as datetime('now') and CURRENT_TIMESTAMP write it.
_NOW_TEXT = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
_RANDOM_HEX = "replace(gen_random_uuid()::text, '-', '')"

# Words PostgreSQL reserves that SQLite lets a column be called.
_PG_RESERVED = frozenset(
    [
        "user",
        "analyse",
        "analyze",
        "array",
        "asymmetric",
        "both",
        "current_catalog",
        "current_role",
        "current_user",
        "fetch",
        "grant",
        "lateral",
        "leading",
        "localtime",
        "localtimestamp",
        "offset",
        "only",
        "placing",
        "returning",
        "session_user",
        "some",
        "symmetric",
        "trailing",
        "variadic",
        "window",
        "do",
    ]
)

_TABLE_CONSTRAINTS = ("constraint", "primary", "unique", "check", "foreign")


@dataclass
class PostgresSchema:
    """What a schema script makes: tables with their columns, and indexes."""

    tables: dict[str, list[str]] = field(default_factory=dict)
    indexes: set[str] = field(default_factory=set)


# --- splitting a script into statements ---


def _first_word(part: str) -> str:
    match = re.match(r"\s*(\w+)", part)
    return match.group(1).lower() if match else ""


def _strip_comments(sql: str) -> str:
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`[":
            close = "]" if ch == "[" else ch
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _split_statements(sql: str) -> list[str]:
    """Statements at top level; a trigger's BEGIN ... END body stays in one."""
    statements: list[str] = []
    current: list[str] = []
    depth = 0  # inside a trigger body
    for token in re.finditer(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\w+|;|[^\w';\"]+", sql):
        text = token.group(0)
        word = text.lower()
        if (
            word == "begin"
            and re.match(r"\s*create\s+(temp\w*\s+)?trigger\b", "".join(current), re.I)
        ) or (word == "case" and depth):
            depth += 1
        elif word == "end" and depth:
            depth -= 1
        if text == ";" and depth == 0:
            statement = "".join(current).strip()
            if statement:
                statements.append(statement)
            current = []
            continue
        current.append(text)
    tail = "".join(current).strip()
    if tail:
        statements.append(tail)
    return statements


def _outside_quotes(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of `text` from `start` that is outside quotes, with the depth of
    parentheses after it."""
    depth = 0
    quote = ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        yield i, ch, depth


def _split_top_level(body: str) -> list[str]:
    """Comma-separated parts of `body` outside parentheses and quotes."""
    parts: list[str] = []
    start = 0
    for i, ch, depth in _outside_quotes(body):
        if ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return [p for p in parts if p]


def _outer_parens(text: str, start: int) -> int:
    """The index of the parenthesis closing the one at `start`."""
    for i, ch, depth in _outside_quotes(text, start):
        if ch == ")" and depth == 0:
            return i
    raise UntranslatableError(f"unbalanced parentheses in: {text[:80]}")


# --- expressions ---


def _strftime_format(fmt: str) -> str | None:
    parts = {
        "%Y": "YYYY",
        "%m": "MM",
        "%d": "DD",
        "%H": "HH24",
        "%M": "MI",
        "%S": "SS",
        "%f": "SS.MS",
        "%j": "DDD",
    }
    out: list[str] = []
    i = 0
    while i < len(fmt):
        piece = fmt[i : i + 2]
        if piece in parts:
            out.append(parts[piece])
            i += 2
        elif fmt[i] == "%":
            return None
        else:
            out.append(f'"{fmt[i]}"' if fmt[i].isalpha() else fmt[i])
            i += 1
    return "".join(out)


def _translate_expression(expr: str, booleans: frozenset[str] = frozenset()) -> str:
    """SQLite's functions in `expr` written as PostgreSQL's."""
    out = expr
    out = re.sub(
        r"lower\s*\(\s*hex\s*\(\s*randomblob\s*\(\s*16\s*\)\s*\)\s*\)", _RANDOM_HEX, out, flags=re.I
    )
    out = re.sub(
        r"hex\s*\(\s*randomblob\s*\(\s*16\s*\)\s*\)", f"upper({_RANDOM_HEX})", out, flags=re.I
    )
    out = re.sub(r"datetime\s*\(\s*'now'\s*\)", _NOW_TEXT, out, flags=re.I)
    out = re.sub(
        r"date\s*\(\s*'now'\s*\)",
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        out,
        flags=re.I,
    )
    out = re.sub(r"\bunixepoch\s*\(\s*\)", "extract(epoch FROM now())::bigint", out, flags=re.I)
    out = re.sub(
        r"strftime\s*\(\s*'%s'\s*,\s*'now'\s*\)",
        "(extract(epoch FROM now())::bigint)::text",
        out,
        flags=re.I,
    )

    def strftime(match: re.Match[str]) -> str:
        fmt = _strftime_format(match.group(1))
        if fmt is None:
            raise UntranslatableError(f"strftime format {match.group(1)!r} in: {expr}")
        return f"to_char(now() AT TIME ZONE 'UTC', '{fmt}')"

    out = re.sub(r"strftime\s*\(\s*'([^']*)'\s*,\s*'now'\s*\)", strftime, out, flags=re.I)
    out = re.sub(r"\bCURRENT_TIMESTAMP\b", f"({_NOW_TEXT})", out, flags=re.I)
    out = re.sub(
        r"json_valid\s*\(\s*(\w+)\s*\)",
        r"(\1 IS NULL OR CAST(\1 AS jsonb) IS NOT NULL)",
        out,
        flags=re.I,
    )
    out = re.sub(r"\bCOLLATE\s+(NOCASE|RTRIM|BINARY)\b", "", out, flags=re.I)
    for column in booleans:
        out = re.sub(rf"\b{column}\s*(=|!=|<>)\s*0\b", rf"{column} \1 false", out)
        out = re.sub(rf"\b{column}\s*(=|!=|<>)\s*1\b", rf"{column} \1 true", out)
    if re.search(r"\b(julianday|randomblob|typeof|json_extract|glob)\s*\(", out, re.I):
        raise UntranslatableError(f"a SQLite-only function in: {expr}")
    return out


# --- columns ---


def _pg_type(declared: str) -> str:
    """SQLite's type affinity rules, as PostgreSQL types."""
    upper = declared.upper()
    if "BOOL" in upper:
        return "boolean"
    if "INT" in upper:
        return "bigint"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if "BLOB" in upper:
        return "bytea"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL")):
        return "double precision"
    return "text"  # no type, dates and times, JSON, UUID and the like: kept as written


def _quote(name: str) -> str:
    bare = name.strip('"`[]')
    return f'"{bare}"' if bare.lower() in _PG_RESERVED or name[0] in "`[" else name


_TYPE_RE = re.compile(
    r"^(?P<name>\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|\w+)\s*"
    r"(?P<type>(?:(?!(?:CONSTRAINT|PRIMARY|NOT|NULL|UNIQUE|CHECK|DEFAULT|COLLATE|"
    r"REFERENCES|GENERATED|AS)\b)[A-Za-z_]\w*\s*)*(?:\(\s*\d+\s*(?:,\s*\d+\s*)?\))?)"
    r"(?P<rest>.*)$",
    re.I | re.S,
)


def _column(definition: str, booleans: set[str]) -> tuple[str, str]:
    """(name, PostgreSQL column definition) of one SQLite column definition."""
    match = _TYPE_RE.match(definition)
    if match is None:
        raise UntranslatableError(f"cannot read the column definition: {definition}")
    name = match.group("name")
    declared = match.group("type").strip()
    rest = match.group("rest").strip()
    pg_type = _pg_type(declared)
    bare = name.strip('"`[]')
    if pg_type == "boolean":
        booleans.add(bare)
    if re.match(r"(?i)\s*INTEGER\s*$", declared) and re.search(r"(?i)\bPRIMARY\s+KEY\b", rest):
        rest = re.sub(r"(?i)\bPRIMARY\s+KEY(\s+(ASC|DESC))?(\s+ON\s+CONFLICT\s+\w+)?", "", rest)
        rest = re.sub(r"(?i)\bAUTOINCREMENT\b", "", rest)
        rest = re.sub(r"(?i)\bNOT\s+NULL\b", "", rest).strip()
        return (
            bare,
            f"{_quote(name)} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY {rest}".rstrip(),
        )
    rest = re.sub(r"(?i)\bAUTOINCREMENT\b", "", rest)
    rest = re.sub(r"(?i)\bON\s+CONFLICT\s+\w+", "", rest)
    rest = re.sub(r"(?i)\bPRIMARY\s+KEY\s+(ASC|DESC)\b", "PRIMARY KEY", rest)
    rest = re.sub(r"(?i)\bGENERATED\s+ALWAYS\s+AS\b", "GENERATED ALWAYS AS", rest)
    rest = re.sub(r"(?i)\bVIRTUAL\s*$", "STORED", rest)
    if re.match(r"(?i)AS\s*\(", rest):
        rest = "GENERATED ALWAYS " + rest
        if not re.search(r"(?i)\bSTORED\s*$", rest):
            rest += " STORED"
    if pg_type == "boolean":
        rest = re.sub(r"(?i)\bDEFAULT\s+(?:\(\s*0\s*\)|0\b)", "DEFAULT false", rest)
        rest = re.sub(r"(?i)\bDEFAULT\s+(?:\(\s*1\s*\)|1\b)", "DEFAULT true", rest)
        rest = re.sub(
            rf"(?i)\bCHECK\s*\(\s*{re.escape(bare)}\s+IN\s*\(\s*0\s*,\s*1\s*\)\s*\)", "", rest
        )
    rest = _translate_expression(rest, frozenset(booleans))
    return bare, f"{_quote(name)} {pg_type} {rest}".rstrip()


# --- statements ---


_CREATE_TABLE = re.compile(
    r"(?is)^CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?(?P<name>[\w\"`\[\]]+)\s*\("
)
_CREATE_INDEX = re.compile(
    r"(?is)^CREATE\s+(?P<unique>UNIQUE\s+)?INDEX\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?(?P<name>[\w\"]+)\s+ON\s+(?P<table>[\w\"]+)\s*(?P<rest>\(.*)$"
)
_CREATE_TRIGGER = re.compile(
    r"(?is)^CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>[\w\"]+)\s+"
    r"(?P<when>BEFORE|AFTER|INSTEAD\s+OF)?\s*(?P<event>INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,\"]+?)?)\s+"
    r"ON\s+(?P<table>[\w\"]+)\s*(?:FOR\s+EACH\s+ROW\s*)?(?:WHEN\s+(?P<cond>.+?)\s*)?BEGIN\s+(?P<body>.*)END$"
)
_SELF_STAMP = re.compile(
    r"(?is)^UPDATE\s+(?P<table>[\w\"]+)\s+SET\s+(?P<sets>.+?)\s+WHERE\s+(?P<key>\w+)\s*=\s*NEW\.(?P=key)$"
)


class _Translator:
    def __init__(self) -> None:
        self.booleans: dict[str, set[str]] = {}
        self.skipped_tables: set[str] = set()
        self.out: list[str] = []

    def statement(self, sql: str) -> None:
        head = sql.split(None, 3)
        first = head[0].upper() if head else ""
        if first == "PRAGMA" or first in ("BEGIN", "COMMIT", "END"):
            return
        if re.match(r"(?i)^CREATE\s+VIRTUAL\s+TABLE", sql):
            name = re.match(
                r"(?i)^CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w\"]+)", sql
            )
            assert name is not None
            self.skipped_tables.add(name.group(1).strip('"').lower())
            return
        if _CREATE_TABLE.match(sql):
            self.table(sql)
        elif _CREATE_INDEX.match(sql):
            self.index(sql)
        elif re.match(r"(?i)^CREATE\s+(?:TEMP\w*\s+)?TRIGGER", sql):
            self.trigger(sql)
        elif re.match(r"(?i)^(CREATE\s+(TEMP\w*\s+)?VIEW|INSERT|UPDATE|DELETE|DROP)\b", sql):
            if re.match(r"(?i)^INSERT\s+OR\s+", sql):
                raise UntranslatableError(f"INSERT OR ... has no PostgreSQL form: {sql[:80]}")
            every_boolean = frozenset(c for cs in self.booleans.values() for c in cs)
            self.out.append(_translate_expression(sql, every_boolean))
        else:
            raise UntranslatableError(f"no PostgreSQL translation for: {sql[:80]}")

    def table(self, sql: str) -> None:
        match = _CREATE_TABLE.match(sql)
        assert match is not None
        name = match.group("name").strip('"`[]')
        open_at = match.end() - 1
        close_at = _outer_parens(sql, open_at)
        booleans: set[str] = set()
        parts: list[str] = []
        for part in _split_top_level(sql[open_at + 1 : close_at]):
            if _first_word(part) in _TABLE_CONSTRAINTS:
                part = re.sub(r"(?i)\bON\s+CONFLICT\s+\w+", "", part)
                parts.append(_translate_expression(part, frozenset(booleans)))
            else:
                _, definition = _column(part, booleans)
                parts.append(definition)
        self.booleans[name.lower()] = booleans
        ine = "IF NOT EXISTS " if match.group("ine") else ""
        body = ",\n    ".join(parts)
        self.out.append(f"CREATE TABLE {ine}{_quote(name)} (\n    {body}\n)")

    def index(self, sql: str) -> None:
        match = _CREATE_INDEX.match(sql)
        assert match is not None
        table = match.group("table").strip('"').lower()
        if table in self.skipped_tables:
            return
        booleans = frozenset(self.booleans.get(table, set()))
        unique = "UNIQUE " if match.group("unique") else ""
        ine = "IF NOT EXISTS " if match.group("ine") else ""
        rest = _translate_expression(match.group("rest"), booleans)
        self.out.append(
            f"CREATE {unique}INDEX {ine}{match.group('name')} ON {match.group('table')} {rest}"
        )

    def trigger(self, sql: str) -> None:
        match = _CREATE_TRIGGER.match(sql)
        if match is None:
            raise UntranslatableError(f"cannot read the trigger: {sql[:80]}")
        name = match.group("name").strip('"')
        table = match.group("table")
        body = [s for s in _split_statements(match.group("body")) if s]
        if any(self._touches_skipped(s) for s in body):
            return  # it feeds a table left out (a full-text index)
        when = re.sub(r"\s+", " ", (match.group("when") or "BEFORE").upper())
        event = re.sub(r"\s+", " ", match.group("event")).strip()
        booleans = frozenset(self.booleans.get(table.strip('"').lower(), set()))
        cond = match.group("cond")
        stamp = _SELF_STAMP.match(body[0]) if len(body) == 1 else None
        if (
            when == "AFTER"
            and event.upper().startswith("UPDATE")
            and stamp is not None
            and stamp.group("table").strip('"').lower() == table.strip('"').lower()
        ):
            # SQLite's "stamp the row after each update" (which SQLite does not fire again
            # for its own update) is, on PostgreSQL, the row stamped as it is written.
            sets = [
                f"NEW.{col.strip()} := {_translate_expression(val.strip(), booleans)};"
                for col, val in (s.split("=", 1) for s in _split_top_level(stamp.group("sets")))
            ]
            self._function(name, sets, "RETURN NEW;")
            guard = f"WHEN ({_translate_expression(cond, booleans)}) " if cond else ""
            self.out.append(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
                f"{guard}EXECUTE FUNCTION {name}_fn()"
            )
            return
        statements = [_translate_expression(s, booleans) + ";" for s in body]
        if any(re.match(r"(?i)^SELECT\b", s) for s in body):
            raise UntranslatableError(f"a trigger that selects (RAISE?) in: {sql[:80]}")
        result = (
            "RETURN NULL;"
            if when == "AFTER"
            else ("RETURN OLD;" if "DELETE" in event.upper() else "RETURN NEW;")
        )
        self._function(name, statements, result)
        # Like SQLite (recursive_triggers off), a trigger does not fire itself again.
        guards = ["pg_trigger_depth() < 1"]
        if cond:
            guards.append(f"({_translate_expression(cond, booleans)})")
        timing = "INSTEAD OF" if when.startswith("INSTEAD") else when
        self.out.append(
            f"CREATE TRIGGER {name} {timing} {event} ON {table} FOR EACH ROW "
            f"WHEN ({' AND '.join(guards)}) EXECUTE FUNCTION {name}_fn()"
        )

    def _function(self, name: str, statements: list[str], result: str) -> None:
        body = "\n    ".join([*statements, result])
        self.out.append(
            f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
            f"BEGIN\n    {body}\nEND\n$fn$"
        )

    def _touches_skipped(self, statement: str) -> bool:
        target = re.match(r"(?is)^(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([\w\"]+)", statement)
        return target is not None and target.group(1).strip('"').lower() in self.skipped_tables


def sqlite_to_postgres(sqlite_ddl: str) -> str:
    """A PostgreSQL script that makes the schema `sqlite_ddl` makes on SQLite."""
    translator = _Translator()
    for statement in _split_statements(_strip_comments(sqlite_ddl)):
        try:
            translator.statement(statement)
        except UntranslatableError as exc:
            head = " ".join(statement.split())[:60]
            raise UntranslatableError(f"{exc} (in the statement {head!r})") from exc
    return "".join(f"{statement};\n\n" for statement in translator.out)


def split_statements(ddl: str) -> list[str]:
    """The statements of a script (either engine's), comments removed: one execute each."""
    statements: list[str] = []
    current: list[str] = []
    in_body = False
    for line in _strip_comments(ddl).splitlines(keepends=True):
        current.append(line)
        if line.count("$fn$") % 2:
            in_body = not in_body
        if not in_body and line.rstrip().endswith(";"):
            statement = "".join(current).strip().rstrip(";").strip()
            if statement:
                statements.append(statement)
            current = []
    tail = "".join(current).strip()
    if tail:
        statements.append(tail)
    return statements


def expected_schema(pg_ddl: str) -> PostgresSchema:
    """The tables, columns and indexes a PostgreSQL script makes (read from its text)."""
    schema = PostgresSchema()
    for statement in split_statements(pg_ddl):
        table = _CREATE_TABLE.match(statement)
        if table is not None:
            name = table.group("name").strip('"')
            close_at = _outer_parens(statement, table.end() - 1)
            columns = [
                part.split(None, 1)[0].strip('"')
                for part in _split_top_level(statement[table.end() : close_at])
                if _first_word(part) not in _TABLE_CONSTRAINTS
            ]
            schema.tables[name] = columns
            continue
        index = _CREATE_INDEX.match(statement)
        if index is not None:
            schema.indexes.add(index.group("name").strip('"'))
    return schema
