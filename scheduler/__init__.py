"""kubeling's scheduler: places pending pods on nodes the way kube-scheduler does.

A queue of pending pods (priority first, back-off for the unschedulable), a cache of
nodes with per-node aggregates (requests, host ports, owners) kept incrementally,
filter and score plugins, a binder with several binds in flight, preemption, and
FailedScheduling messages worded like Kubernetes'.
"""
