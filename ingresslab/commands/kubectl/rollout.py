"""`kubectl rollout status|history|undo|restart|pause|resume` for Deployments, as kubectl v1.31 prints them
(pkg/cmd/rollout and polymorphichelpers: history from the ReplicaSets' revisions, undo copies one's template)."""

from __future__ import annotations

import copy

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, kind_group, resolve_type
from ingresslab.commands.kubectl.flags import Flag
from ingresslab.commands.kubectl.imperative import dry_run, parse, usage
from ingresslab.commands.kubectl.setcmd import merge_patch_between
from ingresslab.commands.result import CommandResult
from ingresslab.kube import printers

__all__ = ["rollout"]

_REVISION = "deployment.kubernetes.io/revision"
_CHANGE_CAUSE = "kubernetes.io/change-cause"
_SUBCOMMANDS = ("history", "pause", "restart", "resume", "status", "undo")


def _target(ctx: KubectlContext, sub: str, args: list[str]):
    if not args:
        raise usage(f"rollout {sub}", "required resource not specified")
    if "/" in args[0]:
        kind, _, name = args[0].partition("/")
    elif len(args) >= 2:
        kind, name = args[0], args[1]
    else:
        raise usage(f"rollout {sub}", "required resource not specified")
    return resolve_type(kind, ctx), name


def _owned_replicasets(ctx: KubectlContext, deploy: dict) -> list[dict]:
    uid = deploy["metadata"].get("uid")
    return [
        rs
        for rs in ctx.backend.list("replicasets.apps", deploy["metadata"]["namespace"])
        if any(
            ref.get("uid") == uid and ref.get("controller")
            for ref in rs["metadata"].get("ownerReferences") or []
        )
    ]


def _revision(obj: dict) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(_REVISION, "0"))
    except ValueError:
        return 0


def _without_hash(template: dict) -> dict:
    template = copy.deepcopy(template)
    labels = template.get("metadata", {}).get("labels") or {}
    labels.pop("pod-template-hash", None)
    return template


def rollout(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    if not argv or argv[0].startswith("-"):
        raise KubectlError(
            "error: Manage the rollout of one or many resources.\nSee 'kubectl rollout -h' for help and examples"
        )
    sub, argv = argv[0], argv[1:]
    if sub not in _SUBCOMMANDS:
        raise KubectlError(f'error: unknown command "{sub}" for "kubectl rollout"')
    common = [
        Flag("namespace", "n"),
        Flag("context"),
        Flag("selector", "l"),
        Flag("filename", "f", repeat=True),
        Flag("recursive", "R", value=False),
        Flag("kustomize", "k"),
    ]
    printing = [Flag("output", "o"), Flag("show-managed-fields", value=False), Flag("template")]
    extra = {
        "status": [Flag("revision"), Flag("timeout"), Flag("watch", "w", value=False)],
        "history": [*printing, Flag("revision")],
        "undo": [*printing, Flag("dry-run"), Flag("to-revision")],
    }.get(sub, [*printing, Flag("field-manager")])
    p = parse(argv, [*common, *extra], f"rollout {sub}")
    p.args.insert(0, sub)
    rtype, name = _target(ctx, sub, p.args[1:])
    namespace = ctx.namespace(p.get("namespace"))
    obj = ctx.backend.get(rtype.key, name, namespace)
    ref = f"{kind_group(rtype)}/{name}"
    if rtype.kind != "Deployment":
        if sub == "status":
            return _status(obj, rtype, name)
        raise fail(f"no {sub} support for {rtype.kind} in the sandbox; it rolls Deployments")
    mode = dry_run(p)
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    spec = obj.get("spec") or {}
    if sub == "status":
        return _status(obj, rtype, name)
    if sub == "history":
        return _history(ctx, obj, ref, p.get("revision"))
    if sub == "pause":
        if spec.get("paused"):
            raise fail(f'{rtype.qualified_plural} "{name}" is already paused')
        if mode == "none":
            ctx.backend.patch(rtype.key, name, {"spec": {"paused": True}}, namespace)
        return CommandResult(f"{ref} paused{suffix}\n")
    if sub == "resume":
        if not spec.get("paused"):
            raise fail(f'{rtype.qualified_plural} "{name}" is not paused')
        if mode == "none":
            ctx.backend.patch(rtype.key, name, {"spec": {"paused": None}}, namespace)
        return CommandResult(f"{ref} resumed{suffix}\n")
    if sub == "restart":
        if spec.get("paused"):
            raise fail(
                f'{rtype.qualified_plural} "{name}" can\'t restart paused deployment (run rollout resume first)'
            )
        stamp = ctx.now().astimezone().isoformat(timespec="seconds").replace("+00:00", "Z")
        if mode == "none":
            ctx.backend.patch(
                rtype.key,
                name,
                {
                    "spec": {
                        "template": {
                            "metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}
                        }
                    }
                },
                namespace,
            )
        return CommandResult(f"{ref} restarted{suffix}\n")
    return _undo(ctx, obj, rtype, name, namespace, p.get("to-revision"), mode, str(p.get("output") or ""))


def _status(obj: dict, rtype, name: str) -> CommandResult:
    """polymorphichelpers.DeploymentStatusViewer's lines, the last one when the rollout is complete."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if rtype.kind != "Deployment":
        want = spec.get("replicas", 1)
        if status.get("readyReplicas", 0) >= want:
            return CommandResult(f'{rtype.singular} "{name}" successfully rolled out\n')
        raise fail(f"no status viewer has been implemented for {rtype.kind}")
    want = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    replicas = status.get("replicas", 0)
    available = status.get("availableReplicas", 0)
    lines = []
    if obj["metadata"].get("generation", 1) <= status.get("observedGeneration", 0):
        progressing = next((c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), {})
        if progressing.get("reason") == "ProgressDeadlineExceeded":
            raise fail(f'deployment "{name}" exceeded its progress deadline')
        if updated < want:
            lines.append(
                f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas have been updated...'
            )
        elif replicas > updated:
            lines.append(
                f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} old replicas are pending termination...'
            )
        elif available < updated:
            lines.append(
                f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas are available...'
            )
        else:
            return CommandResult(f'deployment "{name}" successfully rolled out\n')
    else:
        lines.append("Waiting for deployment spec update to be observed...")
    return CommandResult(
        "".join(f"{line}\n" for line in lines), "error: timed out waiting for the condition\n", 1
    )


def _history(ctx: KubectlContext, deploy: dict, ref: str, revision: object) -> CommandResult:
    sets = _owned_replicasets(ctx, deploy)
    by_revision = {_revision(rs): rs for rs in sets if _revision(rs) > 0}
    if revision is not None and str(revision) not in ("", "0"):
        try:
            wanted = int(str(revision))
        except ValueError:
            raise fail(
                f'invalid argument "{revision}" for "--revision" flag: strconv.ParseInt: parsing "{revision}": invalid syntax'
            ) from None
        if wanted not in by_revision:
            raise fail("unable to find the specified revision")
        raise fail(
            "--revision is not available in the sandbox; use kubectl get rs -o yaml to see a revision's template"
        )
    rows = [["REVISION", "CHANGE-CAUSE"]]  # tabbedString: a tabwriter with padding 2
    current = _revision(deploy)
    for number in sorted(by_revision):
        cause = (by_revision[number]["metadata"].get("annotations") or {}).get(_CHANGE_CAUSE)
        if not cause and number == current:
            cause = (deploy["metadata"].get("annotations") or {}).get(_CHANGE_CAUSE)
        rows.append([str(number), cause or "<none>"])
    table = printers.tabwrite("".join("\t".join(row) + "\n" for row in rows), padding=2)
    return CommandResult(f"{ref} \n" + table + "\n")


def _undo(ctx, deploy: dict, rtype, name: str, namespace: str, to_revision: object, mode: str, output: str):
    sets = _owned_replicasets(ctx, deploy)
    by_revision = {_revision(rs): rs for rs in sets}
    try:
        wanted = int(str(to_revision)) if to_revision is not None else 0
    except ValueError:
        raise fail(
            f'invalid argument "{to_revision}" for "--to-revision" flag: strconv.ParseInt: parsing "{to_revision}": invalid syntax'
        ) from None
    if wanted:
        target = by_revision.get(wanted)
        if target is None:
            raise fail(f"unable to find specified revision {wanted} in history")
    else:
        previous = sorted(r for r in by_revision if r > 0)
        if len(previous) < 2:
            raise fail(f'no rollout history found for deployment "{name}"')
        target = by_revision[previous[-2]]
    if deploy["spec"].get("paused"):  # checked once the revision is found, as kubectl's rollbacker does
        raise fail(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
        )
    ref = f"{kind_group(rtype)}/{name}"
    template = _without_hash(target["spec"]["template"])
    if template == deploy["spec"].get("template"):
        return CommandResult(
            f"{ref} skipped rollback (current template already matches revision {_revision(target)})\n"
        )
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    if mode == "none":
        _bump_revision(ctx, target, max(by_revision) + 1, namespace)
        ctx.backend.patch(
            rtype.key,
            name,
            {"spec": {"template": merge_patch_between(deploy["spec"]["template"], template)}},
            namespace,
        )
    elif output in ("yaml", "json"):
        changed = copy.deepcopy(deploy)
        changed["spec"]["template"] = template
        return CommandResult(
            printers.print_yaml(changed) if output == "yaml" else printers.print_json(changed)
        )
    return CommandResult(f"{ref} rolled back{suffix}\n")


def _bump_revision(ctx: KubectlContext, rs: dict, revision: int, namespace: str) -> None:
    """The deployment controller gives the ReplicaSet it rolls back to the next revision (keeping the old one in
    revision-history); the sandbox's controller keeps revisions as they were made, so the bump is made here."""
    from ingresslab.backends.sandbox import SandboxBackend

    if not isinstance(ctx.backend, SandboxBackend):
        return
    annotations = rs["metadata"].get("annotations") or {}
    history = [h for h in annotations.get("deployment.kubernetes.io/revision-history", "").split(",") if h]
    history.append(annotations.get(_REVISION, ""))
    ctx.backend.patch(
        "replicasets.apps",
        rs["metadata"]["name"],
        {
            "metadata": {
                "annotations": {
                    _REVISION: str(revision),
                    "deployment.kubernetes.io/revision-history": ",".join(history),
                }
            }
        },
        namespace,
    )
