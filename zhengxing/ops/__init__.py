"""Operations: consistent backups taken while the application serves, restores that verify the
ledger before they return."""
