"""``openses`` subcommands beyond serve, migrate and messages: worker, dead-letters, tracking."""
