"""The pure core of the agency adapters: decisions and parsing, no I/O, no clock."""
