"""URLs of the PCGD-XMC register's entry pages (households, persons, workbook in and out)."""

from django.urls import path

app_name = "register"

urlpatterns: list = []
