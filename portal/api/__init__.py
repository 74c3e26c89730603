"""The portal's API (/api/v1/): the same people, rules and services as the pages, for the
systems around the portal. See docs/api.md."""
