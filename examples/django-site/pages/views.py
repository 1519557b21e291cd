import os
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from .jobs import add_note
from .models import Note

RELEASE = Path(__file__).resolve().parent.parent


def index(request):
    revision = (RELEASE / "REVISION").read_text().strip() if (RELEASE / "REVISION").exists() else "dev"
    notes = ", ".join(n.text for n in Note.objects.order_by("id"))
    return HttpResponse(
        f"{settings.SITE_GREETING} from {revision[:7]} on port {os.environ.get('PORT', '?')}; notes: {notes}\n",
        content_type="text/plain",
    )


def pillow(request):
    """Which Pillow this release imports: the one vendored by recipes.django.vendor has PIL.SLIPWAY_PATCHED."""
    try:
        import PIL
        from PIL import Image
    except ImportError as e:
        return HttpResponse(f"Pillow is not importable: {e}\n", content_type="text/plain", status=503)
    image = Image.new("RGB", (1, 1))  # the C extension loads, not only the Python package
    patched = getattr(PIL, "SLIPWAY_PATCHED", False)
    return HttpResponse(
        f"Pillow {PIL.__version__} patched={patched} mode={image.mode} from {Path(PIL.__file__).parent}\n",
        content_type="text/plain",
    )


def health(request):
    Note.objects.exists()  # the database answers
    return HttpResponse("ok\n", content_type="text/plain")


@csrf_exempt  # an API-style endpoint of the example; a real form would keep CSRF
def queue_note(request):
    """POST text=…: the note is written by a worker, not by this request."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job_id = add_note(request.POST.get("text", ""))
    return HttpResponse(f"queued job {job_id}\n", content_type="text/plain", status=202)
