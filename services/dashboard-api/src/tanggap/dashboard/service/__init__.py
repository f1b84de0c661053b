"""Use cases: each opens the transaction it needs, calls the domain to decide
and the adapters to read and write, and returns plain results to the API."""
