"""kubeling's node agent: runs the pods bound to its node as containers (see kubelet.kubelet)."""
