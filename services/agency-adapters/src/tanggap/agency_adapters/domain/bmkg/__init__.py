"""BMKG's earthquake and tsunami feeds, read as BMKG publishes them (see
shared/design/BMKG.md): every value a string, formats that drift, lists that
repeat and revise events. Parsing here is pure and never raises on bad input:
a record that cannot be read is returned as a rejection with a reason."""
