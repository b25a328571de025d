"""URLs of data collection's pages: what is due, entry forms, rounds and their review."""

from django.urls import path

from collection import views

app_name = "collection"

urlpatterns: list = [
    path("collection/", views.index, name="index"),
    path("collection/rounds/new/", views.round_new, name="round_new"),
    path("collection/rounds/<int:pk>/", views.round_page, name="round"),
    path("collection/rounds/<int:pk>/reminders.xlsx", views.reminders_xlsx, name="reminders"),
    path("collection/submissions/<int:pk>/", views.submission_page, name="submission"),
    path("collection/submissions/<int:pk>/review/", views.review, name="review"),
]
