import os
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse

from .models import Note

RELEASE = Path(__file__).resolve().parent.parent


def index(request):
    revision = (RELEASE / "REVISION").read_text().strip() if (RELEASE / "REVISION").exists() else "dev"
    notes = ", ".join(n.text for n in Note.objects.order_by("id"))
    return HttpResponse(
        f"{settings.SITE_GREETING} from {revision[:7]} on port {os.environ.get('PORT', '?')}; notes: {notes}\n",
        content_type="text/plain",
    )


def health(request):
    Note.objects.exists()  # the database answers
    return HttpResponse("ok\n", content_type="text/plain")
