class DomainError(Exception):
    """A rule of the domain was broken. The message is shown to the user as it is (Chinese)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)


def add_to_form(form, exc: DomainError) -> None:
    """Show a service's refusal on a form: on the field it names when the form has it, else at the top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
