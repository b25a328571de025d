"""URLs of the PCGD-XMC pages (standards, persons, statistical tables)."""

from django.urls import path

app_name = "universalization"

urlpatterns: list = []
