"""kubeling's API server: Kubernetes REST + watch over a real etcd."""
