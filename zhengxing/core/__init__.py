"""The ground floor: what every app shares (errors, the actor and the client's address, forms and
HTMX helpers, the API's shared schemas, encryption of personal data, bulk inserts). It imports
no app of the project, only Django, django-ninja, the standard library and settings."""
