"""Memory stays bounded: huge files and lines are refused without being read whole.

Peak memory is that of the ``zxkg ingest`` process alone (``os.wait4``), compared with the
same command on the same good articles without the huge input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ZXKG
from tests.test_bad_input import variant

pytestmark = pytest.mark.slow  # real processes

MB = 1024 * 1024
LIMIT = 4 * MB  # ingest.sources.MAX_BYTES and MAX_RECORD_BYTES
GROWTH = 40 * MB  # what the huge input may add to the peak; reading it whole adds more than 60 MB
CEILING = 600 * MB


# Spawned from a small interpreter: a child of the test process would count the test's own
# memory, which it shares until it executes zxkg, in its peak.
MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def peak_rss(args: list[str], tmp: Path, stdin: Path | None = None) -> tuple[int, str, str, int]:
    """Run ``zxkg args``: (exit code, stdout, stderr, peak resident memory in bytes)."""
    report = tmp / "peak.txt"
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as fh:
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, str(report), str(ZXKG), *args],
            stdin=fh,
            capture_output=True,
            text=True,
            timeout=300,
        )
    code, kib = report.read_text().split()
    return int(code), result.stdout, result.stderr, int(kib) * 1024


def good_lines(first: int) -> list[str]:
    return [
        json.dumps({"title": f"第{n}篇", "content": variant(n)}, ensure_ascii=False) for n in range(first, first + 3)
    ]


def test_huge_inputs_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    base_dir, big_dir = tmp_path / "base", tmp_path / "big"
    base_dir.mkdir()
    big_dir.mkdir()
    (base_dir / "dump.jsonl").write_text("\n".join(good_lines(400)) + "\n", encoding="utf-8")
    code, out, err, base = peak_rss(["ingest", "--data", str(tmp_path / "d1"), str(base_dir)], tmp_path)
    assert code == 0 and "ingested 3," in out, out + err

    # a dump of about 85 MB: good articles around a 60 MB line and five 5 MB ones
    good = good_lines(500)
    huge = json.dumps({"title": "大", "content": "株洲市政协" * (4 * MB)}, ensure_ascii=False)
    big = json.dumps({"title": "长", "content": "衡阳市" * (MB * 5 // 9)}, ensure_ascii=False)
    with (big_dir / "dump.jsonl").open("w", encoding="utf-8") as fh:
        fh.write("\n".join([good[0], huge, good[1], *[big] * 5, good[2]]) + "\n")
    (big_dir / "big.txt").write_bytes(("株洲市政协委员工作室。" * (50 * MB // 33 + 1)).encode()[: 50 * MB])
    code, out, err, peak = peak_rss(["ingest", "--data", str(tmp_path / "d2"), str(big_dir)], tmp_path)
    assert code == 0 and "ingested 3," in out and "failed 7" in out, out + err
    failed = dict(line.removeprefix("  failed: ").rsplit(": ", 1) for line in err.splitlines() if "failed: " in line)
    dump = big_dir / "dump.jsonl"
    assert failed[str(big_dir / "big.txt")] == f"file too large for an article ({50 * MB:,} bytes; limit {LIMIT:,})"
    assert failed[f"{dump}:2"] == f"line too long for an article ({len(huge.encode()) + 1:,} bytes; limit {LIMIT:,})"
    for n in range(4, 9):
        assert failed[f"{dump}:{n}"].startswith("line too long for an article")
    assert peak < CEILING and peak - base < GROWTH, (peak // MB, base // MB)

    # stdin is read up to the limit, not to its end
    (tmp_path / "stdin.txt").write_bytes((big_dir / "big.txt").read_bytes())
    code, out, err, peak = peak_rss(["ingest", "--data", str(tmp_path / "d3"), "-"], tmp_path, tmp_path / "stdin.txt")
    assert code == 0 and "failed 1" in out, out + err
    assert f"failed: <stdin>: input too large for an article (more than {LIMIT:,} bytes)" in err
    assert peak - base < GROWTH, (peak // MB, base // MB)
