"""The site's background jobs. A view pushes them; `manage.py runjobs notes` runs them."""
from slipway_jobs import job

from .models import Note


@job(queue="notes", max_attempts=3)
def add_note(text):
    """Stores a note (a real write a web request need not wait for)."""
    if not text.strip():
        raise ValueError("a note needs some text")
    return Note.objects.create(text=text).id
