from django.urls import path

from pages import views

urlpatterns = [
    path("", views.index),
    path("health", views.health),
    path("notes", views.queue_note),
    path("pillow", views.pillow),
]
