"""Who signs: the user's certificate chain and key, or a per-workspace local identity made on first use.

The local identity is a small CA and a leaf certificate (Ed25519) kept in ``.reelforge/credentials/``:
C2PA readers accept its signature as valid but untrusted (``signingCredential.untrusted``), because no
trust list knows the CA. For a trusted signature, set ``credentials_cert`` and ``credentials_key`` to a
certificate from a CA on the C2PA trust list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reelforge.errors import InvalidInputError, NotFoundError

LOCAL_DIR = "credentials"
_VALID_DAYS = 3650


@dataclass(frozen=True)
class Identity:
    cert_chain_pem: bytes  # leaf first, then the issuers
    key_pem: bytes
    alg: str  # c2pa signing algorithm name: ed25519 | es256 | es384 | ps256
    kind: str  # "local-self-signed" | "user" | "user-command"
    subject: str
    signer_command: tuple[str, ...] | None = None  # signs stdin -> signature on stdout (KMS/HSM hook)

    @property
    def cert_sha256(self) -> str:
        from cryptography import x509

        leaf = x509.load_pem_x509_certificate(self.cert_chain_pem)
        from cryptography.hazmat.primitives.serialization import Encoding

        return hashlib.sha256(leaf.public_bytes(Encoding.DER)).hexdigest()


def load_identity(internal_dir: Path, cert: str | None, key: str | None, *, signer: str | None = None,
                  alg: str = "es256") -> Identity:
    """The user's identity when both paths are set (or a cert and a signer command); otherwise the workspace's
    local one (made on first use)."""
    if signer:
        return _command_identity(signer, cert, alg)
    if cert or key:
        if not (cert and key):
            raise InvalidInputError("set both credentials_cert and credentials_key (or neither)",
                                    hint="REELFORGE_CREDENTIALS_CERT and REELFORGE_CREDENTIALS_KEY, or reelforge.toml")
        return _user_identity(Path(cert), Path(key))
    return _local_identity(internal_dir / LOCAL_DIR)


def _user_identity(cert: Path, key: Path) -> Identity:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    for path, name in ((cert, "credentials_cert"), (key, "credentials_key")):
        if not path.is_file():
            raise NotFoundError(f"{name} file not found: {path}", hint=f"point {name} at a PEM file", file=str(path))
    chain = cert.read_bytes()
    key_pem = key.read_bytes()
    try:
        leaf = x509.load_pem_x509_certificate(chain)
        private = serialization.load_pem_private_key(key_pem, password=None)
    except ValueError as exc:
        raise InvalidInputError(f"credentials: cannot read the PEM certificate or key ({exc})",
                                hint="credentials_cert: PEM chain (leaf first); credentials_key: unencrypted PEM key",
                                file=str(cert)) from None
    if isinstance(private, ed25519.Ed25519PrivateKey):
        alg = "ed25519"
    elif isinstance(private, ec.EllipticCurvePrivateKey):
        alg = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(private.curve.name, "")
    elif isinstance(private, rsa.RSAPrivateKey):
        alg = "ps256"
    else:
        alg = ""
    if not alg:
        raise InvalidInputError("credentials_key: unsupported key type", hint="use an Ed25519, P-256/384 or RSA key",
                                file=str(key))
    return Identity(chain, key_pem, alg, "user", leaf.subject.rfc4514_string())


def _command_identity(command: str, cert: str | None, alg: str) -> Identity:
    import shlex

    from cryptography import x509

    if not cert:
        raise InvalidInputError("credentials_signer needs credentials_cert (the PEM chain of the signing key)",
                                hint="set credentials_cert to the certificate chain, leaf first")
    path = Path(cert)
    if not path.is_file():
        raise NotFoundError(f"credentials_cert file not found: {path}", hint="point it at a PEM file", file=str(path))
    argv = tuple(shlex.split(command))
    if not argv:
        raise InvalidInputError("credentials_signer is empty", hint="a command line, e.g. 'kms-sign --key k1'")
    chain = path.read_bytes()
    try:
        leaf = x509.load_pem_x509_certificate(chain)
    except ValueError as exc:
        raise InvalidInputError(f"credentials_cert is not a PEM certificate ({exc})", file=str(path),
                                hint="a PEM chain, leaf first") from None
    return Identity(chain, b"", alg, "user-command", leaf.subject.rfc4514_string(), argv)


def _local_identity(folder: Path) -> Identity:
    chain_path, key_path = folder / "chain.pem", folder / "signer-key.pem"
    if not (chain_path.is_file() and key_path.is_file()):
        _make_local_identity(folder, chain_path, key_path)
    from cryptography import x509

    chain = chain_path.read_bytes()
    leaf = x509.load_pem_x509_certificate(chain)
    return Identity(chain, key_path.read_bytes(), "ed25519", "local-self-signed", leaf.subject.rfc4514_string())


def _make_local_identity(folder: Path, chain_path: Path, key_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ws = folder.resolve().parent.parent.name or "workspace"
    ca_key = ed25519.Ed25519PrivateKey.generate()
    leaf_key = ed25519.Ed25519PrivateKey.generate()
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "reelforge local (self-signed, untrusted)"),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"reelforge local CA for {ws}"[:64])])
    leaf_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "reelforge local (self-signed, untrusted)"),
                           x509.NameAttribute(NameOID.COMMON_NAME, f"reelforge signer for {ws}"[:64])])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, None))
    leaf = (x509.CertificateBuilder().subject_name(leaf_name).issuer_name(ca_name).public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, None))
    pem = serialization.Encoding.PEM
    key_bytes = leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp_key = key_path.with_suffix(".tmp")
    fd = os.open(tmp_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key_bytes)
    tmp_chain = chain_path.with_suffix(".tmp")
    tmp_chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    os.replace(tmp_key, key_path)
    os.replace(tmp_chain, chain_path)
