"""Start the test OpenID provider (oidc/server.mjs, npm's oidc-provider) with the machine's Node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

HERE = Path(__file__).parent / "oidc"
CLIENT_ID = "escc-decision-support"
CLIENT_SECRET = "client-secret-for-tests-only"
# The provider's accounts: password, whether disabled, and the claims it issues.
ACCOUNTS = {
    "olga": {"claims": {"given_name": "Olga", "family_name": "Petrova", "groups": ["escc-clinicians"]}},
    "pavel": {"claims": {"given_name": "Pavel", "family_name": "Horak", "groups": ["escc-tumor-board"]}},
    "quinn": {
        "claims": {"given_name": "Quinn", "family_name": "Adeyemi", "groups": ["escc-clinicians", "escc-tumor-board"]}
    },
    "rosa": {"claims": {"given_name": "Rosa", "family_name": "Marin", "groups": ["escc-clinicians"]}},
    # Groups in the ID token only, as Entra ID sends them.
    "sven": {
        "id_token_only": True,
        "claims": {"given_name": "Sven", "family_name": "Olsen", "groups": ["escc-tumor-board"]},
    },
}
PASSWORDS = {name: f"{name}-sso-pw" for name in ACCOUNTS}


def missing() -> str | None:
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "no node on PATH (apt-get install nodejs npm)"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return f"oidc-provider is not installed (cd {HERE} && npm ci)"
    return None


@dataclass
class Provider:
    """A running provider, its endpoints (from its discovery document) and its editable accounts."""

    issuer: str
    metadata: dict
    accounts_file: Path

    def accounts(self) -> dict:
        return json.loads(self.accounts_file.read_text())

    def save_accounts(self, accounts: dict) -> None:
        tmp = self.accounts_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(accounts))
        tmp.replace(self.accounts_file)  # the provider never reads half a file

    def reset_accounts(self) -> None:
        self.save_accounts(
            {
                name: {
                    "password": PASSWORDS[name],
                    "disabled": False,
                    "id_token_only": spec.get("id_token_only", False),
                    "claims": {"preferred_username": name, "email": f"{name}@hospital.test", **spec["claims"]},
                }
                for name, spec in ACCOUNTS.items()
            }
        )


def start(run_dir: Path, port: int, app_url: str) -> tuple[subprocess.Popen, Provider]:
    """Start the provider for an app at ``app_url``; the caller stops the returned process."""
    run_dir.mkdir(parents=True, exist_ok=True)
    issuer = f"http://127.0.0.1:{port}"
    provider = Provider(issuer=issuer, metadata={}, accounts_file=run_dir / "accounts.json")
    provider.reset_accounts()
    env = {
        **os.environ,
        "PORT": str(port),
        "ACCOUNTS_FILE": str(provider.accounts_file),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": f"{app_url}/accounts/oidc/callback/",
        "POST_LOGOUT_REDIRECT_URI": f"{app_url}/accounts/login/",
    }
    log = (run_dir / "provider.log").open("w")
    process = subprocess.Popen(
        ["node", str(HERE / "server.mjs")], cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            response.raise_for_status()
            provider.metadata = response.json()
            return process, provider
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"the OpenID provider did not start; log: {(run_dir / 'provider.log').read_text()[-2000:]}"
                ) from None
            time.sleep(0.2)
