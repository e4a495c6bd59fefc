"""Istio as `istioctl install --set profile=demo -y` installs it, and its sidecar injection."""
