"""Real servers for the sign-in tests, each in its own process on a loopback port.

- OpenLDAP's slapd with a temporary configuration, an AD-like schema (sAMAccountName, employeeID), a
  certificate authority made here, and a few people (ldaps:// and ldap:// with StartTLS).
- An OpenID Connect provider: the Django project under tests/oidc_provider (django-oidc-provider).

Both are skipped when their program is missing, unless PORTAL_REQUIRE_SERVICES=1 (CI), which makes that a
failure. Every port is on 127.0.0.1; every process is ended by its fixture.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SLAPD = Path("/usr/sbin/slapd")
SCHEMA_DIR = Path("/etc/ldap/schema")
LDAP_MODULES = Path("/usr/lib/ldap")
BASE_DN = "dc=chum,dc=test"
SERVICE_DN = f"cn=portail,ou=services,{BASE_DN}"
SERVICE_PASSWORD = "service-account-secret"
ADMIN_GROUP_DN = f"cn=portail-admins,ou=groups,{BASE_DN}"


def require(available: bool, why: str) -> None:
    if available:
        return
    if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required for the sign-in tests: {why}")
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {seconds}s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- Certificates -------------------------------------------------------------------------------------


def _certificate_authority(name: str):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _server_certificate(ca_key, ca_certificate, names: list[str], addresses: list[str]):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    alternative = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def _write_pem(path: Path, key=None, certificate=None) -> Path:
    from cryptography.hazmat.primitives import serialization

    if key is not None:
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    else:
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


# --- LDAP ---------------------------------------------------------------------------------------------

AD_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.35 NAME 'employeeID'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.11.1 NAME 'portalTestAccount' AUXILIARY
  MAY ( sAMAccountName $ employeeID ) )
"""


@dataclass(frozen=True)
class DirectoryPerson:
    uid: str
    sam: str
    employee_number: str
    password: str
    first_name: str
    last_name: str
    admin: bool = False

    @property
    def dn(self) -> str:
        return f"uid={self.uid},ou=people,{BASE_DN}"

    @property
    def email(self) -> str:
        return f"{self.uid}@chum.test"


# Employee numbers the tests give to the personas of tests/conftest.py.
PEOPLE = (
    DirectoryPerson("alice.test", "atest", "100001", "alice-directory-pw", "Alice", "Test"),
    DirectoryPerson("oscar.test", "otest", "100002", "oscar-directory-pw", "Oscar", "Test"),
    DirectoryPerson("newcomer", "nnew", "100999", "newcomer-directory-pw", "Nouvelle", "Recrue"),
    DirectoryPerson("dora.test", "dtest", "100003", "dora-directory-pw", "Dora", "Test", admin=True),
    # Not an employee number the HR export would carry: matched only by email when configured.
    DirectoryPerson("contractor", "ctr", "", "contractor-directory-pw", "Contractuel", "Externe"),
)


def _ssha(password: str) -> str:
    salt = secrets.token_bytes(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _ldif() -> str:
    blocks = [
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: chum\no: CHUM (tests)\n",
        f"dn: ou=people,{BASE_DN}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=services,{BASE_DN}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: ou=groups,{BASE_DN}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: portail\nuserPassword: {_ssha(SERVICE_PASSWORD)}\n",
    ]
    for person in PEOPLE:
        lines = [
            f"dn: {person.dn}",
            "objectClass: inetOrgPerson",
            "objectClass: portalTestAccount",
            f"uid: {person.uid}",
            f"sAMAccountName: {person.sam}",
            f"cn: {person.first_name} {person.last_name}",
            f"givenName: {person.first_name}",
            f"sn: {person.last_name}",
            f"mail: {person.email}",
            f"userPassword: {_ssha(person.password)}",
        ]
        if person.employee_number:
            lines += [f"employeeNumber: {person.employee_number}", f"employeeID: {person.employee_number}"]
        blocks.append("\n".join(lines) + "\n")
    members = "".join(f"member: {p.dn}\n" for p in PEOPLE if p.admin)
    blocks.append(f"dn: {ADMIN_GROUP_DN}\nobjectClass: groupOfNames\ncn: portail-admins\n{members}")
    return "\n".join(blocks)


@dataclass
class LdapServer:
    ldaps_url: str
    wrong_name_url: str
    ldap_url: str
    ca_file: str
    rogue_ca_file: str
    people: dict[str, DirectoryPerson] = field(default_factory=dict)

    def settings(self, **overrides) -> dict:
        values = {
            "LDAP_URL": self.ldaps_url,
            "LDAP_START_TLS": False,
            "LDAP_CA_FILE": self.ca_file,
            "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "LDAP_SEARCH_BASE": f"ou=people,{BASE_DN}",
            "LDAP_USER_FILTER": "(objectClass=inetOrgPerson)",
            "LDAP_LOGIN_ATTRIBUTES": "uid,sAMAccountName,employeeNumber",
            "LDAP_EMPLOYEE_NUMBER_ATTRIBUTE": "employeeNumber",
            "LDAP_ADMIN_GROUP_DN": "",
            "LDAP_TIMEOUT": 5,
        }
        values.update(overrides)
        return values


def start_slapd(folder: Path):
    require(SLAPD.exists() and (SCHEMA_DIR / "inetorgperson.schema").exists(), f"{SLAPD} is missing")
    ca_key, ca = _certificate_authority("CHUM test directory CA")
    server_key, server_certificate = _server_certificate(ca_key, ca, ["localhost"], ["127.0.0.1"])
    _, rogue_ca = _certificate_authority("Somebody else's CA")
    ca_file = _write_pem(folder / "ca.pem", certificate=ca)
    rogue_ca_file = _write_pem(folder / "rogue-ca.pem", certificate=rogue_ca)
    cert_file = _write_pem(folder / "server.pem", certificate=server_certificate)
    key_file = _write_pem(folder / "server.key", key=server_key)
    (folder / "ad.schema").write_text(AD_SCHEMA)
    (folder / "db").mkdir()
    modules = f"modulepath {LDAP_MODULES}\nmoduleload back_mdb\n" if (LDAP_MODULES / "back_mdb.la").exists() else ""
    config = folder / "slapd.conf"
    config.write_text(
        f"include {SCHEMA_DIR}/core.schema\n"
        f"include {SCHEMA_DIR}/cosine.schema\n"
        f"include {SCHEMA_DIR}/inetorgperson.schema\n"
        f"include {folder}/ad.schema\n"
        f"{modules}"
        f"pidfile {folder}/slapd.pid\n"
        f"argsfile {folder}/slapd.args\n"
        f"TLSCACertificateFile {ca_file}\n"
        f"TLSCertificateFile {cert_file}\n"
        f"TLSCertificateKeyFile {key_file}\n"
        "database mdb\n"
        "maxsize 10485760\n"
        f'suffix "{BASE_DN}"\n'
        f'rootdn "cn=root,{BASE_DN}"\n'
        f"rootpw {secrets.token_hex(16)}\n"
        f"directory {folder}/db\n"
        "access to attrs=userPassword by anonymous auth by self write by * none\n"
        "access to * by users read by * none\n"
    )
    ldif = folder / "people.ldif"
    ldif.write_text(_ldif())
    subprocess.run(
        [str(SLAPD), "-T", "add", "-f", str(config), "-l", str(ldif)],
        check=True, capture_output=True, timeout=30,
    )
    ldaps_port, ldap_port = free_port(), free_port()
    process = subprocess.Popen(
        [str(SLAPD), "-d", "0", "-f", str(config), "-h",
         f"ldap://127.0.0.1:{ldap_port}/ ldaps://127.0.0.1:{ldaps_port}/ ldaps://127.0.0.2:{ldaps_port}/"],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "slapd.log", "wb"),
    )
    wait_for_port(ldaps_port, process)
    wait_for_port(ldap_port, process)
    server = LdapServer(
        ldaps_url=f"ldaps://127.0.0.1:{ldaps_port}",
        # Same server, same certificate, reached by an address the certificate does not name.
        wrong_name_url=f"ldaps://127.0.0.2:{ldaps_port}",
        ldap_url=f"ldap://127.0.0.1:{ldap_port}",
        ca_file=str(ca_file),
        rogue_ca_file=str(rogue_ca_file),
        people={p.uid: p for p in PEOPLE},
    )
    return process, server


# --- OpenID Connect provider --------------------------------------------------------------------------

CLIENT_ID = "portail-medias-sociaux"
CLIENT_SECRET = "client-secret-for-tests"


@dataclass
class Provider:
    url: str
    control_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def control(self, **data) -> None:
        response = requests.post(
            f"{self.url}/test-control/",
            data=json.dumps(data),
            headers={"X-Control-Secret": self.control_secret},
            timeout=10,
        )
        response.raise_for_status()

    def person(self, username: str, password: str, *, groups=(), is_active=True, email=None) -> None:
        self.control(people=[{
            "username": username, "password": password, "email": email or f"{username}@chum.test",
            "first_name": username.capitalize(), "last_name": "Test", "groups": list(groups),
            "is_active": is_active,
        }])

    def client(self, redirect_uris: list[str], post_logout_redirect_uris: list[str]) -> None:
        self.control(clients=[{
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": post_logout_redirect_uris,
        }])

    def settings(self, **overrides) -> dict:
        values = {
            "OIDC_ISSUER": self.issuer,
            "OIDC_DISCOVERY_URL": "",
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_SCOPES": "openid email profile",
            "OIDC_EMPLOYEE_NUMBER_CLAIM": "employee_id",
            "OIDC_ADMIN_GROUP": "",
            "OIDC_CA_FILE": "",
            "OIDC_TIMEOUT": 10,
        }
        values.update(overrides)
        return values


def start_provider(folder: Path):
    require(shutil.which(sys.executable) is not None, "no Python to run the provider")
    try:
        import oidc_provider  # noqa: F401
    except ImportError:
        require(False, "django-oidc-provider is not installed (pip install -e '.[test]')")
    port = free_port()
    secret = secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_DATABASE": str(folder / "provider.sqlite3"),
        "PROVIDER_SITE_URL": url,
        "PROVIDER_CONTROL_SECRET": secret,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(folder / "provider.log", "wb"),
    )
    wait_for_port(port, process, seconds=60)
    return process, Provider(url=url, control_secret=secret)
