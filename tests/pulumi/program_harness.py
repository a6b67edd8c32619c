"""Run infra/__main__.py under `pulumi.runtime.set_mocks`, recording resources, dependencies and exports."""

from __future__ import annotations

import json
import runpy
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

MAIN = Path(__file__).resolve().parents[2] / "infra" / "__main__.py"
PROJECT = "sae-pii-gpu"


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict
    parent: str
    dependencies: list[str]
    secret_outputs: list[str]
    urn: str = ""


@dataclass
class ProgramRun:
    resources: list[Registered] = field(default_factory=list)
    exports: dict = field(default_factory=dict)

    def of_type(self, suffix: str) -> list[Registered]:
        return [r for r in self.resources if r.type.endswith(suffix)]

    def named(self, name: str) -> Registered:
        (found,) = [r for r in self.resources if r.name == name]
        return found

    def depends_on(self, name: str, other: str) -> bool:
        return self.named(other).urn in self.named(name).dependencies


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        outs = dict(args.inputs)
        if args.typ.endswith("lambda:Instance"):
            outs.update(ip="203.0.113.7", region="us-west-1", status="active", instance_id="i-123",
                        price_cents_per_hour=129, hourly_usd=1.29)
            return ["i-123", outs]
        if args.typ.endswith("lambda:SshKey"):
            outs.update(name="sae-pii-key-test", private_key="-----BEGIN OPENSSH PRIVATE KEY-----\n", key_id="k-1")
        return [f"{args.name}-id", outs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks, run: ProgramRun) -> None:
        super().__init__(mocks)
        self.run = run

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.run.resources.append(Registered(
                type=request.type, name=request.name, inputs=rpc.deserialize_properties(request.object),
                parent=request.parent, dependencies=list(request.dependencies),
                secret_outputs=list(request.additionalSecretOutputs), urn=response.urn))
        return response


def run_program(config: dict[str, object], secret_keys: tuple[str, ...] = (), preview: bool = False,
                monkeypatch=None) -> ProgramRun:
    run = ProgramRun()
    mocks = _Mocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="dev", preview=preview,
                             monitor=_RecordingMonitor(mocks, run))
    full = {}
    for key, value in config.items():
        full_key = key if ":" in key else f"{PROJECT}:{key}"
        full[full_key] = value if isinstance(value, str) else json.dumps(value)
    pulumi.runtime.set_all_config(full, list(secret_keys))

    exported: dict[str, object] = {}
    monkeypatch.setattr(pulumi, "export", lambda name, value: exported.__setitem__(name, value))

    @pulumi.runtime.test
    def program():
        runpy.run_path(str(MAIN), run_name="__main__")
        return pulumi.Output.all(**{k: pulumi.Output.from_input(v) for k, v in exported.items()}).apply(
            run.exports.update)

    program()
    return run
