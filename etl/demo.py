"""Synthetic demo inputs: the one place the CLI (``python -m etl demo``), the tests and the
benchmark script get demo data from.

Each input kind writes its own demo files from ``etl/inputs/<kind>/demo.py``:

- SEN2 (:mod:`etl.inputs.sen2.demo`): a module workbook (``la``, ``large``) or a national COLLECT
  Blade CSV set, with a few planted data-quality faults (:data:`FAULT_KINDS`);
- improvement-plan trackers (:mod:`etl.inputs.tracker.demo`): highlight reports and action logs;
- health waiting lists (:mod:`etl.inputs.waits.demo`, ``waits_generate``): one extract per
  provider.
- exclusion records (:mod:`etl.inputs.exclusions.demo`): events and headcounts for the demo LA's
  fictional schools, its EHC plan pupils drawn from the SEN2 workbook's children.

The same seed, scale and snapshot always give byte-identical SEN2 files.
"""

from __future__ import annotations

from etl.inputs.sen2.demo import DEFAULT_SNAPSHOT, SCALES, fault_counts, generate
from etl.inputs.sen2.demo_faults import FAULT_KINDS
from etl.inputs.sen2.demo_simulate import Scale
from etl.inputs.waits.demo import generate as waits_generate

__all__ = [
    "DEFAULT_SNAPSHOT",
    "FAULT_KINDS",
    "SCALES",
    "Scale",
    "fault_counts",
    "generate",
    "waits_generate",
]
