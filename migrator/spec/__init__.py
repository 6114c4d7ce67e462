"""Check the rule table against Astronomer's published v1 OpenAPI spec (``astro-migrate spec``).

``fetch`` reads a spec from a file or over HTTPS, ``index`` reduces it to operations and schema
fields, ``compare`` checks the rule table against such an index and ``diff`` compares two indexes.
"""
