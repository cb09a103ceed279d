"""Content credentials: the C2PA definition is deterministic and says what went in; a generated run's signed
copy reads back (c2pa-python and `verify`) with every ingredient hash matching; one tampered byte fails
`verify`; a re-render gives identical unsigned bytes and identical credential content."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from reelforge.credentials.definition import IPTC, build_definition, ingredients_of
from reelforge.models.manifest import Manifest
from tests.cli_helpers import run_cli, run_json

c2pa = pytest.importorskip("c2pa")

SHA = {name: hashlib.sha256(name.encode()).hexdigest() for name in
       ("script", "voice", "card", "gen", "music", "spec", "video")}


def _manifest(visuals: list[tuple[str, str, str]], voice: str = "piper") -> Manifest:
    assets = [{"path": "script.json", "sha256": SHA["script"], "bytes": 1},
              {"path": "audio/narration.wav", "sha256": SHA["voice"], "bytes": 1},
              {"path": "render-spec.json", "sha256": SHA["spec"], "bytes": 1},
              {"path": "audio/music.mp3", "sha256": SHA["music"], "bytes": 1}]
    assets += [{"path": src, "sha256": sha, "bytes": 1} for src, _p, sha in visuals]
    return Manifest.model_validate({
        "schemaVersion": "1.0", "toolVersion": "0.1.0", "runId": "r1", "mode": "shorts", "seed": 1, "exitCode": 0,
        "providers": {"script": "skeleton", "voice": voice}, "assets": assets,
        "stages": [{"stage": "visuals", "provider": "chain", "pathTaken": "real", "params": {"perScene": [
            {"sceneId": f"s{i}", "src": src, "provider": provider} for i, (src, provider, _s) in enumerate(visuals)]}}],
        "outputs": {"video": "shorts-x.mp4", "sha256": SHA["video"]}})


def test_definition_lists_each_ingredient_with_its_hash_and_whether_a_model_made_it() -> None:
    manifest = _manifest([("visuals/scene-01-card.png", "designed-card", SHA["card"]),
                          ("visuals/scene-02-gen.png", "openai:gpt-image-1", SHA["gen"])])
    by_path = {i.path: i for i in ingredients_of(manifest)}
    assert set(by_path) == {"script.json", "audio/narration.wav", "visuals/scene-01-card.png",
                            "visuals/scene-02-gen.png", "audio/music.mp3"}
    assert by_path["audio/narration.wav"].ai_generated and "synthetic speech" in by_path["audio/narration.wav"].title
    assert by_path["visuals/scene-02-gen.png"].ai_generated
    assert not by_path["visuals/scene-01-card.png"].ai_generated and not by_path["script.json"].ai_generated
    assert all(by_path[p].sha256 == s for p, s in (("script.json", SHA["script"]), ("audio/music.mp3", SHA["music"])))

    definition = build_definition(manifest, video_name="shorts-x.mp4", video_sha256=SHA["video"])
    created = definition["assertions"][0]["data"]["actions"][0]
    assert created["action"] == "c2pa.created" and created["softwareAgent"]["name"] == "reelforge"
    assert created["digitalSourceType"] == IPTC + "compositeWithTrainedAlgorithmicMedia"
    assert {i["instance_id"] for i in definition["ingredients"]} == {f"sha256:{i.sha256}" for i in by_path.values()}
    # deterministic, and tied to the content: a changed visual changes the label
    again = build_definition(manifest, video_name="shorts-x.mp4", video_sha256=SHA["video"])
    assert json.dumps(again, sort_keys=True) == json.dumps(definition, sort_keys=True)
    other = build_definition(_manifest([("visuals/scene-01-card.png", "designed-card", SHA["gen"])]),
                             video_name="shorts-x.mp4", video_sha256=SHA["video"])
    assert other["label"] != definition["label"]


def test_without_a_voice_or_generated_visual_the_video_is_not_called_ai() -> None:
    manifest = _manifest([("visuals/scene-01-card.png", "designed-card", SHA["card"])], voice="none")
    definition = build_definition(manifest, video_name="v.mp4", video_sha256=SHA["video"])
    assert definition["assertions"][0]["data"]["actions"][0]["digitalSourceType"] == IPTC + "compositeSynthetic"


@pytest.mark.slow
def test_signed_run_reads_back_verifies_detects_tampering_and_resigns_identically(
        capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out = run_json(capsys, "video", "generate", "Keep the room cool and dark.", "--seed", "4")
    assert code == 0, out
    run_dir = Path(out["runDir"])
    manifest = json.loads((run_dir / "manifest.json").read_text())
    # generate ends with the pre-publish check: a manifest section and a stage, after the credentials stage
    assert [s["stage"] for s in manifest["stages"]][-2:] == ["credentials", "check"]
    assert out["check"]["status"] == manifest["check"]["status"] and manifest["check"]["platform"] == "tiktok"
    checked = {r["id"]: r["status"] for r in manifest["check"]["results"]}
    assert checked["credentials"] == "pass" and checked["captions.safeArea"] == "pass"
    assert checked["captions.sync"] == "pass" and checked["loudness"] == "pass"
    record = manifest["credentials"]
    signed = run_dir / record["video"]
    assert signed.name.endswith(".signed.mp4") and signed.is_file()
    assert record["sourceSha256"] == manifest["outputs"]["sha256"]
    assert hashlib.sha256((run_dir / manifest["outputs"]["video"]).read_bytes()).hexdigest() == record["sourceSha256"]

    # read back with c2pa-python itself: valid except for the untrusted local signer; every ingredient hash is
    # the hash of the file in the run
    with signed.open("rb") as fh, c2pa.Reader("video/mp4", fh) as reader:
        store = json.loads(reader.json())
    active = store["manifests"][store["active_manifest"]]
    failures = [s["code"] for s in store["validation_results"]["activeManifest"]["failure"]]
    assert failures == ["signingCredential.untrusted"]
    ingredients = active["ingredients"]
    assert len(ingredients) == len(record["ingredients"]) >= 3
    for ingredient, item in zip(ingredients, record["ingredients"], strict=True):
        on_disk = hashlib.sha256((run_dir / item["path"]).read_bytes()).hexdigest()
        assert ingredient["instance_id"] == f"sha256:{on_disk}" == f"sha256:{item['sha256']}"
    voice = next(i for i in record["ingredients"] if i["role"] == "voice")
    assert voice["aiGenerated"] and voice["digitalSourceType"].endswith("trainedAlgorithmicMedia")

    code, _out, _err = run_cli(capsys, "verify", str(run_dir))
    assert code == 0

    tampered = workspace / "tampered"
    shutil.copytree(run_dir, tampered)
    target = tampered / record["video"]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    code, body = run_json(capsys, "verify", str(tampered))
    assert code == 1
    reasons = [p["actual"] for p in body["problems"] if p["status"] == "credentials" and p["path"] == record["video"]]
    assert any("bmffHash.mismatch" in r for r in reasons), body
    code, report = run_json(capsys, "check", str(tampered), "--no-sync")
    assert code == 1 and "credentials" in report["failed"]

    code, rendered = run_json(capsys, "video", "render", str(run_dir))
    assert code == 0 and rendered["identicalToRecorded"] is True
    again = json.loads((run_dir / "manifest.json").read_text())["credentials"]
    for key in ("contentSha256", "hardBindingSha256", "label", "ingredients", "sourceSha256", "digitalSourceType"):
        assert again[key] == record[key], key
    code, _out, _err = run_cli(capsys, "verify", str(run_dir))
    assert code == 0

    code, report = run_json(capsys, "check", str(run_dir), "--no-sync")
    credentials = next(r for r in report["results"] if r["id"] == "credentials")
    assert credentials["status"] == "pass" and "self-signed" in credentials["message"]


def test_credentials_table_in_toml_sets_cert_and_key(tmp_path: Path) -> None:
    from reelforge.config import resolve_settings

    (tmp_path / "reelforge.toml").write_text('[video]\nseed = 2\n[credentials]\ncert = "me.pem"\nkey = "me.key"\n',
                                             encoding="utf-8")
    settings = resolve_settings(workspace_root=tmp_path, environ={})
    assert settings["credentials_cert"] == "me.pem" and settings["credentials_key"] == "me.key"
    assert settings.origin("credentials_cert") == "reelforge.toml" and settings["credentials"] == "auto"


def test_a_user_identity_signs_and_a_half_set_identity_is_refused(tmp_path: Path) -> None:
    from reelforge.credentials.identity import load_identity
    from reelforge.errors import InvalidInputError

    local = load_identity(tmp_path / "ws-a", None, None)  # made on first use, then reused as is
    assert local.kind == "local-self-signed" and load_identity(tmp_path / "ws-a", None, None) == local
    assert oct((tmp_path / "ws-a" / "credentials" / "signer-key.pem").stat().st_mode & 0o777) == "0o600"
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(local.cert_chain_pem)
    key.write_bytes(local.key_pem)
    user = load_identity(tmp_path / "ws-b", str(chain), str(key))
    assert user.kind == "user" and user.alg == "ed25519" and user.cert_sha256 == local.cert_sha256
    assert not (tmp_path / "ws-b" / "credentials").exists()
    with pytest.raises(InvalidInputError):
        load_identity(tmp_path / "ws-b", str(chain), None)


SIGNER_SCRIPT = """
import sys
from cryptography.hazmat.primitives import serialization
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), password=None)
if len(sys.argv) > 2:
    sys.stderr.write("HSM offline\\n")
    sys.exit(3)
sys.stdout.buffer.write(key.sign(sys.stdin.buffer.read()))
"""


def _tiny_run(run: Path) -> Manifest:
    import subprocess

    import imageio_ffmpeg

    run.mkdir()
    (run / "script.json").write_text("{}", encoding="utf-8")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc2=s=64x64:r=10:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                    str(run / "v.mp4")], check=True)
    sha = {n: hashlib.sha256((run / n).read_bytes()).hexdigest() for n in ("script.json", "v.mp4")}
    return Manifest.model_validate({
        "schemaVersion": "1.0", "toolVersion": "0.1.0", "runId": "r", "mode": "shorts", "seed": 1, "exitCode": 0,
        "providers": {"script": "script-file"}, "assets": [{"path": "script.json", "sha256": sha["script.json"],
                                                            "bytes": 2}],
        "outputs": {"video": "v.mp4", "sha256": sha["v.mp4"]}})


def test_a_signer_command_signs_like_a_kms_hook_and_its_failure_is_named(tmp_path: Path) -> None:
    import sys

    from reelforge.credentials.identity import load_identity
    from reelforge.credentials.read import read_credentials
    from reelforge.credentials.sign import CredentialsError, sign_video

    local = load_identity(tmp_path / "ws", None, None)
    chain, key, script = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "kms_sign.py"
    chain.write_bytes(local.cert_chain_pem)
    key.write_bytes(local.key_pem)
    script.write_text(SIGNER_SCRIPT, encoding="utf-8")
    manifest = _tiny_run(tmp_path / "run")
    identity = load_identity(tmp_path / "ws", str(chain), None, signer=f"{sys.executable} {script} {key}",
                             alg="ed25519")
    assert identity.kind == "user-command" and identity.key_pem == b""
    record = sign_video(tmp_path / "run", manifest, identity)
    back = read_credentials(tmp_path / "run" / record["video"])
    assert back is not None and back.valid and back.failures == ["signingCredential.untrusted"]
    assert (tmp_path / "run" / "v.mp4").read_bytes() != (tmp_path / "run" / record["video"]).read_bytes()

    broken = load_identity(tmp_path / "ws", str(chain), None, signer=f"{sys.executable} {script} {key} fail",
                           alg="ed25519")
    with pytest.raises(CredentialsError) as info:
        sign_video(tmp_path / "run", manifest, broken, out_name="v.again.mp4")
    assert "exited 3" in info.value.message and "HSM offline" in info.value.message
    assert not list((tmp_path / "run").glob("*again*")) and not list((tmp_path / "run").glob(".*partial"))
