"""The wheel built from the repository is a working tekun on its own.

Built with ``pip wheel`` from a copy of the repository's files (tracked and new, as git lists
them), installed with ``--no-deps`` into a fresh virtualenv outside the tree whose dependencies
come from the project's environment (a ``.pth`` naming its site-packages: no editable finder
there, so the source tree cannot be imported), and run from a temporary directory: the
installed package must bring its templates, static files and compiled translations itself.
``db upgrade`` and ``serve`` then run against a fresh database of the test leg, and every page
without a parameter is fetched as an administrator.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from backend.core import db
from tests.conftest import DATA_DIR, DATABASE_URL, LEG, PASSWORD, _free_port
from tests.processes import end, http_ok, wait_for

ROOT = Path(__file__).resolve().parents[1]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _run(*command, cwd, env=None, stdin=None, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def _copy_of_the_repository(target: Path) -> Path:
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the work tree is still listed as cached
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the new venv's bin folder, the wheel, the build output, the installed package folder)."""
    base = tmp_path_factory.mktemp("wheel")
    source = _copy_of_the_repository(base / "src")
    built = _run(
        sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation", "-w", base / "dist", source, cwd=base
    )
    (wheel,) = (base / "dist").glob("tekun-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).stdout.strip()
    # Only a path: the .pth files over there (the editable install's finder) are not run.
    (Path(site) / "tekun-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=base)
    where = _run(
        python, "-c", "import backend, scheduler; print(backend.__file__); print(scheduler.__file__)", cwd=base, env=_env(base)
    ).stdout.split()
    return venv / "bin", wheel, built.stdout + built.stderr, [Path(path).parent for path in where]


def _env(data_dir: Path, url: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "TEKUN_DATABASE_URL")}
    env["TEKUN_DATA_DIR"] = str(data_dir)
    if url:
        env["TEKUN_DATABASE_URL"] = url
    return env


def _fresh_url() -> str:
    if LEG == "sqlite":
        return f"sqlite:///{DATA_DIR / ('wheel-' + secrets.token_hex(4) + '.sqlite3')}"
    base, _, _ = DATABASE_URL.rpartition("/")
    return f"{base}/tekun_wheel_{secrets.token_hex(4)}"


def test_the_wheel_carries_templates_static_files_and_compiled_translations(installed):
    _bin, wheel, output, _where = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {path.relative_to(ROOT).as_posix() for path in (ROOT / "templates").rglob("*") if path.is_file()}
    assert templates and {f"backend/{name}" for name in templates} <= names
    assert "backend/templates/static/tekun.css" in names
    assert "backend/locale/zh_CN/LC_MESSAGES/messages.mo" in names
    assert not [name for name in names if name.endswith((".po", ".pot"))]
    assert {"backend/registry/parameter_defaults.toml", "backend/residents/gbt42195.toml"} <= names
    # pyproject's license is an SPDX expression: no deprecation warning from setuptools.
    assert "Warning" not in output and "deprecated" not in output.lower(), output


def test_the_installed_tekun_is_the_one_imported(installed):
    bin_dir, _wheel, _output, where = installed
    venv = bin_dir.parent
    assert all(folder.is_relative_to(venv) for folder in where), where
    assert (where[0] / "templates" / "base.html").is_file()


def test_the_installed_tekun_serves_every_page_in_chinese(installed, tmp_path):
    bin_dir, _wheel, _output, _where = installed
    tekun = bin_dir / "tekun"
    url = _fresh_url()
    env = _env(tmp_path, url)
    work = tmp_path / "cwd"
    work.mkdir()
    try:
        upgraded = _run(tekun, "db", "upgrade", cwd=work, env=env)
        assert "database is up to date" in upgraded.stderr
        _run(
            tekun, "user", "create", "wheeladmin", "--role", "admin", "--password-stdin", cwd=work, env=env, stdin=PASSWORD + "\n"
        )
        county, home = "990101", "WHEEL-01"
        _run(
            tekun,
            "import",
            "counties",
            _csv(tmp_path / "c.csv", "区划代码,名称,省份", f"{county},轮子县,甘肃省"),
            cwd=work,
            env=env,
        )
        _run(
            tekun,
            "import",
            "homes",
            _csv(tmp_path / "h.csv", "机构编码,机构名称,区划代码,床位数", f"{home},轮子敬老院,{county},20"),
            cwd=work,
            env=env,
        )
        paths = _run(bin_dir / "python", "-c", ROUTES, cwd=work, env=env).stdout.split()
        port = _free_port()
        log = (tmp_path / "serve.log").open("w")
        server = subprocess.Popen(
            [str(tekun), "serve", "--port", str(port)], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            assert wait_for(lambda: http_ok(f"{base}/health"), 60), (tmp_path / "serve.log").read_text()
            _check_pages(base, paths, county, home)
        finally:
            end(server)
            log.close()
        assert "Traceback" not in (tmp_path / "serve.log").read_text()
    finally:
        if LEG == "postgres":
            asyncio.run(db.drop_database(url))


# Every GET page route of the installed app (not the API, static files or the language switch).
ROUTES = """
from backend.app import create_app
for route in create_app().routes:
    if "GET" in getattr(route, "methods", ()) and not route.path.startswith(("/api", "/static", "/lang")):
        print(route.path)
"""


def _csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _form_token(html: str) -> str:
    """The CSRF token the sign-in form carries (bound to this client's pre-session cookie)."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "the sign-in form carries no CSRF token"
    return match.group(1)


def _check_pages(base: str, paths: list[str], county: str, home: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.get("/login")
        assert login.status_code == 200 and "登录" in login.text, login.text[:500]
        css = client.get("/static/tekun.css")
        assert css.status_code == 200 and css.content == (ROOT / "templates/static/tekun.css").read_bytes()
        assert client.get("/static/swagger/swagger-ui.css").status_code == 200
        signed = client.post(
            "/login", data={"username": "wheeladmin", "password": PASSWORD, "next": "/", "_csrf_token": _form_token(login.text)}
        )
        assert signed.status_code in (200, 303), signed.text[:500]
        fetched = []
        for path in paths:
            path = re.sub(r"^/counties/\{code:str\}", f"/counties/{county}", path)
            path = re.sub(r"^/homes/\{code:str\}", f"/homes/{home}", path)
            if "{" in path or path == "/logout":
                continue
            page = client.get(path)
            assert page.status_code < 500, f"{path}: {page.status_code} {page.text[:500]}"
            if page.status_code == 200 and page.headers.get("content-type", "").startswith("text/html"):
                assert CHINESE.search(page.text), path
            fetched.append(path)
        assert {"/", f"/counties/{county}", f"/homes/{home}"} <= set(fetched), fetched
