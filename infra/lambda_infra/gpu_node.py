"""One GPU node as a Pulumi ComponentResource: SSH key + instance + the remote deploy steps.

The preview tree reads like the deployment:

    GpuNode trainer
    ├─ SshKey     trainer-key            ed25519 pair made for this stack; private half is a secret
    ├─ Instance   trainer-instance       Lambda GPU, region from the preference list
    ├─ Command    trainer-layout         mkdir the project folders on the instance
    ├─ CopyToRemote trainer-scripts / -docker / -trainer / -dockerignore
    ├─ Command    trainer-deadline       on-instance timer that calls terminate after maxHours
    ├─ Command    trainer-cloud-init     01_wait_cloud_init.sh
    ├─ Command    trainer-gpu            02_prepare_gpu.sh
    ├─ Command    trainer-image          03_build_image.sh (or pull trainerImage)
    └─ Command    trainer-train          04_start_training.sh; on delete stop_training.sh
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_command import remote as command

from lambda_infra import remote
from lambda_infra.providers import Instance, SshKey
from lambda_infra.stack_config import StackSettings

COMPONENT_TYPE = "sae-pii:lambda:GpuNode"


@dataclass(frozen=True)
class NodeSecrets:
    """Secret inputs for the remote steps (each travels on stdin; Pulumi stores them encrypted)."""

    deadline_api_key: pulumi.Output[str] | None = None   # needed when autoTerminate=instance
    trainer_env: pulumi.Output[str] | None = None         # "HF_TOKEN=..." lines for the trainer


class GpuNode(pulumi.ComponentResource):
    key: SshKey
    instance: Instance
    train: command.Command | None

    def __init__(self, name: str, settings: StackSettings, *, stack: str, owner: str, cost: dict[str, float],
                 api_url: str, secrets: NodeSecrets, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(COMPONENT_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.key = SshKey(f"{name}-key", opts=child)
        self.instance = Instance(
            f"{name}-instance",
            instance_type=settings.instance_type,
            ssh_key_name=self.key.name,
            regions=settings.regions,
            name=settings.instance_name,
            file_system_names=[settings.filesystem] if settings.filesystem else [],
            cost=cost,
            owner=owner,
            opts=child,
        )
        self.home = remote.remote_home(settings.ssh_user)
        self.run_dir = remote.run_dir_for(stack, settings.ssh_user, settings.filesystem)
        self.train = None
        if settings.deploy_trainer:
            self.train = self._deploy(name, settings, api_url, secrets)
        self.register_outputs({"ip": self.instance.ip, "instanceId": self.instance.id})

    def _deploy(self, name: str, settings: StackSettings, api_url: str, secrets: NodeSecrets) -> command.Command:
        conn = command.ConnectionArgs(
            host=self.instance.ip, port=settings.ssh_port, user=settings.ssh_user,
            private_key=self.key.private_key,
            dial_error_limit=30,  # sshd may take a minute after `active`
        )
        home, run_dir = self.home, self.run_dir
        env = {"SAE_PII_HOME": home, "RUN_DIR": run_dir, "CONTAINER_NAME": remote.CONTAINER_NAME,
               "STOP_TIMEOUT": str(remote.STOP_TIMEOUT_SECONDS)}

        def after(*deps: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, depends_on=list(deps))

        layout = command.Command(f"{name}-layout", connection=conn, create=f"mkdir -p {home}/src {run_dir}",
                                 opts=after(self.instance))
        scripts = command.CopyToRemote(
            f"{name}-scripts", connection=conn, source=pulumi.FileArchive(str(remote.SCRIPTS_DIR)),
            remote_path=home, triggers=[remote.scripts_digest()], opts=after(layout))
        copies: list[pulumi.Resource] = [scripts]
        if not settings.trainer_image:  # build on the instance from the same files `make image` uses
            context = [remote.REPO_ROOT / "docker", remote.REPO_ROOT / "trainer"]
            for folder in context:
                copies.append(command.CopyToRemote(
                    f"{name}-{folder.name}", connection=conn, source=pulumi.FileArchive(str(folder)),
                    remote_path=f"{home}/src", triggers=[remote.tree_digest(folder)], opts=after(layout)))
            copies.append(command.CopyToRemote(
                f"{name}-dockerignore", connection=conn,
                source=pulumi.FileAsset(str(remote.REPO_ROOT / ".dockerignore")),
                remote_path=f"{home}/src/.dockerignore", opts=after(layout)))

        def step(resource: str, script: str, deps: list[pulumi.Resource], extra_env: dict | None = None,
                 triggers: list | None = None, stdin=None, delete: str | None = None) -> command.Command:
            create = remote.step_command(script, {**env, **(extra_env or {})}, home)
            return command.Command(f"{name}-{resource}", connection=conn, create=create, update=create,
                                   delete=delete, stdin=stdin, triggers=triggers,
                                   opts=pulumi.ResourceOptions(parent=self, depends_on=deps))

        # First thing after the scripts land: the instance can end itself even if setup hangs.
        deadline_env = {"AUTO_TERMINATE": settings.auto_terminate, "MAX_HOURS": str(settings.max_hours),
                        "LAMBDA_API_URL": api_url}
        # INSTANCE_ID is an Output: the command line is built once it is known.
        deadline_cmd = self.instance.id.apply(
            lambda iid: remote.step_command("install_deadline", {**env, **deadline_env, "INSTANCE_ID": iid}, home))
        deadline = command.Command(
            f"{name}-deadline", connection=conn, create=deadline_cmd, update=deadline_cmd,
            stdin=secrets.deadline_api_key if settings.auto_terminate == "instance" else None,
            triggers=[settings.max_hours, settings.auto_terminate],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[scripts]))

        cloud_init = step("cloud-init", "01_wait_cloud_init", copies)
        gpu = step("gpu", "02_prepare_gpu", [cloud_init])
        image_env = {"TRAINER_IMAGE": settings.trainer_image} if settings.trainer_image else {}
        # A new image (or new sources to build it from) re-runs the build, then restarts training.
        image_trigger = settings.trainer_image or remote.tree_digest(remote.REPO_ROOT / "trainer",
                                                                     remote.REPO_ROOT / "docker")
        image = step("image", "03_build_image", [gpu], extra_env=image_env, triggers=[image_trigger])
        stop_env = {**env, "PERSISTENT": "1" if settings.filesystem else "0",
                    "GUARD_UNFETCHED": "1" if settings.guard_unfetched else "0"}
        return step("train", "04_start_training", [image, deadline],
                    extra_env={"TRAINER_CONFIG": settings.trainer_config},
                    triggers=[settings.trainer_config, image_trigger],
                    stdin=secrets.trainer_env,
                    delete=remote.step_command("stop_training", stop_env, home))
