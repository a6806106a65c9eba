"""Tests of the example scenarios and their generators."""
