"""Render jobs: request records, approval gates, promptPlan compiler, runner, manifests, trace."""
