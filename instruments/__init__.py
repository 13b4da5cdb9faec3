"""The instrument catalogue: national classification, instruments, import/export, purchase review."""
