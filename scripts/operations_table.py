"""The README's table of every SES v1 and v2 operation and its state in openses, made from the
installed botocore models and the handler registry so that it cannot drift.

    .venv/bin/python scripts/operations_table.py          # rewrite the table in README.md
    .venv/bin/python scripts/operations_table.py --check  # exit 1 when README.md differs

States: "implemented"; "stored only" (a handler marked ``stored_only``: the feature needs AWS's
own infrastructure, so openses keeps and returns what it is given); "not implemented" (no
handler: tests/api/test_every_operation.py fails then).
tests/test_operations_table.py fails when README.md is not what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "<!-- operations-table:start (scripts/operations_table.py writes this) -->"
END = "<!-- operations-table:end -->"


def rows() -> list[tuple[str, str, str]]:
    """(API, operation, state) for every operation of both models, v1 first, by name."""
    sys.path.insert(0, str(ROOT))
    from openses.api.registry import Handlers, registration_of
    from openses.protocol.models import V1, V2, service_model

    handlers = Handlers.discover()
    found = []
    for service, api in ((V1, "v1"), (V2, "v2")):
        for name in sorted(service_model(service).operation_names):
            handler = handlers.handler_for(service, name)
            if handler is not None:
                state = "stored only" if registration_of(handler).stored_only else "implemented"
            else:
                state = "not implemented"
            found.append((api, name, state))
    return found


def table() -> str:
    lines = ["| API | operation | state |", "|---|---|---|"]
    lines += [f"| {api} | {name} | {state} |" for api, name, state in rows()]
    return "\n".join(lines)


def rewritten(readme: str) -> str:
    """``readme`` with the text between the markers replaced by the table."""
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table()}\n{END}{after}"


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    wanted = rewritten(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md's operation table is out of date: run scripts/operations_table.py")
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
