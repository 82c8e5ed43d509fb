"""kubeling's controller manager: every built-in controller in one process, one leader."""
