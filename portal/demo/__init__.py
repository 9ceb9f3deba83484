"""Demo data for `manage.py seed_demo`: committee roles, the city's industry associations, their member firms
and one login per role.

- ``organisations`` — the associations and a deterministic generator of member firms (pure data, no database);
- ``accounts`` — the demo logins (``DEMO_ACCOUNTS``, password ``DEMO_PASSWORD``), reusable by docs and tests;
- ``steps`` — the idempotent database steps the command runs in order (``STEPS``). Later features add a step.
"""
