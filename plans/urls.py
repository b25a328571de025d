"""URLs of the plan pages: list, plan text, a body's duties, the responsibility matrix."""

from django.urls import path

from plans import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<slug:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:code>/bodies/<str:party>/", views.body_detail, name="body_detail"),
    path("plans/<slug:code>/matrix/", views.responsibility_matrix, name="responsibility_matrix"),
]
