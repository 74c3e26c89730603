import datetime as dt

import pytest
from django.utils import timezone

from qualification.api_tokens import token_create
from qualification.models import ApiToken


class Api:
    """A client sending one person's token, as a system using the API would."""

    def __init__(self, client, secret: str):
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(self, url: str, **headers):
        return self.client.get(url, headers=self._headers(headers))

    def put(self, url: str, body: dict, **headers):
        return self.client.put(
            url, body, content_type="application/json", headers=self._headers(headers)
        )


def api_for(client, user, *, scope: str = ApiToken.Scope.READ_WRITE, name: str = "Tracker"):
    made = token_create(
        user=user,
        name=name,
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        scope=scope,
        verified=True,
    )
    return Api(client, made.secret)


@pytest.fixture
def northwind_api(client, northwind):
    return api_for(client, northwind.contributor)
