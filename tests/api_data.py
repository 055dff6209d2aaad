"""A small real data directory for the API and browser tests, built once per session."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED, run_cli

EXTRA = {
    "zhuzhou-2024.txt": """title: 株洲市政协推进“两力两率”评价
date: 2023-03-01
source: 株洲政协网
---
株洲市政协进一步完善“两力两率”评价,全面推行委员“双考”制度。
""",
    "hengyang-2025.txt": """title: 衡阳市政协委员工作室建设
date: 2025-06-01
---
衡阳市政协深入实施“两力两率”评价,健全党员委员联系党外委员制度。
""",
    "script.html": """<html><head><title>湘潭市政协开展“潭事好商量”</title></head><body><div>
<p>湘潭市政协着力打造“潭事好商量”协商议事品牌。</p>
<p>文中的标记 &lt;script&gt;window.__xss = 1&lt;/script&gt; 和 &lt;img src=x onerror="window.__xss=2"&gt; 只是文字。</p>
</div></body></html>""",
}


def build(root: Path) -> Path:
    """The data directory ``root/data``, ingested from ``root/in``."""
    data = root / "data"
    build_at(root, str(data))
    return data


def build_at(root: Path, location: str) -> str:
    """The same store at ``location`` (a data directory or a PostgreSQL URL; the conftest's
    ``places`` gives one per backend), ingested from ``root/in``."""
    src = root / "in"
    src.mkdir(parents=True, exist_ok=True)
    (src / SEED.name).write_bytes(SEED.read_bytes())
    for name, text in EXTRA.items():
        (src / name).write_text(text, encoding="utf-8")
    result = run_cli("ingest", "--store", location, str(src))
    assert result.returncode == 0 and "failed 0" in result.stdout, result.stdout + result.stderr
    return location
