"""The counting package stands alone: no Django, no other shaar package, no pabutools."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
FORBIDDEN = ("django", "shaar", "pabutools")


def test_it_imports_without_django_or_pabutools() -> None:
    code = (
        "import sys, shaar.counting, shaar.counting.__main__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'pabutools')"
        " or (m.startswith('shaar.') and not m.startswith('shaar.counting')))\n"
        "print(','.join(bad))\n"
    )
    root = PACKAGE.parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == ""


def test_it_has_no_forbidden_import_in_its_source() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
