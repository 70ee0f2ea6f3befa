"""The file between the preview and the confirmation: private, its uploader's only, and
gone after an hour (portal/statements/uploads.py)."""

import os
import stat
import time

from portal.statements import uploads


def test_a_kept_file_is_private_and_read_back_by_its_uploader_only(app):
    token = uploads.keep(7, b"Nom;Prenom\n", "Releve.XLSX")
    assert token.endswith(".xlsx") and uploads.filename_of(token) == "releve.xlsx"
    [path] = list(uploads.folder().iterdir())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(uploads.folder().stat().st_mode) == 0o700
    assert uploads.take(8, token) is None
    assert uploads.take(7, token) == b"Nom;Prenom\n"
    uploads.discard(7, token)
    assert uploads.take(7, token) is None


def test_tokens_that_are_not_ours_never_reach_the_disk(app):
    for forged in ("", "../secret", "a" * 24 + ".py", "a/" + "b" * 22 + ".csv"):
        assert uploads.take(7, forged) is None


def test_files_older_than_an_hour_are_purged_and_refused(app):
    token = uploads.keep(7, b"old", "r.csv")
    [path] = list(uploads.folder().iterdir())
    past = time.time() - uploads.KEEP_SECONDS - 5
    os.utime(path, (past, past))
    assert uploads.take(7, token) is None
    fresh = uploads.keep(7, b"new", "r.csv")
    old = uploads.keep(9, b"x", "r.csv")
    [old_path] = [p for p in uploads.folder().iterdir() if p.name.startswith("9-")]
    os.utime(old_path, (past, past))
    assert uploads.purge() == 1
    assert uploads.take(7, fresh) == b"new" and uploads.take(9, old) is None
