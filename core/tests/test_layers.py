"""The layering of the apps holds: an app imports only the apps below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. An app may import its own modules and any app on a lower level; apps on the
# same level must not import each other. DESIGN.md ("Parts") gives the order.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"units"}),
    frozenset({"indicators"}),
    frozenset({"plans"}),
    frozenset({"collection", "universalization"}),
    frozenset({"monitoring"}),
    frozenset({"reports"}),
    frozenset({"recognition"}),
    frozenset({"api", "demo"}),
)

# The project package (settings, URL map, and in xhht/tests the tests of journeys across
# apps) and the benchmarks sit above every app and may import any of them; they are outside
# the check.
OUTSIDE = frozenset({"xhht", "benchmarks"})

# Fields whose first argument may name a model of another app as "app_label.Model".
RELATION_FIELDS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})

# Today's imports against the layering: (file, imported app) -> why it is there. Issue 11
# removes them; when one goes, delete its line here (test_every_allowed_import_still_exists
# says so), and never add one without a reason and a plan to remove it.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Violation:
    file: str  # path from the root, with forward slashes
    line: int
    app: str  # the app the file belongs to
    imported: str  # the app it reaches

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.app} -> {self.imported}"


def levels(layers: tuple[frozenset[str], ...]) -> dict[str, int]:
    return {app: level for level, apps in enumerate(layers) for app in apps}


def packages(root: Path) -> set[str]:
    """Top-level first-party packages: the directories of the root holding an __init__.py."""
    return {p.parent.name for p in root.glob("*/__init__.py") if not p.parent.name.startswith(".")}


def modules(root: Path, app: str) -> Iterator[Path]:
    """Every module of an app but its migrations (generated, frozen once landed)."""
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" not in path.relative_to(root).parts:
            yield path


def references(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of everything the module reaches: imports anywhere in it
    (relative ones resolved, those inside functions too) and models named as "app.Model"
    in relation fields."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    relative = path.relative_to(root)
    package = list(relative.parent.parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                yield node.lineno, (base or [node.module or ""])[0]
            elif node.module:
                yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Call) and _called(node) in RELATION_FIELDS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if "." in first.value:
                    yield node.lineno, first.value.split(".")[0]


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def violations(root: Path, layers: tuple[frozenset[str], ...]) -> list[Violation]:
    """Every reference from an app to an app on its own level or above, in file order."""
    level = levels(layers)
    found = []
    for app in sorted(level):
        for path in modules(root, app):
            for line, target in references(path, root):
                if target in level and target != app and level[target] >= level[app]:
                    file = path.relative_to(root).as_posix()
                    found.append(Violation(file, line, app, target))
    return found


def _allowed_keys(found: list[Violation]) -> set[tuple[str, str]]:
    return {(v.file, v.imported) for v in found}


def test_no_app_imports_an_app_above_it_beyond_the_known_list():
    new = [v for v in violations(ROOT, LAYERS) if (v.file, v.imported) not in ALLOWED]
    assert not new, (
        "Imports against the layering (docs/architecture.md; move the code down, or let the "
        "app below offer a registry):\n" + "\n".join(map(str, new))
    )


def test_every_allowed_import_still_exists():
    gone = set(ALLOWED) - _allowed_keys(violations(ROOT, LAYERS))
    assert not gone, (
        "These allowed imports against the layering are gone: delete them from ALLOWED so "
        "that they cannot come back:\n" + "\n".join(f"{f} -> {app}" for f, app in sorted(gone))
    )


def test_every_allowed_import_says_why():
    assert all(reason.strip() for reason in ALLOWED.values())


def test_every_first_party_package_has_a_place_in_the_layers():
    placed = set(levels(LAYERS)) | OUTSIDE
    assert packages(ROOT) - placed == set(), "add the new app to LAYERS (CONTRIBUTING.md)"
    assert placed - packages(ROOT) == set(), "an app of LAYERS is gone: take it out"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_catches_imports_against_the_layering_and_only_those(tmp_path):
    _write(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/ok.py": "import os\nfrom low import ok\n",
            "low/policy.py": "import os\nfrom high.models import Thing\n",
            "low/late.py": "def f():\n    import high.views as v\n    return v\n",
            "low/migrations/0002_x.py": "from high.models import Thing\n",
            "low/tests/test_x.py": "from . import helpers\nfrom high import services\n",
            "mid_a/__init__.py": "",
            "mid_a/models.py": (
                "from django.db import models\nimport low\n"
                "class A(models.Model):\n"
                "    low = models.ForeignKey('low.Thing', on_delete=models.PROTECT)\n"
                "    b = models.ForeignKey('mid_b.B', on_delete=models.PROTECT)\n"
            ),
            "mid_b/__init__.py": "",
            "mid_b/views.py": "from ..mid_a import models\nfrom .models import B\n",
            "high/__init__.py": "",
            "high/models.py": "from low.policy import f\nfrom mid_a.models import A\n",
        },
    )
    layers = (frozenset({"low"}), frozenset({"mid_a", "mid_b"}), frozenset({"high"}))

    found = [str(v) for v in violations(tmp_path, layers)]

    assert found == [
        "low/late.py:2: low -> high",
        "low/policy.py:2: low -> high",
        "low/tests/test_x.py:2: low -> high",
        "mid_a/models.py:5: mid_a -> mid_b",
        "mid_b/views.py:1: mid_b -> mid_a",
    ]


def test_the_checker_finds_nothing_in_a_tree_that_points_down_only(tmp_path):
    _write(
        tmp_path,
        {
            "low/__init__.py": "from . import policy\n",
            "low/policy.py": "from django.db import models\n",
            "high/__init__.py": "",
            "high/views.py": "from low import policy\nfrom .models import X\n",
        },
    )
    layers = (frozenset({"low"}), frozenset({"high"}))

    assert violations(tmp_path, layers) == []
