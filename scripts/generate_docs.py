"""Write the generated parts of the docs from the code that defines them.

Each generated block sits between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` in a Markdown
file and is written by one function in :data:`BLOCKS`; the prose around the blocks is edited by
hand. Run ``python scripts/generate_docs.py`` after changing the catalogue (``etl/catalogue.py``)
or a rule (``etl.checks``);
``--check`` writes nothing and exits 1 naming each stale block (``tests/test_docs_fresh.py`` runs
it).

To add a block: write a function returning its Markdown, list it in :data:`BLOCKS` with the file
it goes in, and put the two marker comments in that file.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from etl.catalogue import CATALOGUE, POLARITY_WORDS, TERMS, Metric  # noqa: E402
from etl.checks import rules_markdown  # noqa: E402


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def terms_block() -> str:
    """docs/metrics.md: the DESIGN §4 building blocks, one row per term."""
    rows = [f"| **{_cell(t.name)}** | {_cell(t.definition)} |" for t in TERMS]
    return "\n".join(["| term | definition |", "|---|---|", *rows])


def _metric_row(m: Metric) -> str:
    counts = f"{m.numerator} ÷ {m.denominator}" if m.numerator else "—"
    published = ""
    if m.published_title or m.published_definition:
        published = f"Published as “{m.shown_published_title}”: {m.shown_published_definition}"
    text = " ".join(part for part in (m.definition, m.caveat, published) if part)
    unit = f"{m.unit}, {m.decimals} dp" if m.unit != "count" else "count"
    return (
        f"| `{m.key}` | **{_cell(m.title)}**<br>{_cell(text)} | "
        f"{_cell(counts)} | {unit} | {POLARITY_WORDS[m.polarity]} | {_cell(m.source)} |"
    )


def catalogue_block() -> str:
    """docs/metrics.md: every catalogue metric, local and published, in catalogue order."""
    header = [
        "| key | title and definition | what is counted | unit | polarity | source |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join(header + [_metric_row(m) for m in CATALOGUE.values()])


README_TERMS = (
    "plan_issued",
    "within_20_weeks",
    "pct_within_20_weeks_excl_exceptions",
    "open_request",
    "at_risk",
    "breached",
    "percentages",
)


def readme_block() -> str:
    """README: the short version of the metric definitions, pointing at docs/metrics.md."""
    by_key = {t.key: t for t in TERMS}
    lines = [
        "The exact definitions are in [docs/metrics.md](docs/metrics.md) (they follow",
        "`../shared/DESIGN.md` §4 and DfE's published measure). In short:",
        "",
    ]
    lines += [f"- **{by_key[k].name}**: {by_key[k].definition}" for k in README_TERMS]
    return "\n".join(lines)


# (file relative to the repository, block name, the function writing the block)
BLOCKS: tuple[tuple[str, str, Callable[[], str]], ...] = (
    ("docs/metrics.md", "metric-terms", terms_block),
    ("docs/metrics.md", "metric-catalogue", catalogue_block),
    ("README.md", "metrics", readme_block),
    ("README.md", "rules", rules_markdown),
)


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- BEGIN {re.escape(name)} -->\n)(.*?)(<!-- END {re.escape(name)} -->)", re.DOTALL
    )


def render(text: str, name: str, block: str) -> str:
    """``text`` with the block ``name`` replaced by ``block`` (ValueError if the markers are
    missing, so a deleted marker is noticed rather than silently skipped)."""
    pattern = _pattern(name)
    if not pattern.search(text):
        raise ValueError(f"no <!-- BEGIN {name} --> … <!-- END {name} --> markers")
    return pattern.sub(lambda m: m.group(1) + block.rstrip("\n") + "\n" + m.group(3), text)


def stale_blocks(root: Path = REPO, write: bool = False) -> list[str]:
    """Names of the blocks whose files differ from what the code generates ("file: block").
    With ``write``, bring those files up to date."""
    stale: list[str] = []
    texts: dict[str, str] = {}
    for file, name, make in BLOCKS:
        current = texts.setdefault(file, (root / file).read_text(encoding="utf-8"))
        updated = render(current, name, make())
        if updated != current:
            stale.append(f"{file}: {name}")
            texts[file] = updated
    if write:
        for file, text in texts.items():
            if text != (root / file).read_text(encoding="utf-8"):
                (root / file).write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any block is stale"
    )
    args = parser.parse_args(argv)
    stale = stale_blocks(write=not args.check)
    for item in stale:
        print(f"{'stale' if args.check else 'updated'}: {item}")
    if args.check and stale:
        print("Run: python scripts/generate_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
