"""Start Debian's slapd on 127.0.0.1 in a temporary folder, seeded from ldap/seed.ldif.

Plain LDAP (which also offers StartTLS) and LDAPS, with a certificate for
127.0.0.1 signed by a throw-away CA made here, so the TLS options are tested
with certificate verification on.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import ldap3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
HERE = Path(__file__).parent / "ldap"
BASE = "dc=hospital,dc=test"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "admin-password-for-tests"
READER_DN = f"cn=escc-reader,ou=services,{BASE}"
READER_PASSWORD = "reader-password-for-tests"
PASSWORDS = {uid: f"{uid}-directory-pw" for uid in ("amara", "bruno", "chen", "dora", "emil", "farid", "greta")}


@dataclass(frozen=True)
class Directory:
    """A running test directory and what a client needs to reach it."""

    url: str
    ldaps_url: str
    ca_file: Path
    base: str = BASE

    @staticmethod
    def user_dn(uid: str) -> str:
        return f"uid={uid},ou=people,{BASE}"

    @staticmethod
    def group_dn(cn: str) -> str:
        return f"cn={cn},ou=groups,{BASE}"

    def admin(self) -> ldap3.Connection:
        """A connection bound as the directory's manager, for tests that change entries."""
        return ldap3.Connection(ldap3.Server(self.url), ADMIN_DN, ADMIN_PASSWORD, auto_bind=True, raise_exceptions=True)


def missing() -> str | None:
    """Why slapd cannot run here, or None."""
    for program in (SLAPD, SLAPADD):
        if not program.exists():
            return f"no {program} (apt-get install slapd ldap-utils)"
    return None


def _write_certificates(run_dir: Path) -> None:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ESCC test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (run_dir / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (run_dir / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (run_dir / "server-key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"slapd did not listen on 127.0.0.1:{port} within {timeout} s")


def start(run_dir: Path, port: int, ldaps_port: int) -> tuple[subprocess.Popen, Directory]:
    """Configure, seed and start slapd; the caller stops the returned process."""
    (run_dir / "db").mkdir(parents=True)
    _write_certificates(run_dir)
    conf = run_dir / "slapd.conf"
    conf.write_text((HERE / "slapd.conf.in").read_text().format(run_dir=run_dir, admin_password=ADMIN_PASSWORD))
    subprocess.run(
        [str(SLAPADD), "-f", str(conf), "-l", str(HERE / "seed.ldif")], check=True, capture_output=True, timeout=60
    )
    urls = f"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{ldaps_port}/"
    log = (run_dir / "slapd.log").open("w")
    # -d 0: stay in the foreground (so the fixture owns the process) without debug output.
    process = subprocess.Popen([str(SLAPD), "-f", str(conf), "-h", urls, "-d", "0"], stdout=log, stderr=log)
    try:
        _wait_for_port(port, process)
        _wait_for_port(ldaps_port, process)
    except RuntimeError as exc:
        process.kill()
        raise RuntimeError(f"{exc}; log: {(run_dir / 'slapd.log').read_text()[-2000:]}") from None
    return process, Directory(
        url=f"ldap://127.0.0.1:{port}", ldaps_url=f"ldaps://127.0.0.1:{ldaps_port}", ca_file=run_dir / "ca.pem"
    )
