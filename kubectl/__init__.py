"""kubeling: the kubectl of kubeling (a click CLI that reads kubectl's kubeconfig and habits)."""
