"""BMKG: the public earthquake feeds (open data ``autogempa.json``,
``gempaterkini.json``, ``gempadirasakan.json``) and InaTEWS' latest message
(``datagempa.json``) onto ``agency.bmkg.earthquakes``. Parsing and the
incident rule are pure (domain/bmkg); this package only fetches."""
