from assessments import views  # noqa: F401

app_name = "assessments"

urlpatterns: list = []
