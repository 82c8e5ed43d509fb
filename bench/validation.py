"""Defaulting + validation cost of a typical pod (the apiserver runs both on every create).

Run: .venv/bin/python bench/validation.py
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apiserver.defaults import apply_defaults
from apiserver.validation import validate_create
from tests.unit.test_validation import typical_pod

BUDGET_US = 200.0  # per pod, from the performance notes


def main() -> None:
    template = typical_pod(0)
    pods = [copy.deepcopy(template) for _ in range(2000)]
    start = time.perf_counter()
    for p in pods:
        apply_defaults("Pod", p)
        validate_create("Pod", p)
    per_pod_us = (time.perf_counter() - start) / len(pods) * 1e6
    verdict = "PASS" if per_pod_us <= BUDGET_US else "MISS"
    print(f"defaults+validation per pod: {per_pod_us:.0f} us (budget {BUDGET_US:.0f} us) {verdict}")


if __name__ == "__main__":
    main()
