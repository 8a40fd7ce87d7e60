"""Client side of cloud sync. Built by the Sync issue."""
