"""Example scenarios and their generators."""
