from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from qualification import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "qualifications/<uuid:public_id>/",
        views.qualification_detail,
        name="qualification-detail",
    ),
    path("admin/", admin.site.urls),
]
