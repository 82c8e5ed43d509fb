"""The FailedScheduling message, worded exactly like kube-scheduler's FitError.

`0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: },
2 Insufficient cpu.`: every reason of every node counted, each "<count> <reason>", sorted
as strings, joined with ", "; a preemption verdict follows as " preemption: ...".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

NO_NODES = "no nodes available to schedule pods"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
PREEMPT_NEVER = "not eligible due to preemptionPolicy=Never."


def histogram(reasons_by_node: Mapping[str, Iterable[str]]) -> str:
    counts: Counter[str] = Counter()
    for reasons in reasons_by_node.values():
        for r in reasons:
            counts[r] += 1
    return ", ".join(sorted(f"{n} {r}" for r, n in counts.items()))


def fit_error(num_nodes: int, reasons_by_node: Mapping[str, Iterable[str]]) -> str:
    """FitError.Error() without a PostFilter message."""
    msg = f"0/{num_nodes} nodes are available:"
    hist = histogram(reasons_by_node)
    if hist:
        msg += f" {hist}."
    return msg


def with_post_filter(message: str, post_filter: str) -> str:
    """Append a PostFilter (preemption) message the way FitError does since 1.30 (" %v": the
    message already ends with its own period; 1.29 and older added a second one, "..")."""
    return f"{message} {post_filter}" if post_filter else message


def preemption_failed(num_nodes: int, reasons_by_node: Mapping[str, Iterable[str]]) -> str:
    return "preemption: " + fit_error(num_nodes, reasons_by_node)
