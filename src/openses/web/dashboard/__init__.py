"""The dashboard (issue 19): server-rendered pages under ``/_openses/``, from Jinja2 templates,
enhanced with htmx and Server-Sent Events; the vendored scripts and styles are in static/
(VENDORED.md says which versions). It reads through the same services and store as the API.

- rendering.py: the Jinja2 environment, the pages' security headers and CSRF cookie
- pages.py: what every page shares; overview.py (and the live events page), sets.py,
  inbox.py (and a message's page), resources.py (dead letters, suppression list, identities,
  templates)
- routes.py: the routes, as app.py mounts them
- stream.py: the live streams (new events, new messages) as Server-Sent Events
- preview.py: a captured message's HTML, on a path outside the dashboard's cookies
- sessions.py: the login form, the account picker, and the gate in front of ``/_openses``
"""
