"""How the simulated orchestrator runs a card: its moves, their triggers, what follows.

The rules are shared: the demo data plays them out in the past, the simulator live.
Cards move only along the state machine's system transitions (workflow.py).
"""

from __future__ import annotations

import random
from typing import Any

from ringmaster_tui.sources.ringmaster import workflow as sm

# The trigger the orchestrator records for each system transition.
SYSTEM_TRIGGERS: dict[tuple[str, str], str] = {
    (sm.CODING, sm.CODE_REVIEW): "agent_completed",
    (sm.CODING, sm.ERROR_FIXING): "agent_failed",
    (sm.TESTING, sm.BUILD_QUEUE): "tests_passed",
    (sm.TESTING, sm.ERROR_FIXING): "tests_failed",
    (sm.BUILD_QUEUE, sm.BUILDING): "build_started",
    (sm.BUILDING, sm.BUILD_SUCCESS): "build_succeeded",
    (sm.BUILDING, sm.BUILD_FAILED): "build_failed",
    (sm.BUILD_SUCCESS, sm.DEPLOY_QUEUE): "deploy_queued",
    (sm.BUILD_FAILED, sm.ERROR_FIXING): "fix_started",
    (sm.BUILD_FAILED, sm.FAILED): "retries_exhausted",
    (sm.DEPLOY_QUEUE, sm.DEPLOYING): "deploy_started",
    (sm.DEPLOYING, sm.VERIFYING): "rollout_completed",
    (sm.DEPLOYING, sm.ERROR_FIXING): "rollout_failed",
    (sm.VERIFYING, sm.COMPLETED): "verification_passed",
    (sm.VERIFYING, sm.ERROR_FIXING): "verification_failed",
    (sm.ERROR_FIXING, sm.CODING): "fix_applied",
    (sm.ERROR_FIXING, sm.BUILD_QUEUE): "fix_applied",
    (sm.ERROR_FIXING, sm.DEPLOY_QUEUE): "fix_applied",
    (sm.ERROR_FIXING, sm.FAILED): "retries_exhausted",
}
# The person-made moves of the demo's history, by (from, to).
USER_TRIGGERS: dict[tuple[str, str], str] = {
    (from_state, trigger.to_state): trigger.trigger
    for trigger in sm.USER_TRIGGERS
    for from_state in trigger.from_states
}
SIMULATOR_ACTOR: dict[str, Any] = {"by": "simulator"}
# Who recorded the demo's system moves: the orchestrator that made them.
ORCHESTRATOR_ACTOR: dict[str, Any] = {"by": "ringmaster"}

# States the orchestrator advances on its own without an agent: tests, build, deploy.
PIPELINE_STATES: tuple[str, ...] = (
    sm.TESTING,
    sm.BUILD_QUEUE,
    sm.BUILDING,
    sm.BUILD_SUCCESS,
    sm.BUILD_FAILED,
    sm.DEPLOY_QUEUE,
    sm.DEPLOYING,
    sm.VERIFYING,
)
# How likely each pipeline step fails.
PIPELINE_FAILURE = {sm.TESTING: 0.2, sm.BUILDING: 0.2, sm.DEPLOYING: 0.12, sm.VERIFYING: 0.12}
# Failures that file an error row, and its category.
FAILURE_CATEGORY: dict[tuple[str, str], str] = {
    (sm.TESTING, sm.ERROR_FIXING): "test",
    (sm.BUILDING, sm.BUILD_FAILED): "build",
    (sm.DEPLOYING, sm.ERROR_FIXING): "deploy",
    (sm.VERIFYING, sm.ERROR_FIXING): "runtime",
}
# An agent's own failures, by category, weighted.
AGENT_FAILURES = ("test", "test", "test", "build", "runtime", "other")
# A finished coding attempt sends the card to review this often; else the loop goes on.
REVIEW_AFTER_SUCCESS = 0.5
# The agent opens a pull request this often when it sends a card to review.
OPENS_PULL_REQUEST = 0.75


def system_trigger(from_state: str, to_state: str) -> str:
    """The trigger of a system transition; ValueError for any other move."""
    if not sm.is_system_transition(from_state, to_state):
        raise ValueError(f"{from_state} -> {to_state} is not a system transition")
    return SYSTEM_TRIGGERS[(from_state, to_state)]


def pipeline_step(rnd: random.Random, state: str, error_count: int, max_retries: int) -> str:
    """Where a card in a pipeline state goes next."""
    if state == sm.BUILD_FAILED:
        return sm.FAILED if error_count >= max_retries else sm.ERROR_FIXING
    happy, *failure = sm.SYSTEM_TRANSITIONS[state]
    if failure and rnd.random() < PIPELINE_FAILURE.get(state, 0.0):
        return failure[0]
    return happy


def fix_target(came_from: str | None) -> str:
    """Where a card goes once its error is fixed: back to the stage that failed."""
    if came_from == sm.BUILD_FAILED:
        return sm.BUILD_QUEUE
    if came_from in (sm.DEPLOYING, sm.VERIFYING):
        return sm.DEPLOY_QUEUE
    return sm.CODING


def new_deployment(rnd: random.Random, project: str, at: str) -> dict[str, Any]:
    """The deployments row a card gets when its build starts."""
    return {
        "build_id": f"bld-{rnd.randint(10_000, 99_999)}",
        "workflow_run_id": rnd.randint(6_000_000_000, 6_999_999_999),
        "workflow_status": "in_progress",
        "argocd_app_name": f"{project}-prod",
        "namespace": project,
        "deployment_name": project,
        "replicas_desired": rnd.choice((2, 3, 4)),
        "replicas_ready": 0,
        "build_started_at": at,
        "created_at": at,
        "updated_at": at,
    }


def deployment_update(
    rnd: random.Random, from_state: str, to_state: str, at: str, replicas: int
) -> dict[str, Any] | None:
    """How the card's latest deployment changes on a move, or None if it does not."""
    if to_state == sm.ERROR_FIXING and from_state not in (sm.DEPLOYING, sm.VERIFYING):
        return None
    changes: dict[str, dict[str, Any]] = {
        sm.BUILD_SUCCESS: {
            "workflow_status": "completed",
            "workflow_conclusion": "success",
            "image_tag": f"v1.{rnd.randint(0, 60)}.{rnd.randint(0, 20)}",
            "image_digest": f"sha256:{rnd.getrandbits(256):064x}",
            "build_completed_at": at,
        },
        sm.BUILD_FAILED: {
            "workflow_status": "completed",
            "workflow_conclusion": "failure",
            "build_completed_at": at,
        },
        sm.DEPLOYING: {
            "argocd_sync_status": "OutOfSync",
            "argocd_health_status": "Progressing",
            "argocd_revision": rnd.randint(100, 999),
            "replicas_ready": rnd.randint(0, replicas - 1),
            "deploy_started_at": at,
        },
        sm.VERIFYING: {
            "argocd_sync_status": "Synced",
            "argocd_health_status": "Healthy",
            "replicas_ready": replicas,
        },
        sm.COMPLETED: {"deploy_completed_at": at},
        sm.ERROR_FIXING: {"argocd_health_status": "Degraded"},
    }
    update = changes.get(to_state)
    return None if update is None else {**update, "updated_at": at}
