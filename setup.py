"""The build step of the wheel: it carries the templates and the compiled translations.

``templates/`` stays at the top of the repository (docs/architecture.md, "Layout"); building copies
it into the package as ``backend/templates/``, and compiles every
``backend/locale/<language>/LC_MESSAGES/messages.po`` into ``messages.mo`` beside it (the wheel
ships the ``.mo``, not the ``.po``). ``backend/core/web.py`` and ``backend/core/i18n.py`` look
inside the installed package first and fall back to the checkout, where an editable install and
the test suite read ``templates/`` and the ``.po`` directly. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads templates/ and the .po from the checkout
            return
        package = Path(self.build_lib) / "backend"
        templates = package / "templates"
        shutil.rmtree(templates, ignore_errors=True)  # no template deleted since the last build
        shutil.copytree(ROOT / "templates", templates, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
        catalogs = sorted((ROOT / "backend" / "locale").glob("*/LC_MESSAGES/messages.po"))
        if not catalogs:
            raise SystemExit("no translation catalog found under backend/locale/")
        for po_path in catalogs:
            compile_catalog(po_path, package / po_path.relative_to(ROOT / "backend").with_suffix(".mo"))


def compile_catalog(po_path: Path, mo_path: Path) -> None:
    """``pybabel compile`` for one catalog (fuzzy entries left out, as at run time)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    language = po_path.parent.parent.name
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog)


setup(cmdclass={"build_py": BuildWithResources})
