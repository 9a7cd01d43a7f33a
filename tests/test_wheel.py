"""The wheel carries ontology/, data/, shapes/ and queries/: every verb works from it, installed
into a fresh virtualenv in an empty folder, with no checkout and no ../shared beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ("ontology", "data", "shapes", "queries")


def content_files() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for top in CONTENT for p in (ROOT / top).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheels = list(out.glob("ecgkg-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh virtualenv with the wheel installed; an empty folder to run in."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from the test environment, so the test runs offline; ecgkg itself
    # comes only from the wheel (a path added by a .pth file does not run that folder's own .pth
    # files, so the editable install of this checkout stays invisible).
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print("
                                  "sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    (target / "ecgkg_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True,
                   timeout=300)
    empty = tmp_path_factory.mktemp("empty")
    env = {k: v for k, v in os.environ.items()
           if k not in ("ECGKG_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv, {"cwd": empty, "env": env}


def ecgkg(installed, *args: str) -> subprocess.CompletedProcess:
    venv, where = installed
    return subprocess.run([str(venv / "bin" / "ecgkg"), *args], capture_output=True, text=True,
                          timeout=300, cwd=where["cwd"], env=where["env"])


@pytest.mark.slow
def test_the_wheel_holds_every_content_file(wheel):
    expected = content_files()
    assert len(expected) >= 40  # ontology, data, shapes and queries were all found
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name.removeprefix("ecgkg/bundled/") for name in archive.namelist()
                   if name.startswith("ecgkg/bundled/")}
    assert shipped == expected


def test_the_sdist_holds_every_content_file_and_the_docs(tmp_path):
    subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                    "build_meta.build_sdist(sys.argv[1])", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    (sdist,) = tmp_path.glob("ecgkg-*.tar.gz")
    import tarfile

    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert content_files() <= names
    assert {"setup.py", "pyproject.toml", "docs/python-api.md", "README.md"} <= names


@pytest.mark.slow
def test_the_verbs_work_from_the_installed_wheel_in_an_empty_folder(installed):
    venv, where = installed
    located = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import ecgkg.sources as s; print(s.__file__); print(s.project_root())"],
                             capture_output=True, text=True, check=True, **where)
    module, root = located.stdout.split()
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv)

    build = ecgkg(installed, "build")
    assert build.returncode == 0, build.stderr
    assert "1  ecg:Meeting" in build.stdout

    queries = ecgkg(installed, "queries")
    assert queries.returncode == 0, queries.stderr
    assert len([n for n in (ROOT / "queries").glob("*.rq")]) == len(
        [line for line in queries.stdout.splitlines() if not line.startswith(" ")])

    query = ecgkg(installed, "query", "meetings-by-year", "--format", "csv")
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines()[0].startswith("year,")
    assert "2023" in query.stdout

    validate = ecgkg(installed, "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr

    export = ecgkg(installed, "export", "-f", "nt")
    assert export.returncode == 0, export.stderr
    assert "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22>" in export.stdout
    assert list(where["cwd"].iterdir()) == []  # nothing written to the working folder

    # The research loop, through the entry point's fast door: a store built on first use.
    stored = ecgkg(installed, "query", "meetings-by-year", "--store", "kg-store", "-f", "csv")
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout == query.stdout and stored.stderr == "kg-store: built: there was no store yet\n"
    again = ecgkg(installed, "query", "meetings-by-year", "--store", "kg-store", "-f", "csv")
    assert (again.returncode, again.stdout, again.stderr) == (0, query.stdout, "")
    assert [p.name for p in where["cwd"].iterdir()] == ["kg-store"]


@pytest.mark.slow
def test_ecgkg_home_wins_and_a_missing_folder_names_it(installed, tmp_path):
    venv, where = installed
    env = dict(where["env"], ECGKG_HOME=str(tmp_path))
    result = subprocess.run([str(venv / "bin" / "ecgkg"), "build"], capture_output=True,
                            text=True, timeout=120, cwd=where["cwd"], env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "ECGKG_HOME" in result.stderr and "ontology" in result.stderr


def test_no_queries_found_is_an_error_not_an_empty_list(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ecgkg.cli import main

    for folder in CONTENT:
        (tmp_path / folder).mkdir()
    monkeypatch.setenv("ECGKG_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 2
    assert "no queries (*.rq) found" in result.output and "ECGKG_HOME" in result.output
