"""``beancount_hn.core.atomic``: files and directories written whole or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from beancount_hn.core import atomic


def test_write_text_and_bytes_replace_the_file_and_leave_no_temporary(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    atomic.write_text(str(path), "é\n", "utf-8")
    assert path.read_bytes() == "é\n".encode()
    atomic.write_bytes(str(path), b"\x00raw")
    assert path.read_bytes() == b"\x00raw"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic.write_text(str(path), "Ł", "latin-1")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_directory_is_created_whole_and_private(tmp_path):
    target = tmp_path / "a" / "b"
    with atomic.replace_directory(str(target), private=True) as staging:
        assert not target.exists()
        (tmp_path / "a" / os.path.basename(staging) / "f").write_text("x")
    assert os.listdir(target) == ["f"]
    assert stat.S_IMODE(os.stat(target).st_mode) & 0o077 == 0
    assert os.listdir(tmp_path / "a") == ["b"]


def test_existing_directory_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "d"
    target.mkdir()
    (target / "old").write_text("x")
    with pytest.raises(atomic.TargetExists, match="existe déjà"):
        with atomic.replace_directory(str(target)):
            pass
    with atomic.replace_directory(str(target), overwrite=True) as staging:
        open(os.path.join(staging, "new"), "w").close()
    assert os.listdir(target) == ["new"]
    assert os.listdir(tmp_path) == ["d"]


def test_file_in_the_way_and_error_in_the_body(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(atomic.TargetNotADirectory, match="f existe et n.est pas un dossier"):
        with atomic.replace_directory(str(tmp_path / "f"), overwrite=True):
            pass
    target = tmp_path / "d"
    target.mkdir()
    (target / "old").write_text("x")
    with pytest.raises(RuntimeError):
        with atomic.replace_directory(str(target), overwrite=True) as staging:
            open(os.path.join(staging, "new"), "w").close()
            raise RuntimeError("boom")
    assert os.listdir(target) == ["old"]
    assert sorted(os.listdir(tmp_path)) == ["d", "f"]


def test_failed_swap_puts_the_old_directory_back(tmp_path, monkeypatch):
    target = tmp_path / "d"
    target.mkdir()
    (target / "old").write_text("x")
    real = os.replace

    def failing(src, dst):
        if str(src).endswith(".tmp"):
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        with atomic.replace_directory(str(target), overwrite=True):
            pass
    assert os.listdir(target) == ["old"]
    assert os.listdir(tmp_path) == ["d"]
