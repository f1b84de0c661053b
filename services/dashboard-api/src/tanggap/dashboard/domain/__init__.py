"""The pure core: who may see and do what, what the statistics mean. No I/O, no clock."""
