"""Drive the dynamic-provider process the Pulumi engine runs (`python -m pulumi.dynamic`) over gRPC.

No Pulumi CLI exists here, so the tests play the engine: start the process, read its port from the
first line of stdout, and send Configure/Check/Diff/Create/Update/Read/Delete with properties
encoded the way the engine encodes them (the pickled provider under `__provider`).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import provider_pb2_grpc

PROJECT = "sae-pii-gpu"


def _serialize(props: dict) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def _deserialize(struct: struct_pb2.Struct) -> dict:
    out = rpc.deserialize_properties(struct)
    out.pop("__provider", None)
    return out


class ProviderProcess:
    def __init__(self, env: dict[str, str]) -> None:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("LAMBDA_")}
        full_env.update(env)
        full_env["PULUMI_PROJECT"] = PROJECT
        # PULUMI_PROVIDER_PYTHON=infra/.venv/bin/python runs the provider from the program's own venv.
        python = os.environ.get("PULUMI_PROVIDER_PYTHON") or sys.executable
        self.proc = subprocess.Popen([python, "-u", "-m", "pulumi.dynamic"], env=full_env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError(f"provider did not print its port: {line!r} {self.proc.stderr.read().decode()}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def close(self) -> None:
        if getattr(self, "channel", None):
            self.channel.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def configure(self, config: dict[str, str]) -> None:
        args = struct_pb2.Struct()
        args.update(config)
        self.stub.Configure(proto.ConfigureRequest(args=args, variables=config, acceptSecrets=False))


class Resource:
    """One resource of one type, as the engine sees it: urn + pickled provider + its last state."""

    def __init__(self, process: ProviderProcess, provider, type_name: str, name: str) -> None:
        self.p = process
        self.serialized = serialize_provider(provider)
        self.urn = f"urn:pulumi:test::{PROJECT}::pulumi-python:dynamic/lambda:{type_name}::{name}"
        self.id: str | None = None
        self.state: dict = {}

    def _props(self, props: dict) -> struct_pb2.Struct:
        return _serialize({**props, "__provider": self.serialized})

    def check(self, news: dict, olds: dict | None = None) -> tuple[dict, list[tuple[str, str]]]:
        resp = self.p.stub.Check(proto.CheckRequest(urn=self.urn, olds=self._props(olds or {}),
                                                    news=self._props(news)))
        return _deserialize(resp.inputs), [(f.property, f.reason) for f in resp.failures]

    def create(self, inputs: dict) -> dict:
        resp = self.p.stub.Create(proto.CreateRequest(urn=self.urn, properties=self._props(inputs), timeout=60))
        self.id, self.state = resp.id, _deserialize(resp.properties)
        return self.state

    def diff(self, news: dict):
        return self.p.stub.Diff(proto.DiffRequest(id=self.id, urn=self.urn, olds=self._props(self.state),
                                                  news=self._props(news)))

    def update(self, news: dict) -> dict:
        resp = self.p.stub.Update(proto.UpdateRequest(id=self.id, urn=self.urn, olds=self._props(self.state),
                                                      news=self._props(news), timeout=60))
        self.state = _deserialize(resp.properties)
        return self.state

    def read(self) -> tuple[str, dict]:
        resp = self.p.stub.Read(proto.ReadRequest(id=self.id, urn=self.urn, properties=self._props(self.state)))
        return resp.id, _deserialize(resp.properties)

    def delete(self) -> None:
        self.p.stub.Delete(proto.DeleteRequest(id=self.id, urn=self.urn, properties=self._props(self.state),
                                               timeout=60))
