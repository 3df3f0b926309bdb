"""The rules, one class each, grouped by family; `ALL_RULES` is the registry."""

from redis_lint.rules.base import Fact, LocatedFact, ProjectRule, Rule, RuleContext, Violation
from redis_lint.rules.clients import ClientOutsideInjectionPoint
from redis_lint.rules.commands import AdminCommand, FlushCommand, KeysCommand, ScanCommand
from redis_lint.rules.keys import KeyCase, KeyNamespace, KeyShape
from redis_lint.rules.lifecycle import ClientNeverClosed, ClientPerCall, MissingHealthCheck
from redis_lint.rules.locks import LockConstantToken, LockUnsafeRelease, LockWithoutExpiry
from redis_lint.rules.pipelines import CommandInLoop, PipelineNotExecuted
from redis_lint.rules.resilience import UnguardedCall
from redis_lint.rules.security import HardcodedCredentials, PlaintextRemote
from redis_lint.rules.ttl import MissingTtl, TtlOverPolicy

ALL_RULES: tuple[Rule, ...] = (
    MissingTtl(),
    TtlOverPolicy(),
    KeyShape(),
    KeyCase(),
    KeyNamespace(),
    KeysCommand(),
    FlushCommand(),
    ScanCommand(),
    AdminCommand(),
    ClientOutsideInjectionPoint(),
    ClientPerCall(),
    LockWithoutExpiry(),
    LockUnsafeRelease(),
    LockConstantToken(),
    CommandInLoop(),
    PipelineNotExecuted(),
    HardcodedCredentials(),
    PlaintextRemote(),
    UnguardedCall(),
)

# Rules that need the whole project in one run (see ProjectRule).
PROJECT_RULES: tuple[ProjectRule, ...] = (ClientNeverClosed(), MissingHealthCheck())

__all__ = ["ALL_RULES", "PROJECT_RULES", "Fact", "LocatedFact", "ProjectRule", "Rule", "RuleContext", "Violation"]
