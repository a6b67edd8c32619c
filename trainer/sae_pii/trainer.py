"""The training loop, on accelerate: 1 CPU, 1 GPU or N GPUs (data parallel), mixed precision,
gradient accumulation; checkpoints, exact resume, SIGTERM, early stopping and the run outputs.

Each process draws its own (disjoint) activations; DDP averages the gradients, so every replica
applies the same update and holds the same weights.
"""

from __future__ import annotations

import json
import math
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from sae_pii.atomic import atomic_write_text
from sae_pii.checkpoint import (
    latest_checkpoint,
    load_checkpoint,
    rng_state,
    save_checkpoint,
    set_rng_state,
)
from sae_pii.config import ConfigError, TrainConfig, resume_differences
from sae_pii.metrics import (
    DeadLatentTracker,
    EarlyStopping,
    History,
    Throughput,
    evaluate,
    peak_gpu_memory_mb,
    peak_rss_mb,
)
from sae_pii.sae import SAEConfig, SparseAutoencoder, expected_sq_norm_scale

# Activations used for the input scale and the b_dec init (geometric median is O(n) per iteration).
INIT_SAMPLE = 16_384


class TrainingError(RuntimeError):
    """Training cannot go on; the message says why and what to do."""


class NonFiniteLossError(TrainingError):
    pass


@dataclass
class TrainResult:
    out_dir: Path
    step: int
    tokens: int
    stopped_reason: str
    """token_budget, early_stopping, signal or data_exhausted."""
    summary: dict = field(default_factory=dict)
    last_checkpoint: Path | None = None
    sae: SparseAutoencoder | None = None
    """This process's replica, in training space (input scale not folded)."""


def lr_lambda(total_steps: int, warmup_steps: int, decay_fraction: float):
    """Linear warm-up, constant, then linear decay to 0 over the last `decay_fraction` of steps."""
    decay_start = int(total_steps * (1 - decay_fraction))

    def f(step: int) -> float:
        if warmup_steps and step < warmup_steps:
            return (step + 1) / warmup_steps
        if decay_fraction > 0 and step >= decay_start:
            return max(0.0, (total_steps - step) / max(1, total_steps - decay_start))
        return 1.0

    return f


def default_lr(d_sae: int) -> float:
    # Scaling law from OpenAI's TopK paper, as used by sparsify: 2e-4 at 16k latents.
    return 2e-4 / math.sqrt(d_sae / 2**14)


def make_accelerator(cfg: TrainConfig, out_dir: Path):
    from accelerate import Accelerator

    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device is cuda but no GPU is visible: use device=auto or device=cpu")
    for tracker in cfg.trackers:
        module = {"tensorboard": "torch.utils.tensorboard", "comet_ml": "comet_ml"}.get(tracker, tracker)
        try:
            __import__(module)
        except ImportError as exc:
            pkg = "tensorboard" if tracker == "tensorboard" else tracker
            raise ConfigError(f"tracker {tracker!r} needs its package: pip install {pkg} ({exc})") from exc
    return Accelerator(
        cpu=cfg.device == "cpu",
        mixed_precision=cfg.mixed_precision,
        gradient_accumulation_steps=cfg.optim.grad_accum_steps,
        log_with=cfg.trackers or None,
        project_dir=str(out_dir),
    )


def build_stream(cfg: TrainConfig, accelerator):
    """TruncatedLM cut at the configured layer, and this process's ActivationStream."""
    from sae_pii.activations import ActivationStream
    from sae_pii.lm import TruncatedLM

    try:
        lm = TruncatedLM.from_pretrained(cfg.model.name, cfg.model.layer, device=accelerator.device,
                                         dtype=cfg.model.dtype)
    except ValueError as exc:  # layer out of range, no fast tokenizer: the config has to change
        raise ConfigError(str(exc)) from exc
    stream = ActivationStream(lm, cfg.data, batch_size=cfg.optim.batch_size, device=accelerator.device,
                              rank=accelerator.process_index, world_size=accelerator.num_processes)
    return lm, stream


def train(cfg: TrainConfig, out_dir: str | Path, resume: bool = False, *, stream=None, d_in: int | None = None,
          console=None) -> TrainResult:
    """Train an SAE as configured and write the run directory. `stream` (with `d_in`) replaces the
    LM + ActivationStream, for tests where the LM does not matter."""
    from accelerate.utils import set_seed

    out_dir = Path(out_dir)
    accelerator = make_accelerator(cfg, out_dir)
    set_seed(cfg.seed)  # python, numpy, torch (and CUDA): the SAE init is reproducible
    if stream is None:
        lm, stream = build_stream(cfg, accelerator)
        d_in = lm.d_model
    elif d_in is None:
        raise ValueError("d_in is required with a custom stream")
    result = Trainer(cfg, out_dir, accelerator, stream, d_in, console=console).run(resume)
    # Tear the process group down before the interpreter does: a gloo worker left to exit with it
    # aborted once ("terminate called without an active exception", SIGABRT on rank 1 of 2, after
    # training had finished and written everything).
    accelerator.end_training()
    return result


class Trainer:
    def __init__(self, cfg: TrainConfig, out_dir: Path, accelerator, stream, d_in: int, console=None):
        self.cfg, self.out_dir, self.acc, self.stream, self.d_in = cfg, Path(out_dir), accelerator, stream, d_in
        self.ckpt_root = self.out_dir / "checkpoints"
        self.is_main = accelerator.is_main_process
        self.world = accelerator.num_processes
        self.console = console
        self.stop_signum = 0  # the signal that asked to stop (0: none), shared with the other processes at each step
        self.history = History(self.out_dir / "training_history.json")
        self.step = 0
        self.tokens = 0
        self.elapsed_before = 0.0  # seconds spent in earlier sessions of this run (resume)
        self.threshold_ema: float | None = None
        self.last_checkpoint: Path | None = None
        self.sums = _Sums()

    # ------------------------------------------------------------------ messages
    def say(self, msg: str) -> None:
        if self.is_main:
            if self.console is not None:
                self.console.print(msg)
            else:
                print(msg, flush=True)

    # ------------------------------------------------------------------ setup
    def _check_out_dir(self, resume: bool) -> Path | None:
        last = latest_checkpoint(self.ckpt_root)
        cfg_file = self.out_dir / "config.yaml"
        if not resume:
            if last is not None:
                raise ConfigError(
                    f"{self.out_dir} already holds a run (last checkpoint {last.name}): pass --resume to "
                    "continue it, or choose another --out-dir"
                )
            return None
        if last is None:
            self.say(f"--resume: no checkpoint in {self.ckpt_root}, starting from scratch")
            return None
        if cfg_file.is_file():
            import yaml

            diffs = resume_differences(yaml.safe_load(cfg_file.read_text()) or {}, self.cfg.to_dict())
            if diffs:
                raise ConfigError(
                    "--resume with a config that differs from the run's config.yaml in options that "
                    "change the training:\n  - " + "\n  - ".join(diffs)
                    + f"\nUse the same config (e.g. --config {cfg_file}) or start a new --out-dir"
                )
        return last

    def _build_model(self, val: torch.Tensor, resumed: bool) -> SparseAutoencoder:
        c = self.cfg.sae
        d_sae = c.d_sae or c.expansion_factor * self.d_in
        if c.architecture != "relu" and c.k > d_sae:
            raise ConfigError(f"sae.k={c.k} exceeds the number of latents d_sae={d_sae}")
        sae_cfg = SAEConfig(
            d_in=self.d_in, d_sae=d_sae, architecture=c.architecture, k=c.k, l1_coefficient=c.l1_coefficient,
            auxk_coefficient=c.auxk_coefficient, k_aux=c.k_aux, model_name=self.cfg.model.name,
            hook_layer=self.cfg.model.layer,
        )
        sae = SparseAutoencoder(sae_cfg, device=self.acc.device)
        sae.sparse_kernels = c.kernels == "sparse" or (c.kernels == "auto" and self.acc.device.type == "cpu")
        if not resumed:
            sample = val[:INIT_SAMPLE].float()
            scale = expected_sq_norm_scale(sample) if c.normalize_inputs else 1.0
            if self.world > 1:  # every replica must use rank 0's statistics
                from accelerate.utils import broadcast_object_list

                scale = broadcast_object_list([scale])[0]
            sae.cfg.input_scale = scale
            sae.init_b_dec(sample, c.b_dec_init)
        return sae

    # ------------------------------------------------------------------ main loop
    def run(self, resume: bool = False) -> TrainResult:
        cfg, acc = self.cfg, self.acc
        last_ckpt = self._check_out_dir(resume)
        resumed = last_ckpt is not None
        if self.is_main:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.out_dir / "config.yaml", cfg.to_yaml())

        val = self.stream.validation_activations()
        if val is None or val.shape[0] == 0:
            raise TrainingError("the validation set is empty: raise data.val_tokens or give a larger dataset")
        val = val.to(acc.device, torch.float32)
        sae = self._build_model(val, resumed)
        lr = cfg.optim.lr or default_lr(sae.cfg.d_sae)
        optimizer = torch.optim.Adam(sae.parameters(), lr=lr, betas=tuple(cfg.optim.betas), eps=cfg.optim.eps)
        total_steps = cfg.planned_steps(self.world)
        # The scheduler is stepped by hand once per optimizer step (accelerate's wrapper would
        # step it once per process).
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lr_lambda(total_steps, cfg.optim.warmup_steps, cfg.optim.decay_fraction)
        )
        dead = DeadLatentTracker(sae.cfg.d_sae, cfg.dead_window_tokens, acc.device)
        early = EarlyStopping(cfg.early_stopping.patience, cfg.early_stopping.min_delta, cfg.early_stopping.enabled)

        if resumed:
            ck = load_checkpoint(last_ckpt, acc.process_index)
            st = ck["trainer"]
            sae.cfg.input_scale = float(st["input_scale"])
            sae.load_state_dict(ck["weights"])
        model, optimizer = acc.prepare(sae, optimizer)
        self.sae = sae
        if resumed:
            optimizer.load_state_dict(ck["optimizer"])
            scheduler.load_state_dict(st["scheduler"])
            dead.load_state_dict(st["dead"])
            early.load_state_dict(st["early_stopping"])
            self.history.load_state_dict(st["history"])
            self.step, self.tokens = int(st["step"]), int(st["tokens"])
            self.history.truncate(self.step)
            self.elapsed_before = float(st["elapsed_s"])
            self.threshold_ema = st.get("threshold_ema")
            self.sums.load_state_dict(st["metric_sums"])
            set_rng_state(ck["rank"]["rng"])
            self.stream.load_state_dict(ck["rank"]["data"])
            self.say(f"resumed from {last_ckpt} (step {self.step}, {self.tokens:,} tokens)")

        if cfg.trackers:
            acc.init_trackers("sae-pii", config=_flat(cfg.to_dict()))
        self.say(
            f"training a {sae.cfg.architecture} SAE: d_in={sae.cfg.d_in}, d_sae={sae.cfg.d_sae}, k={sae.cfg.k}, "
            f"layer {cfg.model.layer} of {cfg.model.name}; {total_steps} steps x "
            f"{cfg.optim.batch_size * cfg.optim.grad_accum_steps * self.world} tokens on {self.world} "
            f"process(es), {acc.device}, mixed precision {cfg.mixed_precision}, lr {lr:.2e}"
        )

        old_handlers = self._install_signal_handlers()
        try:
            reason = self._loop(model, optimizer, scheduler, dead, early, val, total_steps)
        finally:
            for sig, h in old_handlers.items():
                signal.signal(sig, h)
        return self._finish(reason, model, val, total_steps, early, dead)

    def _loop(self, model, optimizer, scheduler, dead, early, val, total_steps) -> str:
        cfg, acc = self.cfg, self.acc
        sae = self.sae
        tokens_per_micro = cfg.optim.batch_size * self.world
        throughput = Throughput()
        self.session_t0 = time.perf_counter()
        self.session_tokens = 0
        sums = self.sums
        first_bad_step = torch.tensor(-1, device=acc.device)
        it = iter(self.stream)
        progress = self._progress(total_steps)
        reason = "token_budget"
        try:
            while self.step < total_steps:
                fired = torch.zeros(sae.cfg.d_sae, dtype=torch.bool, device=acc.device)
                for _ in range(cfg.optim.grad_accum_steps):
                    try:
                        x = next(it)
                    except StopIteration:
                        if self.step == 0:
                            raise TrainingError(
                                "the dataset produced no training activations: check data.dataset and "
                                "data.text_field, or lower data.val_tokens"
                            ) from None
                        self.say(f"the dataset ran out after {self.tokens:,} tokens: stopping")
                        reason = "data_exhausted"
                        break
                    with acc.accumulate(model):
                        out = model(x, dead_mask=dead.dead_mask)
                        acc.backward(out.loss)
                        if acc.sync_gradients:
                            sae.remove_gradient_parallel_to_decoder_directions()
                            if cfg.optim.grad_clip > 0:
                                acc.clip_grad_norm_(model.parameters(), cfg.optim.grad_clip)
                        optimizer.step()
                        optimizer.zero_grad(set_to_none=True)
                    with torch.no_grad():
                        active = out.latents > 0
                        fired |= active.any(0)
                        sums.add(out)
                        bad = ~torch.isfinite(out.loss)
                        first_bad_step = torch.where(bad & (first_bad_step < 0), self.step + 1, first_bad_step)
                        if sae.cfg.architecture == "batchtopk":
                            self._update_threshold(out.latents)
                if reason == "data_exhausted":
                    break
                sae.set_decoder_norm_to_unit_norm()
                scheduler.step()
                self.step += 1
                step_tokens = tokens_per_micro * cfg.optim.grad_accum_steps
                self.tokens += step_tokens
                self.session_tokens += step_tokens
                throughput.add(step_tokens)
                stop_flag = self._sync_fired_and_stop(fired)
                dead.update(fired, step_tokens)

                last = self.step >= total_steps
                do_eval = self.step % cfg.eval_every == 0 or last
                if self.step % cfg.log_every == 0 or do_eval:
                    self._check_finite(first_bad_step)
                    row = self._log_row(sums, dead, scheduler, throughput)
                    if do_eval:
                        row.update(self._evaluate(val))
                        if early.update(row["val_fvu"], self.step) and not last:
                            reason = "early_stopping"
                            self.say(
                                f"early stopping at step {self.step}: validation FVU has not improved by "
                                f"{early.min_delta} for {early.patience} evaluations (best "
                                f"{early.best:.4f} at step {early.best_step})"
                            )
                    self.history.log(row)
                    if self.is_main:
                        self.history.write()
                    if cfg.trackers:
                        acc.log({k: v for k, v in row.items() if isinstance(v, (int, float))}, step=self.step)
                    throughput.reset()
                    if progress is not None:
                        progress.update(row)
                elif progress is not None:
                    progress.advance()
                if stop_flag:
                    self._check_finite(first_bad_step)
                    self._save(optimizer, scheduler, dead, early)
                    return "signal"
                if reason == "early_stopping":
                    break
                if self.step % cfg.checkpoint_every == 0 and not last:
                    self._check_finite(first_bad_step)
                    self._save(optimizer, scheduler, dead, early)
        finally:
            if progress is not None:
                progress.close()
        self._check_finite(first_bad_step)
        self._save(optimizer, scheduler, dead, early)
        return reason

    # ------------------------------------------------------------------ pieces of the loop
    def _update_threshold(self, latents: torch.Tensor) -> None:
        # BatchTopK's inference threshold: running mean of the smallest kept activation (Bussmann 2024).
        pos = latents[latents > 0]
        if pos.numel():
            m = float(pos.min())
            self.threshold_ema = m if self.threshold_ema is None else 0.99 * self.threshold_ema + 0.01 * m

    def _sync_fired_and_stop(self, fired: torch.Tensor) -> bool:
        """One collective per step: which latents fired on any process, and whether any process
        got SIGTERM (all must stop at the same step or the next all-reduce would hang)."""
        if self.world == 1:
            return bool(self.stop_signum)
        packed = torch.cat([fired.float(), torch.tensor([float(self.stop_signum)], device=fired.device)])
        torch.distributed.all_reduce(packed, op=torch.distributed.ReduceOp.MAX)
        fired.copy_(packed[:-1] > 0)
        # Decide on the reduced value only: a signal caught after the all-reduce must wait for the
        # next step, or this process would stop a step before the others. Every process names the
        # signal, whichever caught it first.
        signum = int(packed[-1])
        if signum and not self.stop_signum:  # never writes 0: a handler may set it at any bytecode
            self.stop_signum = signum
        return bool(signum)

    @property
    def stop_signal(self) -> str | None:
        """The name of the signal that asked to stop ("SIGTERM"), or None."""
        return signal.Signals(self.stop_signum).name if self.stop_signum else None

    def _check_finite(self, first_bad_step: torch.Tensor) -> None:
        bad_step = int(first_bad_step)
        if self.world > 1:
            t = first_bad_step.clone().float()
            torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
            bad_step = int(t)
        if bad_step < 0:
            return
        last = latest_checkpoint(self.ckpt_root)
        self.history.summary["error"] = f"non-finite loss at step {bad_step}"
        if self.is_main:
            self.history.write()
        raise NonFiniteLossError(
            f"the loss became NaN/inf at step {bad_step}; training stopped and nothing after the last good "
            + (f"checkpoint ({last}) was saved. " if last else "checkpoint was saved (there was none yet). ")
            + f"Lower optim.lr (now {self.cfg.optim.lr or 'default'}), keep optim.grad_clip > 0, or use "
            "mixed_precision=no / bf16 instead of fp16; then rerun (with --resume to start from the checkpoint)."
        )

    def _evaluate(self, val: torch.Tensor) -> dict:
        metrics = evaluate(self.sae, val)
        if self.world > 1:  # every process must take the same early-stopping decision
            t = torch.tensor(list(metrics.values()), device=self.acc.device, dtype=torch.float64)
            metrics = dict(zip(metrics, self.acc.reduce(t, reduction="mean").tolist()))
        return metrics

    def _log_row(self, sums, dead, scheduler, throughput) -> dict:
        means = sums.pop_means()
        if self.world > 1:
            t = torch.tensor(list(means.values()), device=self.acc.device, dtype=torch.float64)
            t = self.acc.reduce(t, reduction="mean")
            means = dict(zip(means, t.tolist()))
        return {
            "step": self.step,
            "tokens": self.tokens,
            "lr": scheduler.get_last_lr()[0],
            **means,
            "dead_fraction": dead.dead_fraction(),
            "tokens_per_s": throughput.rate(),
            "elapsed_s": self.elapsed_before + time.perf_counter() - self.session_t0,
        }

    def _save(self, optimizer, scheduler, dead, early) -> Path:
        acc = self.acc
        weights = trainer_state = opt_state = None
        if self.is_main:
            weights = {k: v.detach().float().cpu().contiguous() for k, v in self.sae.state_dict().items()}
            opt_state = optimizer.state_dict()
            trainer_state = {
                "step": self.step,
                "tokens": self.tokens,
                "input_scale": float(self.sae.cfg.input_scale),
                "scheduler": scheduler.state_dict(),
                "dead": dead.state_dict(),
                "early_stopping": early.state_dict(),
                "history": self.history.state_dict(),
                "elapsed_s": self.elapsed_before + time.perf_counter() - self.session_t0,
                "threshold_ema": self.threshold_ema,
                "metric_sums": self.sums.state_dict(),
                "sae_cfg": self.sae.cfg.to_dict(),
            }
        rank_state = {"rng": rng_state(), "data": self.stream.state_dict()}
        path = save_checkpoint(
            self.ckpt_root, self.step, weights=weights, optimizer_state=opt_state, trainer_state=trainer_state,
            rank_state=rank_state, rank=acc.process_index, is_main=self.is_main, keep=self.cfg.keep_checkpoints,
            barrier=acc.wait_for_everyone,
        )
        self.last_checkpoint = path
        return path

    def _install_signal_handlers(self) -> dict:
        def handler(signum, frame):
            if self.stop_signum:  # a second signal: stop right away
                raise KeyboardInterrupt
            self.stop_signum = signum
            self.say(f"\nreceived {self.stop_signal}: finishing the current step, then writing a checkpoint")

        old = {}
        try:
            for sig in (signal.SIGTERM, signal.SIGINT):
                old[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread (e.g. called from a worker thread): no handlers
            pass
        return old

    def _progress(self, total_steps: int):
        if not (self.cfg.progress and self.is_main):
            return None
        return _ProgressBar(total_steps, self.step)

    # ------------------------------------------------------------------ outputs
    def _finish(self, reason: str, model, val, total_steps, early, dead) -> TrainResult:
        cfg, acc = self.cfg, self.acc
        session_s = time.perf_counter() - self.session_t0
        rate = self.session_tokens / session_s if session_s > 0 else 0.0
        summary = {
            "stopped_reason": reason,
            "steps": self.step,
            "planned_steps": total_steps,
            "trained_tokens": self.tokens,
            "planned_tokens": total_steps * cfg.optim.batch_size * cfg.optim.grad_accum_steps * self.world,
            "processes": self.world,
            "device": str(acc.device),
            "mixed_precision": cfg.mixed_precision,
            "measured_tokens_per_s": rate,
            "elapsed_s": self.elapsed_before + session_s,
            "peak_rss_mb": peak_rss_mb(),
        }
        gpu_mb = peak_gpu_memory_mb(acc.device)
        if gpu_mb is not None:
            summary["peak_gpu_memory_mb"] = gpu_mb
        if reason == "signal":
            summary["note"] = f"stopped by {self.stop_signal}; resume with --resume"
            self.history.summary = summary
            if self.is_main:
                self.history.write()
            self.say(
                f"stopped by {self.stop_signal} at step {self.step} ({self.tokens:,} tokens); checkpoint written to "
                f"{self.last_checkpoint}. Continue with: sae-pii train --config {self.out_dir / 'config.yaml'} "
                f"--out-dir {self.out_dir} --resume"
            )
            acc.wait_for_everyone()
            return TrainResult(self.out_dir, self.step, self.tokens, reason, summary, self.last_checkpoint, self.sae)

        final_eval = self._evaluate(val)
        summary.update({f"final_{k}": v for k, v in final_eval.items()})
        summary["final_dead_fraction"] = dead.dead_fraction()
        summary["best_val_fvu"] = early.best
        summary.update(self._savings(summary, rate))
        if cfg.eval_ce and self.is_main:
            summary.update(self._spliced_eval())
        self.history.summary = summary
        if self.is_main:
            final = self.sae.folded_copy()
            if final.cfg.architecture == "batchtopk" and self.threshold_ema is not None:
                final.cfg.threshold = self.threshold_ema
            final.cfg.extra = {
                "dataset": str(cfg.data.dataset),
                "trained_tokens": self.tokens,
                "val_fvu": final_eval["val_fvu"],
                "val_l0": final_eval["val_l0"],
                "dead_fraction": summary["final_dead_fraction"],
            }
            final.save_pt(self.out_dir / "sae_final.pt")
            final.save_pretrained(self.out_dir / "sae")
            self.history.write()
            from sae_pii.plots import plot_training_curves

            plot_training_curves(
                self.history.steps, self.out_dir / "training_curves.png",
                title=f"{cfg.model.name} layer {cfg.model.layer}: {final.cfg.architecture} SAE, "
                f"d_sae={final.cfg.d_sae}, k={final.cfg.k}",
            )
        if cfg.trackers:
            acc.end_training()
        acc.wait_for_everyone()
        self.say(_report(summary, self.out_dir))
        return TrainResult(self.out_dir, self.step, self.tokens, reason, summary, self.last_checkpoint, self.sae)

    def _spliced_eval(self) -> dict:
        from sae_pii.splice import evaluate_spliced

        cfg = self.cfg
        result = evaluate_spliced(self.sae, cfg.data, cfg.model.name, cfg.model.layer, cfg.eval_ce_documents,
                                  device=self.acc.device, dtype=cfg.model.dtype)
        if result is None:
            self.say(f"eval_ce: {cfg.model.name} is not a causal LM, no CE loss to recover")
            return {"final_ce_loss_recovered": None}
        self.say(f"spliced into {cfg.model.name}: CE {result['ce_clean']:.4f} clean, {result['ce_sae']:.4f} with "
                 f"the SAE, {result['ce_zero_ablation']:.4f} zero-ablated: "
                 f"{100 * result['ce_loss_recovered']:.1f}% of the CE loss recovered")
        return {f"final_{k}": v for k, v in result.items()}

    def _savings(self, summary: dict, rate: float) -> dict:
        """Tokens, time and money early stopping saved against the planned budget, from the
        throughput measured in this run."""
        saved_tokens = max(0, summary["planned_tokens"] - summary["trained_tokens"])
        out = {"tokens_saved": saved_tokens, "cost_per_hour_usd": self.cfg.cost_per_hour_usd}
        if rate > 0:
            out["est_time_saved_s"] = saved_tokens / rate
            out["est_cost_saved_usd"] = saved_tokens / rate / 3600 * self.cfg.cost_per_hour_usd
            out["est_cost_of_run_usd"] = summary["elapsed_s"] / 3600 * self.cfg.cost_per_hour_usd
        return out


def _report(s: dict, out_dir: Path) -> str:
    lines = [
        (f"done ({s['stopped_reason']}): {s['steps']} steps, {s['trained_tokens']:,} of {s['planned_tokens']:,} "
         f"planned tokens in {s['elapsed_s']:.0f} s ({s['measured_tokens_per_s']:,.0f} tokens/s), "
         f"peak RSS {s['peak_rss_mb']:.0f} MB"
         + (f", peak GPU memory {s['peak_gpu_memory_mb']:,.0f} MB" if "peak_gpu_memory_mb" in s else "")),
        (f"validation: FVU {s['final_val_fvu']:.4f}, L0 {s['final_val_l0']:.1f}, "
         f"dead latents {100 * s['final_dead_fraction']:.1f}% (over the token window), "
         f"never fired on validation {100 * s['final_val_never_fired_fraction']:.1f}%"),
    ]
    if s["stopped_reason"] == "early_stopping" and "est_time_saved_s" in s:
        lines.append(
            f"early stopping saved {s['tokens_saved']:,} tokens = {s['est_time_saved_s']:.0f} s at the measured "
            f"throughput = ${s['est_cost_saved_usd']:.2f} at ${s['cost_per_hour_usd']}/h"
        )
    lines.append(f"outputs in {out_dir}: sae_final.pt, sae/ (SAELens format), training_history.json, "
                 "training_curves.png, config.yaml, checkpoints/")
    return "\n".join(lines)


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, key + "."))
        else:
            out[key] = v if isinstance(v, (int, float, str, bool)) else json.dumps(v)
    return out


class _Sums:
    """Running sums of the per-micro-batch metrics between two log steps (kept on device: no sync)."""

    KEYS = ("loss", "fvu", "mse", "l0", "auxk_loss", "l1_loss")

    def __init__(self) -> None:
        self.sums = None
        self.n = 0

    def add(self, out) -> None:
        vals = torch.stack([getattr(out, k).detach().float() for k in self.KEYS])
        self.sums = vals if self.sums is None else self.sums.to(vals.device) + vals
        self.n += 1

    def state_dict(self) -> dict:
        # Kept in checkpoints so the first log row after a resume averages the same steps.
        return {"sums": None if self.sums is None else self.sums.cpu(), "n": self.n}

    def load_state_dict(self, d: dict) -> None:
        self.sums, self.n = d["sums"], int(d["n"])

    def pop_means(self) -> dict:
        if self.sums is None:
            return {}
        means = (self.sums / self.n).tolist()
        self.sums, self.n = None, 0
        return dict(zip(self.KEYS, means))


class _ProgressBar:
    """A rich progress bar with the latest metrics (main process only)."""

    def __init__(self, total: int, start: int):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("[bold]train"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            TextColumn("{task.fields[info]}"), transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task("train", total=total, completed=start, info="")

    def advance(self) -> None:
        self.progress.advance(self.task)

    def update(self, row: dict) -> None:
        info = (f"fvu {row['fvu']:.3f} l0 {row['l0']:.0f} dead {100 * row['dead_fraction']:.1f}% "
                f"{row['tokens_per_s']:,.0f} tok/s")
        if "val_fvu" in row:
            info += f" val_fvu {row['val_fvu']:.3f}"
        self.progress.update(self.task, completed=row["step"], info=info)

    def close(self) -> None:
        self.progress.stop()
