"""A user's mistake gives one line on stderr and exit 2, never a traceback: a ledger
that is a device, a pipe or a folder that cannot be listed; an ``--out`` that is a
folder, in a missing or read-only folder, or a device; an RDF file that is not one;
no pseudonym key and no writable home. And a file written ``--with-names`` is 0600
from its first byte.

Permissions are checked on the mode as well as with ``access``, so the cases of a
folder without execute, read or write permission hold when the tests run as root
(whom the system lets through): nobody may enter a folder of mode 0600.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lianjian.cli.dashboard as dashboard_cli
import lianjian.cli.rdf as rdf_cli
from lianjian.cli.app import app
from lianjian.core.privacy import PseudonymKeyError, pseudonym_key

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(autouse=True)
def _no_streamlit(monkeypatch):
    """The dashboard must refuse before it starts anything."""

    def started(cmd, env):
        raise AssertionError("the dashboard started despite the mistake")

    monkeypatch.setattr(dashboard_cli, "_run", started)


def refused(args: list[str], *names: Path | str) -> str:
    """Run the command; assert exit 2, one line on stderr naming ``names``, no traceback."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for name in names:
        assert str(name) in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------- the ledger argument

LEDGER_COMMANDS = {
    "validate": lambda ledger, tmp: ["validate", ledger],
    "load": lambda ledger, tmp: ["load", ledger, "--no-cache"],
    "stats": lambda ledger, tmp: ["stats", ledger, "--no-cache"],
    "gaps": lambda ledger, tmp: ["gaps", ledger, "--no-cache"],
    "coverage": lambda ledger, tmp: ["coverage", ledger, "--no-cache"],
    "pair": lambda ledger, tmp: ["pair", ledger, "--no-cache"],
    "export rdf": lambda ledger, tmp: ["export", "rdf", ledger, "--out", tmp / "x.ttl"],
    "dashboard": lambda ledger, tmp: ["dashboard", ledger],
}


def _folder(tmp: Path, mode: int) -> Path:
    folder = tmp / f"ledger{mode:o}"
    shutil.copytree(SAMPLE, folder)
    folder.chmod(mode)
    return folder


def _unreadable_file(tmp: Path) -> Path:
    f = tmp / "orgs.csv"
    shutil.copy(SAMPLE / "orgs.csv", f)
    f.chmod(0o000)
    return f


def _unreadable_member(tmp: Path) -> Path:
    folder = _folder(tmp, 0o755)
    (folder / "members.csv").chmod(0o000)
    return folder / "members.csv"


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "ledger")
    return tmp / "ledger"


# each: the ledger to give, and what the one line says
LEDGER_MISTAKES = {
    "dev_null": (lambda tmp: Path("/dev/null"), "character device"),
    "fifo": (_fifo, "named pipe"),
    "folder_without_execute": (lambda tmp: _folder(tmp, 0o600), "no execute permission"),
    "folder_without_read": (lambda tmp: _folder(tmp, 0o300), "no read permission"),
    "unreadable_workbook_or_csv": (_unreadable_file, "no read permission"),
    "unreadable_file_in_folder": (_unreadable_member, "no read permission"),
    "missing": (lambda tmp: tmp / "nowhere", "no such ledger"),
}


@pytest.fixture
def tmp(tmp_path):
    yield tmp_path
    for p in tmp_path.rglob("*"):  # let pytest remove what the cases made unreadable
        if not p.is_symlink():
            p.chmod(0o700)
    tmp_path.chmod(0o700)


@pytest.mark.parametrize("mistake", sorted(LEDGER_MISTAKES))
@pytest.mark.parametrize("command", sorted(LEDGER_COMMANDS))
def test_a_bad_ledger_path_is_one_line(command, mistake, tmp):
    make, says = LEDGER_MISTAKES[mistake]
    ledger = make(tmp)
    line = refused(LEDGER_COMMANDS[command](ledger, tmp), ledger)
    assert says in line
    assert not (tmp / "x.ttl").exists()


# ---------------------------------------------------------------- an RDF file argument

RDF_COMMANDS = {
    "import rdf": lambda f: ["import", "rdf", f],
    "validate-rdf": lambda f: ["validate-rdf", f],
}
RDF_MISTAKES = {
    "dev_null": (lambda tmp: Path("/dev/null"), "character device"),
    "fifo": (_fifo, "named pipe"),
    "folder": (lambda tmp: tmp, "a folder"),
    "missing": (lambda tmp: tmp / "x.ttl", "no such RDF file"),
    "unreadable": (_unreadable_file, "no read permission"),
}


@pytest.mark.parametrize("mistake", sorted(RDF_MISTAKES))
@pytest.mark.parametrize("command", sorted(RDF_COMMANDS))
def test_a_bad_rdf_file_is_one_line(command, mistake, tmp):
    make, says = RDF_MISTAKES[mistake]
    path = make(tmp)
    assert says in refused(RDF_COMMANDS[command](path), path)


# ---------------------------------------------------------------- --out and OUT


def _read_only(tmp: Path) -> Path:
    folder = tmp / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


# each: the --out of `export rdf`, the path the line names, and what it says
OUT_FILE_MISTAKES = {
    "an_existing_folder": (lambda tmp: (tmp, tmp), "is a folder"),
    "in_a_missing_folder": (lambda tmp: (tmp / "no" / "x.ttl", tmp / "no"), "does not exist"),
    "dev_null": (lambda tmp: (Path("/dev/null"), "/dev/null"), "character device"),
    "fifo": (lambda tmp: (_fifo(tmp),) * 2, "named pipe"),
    "in_a_read_only_folder": (
        lambda tmp: (_read_only(tmp) / "x.ttl", tmp / "ro"),
        "no write permission",
    ),
    "under_a_file": (lambda tmp: (SAMPLE / "orgs.csv" / "x.ttl", "orgs.csv"), "not a folder"),
}


@pytest.mark.parametrize("with_names", [False, True], ids=["pseudonyms", "with_names"])
@pytest.mark.parametrize("mistake", sorted(OUT_FILE_MISTAKES))
def test_a_bad_out_file_is_one_line_before_any_work(mistake, with_names, tmp, monkeypatch):
    make, says = OUT_FILE_MISTAKES[mistake]
    out, named = make(tmp)

    def loaded(*a, **k):
        raise AssertionError("the ledger was read before --out was checked")

    monkeypatch.setattr(rdf_cli, "load_ledger", loaded)
    args = ["export", "rdf", SAMPLE, "--out", out] + (["--with-names"] if with_names else [])
    assert says in refused(args, named)


OUT_FOLDER_MISTAKES = {
    "a_file": (lambda tmp: (shutil.copy(SAMPLE / "orgs.csv", tmp / "f"),) * 2, "not a folder"),
    "dev_null": (lambda tmp: (Path("/dev/null"), "/dev/null"), "character device"),
    "fifo": (lambda tmp: (_fifo(tmp),) * 2, "named pipe"),
    "read_only": (lambda tmp: (_read_only(tmp),) * 2, "no write permission"),
    "in_a_read_only_folder": (
        lambda tmp: (_read_only(tmp) / "a" / "b", tmp / "ro"),
        "no write permission",
    ),
}


@pytest.mark.parametrize("mistake", sorted(OUT_FOLDER_MISTAKES))
def test_a_bad_generate_folder_is_one_line(mistake, tmp):
    make, says = OUT_FOLDER_MISTAKES[mistake]
    out, named = make(tmp)
    assert says in refused(["generate", out, "--scale", "0.001"], named)


def test_generate_makes_a_missing_folder_with_its_parents(tmp):
    result = CliRunner().invoke(app, ["generate", str(tmp / "a" / "b"), "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    assert (tmp / "a" / "b" / "orgs.csv").is_file()


# ---------------------------------------------------------------- the pseudonym key


def _no_key(monkeypatch, home: Path) -> None:
    for name in ("LIANJIAN_PSEUDONYM_KEY", "LIANJIAN_PSEUDONYM_KEY_FILE", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))


KEY_COMMANDS = {
    "gaps": lambda tmp: ["gaps", SAMPLE],
    "gaps --with-names": lambda tmp: ["gaps", SAMPLE, "--with-names"],
    "export rdf": lambda tmp: ["export", "rdf", SAMPLE, "--out", tmp / "x.ttl"],
    "export rdf --with-gaps": lambda tmp: [
        *("export", "rdf", SAMPLE, "--out", tmp / "x.ttl"),
        *("--with-names", "--with-gaps"),
    ],
    "dashboard": lambda tmp: ["dashboard", SAMPLE],
}


@pytest.mark.parametrize("command", sorted(KEY_COMMANDS))
def test_no_writable_home_and_no_key_is_one_line(command, tmp, monkeypatch):
    """A home under a regular file: no key file can be made there, root or not."""
    home = shutil.copy(SAMPLE / "orgs.csv", tmp / "home")
    _no_key(monkeypatch, home)
    line = refused(KEY_COMMANDS[command](tmp), Path(home) / ".config" / "lianjian")
    assert "LIANJIAN_PSEUDONYM_KEY" in line
    assert not (tmp / "x.ttl").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only home")
def test_a_read_only_home_and_no_key_is_one_line(tmp, monkeypatch):
    _no_key(monkeypatch, _read_only(tmp))
    refused(["gaps", SAMPLE], tmp / "ro")


@pytest.mark.parametrize("content", ["", "folder"])
def test_an_empty_or_folder_key_file_is_refused(content, tmp, monkeypatch):
    key = tmp / "key"
    key.mkdir() if content else key.write_text("\n")
    monkeypatch.delenv("LIANJIAN_PSEUDONYM_KEY")
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY_FILE", str(key))
    with pytest.raises(PseudonymKeyError, match=str(key)):
        pseudonym_key()
    refused(["gaps", SAMPLE], key)


def test_a_key_file_is_made_0600_once(tmp, monkeypatch):
    _no_key(monkeypatch, tmp)
    first = pseudonym_key()
    made = tmp / ".config" / "lianjian" / "pseudonym.key"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert pseudonym_key() == first == made.read_bytes().strip()


# ---------------------------------------------------------------- files with names


def _export_watching_the_part_file(tmp: Path, monkeypatch, *extra: str) -> dict[str, int]:
    """Export the sample to tmp/x.ttl; the modes of the part file while it is written
    (by its descriptor and by its name, before the first byte and after the last), and
    of the file written."""
    out = tmp / "x.ttl"
    part = tmp / "x.ttl.part"
    part.write_text("stale")  # a part file left by a killed run: its mode must not carry over
    part.chmod(0o644)
    real = rdf_cli.export_rdf
    modes: dict[str, int] = {}

    def watched(data, fh, *args, **kwargs):
        modes["part at the first byte"] = stat.S_IMODE(os.fstat(fh.fileno()).st_mode)
        modes["part by name"] = stat.S_IMODE(part.stat().st_mode)
        assert part.stat().st_size == 0
        n = real(data, fh, *args, **kwargs)
        fh.flush()
        assert part.stat().st_size > 0 and not out.exists()
        modes["part at the last byte"] = stat.S_IMODE(part.stat().st_mode)
        return n

    monkeypatch.setattr(rdf_cli, "export_rdf", watched)
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["export", "rdf", str(SAMPLE), "--out", str(out), *extra])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert not part.exists()
    modes["written"] = stat.S_IMODE(out.stat().st_mode)
    return modes


def test_a_file_with_names_is_0600_from_the_first_byte(tmp, monkeypatch):
    modes = _export_watching_the_part_file(tmp, monkeypatch, "--with-names")
    assert set(modes.values()) == {0o600}, modes
    assert "潘刚晓" in (tmp / "x.ttl").read_text("utf-8")  # it does hold names


def test_a_file_without_names_has_the_usual_mode(tmp, monkeypatch):
    modes = _export_watching_the_part_file(tmp, monkeypatch)
    assert set(modes.values()) == {0o644}, modes


def test_a_failed_export_leaves_no_part_file_and_no_output(tmp, monkeypatch):
    def broken(data, fh, *args, **kwargs):
        fh.write("half")
        raise ValueError("the export broke")

    monkeypatch.setattr(rdf_cli, "export_rdf", broken)
    refused(["export", "rdf", SAMPLE, "--out", tmp / "x.ttl", "--with-names"], "the export broke")
    assert list(tmp.iterdir()) == []
