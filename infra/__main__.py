"""Pulumi program: one Lambda Cloud GPU that trains an SAE, then stops costing money.

Reads top to bottom like the deployment: config -> cost (known at preview) -> optional persistent
filesystem -> the GPU node (key, instance, remote steps) -> outputs. See docs/pulumi.md.
"""

import os
import shlex

import pulumi
from lambda_infra import remote
from lambda_infra.gpu_node import GpuNode, NodeSecrets
from lambda_infra.providers import Filesystem
from lambda_infra.stack_config import ConfigError, load_settings
from lambda_infra.stack_cost import live_instance_type, stack_cost

# ---- 1. configuration, validated up front -------------------------------------------------------
config = pulumi.Config()
lambda_config = pulumi.Config("lambda")
settings = load_settings(config.get)
stack = pulumi.get_stack()
project = pulumi.get_project()
# The key stays in this process for the price lookup; resources only ever get it as a secret.
api_key = lambda_config.get("apiKey") or os.environ.get("LAMBDA_API_KEY")
api_url = lambda_config.get("apiUrl") or os.environ.get("LAMBDA_API_URL") or "https://cloud.lambda.ai/api/v1"

# ---- 2. cost, from the live price list (so `pulumi preview` shows it) ----------------------------
instance_type = live_instance_type(settings.instance_type, api_key, api_url)
cost = stack_cost(settings, instance_type.price_cents_per_hour)
pulumi.log.info(
    f"cost: {settings.instance_type} at ${cost['hourly_usd']:.2f}/h x {settings.max_hours:g} h (deadline) = "
    f"${cost['estimated_total_usd']:.2f} at most; budget ${settings.budget_usd:.2f}")
if cost["estimated_total_usd"] > settings.budget_usd:
    pulumi.log.warn("the estimate exceeds budgetUsd: `pulumi preview --policy-pack infra/policy` fails this stack")
if settings.auto_terminate == "instance" and not api_key:
    raise ConfigError("autoTerminate=instance needs the API key on the instance: set lambda:apiKey")

# ---- 3. persistent filesystem (optional; kept on destroy so checkpoints survive) -----------------
filesystem = None
if settings.filesystem and settings.create_filesystem:
    region = config.get("filesystemRegion") or (settings.regions[0] if settings.regions != "auto" else None)
    if region is None:
        raise ConfigError("config key 'filesystemRegion' is required when createFilesystem=true and regions=auto")
    filesystem = Filesystem("checkpoints", name=settings.filesystem, region=region,
                            opts=pulumi.ResourceOptions(retain_on_delete=True))

# ---- 4. the GPU node: SSH key, instance, remote deploy steps -------------------------------------
secrets = NodeSecrets(
    deadline_api_key=pulumi.Output.secret(lambda_config.get("deadlineApiKey") or api_key or ""),
    trainer_env=config.get_secret("trainerSecretEnv"),   # e.g. "HF_TOKEN=hf_..." for gated models
)
node = GpuNode(
    "trainer", settings, stack=stack, owner=f"pulumi:{project}/{stack}",
    cost={k: cost[k] for k in ("max_hours", "budget_usd", "estimated_total_usd")},
    api_url=api_url, secrets=secrets,
    opts=pulumi.ResourceOptions(depends_on=[filesystem] if filesystem else None),
)

# ---- 5. outputs --------------------------------------------------------------------------------
key_file = f"~/.ssh/sae-pii-{stack}"
ssh = pulumi.Output.all(node.instance.ip).apply(
    lambda args: remote.ssh_command(settings.ssh_user, args[0], settings.ssh_port, key_file))
pulumi.export("hourlyUsd", cost["hourly_usd"])
pulumi.export("maxHours", cost["max_hours"])
pulumi.export("estimatedTotalUsd", cost["estimated_total_usd"])
pulumi.export("budgetUsd", cost["budget_usd"])
pulumi.export("instanceType", settings.instance_type)
pulumi.export("instanceId", node.instance.id)
pulumi.export("instanceIp", node.instance.ip)
pulumi.export("region", node.instance.region)
pulumi.export("runDir", node.run_dir)
pulumi.export("sshUser", settings.ssh_user)
pulumi.export("sshPort", settings.ssh_port)
pulumi.export("sshCommand", ssh)
pulumi.export("logsCommand", ssh.apply(lambda s: f"{s} docker logs -f --tail 100 {remote.CONTAINER_NAME}"))
pulumi.export("statusCommand", ssh.apply(
    lambda s: f"{s} " + shlex.quote(remote.step_command("status", {"RUN_DIR": node.run_dir}, node.home))))
pulumi.export("fetchCommand", f"make fetch STACK={stack}")
pulumi.export("privateKey", node.key.private_key)   # secret: `make fetch` writes it to {key_file}
